"""Command line: ``meeting-recorder`` (no arguments opens the window) and its subcommands."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from meeting_recorder.core.errors import Cancelled, MeetingRecorderError, ModelError
from meeting_recorder.core.export import FORMATS, parse_formats
from meeting_recorder.core.models import DEFAULT_MODEL, EMBEDDED_MODELS
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
        default=DEFAULT_MODEL,
        help=f"{' | '.join(EMBEDDED_MODELS)} | PATH to a CTranslate2 model folder (default {DEFAULT_MODEL})",
    )
    transcribe.add_argument("--language", default="auto", help="auto (default), en, ko, …")
    transcribe.add_argument("--format", default="txt,srt,vtt,json,md", help=f"comma list of {','.join(FORMATS)}")
    transcribe.add_argument("--out", default=".", type=Path, help="output folder (default: current folder)")
    transcribe.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    from meeting_recorder.cli_record import add_commands

    add_commands(commands, network)
    from meeting_recorder import cli_speakers

    cli_speakers.add_commands(commands, network)
    return parser


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def _transcribe_one(engine, path: str, options, formats: list[str], out_dir: Path) -> list[Path]:
    from tqdm import tqdm

    from meeting_recorder.core.audio import probe
    from meeting_recorder.core.export import export

    probe(path)  # a bad file fails with its one-line reason before a progress bar appears
    cancel = threading.Event()
    with tqdm(total=100, desc=Path(path).name, unit="%", file=sys.stderr, leave=True,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:

        def on_progress(progress) -> None:
            if progress.fraction is not None:
                bar.update(progress.fraction * 100 - bar.n)

        transcript = engine.transcribe_file(path, options, progress=on_progress, cancel=cancel)
    return export(transcript, out_dir, formats)


def run_transcribe(args: argparse.Namespace) -> int:
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine, supported_languages

    try:
        formats = parse_formats(args.format)
    except ValueError as error:
        _error(str(error))
        return EXIT_USAGE
    if args.language != "auto" and args.language not in supported_languages():
        _error(f"unknown language '{args.language}' (use auto, en, ko, …)")
        return EXIT_USAGE
    options = TranscribeOptions(language=args.language)
    failures = 0
    with TranscriptionEngine(args.model, device=args.device, allow_download=args.allow_download) as engine:
        try:
            engine.load()
        except ModelError as error:
            _error(str(error))
            return EXIT_USAGE
        for path in args.files:
            try:
                for written in _transcribe_one(engine, path, options, formats, args.out):
                    print(written, flush=True)
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
        if not _display_available():
            _error("no display found (DISPLAY/WAYLAND_DISPLAY unset); run it in a desktop session, "
                   "or use 'meeting-recorder transcribe FILE…' in a terminal")
            return EXIT_USAGE
        from meeting_recorder.ui.app import run_app

        return run_app()
    except (KeyboardInterrupt, Cancelled):
        _error("interrupted; no partial output was written")
        return EXIT_INTERRUPTED
