"""``meeting-recorder speakers add | list | remove | rename | merge``: named speaker profiles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from meeting_recorder.core.errors import (
    AudioDecodeError,
    EnrollmentError,
    MeetingRecorderError,
    ModelError,
    ProfileError,
)

EXIT_FILE_ERRORS = 1
EXIT_USAGE = 2


def add_commands(commands: argparse._SubParsersAction, network: argparse.ArgumentParser) -> None:
    speakers = commands.add_parser(
        "speakers",
        help="enroll named speakers from voice samples and manage their profiles",
        description="Named speaker profiles: a speaker that matches a profile gets its name.",
    )
    actions = speakers.add_subparsers(dest="speakers_command", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="enroll NAME from the speech in FILE (at least 2 s of speech; 10 s or more is better)",
        description="Enroll a speaker from a voice sample, or from a span of a recording "
        "(e.g. a transcript segment: --start and --end are its times).",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("file", type=Path, metavar="FILE", help="any audio or video file")
    add.add_argument("--start", type=float, metavar="S", help="use the file from S seconds on")
    add.add_argument("--end", type=float, metavar="E", help="use the file up to E seconds")
    add.add_argument("--replace", action="store_true", help="replace a profile with the same name")
    actions.add_parser("list", help="list enrolled speakers")
    remove = actions.add_parser("remove", help="delete a speaker profile")
    remove.add_argument("name", metavar="NAME")
    rename = actions.add_parser("rename", help="rename a speaker profile")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    merge = actions.add_parser("merge", help="fold SOURCE's voice into INTO (SOURCE is removed)")
    merge.add_argument("source", metavar="SOURCE")
    merge.add_argument("into", metavar="INTO")


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def _add(store, args: argparse.Namespace) -> int:
    from meeting_recorder.core.worker import make_embedder
    from meeting_recorder.core.speakers.enrollment import enroll
    from meeting_recorder.core.speakers.profiles import normalize_name

    name = normalize_name(args.name)
    if not args.replace and name in store:  # say so before spending time on the sample
        raise ProfileError(f"a speaker named '{store.get(name).name}' is already enrolled; "
                           "use --replace to replace it")
    try:
        with make_embedder() as embedder:
            profile = enroll(embedder, name, args.file, start=args.start, end=args.end)
    except ValueError as error:  # a span that is not one
        _err(str(error))
        return EXIT_USAGE
    store.add(profile, replace=args.replace)
    print(f"enrolled {profile.name} ({profile.seconds:.1f} s of speech)", flush=True)
    return 0


def _list(store) -> int:
    profiles = store.profiles()
    if not profiles:
        print("no speakers enrolled yet (add one with: meeting-recorder speakers add NAME FILE)")
        return 0
    width = max(len(p.name) for p in profiles)
    for profile in profiles:
        print(f"{profile.name:<{width}}  {profile.seconds:6.1f} s of speech")
    return 0


def run_speakers(args: argparse.Namespace) -> int:
    from meeting_recorder.core.speakers.profiles import ProfileStore

    action = getattr(args, "speakers_command", None)
    if action is None:
        _err("choose an action: meeting-recorder speakers add|list|remove|rename|merge (see --help)")
        return EXIT_USAGE
    store = ProfileStore()
    try:
        if action == "add":
            return _add(store, args)
        if action == "list":
            return _list(store)
        if action == "remove":
            removed = store.remove(args.name)
            print(f"removed {removed.name}", flush=True)
        elif action == "rename":
            old = store.get(args.old).name
            renamed = store.rename(args.old, args.new)
            print(f"renamed {old} to {renamed.name}", flush=True)
        elif action == "merge":
            source = store.get(args.source).name
            merged = store.merge(args.source, args.into)
            print(f"merged {source} into {merged.name} ({merged.seconds:.1f} s of speech)", flush=True)
        return 0
    except (ProfileError, ModelError) as error:
        _err(str(error))
        return EXIT_USAGE
    except (AudioDecodeError, EnrollmentError, MeetingRecorderError) as error:
        _err(str(error))
        return EXIT_FILE_ERRORS
