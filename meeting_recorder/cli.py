"""Command line: ``meeting-recorder`` (no arguments opens the window) and its subcommands."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading
from typing import Any
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from meeting_recorder.core.errors import Cancelled, MeetingRecorderError, ModelError
from meeting_recorder.core.export import FORMATS, parse_formats
from meeting_recorder.core.language_choice import AUTO_MODEL, ENGLISH_MODEL, MULTILINGUAL_MODEL
from meeting_recorder.core.models import EMBEDDED_MODELS
from meeting_recorder.core.privacy import configure_network

EXIT_FILE_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
WINDOW_FLAGS = ("--new-instance", "--allow-download")  # options that may come before files to open
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


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
        epilog="meeting-recorder FILE… opens the window with the files in its Files queue (a file manager's "
        "\"Open with\"); when the app runs already, its window gets them.",
        parents=[network],
    )
    parser.add_argument(
        "--new-instance", action="store_true",
        help="open a window of its own instead of handing the files to the running one",
    )
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop", action="store_true",
        help="add the launcher, icon and file associations to this user's desktop menu",
    )
    desktop.add_argument(
        "--uninstall-desktop", action="store_true", help="remove what --install-desktop added",
    )
    commands = parser.add_subparsers(dest="command")
    transcribe = commands.add_parser(
        "transcribe", parents=[network], help="transcribe audio/video files and export the transcripts"
    )
    transcribe.add_argument("files", nargs="+", metavar="FILE", help="audio/video files, or folders of them")
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
    from meeting_recorder import cli_cluster

    cli_cluster.add_arguments(transcribe)  # --cluster ADDRESS, --workers N (issue 17)
    from meeting_recorder.cli_record import add_commands

    add_commands(commands, network)
    from meeting_recorder import cli_speakers

    cli_speakers.add_commands(commands, network)
    from meeting_recorder import cli_models

    cli_models.add_commands(commands)
    from meeting_recorder import cli_library

    cli_library.add_commands(commands)
    return parser


@dataclass(frozen=True)
class WindowLaunch:
    """``meeting-recorder FILE…`` (a file manager's "Open with"): the window with these files."""

    files: tuple[str, ...]
    new_instance: bool = False
    allow_download: bool = False


def subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def local_path(argument: str, cwd: str) -> str:
    """A file argument as an absolute path. A file:// URI (some desktops pass those) becomes
    its path; another URI stays as it is (the window says it cannot open it)."""
    if URI.match(argument):
        url = urlsplit(argument)
        if url.scheme.lower() == "file" and url.netloc in ("", "localhost"):
            return unquote(url.path)
        return argument
    return os.path.join(cwd, os.path.expanduser(argument))


def _looks_like_a_command(argument: str) -> bool:
    """A word that is no file here and no path: a mistyped command, for argparse to explain."""
    return not os.path.lexists(argument) and not URI.match(argument) and not any(c in argument for c in "/.\\")


def window_launch(argv: Sequence[str], commands: set[str], cwd: str | None = None) -> WindowLaunch | None:
    """The files to open when ``argv`` is a file launch; None when it is the command line (a
    command or an option first, or nothing to open). The options of WINDOW_FLAGS may come
    first; after ``--`` everything is a file."""
    flags = set()
    rest = list(argv)
    while rest and rest[0] in WINDOW_FLAGS:
        flags.add(rest.pop(0))
    if rest and rest[0] == "--":
        rest.pop(0)
    elif not rest or rest[0] in commands or rest[0].startswith("-") or _looks_like_a_command(rest[0]):
        return None
    if not rest:
        return None
    cwd = cwd or os.getcwd()
    return WindowLaunch(tuple(local_path(a, cwd) for a in rest), "--new-instance" in flags, "--allow-download" in flags)


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


def _transcribe_request(args: argparse.Namespace) -> tuple[list[str], Any, list[str]]:
    """What ``transcribe`` asks for, local or on a cluster: (formats, speakers, glossary terms).
    ValueError for a bad flag, MeetingRecorderError for an unreadable profile or glossary file."""
    from meeting_recorder.core.engine import supported_languages

    formats = parse_formats(args.format)
    if args.language != "auto" and args.language not in supported_languages():
        raise ValueError(f"unknown language '{args.language}' (use auto, en, ko, …)")
    return formats, _speaker_request(args), _glossary(args.glossary)


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

    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.language_choice import as_event, model_for
    from meeting_recorder.core.worker import make_diarizer, make_engine

    try:
        formats, speakers, terms = _transcribe_request(args)
    except (ValueError, MeetingRecorderError) as error:  # a bad flag; an unreadable profile or glossary file
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


def expand_folders(arguments: Sequence[str]) -> list[str]:
    """Each folder among ``arguments`` as its audio/video files (sorted; a call's track files
    are left out: its mix is transcribed from them); files stay as they are, and so does a
    folder without any (the job then says it is a folder, as for any input it cannot read)."""
    from meeting_recorder.core.call_tracks import call_base
    from meeting_recorder.core.library_scan import AUDIO_SUFFIXES

    files: list[str] = []
    for argument in arguments:
        if not os.path.isdir(argument):
            files.append(argument)
            continue
        try:
            found = sorted(entry.path for entry in os.scandir(argument) if entry.is_file()
                           and entry.name.lower().endswith(AUDIO_SUFFIXES) and call_base(Path(entry.path)) is None)
        except OSError:  # unreadable: the job names the problem
            found = []
        files.extend(found or [argument])
    return files


def _display_available() -> bool:
    """Qt aborts the process without a display; say so in one line instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb", "wayland"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_desktop_install(uninstall: bool) -> int:
    """--install-desktop / --uninstall-desktop: the XDG launcher, icons and associations."""
    try:
        from meeting_recorder import desktop_install
    except ImportError as error:
        _error(f"desktop integration is not available in this build ({error})")
        return EXIT_FILE_ERRORS
    try:
        paths = desktop_install.uninstall() if uninstall else desktop_install.install()
    except OSError as error:
        _error(f"could not {'uninstall' if uninstall else 'install'} the launcher: {error}")
        return EXIT_FILE_ERRORS
    for path in paths:
        print(path, flush=True)
    return 0


def run_window(files: Sequence[str] = (), new_instance: bool = False) -> int:
    if not _display_available():
        _error("no display found (DISPLAY/WAYLAND_DISPLAY unset); run it in a desktop session, "
               "or use 'meeting-recorder transcribe FILE…' in a terminal")
        return EXIT_USAGE
    from meeting_recorder.ui.app import run_app

    return run_app(files=files, new_instance=new_instance)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    launch = window_launch(argv, subcommand_names(parser))
    if launch is not None:  # "Open with Meeting Recorder": meeting-recorder FILE…
        configure_network(True if launch.allow_download else None)
        try:
            return run_window(launch.files, launch.new_instance)
        except KeyboardInterrupt:
            _error("interrupted")
            return EXIT_INTERRUPTED
    args = parser.parse_args(argv)
    configure_network(True if args.allow_download else None)
    try:
        if args.install_desktop or args.uninstall_desktop:
            return run_desktop_install(uninstall=args.uninstall_desktop)
        if args.command == "transcribe":
            args.files = expand_folders(args.files)
            if args.cluster is not None:
                from meeting_recorder.cli_cluster import run_cluster_transcribe

                return run_cluster_transcribe(args)
            if args.workers is not None:
                _error("--workers needs --cluster")
                return EXIT_USAGE
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
        return run_window(new_instance=args.new_instance)
    except (KeyboardInterrupt, Cancelled):
        _error("interrupted; no partial output was written")
        return EXIT_INTERRUPTED
