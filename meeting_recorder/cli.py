"""Command line: ``meeting-recorder`` (no arguments opens the window) and its subcommands."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from typing import Any
from collections.abc import Iterator, Sequence
from pathlib import Path

from meeting_recorder.core.errors import Cancelled, MeetingRecorderError, ModelError
from meeting_recorder.core.export import FORMATS, parse_formats
from meeting_recorder.core.language_choice import AUTO_MODEL, ENGLISH_MODEL, MULTILINGUAL_MODEL
from meeting_recorder.core.models import EMBEDDED_MODELS
from meeting_recorder.core.privacy import configure_network

EXIT_FILE_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    network = argparse.ArgumentParser(add_help=False)
    network.add_argument(
        "--allow-download",
        action="store_true",
        help="allow fetching models that are not embedded from the Hugging Face Hub (off by default)",
    )
    parser = argparse.ArgumentParser(
        prog="meeting-recorder",
        description="Offline meeting recorder and transcriber. Without a command, opens the window.",
        parents=[network],
    )
    commands = parser.add_subparsers(dest="command")
    transcribe = commands.add_parser(
        "transcribe", parents=[network], help="transcribe audio/video files and export the transcripts"
    )
    transcribe.add_argument("files", nargs="+", metavar="FILE")
    transcribe.add_argument(
        "--model",
        default=AUTO_MODEL,
        help=f"auto | {' | '.join(EMBEDDED_MODELS)} | PATH to a CTranslate2 model folder (default auto: "
        f"{ENGLISH_MODEL} for English, {MULTILINGUAL_MODEL} otherwise; with --language auto the language "
        "of each file is identified first)",
    )
    transcribe.add_argument("--language", default="auto", help="auto (default), en, ko, …")
    transcribe.add_argument(
        "--glossary", type=Path, metavar="FILE",
        help="names and terms to spell as written, one a line (UTF-8; # comments); added before the "
        "global glossary of Settings",
    )
    transcribe.add_argument("--format", default="txt,srt,vtt,json,md", help=f"comma list of {','.join(FORMATS)}")
    transcribe.add_argument("--out", default=".", type=Path, help="output folder (default: current folder)")
    transcribe.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    transcribe.add_argument(
        "--speakers", default="auto", metavar="auto|off|N",
        help="label speakers: auto (default, the count is guessed), off, or the exact number of speakers",
    )
    transcribe.add_argument("--min-speakers", type=int, default=None, metavar="N", help="at least N speakers (with auto)")
    transcribe.add_argument("--max-speakers", type=int, default=None, metavar="N", help="at most N speakers (with auto)")
    from meeting_recorder.cli_record import add_commands

    add_commands(commands, network)
    from meeting_recorder import cli_speakers

    cli_speakers.add_commands(commands, network)
    from meeting_recorder import cli_models

    cli_models.add_commands(commands)
    from meeting_recorder import cli_library

    cli_library.add_commands(commands)
    return parser


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def _warn(event) -> None:
    """A problem the job goes on past (e.g. a corrupt profiles file set aside)."""
    from meeting_recorder.messages import render

    print(f"warning: {render(event)}", file=sys.stderr, flush=True)


def _speaker_request(args: argparse.Namespace):
    """The --speakers/--min-speakers/--max-speakers choice (None: off). ValueError if invalid."""
    from dataclasses import replace

    from meeting_recorder.core.speakers.profiles import enrolled_profiles
    from meeting_recorder.core.transcribe_job import SpeakerRequest, parse_speaker_count

    options = parse_speaker_count(args.speakers)
    if options is None:
        if args.min_speakers or args.max_speakers:
            raise ValueError("--min-speakers/--max-speakers need --speakers auto")
        return None
    for name, value in (("--min-speakers", args.min_speakers), ("--max-speakers", args.max_speakers)):
        if value is not None and not 1 <= value <= 20:
            raise ValueError(f"{name} takes a number from 1 to 20, not {value}")
    if args.min_speakers and args.max_speakers and args.min_speakers > args.max_speakers:
        raise ValueError("--min-speakers is larger than --max-speakers")
    if options.num_speakers is None:
        options = replace(options, min_speakers=args.min_speakers, max_speakers=args.max_speakers)
    return SpeakerRequest(options=options, profiles=enrolled_profiles(_warn))


def _detect_choice(path: str, detector: list[Any], models: contextlib.ExitStack, device: str) -> Any:
    """The model for ``path`` once its language is identified (the detector stays loaded for
    the next file)."""
    from meeting_recorder.core.audio import probe
    from meeting_recorder.core.language_choice import after_detection
    from meeting_recorder.core.worker import make_language_detector

    probe(path)  # a bad file fails with its own reason, not the detector's
    if not detector:
        detector.append(models.enter_context(make_language_detector(device=device)))
    return after_detection(*detector[0].detect_file(path))


def _glossary(path: Path | None) -> list[str]:
    """This meeting's terms first, then the global glossary's."""
    from meeting_recorder.core import glossary

    return glossary.merge(glossary.load(path) if path is not None else [], glossary.global_terms())


def _info(event) -> None:
    from meeting_recorder.messages import render

    print(f"note: {render(event)}", file=sys.stderr, flush=True)


def _transcribe_one(engine, diarizer, path: str, options, speakers, formats: list[str], out_dir: Path) -> list[Path]:
    from tqdm import tqdm

    from meeting_recorder.core.audio import probe
    from meeting_recorder.core.export import export
    from meeting_recorder.core.transcribe_job import exportable, output_stem, transcribe_with_speakers

    probe(path)  # a bad file fails with its one-line reason before a progress bar appears
    cancel = threading.Event()
    with tqdm(total=100, desc=Path(path).name, unit="%", file=sys.stderr, leave=True,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:

        def on_progress(progress) -> None:
            if progress.fraction is not None:
                bar.update(progress.fraction * 100 - bar.n)

        with _ctrl_c_cancels(cancel):
            transcript = transcribe_with_speakers(
                engine, diarizer, path, options, speakers, progress=on_progress, cancel=cancel
            )
    return export(exportable(transcript), out_dir, formats, stem=output_stem(path))


@contextlib.contextmanager
def _ctrl_c_cancels(cancel: threading.Event) -> Iterator[None]:
    """Ctrl+C sets ``cancel`` instead of raising wherever the main thread happens to be:
    the job's two threads (Whisper, diarization) then stop together and it raises Cancelled."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_transcribe(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from meeting_recorder.core.engine import TranscribeOptions, supported_languages
    from meeting_recorder.core.language_choice import as_event, model_for
    from meeting_recorder.core.worker import make_diarizer, make_engine

    try:
        formats = parse_formats(args.format)
    except ValueError as error:
        _error(str(error))
        return EXIT_USAGE
    if args.language != "auto" and args.language not in supported_languages():
        _error(f"unknown language '{args.language}' (use auto, en, ko, …)")
        return EXIT_USAGE
    try:
        speakers = _speaker_request(args)
    except ValueError as error:
        _error(str(error))
        return EXIT_USAGE
    except MeetingRecorderError as error:  # e.g. an unreadable speaker profile file
        _error(str(error))
        return EXIT_USAGE
    try:
        terms = _glossary(args.glossary)
    except MeetingRecorderError as error:
        _error(str(error))
        return EXIT_USAGE
    options = TranscribeOptions(language=args.language, glossary=tuple(terms))
    failures = 0
    choice = model_for(args.model, args.language)  # None: identify each file's language first
    with contextlib.ExitStack() as models:
        engines: dict[str, Any] = {}

        def engine_for(name: str) -> Any:
            if name not in engines:
                engine = models.enter_context(make_engine(name, device=args.device, allow_download=args.allow_download))
                engine.load()
                engines[name] = engine
            return engines[name]

        detector: list[Any] = []  # made on first need
        diarizer = models.enter_context(make_diarizer()) if speakers is not None else None
        try:
            if choice is not None:
                engine_for(choice.model)
            if diarizer is not None:
                diarizer.load()
        except ModelError as error:
            _error(str(error))
            return EXIT_USAGE
        except MeetingRecorderError as error:  # e.g. the worker process could not be started
            _error(str(error))
            return EXIT_FILE_ERRORS
        for path in args.files:
            try:
                file_choice = choice or _detect_choice(path, detector, models, args.device)
                if choice is None or args.model == AUTO_MODEL:
                    _info(as_event(path, file_choice))
                engine = engine_for(file_choice.model)
                file_options = replace(options, language=file_choice.language)
                for written in _transcribe_one(engine, diarizer, path, file_options, speakers, formats, args.out):
                    print(written, flush=True)
            except Cancelled:  # Ctrl+C: main() says so and exits 130
                raise
            except ModelError as error:  # e.g. an English-only model asked for Korean
                _error(str(error))
                return EXIT_USAGE
            except MeetingRecorderError as error:
                _error(str(error))
                failures += 1
            except OSError as error:  # e.g. the output folder is not writable
                _error(f"{path}: could not write the transcript ({error.strerror or error})")
                failures += 1
    if failures:
        _error(f"{failures} of {len(args.files)} file(s) failed")
    return EXIT_FILE_ERRORS if failures else 0


def _display_available() -> bool:
    """Qt aborts the process without a display; say so in one line instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb", "wayland"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_network(True if args.allow_download else None)
    try:
        if args.command == "transcribe":
            return run_transcribe(args)
        if args.command in ("devices", "record", "recover"):
            from meeting_recorder import cli_record

            return getattr(cli_record, f"run_{args.command}")(args)
        if args.command == "speakers":
            from meeting_recorder.cli_speakers import run_speakers

            return run_speakers(args)
        if args.command == "models":
            from meeting_recorder.cli_models import run_models

            return run_models(args)
        if args.command == "library":
            from meeting_recorder.cli_library import run_library

            return run_library(args)
        if not _display_available():
            _error("no display found (DISPLAY/WAYLAND_DISPLAY unset); run it in a desktop session, "
                   "or use 'meeting-recorder transcribe FILE…' in a terminal")
            return EXIT_USAGE
        from meeting_recorder.ui.app import run_app

        return run_app()
    except (KeyboardInterrupt, Cancelled):
        _error("interrupted; no partial output was written")
        return EXIT_INTERRUPTED
