"""``meeting-recorder library list | search | show | rm | rebuild | import | rename | tag``:
every meeting kept (core/library.py), searched and managed from a terminal.

Core reports data (``Meeting``, ``SearchHit``, ``SyncReport``, ``LibraryError`` codes); the
words are here. Before answering, ``list``, ``search`` and ``show`` look at the folders for
new, changed and vanished files (``Library.sync``, cheap when nothing changed), so what they
print matches the disk; ``--no-sync`` answers from the database alone.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the library module is imported when a command runs
    from meeting_recorder.core.library import Library, Meeting, SearchFilter, SearchHit, SyncReport

EXIT_FAILED = 1
EXIT_USAGE = 2
TRANSCRIPT_SUFFIXES = (".json", ".txt", ".srt", ".vtt", ".md", ".rttm")


def add_commands(commands: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar="PATH",
                        help="the library database (default: library.sqlite3 in the user data folder)")
    common.add_argument("--no-sync", action="store_true", default=argparse.SUPPRESS,
                        help="answer from the database alone (do not look for new, changed or missing files first)")
    library = commands.add_parser(
        "library", parents=[common], help="every meeting kept: list, search, show, delete, rebuild",
        description="The meeting library: every recording and transcript, searchable in English and Korean. "
        "The files are the truth; the database is rebuilt from them (library rebuild).",
    )
    actions = library.add_subparsers(dest="library_command", metavar="ACTION")
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--tag", metavar="TAG", help="only meetings with this tag")
    filters.add_argument("--speaker", metavar="NAME", help="only meetings (or lines) of this speaker")
    filters.add_argument("--since", metavar="DATE", help="started on or after DATE (YYYY-MM-DD[ HH:MM], today, yesterday, 7d, 2w)")
    filters.add_argument("--until", metavar="DATE", help="started before the end of DATE (a day counts whole)")
    listing = actions.add_parser("list", parents=[common, filters], help="list meetings, newest first")
    listing.add_argument("--missing", action="store_true", help="only meetings whose files are missing")
    search = actions.add_parser("search", parents=[common, filters], help="search every meeting's words")
    search.add_argument("query", nargs="+", metavar="QUERY",
                        help='words (the last one may be a prefix), Korean of any length, or "a phrase"')
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    show = actions.add_parser("show", parents=[common], help="one meeting: details, speakers, marks, notes, files")
    show.add_argument("id", type=int, metavar="ID")
    remove = actions.add_parser("rm", parents=[common], help="delete a meeting: its audio, transcripts and entry")
    remove.add_argument("id", type=int, metavar="ID")
    remove.add_argument("--yes", "-y", action="store_true", help="do not ask")
    actions.add_parser("rebuild", parents=[common], help="rebuild the database from the recordings and transcript files")
    folder = actions.add_parser("import", parents=[common], help="add the recordings and transcripts in FOLDER (kept for rebuilds)")
    folder.add_argument("folder", type=Path, metavar="FOLDER")
    rename = actions.add_parser("rename", parents=[common], help="give a meeting a title")
    rename.add_argument("id", type=int, metavar="ID")
    rename.add_argument("title", nargs="+", metavar="TITLE")
    tag = actions.add_parser("tag", parents=[common], help="set a meeting's tags (none: remove them all)")
    tag.add_argument("id", type=int, metavar="ID")
    tag.add_argument("tags", nargs="*", metavar="TAG")


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


# -- words for core's data ----------------------------------------------------------------------
def library_error_text(error: Exception, meeting_id: int | None = None) -> str:
    """A LibraryError in words, by its code."""
    code = getattr(error, "code", "")
    if code == "not_found":
        which = f" {meeting_id}" if meeting_id is not None else ""
        return f"no meeting with id{which} (see: meeting-recorder library list)"
    return str(error)  # core's event in English (messages.py)


def format_date(started_at: float) -> str:
    return datetime.fromtimestamp(started_at).strftime("%Y-%m-%d %H:%M")


def hms(seconds: float) -> str:
    whole = int(max(seconds, 0.0))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def file_state(meeting: "Meeting") -> str:
    """'' when every file is there, else what is gone."""
    if meeting.missing:
        return "missing"
    if meeting.audio_missing:
        return "audio missing"
    if meeting.transcript_missing:
        return "transcript missing"
    if meeting.transcript_path is None:
        return "not transcribed"
    return ""


def _has_missing_files(meeting: "Meeting") -> bool:
    return meeting.missing or meeting.audio_missing or meeting.transcript_missing


def parse_date(text: str, end_of_day: bool = False, now: datetime | None = None) -> float:
    """Local date → unix seconds: YYYY-MM-DD[ HH:MM[:SS]] (or ISO with T), today, yesterday,
    Nd/Nw (N days/weeks ago). With ``end_of_day`` a bare day means its end (for --until)."""
    value = text.strip().lower()
    now = now or datetime.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day: datetime | None = None
    if value in ("today", "yesterday"):
        day = midnight - timedelta(days=1 if value == "yesterday" else 0)
    elif value[:-1].isdigit() and value[-1:] in ("d", "w"):
        day = midnight - timedelta(days=int(value[:-1]) * (7 if value.endswith("w") else 1))
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"'{text}' is not a date (use YYYY-MM-DD, YYYY-MM-DD HH:MM, today, yesterday, 7d or 2w)")
        if len(text.strip()) > 10:  # a time of day was given: exactly that moment
            return moment.timestamp()
        day = moment
    return (day + timedelta(days=1) if end_of_day else day).timestamp()


def _filter(args: argparse.Namespace) -> "SearchFilter | None":
    from meeting_recorder.core.library import SearchFilter

    since = parse_date(args.since) if args.since else None
    until = parse_date(args.until, end_of_day=True) if args.until else None
    if since is not None and until is not None and since >= until:
        raise ValueError("--since is not before --until")
    if not (since or until or args.speaker or args.tag):
        return None
    return SearchFilter(since=since, until=until, speaker=args.speaker, tag=args.tag)


# -- the library ---------------------------------------------------------------------------------
def default_folders() -> list[Path]:
    """The recordings folder and its Transcripts subfolder (where the Files view writes)."""
    from meeting_recorder.core.auto_library import library_folders

    return library_folders()


def open_library(db: Path | None) -> "Library":
    """The library (a new or lost database is filled from the folders as it opens; a damaged
    one is set aside and rebuilt, which is said)."""
    from meeting_recorder.core.library import Library
    from meeting_recorder.core.paths import library_path
    from meeting_recorder.messages import render

    library = Library(db or library_path(), default_folders())
    for event in library.events:
        _warn(render(event))
    return library


def _sync(library: "Library") -> None:
    report = library.sync()
    if report.errors:
        path, reason = report.errors[0]
        more = f" and {len(report.errors) - 1} more (see: meeting-recorder library rebuild)" if len(report.errors) > 1 else ""
        _warn(f"not in the library: {path}: {reason}{more}")


# -- the actions ---------------------------------------------------------------------------------
def _list(library: "Library", args: argparse.Namespace) -> int:
    chosen = _filter(args)
    meetings = library.meetings(chosen)
    if args.missing:
        meetings = [m for m in meetings if _has_missing_files(m)]
    if not meetings:
        print("no meetings match" if chosen or args.missing
              else "no meetings yet (record one, or: meeting-recorder library import FOLDER)")
        return 0
    rows = [(str(m.id), format_date(m.started_at), hms(m.duration), m.title, ", ".join(m.speakers),
             ", ".join(m.tags), file_state(m)) for m in meetings]
    header = ("ID", "Date", "Length", "Title", "Speakers", "Tags", "Files")
    _print_table(header, rows, right=(0,))
    print(f"{len(meetings)} meeting(s)")
    return 0


def columns(text: str) -> int:
    """Terminal columns ``text`` takes (Hangul and other wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut with "…" to at most ``width`` columns."""
    if columns(text) <= width:
        return text
    while columns(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: Iterable[int] = ()) -> None:
    widths = [min(max(columns(row[i]) for row in [header, *rows]), 40) for i in range(len(header))]
    right = set(right)

    def line(row: tuple[str, ...]) -> str:
        cells = []
        for i, cell in enumerate(row):
            cell = _fit(cell, widths[i])
            space = " " * (widths[i] - columns(cell))
            cells.append(space + cell if i in right else cell + space)
        return "  ".join(cells).rstrip()

    print(line(header))
    for row in rows:
        print(line(row))


def _search(library: "Library", args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ValueError("--limit takes a number of 1 or more")
    query = " ".join(args.query)
    hits = library.search(query, _filter(args), limit=args.limit)
    if not hits:
        print(f"no results for {query!r}")
        return 0
    print_hits(hits)
    print(f"{len(hits)} result(s)" + (f" (the first {args.limit}; more with --limit)" if len(hits) >= args.limit else ""))
    return 0


def print_hits(hits: "list[SearchHit]") -> None:
    """Hits in their order; a meeting's header line before each run of its hits."""
    shown = None
    for hit in hits:
        if hit.meeting_id != shown:
            shown = hit.meeting_id
            print(f"[{hit.meeting_id}] {hit.meeting_title}  {format_date(hit.started_at)}")
        speaker = f"{hit.speaker}: " if hit.speaker else ""
        print(f"    {hms(hit.start)}  {speaker}{hit.snippet}")


def _show(library: "Library", args: argparse.Namespace) -> int:
    meeting = library.meeting(args.id)
    state = file_state(meeting)
    print(f"Meeting {meeting.id}: {meeting.title}" + (f"  [{state}]" if state else ""))
    fields = [
        ("Date", f"{format_date(meeting.started_at)} (local time)"),
        ("Length", hms(meeting.duration)),
        ("Source", "live recording" if meeting.source == "recording" else "imported file"),
        ("Language", meeting.language or "-"),
        ("Model", meeting.model or "-"),
        ("Segments", str(meeting.segment_count)),
        ("Speakers", ", ".join(meeting.speakers) or "-"),
        ("Tags", ", ".join(meeting.tags) or "-"),
    ]
    for name, value in fields:
        print(f"  {name + ':':<12}{value}")
    _show_moments("Marks", [(m.time, m.label or "(mark)") for m in meeting.marks])
    _show_moments("Notes", [(n.time, n.text) for n in meeting.notes])
    print("  Files:")
    for label, path in _meeting_files(meeting):
        print(f"    {label + ':':<12}{path}" + ("" if Path(path).exists() else "  (missing)"))
    return 0


def _show_moments(name: str, moments: list[tuple[float, str]]) -> None:
    if not moments:
        return
    print(f"  {name}:")
    for at, text in moments:
        print(f"    {hms(at)}  {text}")


def _meeting_files(meeting: "Meeting") -> list[tuple[str, str]]:
    """(label, path) of every file of the meeting: audio, tracks, transcript and its exports."""
    files: list[tuple[str, str]] = []
    if meeting.audio_path:
        files.append(("audio", meeting.audio_path))
    for track in meeting.tracks:
        if track.path != meeting.audio_path:
            files.append((f"{track.kind} track", track.path))
    if meeting.transcript_path:
        transcript = Path(meeting.transcript_path)
        files.append(("transcript", str(transcript)))
        for suffix in TRANSCRIPT_SUFFIXES:
            export = transcript.with_suffix(suffix)
            if suffix != transcript.suffix and export.exists():
                files.append((suffix[1:], str(export)))
    elif not files:
        files.append(("files", "none recorded"))
    return files


def _confirm(question: str, ask: Callable[[str], str]) -> bool:
    try:
        return ask(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _rm(library: "Library", args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    meeting = library.meeting(args.id)  # unknown: not_found before any question
    # No "keep the files" choice: files in the library's folders are the truth, so the
    # next sync would bring the entry back. A missing meeting has no files left to delete.
    if not args.yes:
        if not sys.stdin.isatty():
            _err(f"not deleting meeting {meeting.id} without --yes (no terminal to ask)")
            return EXIT_USAGE
        for label, path in _meeting_files(meeting):
            print(f"  {label}: {path}")
        if not _confirm(f"Delete meeting {meeting.id} '{meeting.title}' and its audio and transcript files?", ask):
            print("nothing deleted")
            return 0
    removed = library.delete(meeting.id)
    for path in removed:
        print(f"deleted {path}")
    print(f"removed meeting {meeting.id} '{meeting.title}' from the library")
    return 0


def print_report(report: "SyncReport", verb: str) -> None:
    print(f"{verb}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
          f"{report.missing} missing")
    for path, reason in report.errors:
        _warn(f"skipped {path}: {reason}")


def _rebuild(library: "Library", args: argparse.Namespace) -> int:
    began = time.monotonic()
    # A database that was missing was filled from the folders as it opened: a sync then
    # only reports (and retries the files that failed), rather than scanning all again.
    report = library.sync() if args.fresh_db else library.rebuild()
    print_report(report, f"rebuilt in {time.monotonic() - began + args.open_seconds:.1f} s")
    print(f"{len(library.meetings())} meeting(s) in the library")
    return 0


def _import(library: "Library", args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        _err(f"{args.folder}: not a folder")
        return EXIT_FAILED
    print_report(library.import_folder(args.folder), f"imported {args.folder}")
    return 0


def _rename(library: "Library", args: argparse.Namespace) -> int:
    title = " ".join(args.title).strip()
    if not title:
        raise ValueError("the title is empty")
    meeting = library.rename(args.id, title)
    print(f"meeting {meeting.id} is now '{meeting.title}'")
    return 0


def _tag(library: "Library", args: argparse.Namespace) -> int:
    meeting = library.set_tags(args.id, [t for t in args.tags if t.strip()])
    print(f"meeting {meeting.id} tags: {', '.join(meeting.tags) or '(none)'}")
    return 0


ACTIONS = {"list": _list, "search": _search, "show": _show, "rm": _rm, "rebuild": _rebuild,
           "import": _import, "rename": _rename, "tag": _tag}
SYNC_FIRST = {"list", "search", "show"}


def run_library(args: argparse.Namespace) -> int:
    from meeting_recorder.core.library import LibraryError

    action = getattr(args, "library_command", None)
    if action is None:
        _err("choose an action: meeting-recorder library list|search|show|rm|rebuild|import|rename|tag (see --help)")
        return EXIT_USAGE
    from meeting_recorder.core.paths import library_path

    db = getattr(args, "db", None) or library_path()
    args.fresh_db = not db.exists() or db.stat().st_size == 0
    began = time.monotonic()
    try:
        library = open_library(db)
        args.open_seconds = time.monotonic() - began
    except (LibraryError, OSError) as error:
        _err(library_error_text(error))
        return EXIT_FAILED
    try:
        if action in SYNC_FIRST and not getattr(args, "no_sync", False):
            _sync(library)
        return ACTIONS[action](library, args)
    except ValueError as error:
        _err(str(error))
        return EXIT_USAGE
    except LibraryError as error:
        _err(library_error_text(error, getattr(args, "id", None)))
        return EXIT_FAILED
    except OSError as error:
        _err(f"{getattr(error, 'filename', None) or 'the library'}: {error.strerror or error}")
        return EXIT_FAILED
    finally:
        library.close()
