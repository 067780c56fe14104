"""``meeting-recorder devices | record | recover``: the live engine from a terminal."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path

from meeting_recorder.core.clock import format_clock
from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.export import FORMATS, parse_formats
from meeting_recorder.core.models import DEFAULT_MODEL, EMBEDDED_MODELS
from meeting_recorder.core.paths import recordings_dir


def add_commands(commands: argparse._SubParsersAction, network: argparse.ArgumentParser) -> None:
    commands.add_parser("devices", help="list audio input devices and system audio (monitor/loopback) sources")
    record = commands.add_parser("record", parents=[network], help="record and transcribe live")
    record.add_argument("--device", help="input device name (or part of it) or index; default: system default")
    record.add_argument("--source", choices=["auto", "mic", "system", "both"], default="auto",
                        help="mic, system (what the speakers play: the other side of a call), or both on "
                             "two tracks; auto (default): both when system audio can be captured")
    record.add_argument("--system-device", metavar="NAME",
                        help="system audio source (monitor/loopback; see `devices`); default: the default output's")
    record.add_argument("--me", default="You", metavar="NAME",
                        help="the name of the microphone's speaker when recording both (default: You)")
    record.add_argument("--echo-suppression", choices=["on", "off"], default="on",
                        help="both: drop what the microphone hears of the speakers (default on)")
    record.add_argument("--from-file", type=Path, metavar="PATH", help="play a file as if it were live")
    record.add_argument("--system-file", type=Path, metavar="PATH",
                        help="with --from-file: play this file as the system audio of a call (two tracks)")
    record.add_argument("--speed", type=float, default=1.0, help="with --from-file: × real time (0 = max)")
    record.add_argument("--seconds", type=float, help="stop after this many seconds")
    record.add_argument("--out", type=Path, help="recordings folder (default: Documents/Meeting Recordings)")
    record.add_argument("--model", default=DEFAULT_MODEL, help=f"{' | '.join(EMBEDDED_MODELS)} | PATH")
    record.add_argument("--language", default="auto", help="auto (default), en, ko, …")
    record.add_argument("--format", default="txt,srt,vtt,json,md", help="transcript formats written at stop")
    record.add_argument("--speakers", choices=["on", "off"], default="on",
                        help="label speakers live (default on; enrolled speakers get their names)")
    record.add_argument("--max-speakers", type=int, default=8, metavar="N", help="at most N live speakers (default 8)")
    recover = commands.add_parser("recover", help="repair recordings left by a crash")
    recover.add_argument("folder", nargs="?", type=Path, help="default: the recordings folder")


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def run_devices(args: argparse.Namespace) -> int:
    """Input devices (index: name), then system audio sources (id: name); exit 1 if neither."""
    from meeting_recorder.core.sources import DeviceError, list_input_devices
    from meeting_recorder.core.system_audio import list_system_devices

    devices = list_input_devices()
    if not devices:
        _err("no audio input devices found")
    for d in devices:
        default = "  [default]" if d.is_default else ""
        print(f"{d.index}: {d.name} ({d.channels} ch, {d.samplerate} Hz){default}")
    print("\nSystem audio (monitor/loopback) sources:")
    try:
        system = list_system_devices(strict=True)
    except DeviceError as error:
        system = []
        print(f"  none: {error}")
    for s in system:
        default = "  [default]" if s.is_default else ""
        print(f"  {s.id}: {s.name} ({s.channels} ch, {s.samplerate} Hz){default}")
    return 0 if devices or system else 1


def run_recover(args: argparse.Namespace) -> int:
    from meeting_recorder.core.recovery import recover_folder

    folder = args.folder or recordings_dir()
    recovered, errors = recover_folder(folder, list(FORMATS))
    for recording in recovered:
        files = ", ".join(p.name for p in recording.transcript_files) or "no transcript"
        print(f"recovered {recording.path} ({recording.seconds:.1f} s at {recording.samplerate} Hz; {files})")
        _add_to_library(recording.path, recording.transcript_files)
    for message in errors:
        _err(message)
    if not recovered and not errors:
        print(f"nothing to recover in {folder}")
    return 1 if errors else 0


def _sources(args: argparse.Namespace):
    """(first source, a call's system source or None)."""
    from meeting_recorder.core.capture_choice import open_sources
    from meeting_recorder.core.sources import FileSource

    if args.from_file is not None:
        mic = FileSource(args.from_file, speed=args.speed, max_seconds=args.seconds)
        if args.system_file is None:
            return mic, None
        return mic, FileSource(args.system_file, speed=args.speed, max_seconds=args.seconds)
    if args.system_file is not None:
        raise ValueError("--system-file needs --from-file (a call played from two files)")
    return open_sources(args.source, args.device, args.system_device)


def _known_speakers(args: argparse.Namespace) -> dict:
    """Enrolled voices (name -> vector) for live naming; none when speakers are off."""
    if args.speakers == "off":
        return {}
    if not 1 <= args.max_speakers <= 20:
        raise ValueError(f"--max-speakers takes a number from 1 to 20, not {args.max_speakers}")
    from meeting_recorder.core.speakers.profiles import enrolled_profiles
    from meeting_recorder.messages import render

    def warn(event) -> None:  # a corrupt profiles file: record without names
        print(f"warning: {render(event)}", file=sys.stderr, flush=True)

    return {profile.name: profile.vector for profile in enrolled_profiles(warn)}


def _segment_line(segment) -> str:
    speaker = f"{segment.speaker}: " if segment.speaker else ""
    return f"[{format_clock(segment.start, True)} → {format_clock(segment.end, True)}] {speaker}{segment.text}"


def run_record(args: argparse.Namespace) -> int:
    from meeting_recorder.core.events import Event, RecordingStarted
    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.messages import render

    try:
        formats = parse_formats(args.format)
        known = _known_speakers(args)
        source, system_source = _sources(args)
    except (ValueError, MeetingRecorderError) as error:
        _err(str(error))
        return 2
    stop_requested = threading.Event()

    def on_status(event: Event) -> None:
        if isinstance(event, RecordingStarted):
            print(render(event), flush=True)  # on stdout: scripts wait for this line
        else:
            print(render(event), file=sys.stderr, flush=True)

    callbacks = LiveCallbacks(
        status=on_status,
        segment=lambda s: print(_segment_line(s), flush=True),
        error=lambda event: _err(render(event)),
        # The status line names a recovered leftover; stdout's first line stays "Recording to".
        recovered=lambda r: _add_to_library(r.path, r.transcript_files, sys.stderr),
    )
    settings = LiveSettings(out_dir=args.out or recordings_dir(), model=args.model, language=args.language,
                            formats=formats, speakers=args.speakers == "on", max_speakers=args.max_speakers,
                            known_speakers=known, self_name=args.me,
                            echo_suppression=args.echo_suppression == "on")
    session = LiveSession(source, settings, callbacks, system_source=system_source)
    previous = {sig: signal.signal(sig, lambda *_: stop_requested.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            session.start()
        except MeetingRecorderError as error:
            _err(str(error))
            return 2
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        while not (stop_requested.is_set() or session.ended.is_set()):
            if deadline is not None and time.monotonic() >= deadline:
                break
            stop_requested.wait(0.1)
        result = session.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        session.close()
    if result is None:
        return 1
    print(f"Saved {result.recording} ({result.seconds:.1f} s, {result.segments} segments)", flush=True)
    for track in result.tracks:
        print(f"Track {track}", flush=True)
    if result.recording.suffix == ".wav" and result.recording.is_file():  # not a .partial left to recover
        _add_to_library(result.recording, result.transcript_files)
    return 1 if result.error else 0


def _add_to_library(recording: Path, transcript_files, stream=None) -> None:
    """The meeting library gets every saved recording; failing that is a warning, never a
    failed recording (the next library rebuild finds the files)."""
    from meeting_recorder.core.auto_library import add_to_library
    from meeting_recorder.core.events import LibraryAddFailed
    from meeting_recorder.messages import render

    added = add_to_library(recording, transcript_files)
    if isinstance(added, LibraryAddFailed):
        print(f"warning: {render(added)}", file=sys.stderr, flush=True)
    else:
        print(f"Added to the library as meeting {added.id}", file=stream or sys.stdout, flush=True)
