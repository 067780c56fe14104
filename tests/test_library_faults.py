"""The library when things go wrong: a lost or damaged database, bad files, concurrent
writers (threads and processes), a kill -9 in the middle of a write, a locked or newer file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from meeting_recorder.core import library as library_module
from meeting_recorder.core import library_store
from meeting_recorder.core.library import Library, LibraryError
from tests.library_data import make_meeting, make_samples

ROOT = Path(__file__).resolve().parents[1]


def filler(n: int, word: str = "filler") -> list[tuple[float, float, str, str]]:
    return [(float(i), i + 1.0, f"S{i % 3}", f"{word} sentence {i} about the 프로젝트 일정 number {i}") for i in range(n)]


def state(library: Library) -> list[tuple]:
    """What must survive: each meeting's title, tags, counts, and what a search finds."""
    meetings = sorted((m.title, m.tags, m.segment_count, m.audio_path, m.transcript_path) for m in library.meetings())
    hits = sorted((h.meeting_title, h.segment_index) for h in library.search("일정", limit=500))
    return [meetings, hits]


@pytest.fixture
def filled(tmp_path: Path):
    """A library on a folder of meetings, with a title, tags and an audio-only meeting set by the user."""
    folder = tmp_path / "rec"
    make_samples(folder)
    for n in range(6):
        make_meeting(folder, f"2026-04-0{n + 1}_100000", filler(150, f"word{n}"))
    make_meeting(folder, "2026-05-01_100000", transcript=False)
    db = tmp_path / "data" / "library.sqlite3"
    library = Library(db, folders=[folder])
    by_title = {m.title: m for m in library.meetings()}
    library.rename(by_title["2026-01-05_101500"].id, "Release planning")
    library.set_tags(by_title["2026-01-12_140000"].id, ["출시", "weekly"])
    library.rename(by_title["2026-05-01_100000"].id, "Not transcribed yet")
    before = state(library)
    yield library, db, folder, before
    library.close()


def overwrite(path: Path, offset: int, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(os.urandom(size))


def test_rebuild_keeps_titles_and_tags(filled) -> None:
    library, _, _, before = filled
    report = library.rebuild()
    assert (report.added, report.errors) == (10, ())
    assert state(library) == before  # incl. the audio-only meeting's title (kept across the rebuild)


def test_a_deleted_database_is_rebuilt_from_the_files(filled) -> None:
    library, db, folder, before = filled
    library.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Library(db, folders=[folder]) as again:
        now = state(again)
    assert now[1] == before[1]
    assert [m for m in now[0] if m[0] != "2026-05-01_100000"] == [m for m in before[0] if m[0] != "Not transcribed yet"]


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_a_damaged_database_is_set_aside_and_rebuilt(filled, where: str) -> None:
    library, db, folder, before = filled
    library.close()
    size = db.stat().st_size
    assert size > 100_000  # enough pages that "middle" is data, not the schema
    offset = {"header": 0, "middle": size // 2, "end": size - 8192}[where]
    overwrite(db, offset, 4096)
    with Library(db, folders=[folder]) as again:
        assert again.set_aside is not None and again.set_aside.exists()
        assert [e.code for e in again.events] == ["LibraryRebuilt"]
        now = state(again)
        assert again.search("Release")[0].meeting_title == "Release planning"
    assert now[1] == before[1]
    assert [m for m in now[0] if m[0] != "2026-05-01_100000"] == [m for m in before[0] if m[0] != "Not transcribed yet"]


def test_damage_found_while_searching_is_rebuilt_too(filled, monkeypatch) -> None:
    library, db, folder, before = filled
    library.close()
    with sqlite3.connect(db) as raw:  # the segments' pages, which the light check on open does not read
        pages = [p for (p,) in raw.execute("SELECT pageno FROM dbstat WHERE name = 'segments' "
                                            "AND pagetype = 'leaf' ORDER BY pageno")]
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    for page in pages:
        overwrite(db, (page - 1) * page_size + 8, page_size - 8)
    monkeypatch.setattr(library_module, "FULL_CHECK_BYTES", 0)
    with Library(db, folders=[folder]) as again:
        assert again.set_aside is None  # opened fine
        assert len(again.search("일정", limit=500)) == len(before[1])  # damage found, rebuilt, searched again
        assert again.set_aside is not None and state(again)[1] == before[1]


def test_a_database_from_a_newer_app_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    Library(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(LibraryError) as caught:
        Library(db)
    assert caught.value.code == "too_new" and "newer version" in str(caught.value)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 99
    raw.close()


def test_a_version_1_database_is_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    make_samples(folder)
    db = tmp_path / "lib.sqlite3"
    with Library(db, folders=[folder]) as library:
        meeting_id = library.meetings()[0].id
    with sqlite3.connect(db) as raw:  # what version 1 looked like
        raw.execute("ALTER TABLE meetings DROP COLUMN first_segment")
        raw.execute("ALTER TABLE meetings DROP COLUMN last_segment")
        raw.execute("PRAGMA user_version = 1")
    raw.close()
    with Library(db) as library:
        assert len(library.search("회의")) == 2
        assert [h.text for h in library.search("회의", library_module.SearchFilter(meeting_id=meeting_id))] == ["회의 끝."]
        version = library._store.connection().execute("PRAGMA user_version").fetchone()[0]
        assert version == library_store.SCHEMA_VERSION == 2


@pytest.mark.parametrize("name, content, code", [
    ("text.json", b"hello, not json", "not_a_transcript"),
    ("list.json", b"[1, 2, 3]", "not_a_transcript"),
    ("nosegments.json", b'{"file": "a.wav", "duration": 1}', "not_a_transcript"),
    ("notext.json", b'{"segments": [{"start": 0, "end": 1}]}', "not_a_transcript"),
    ("badstart.json", b'{"segments": [{"start": "zero", "end": 1, "text": "x"}]}', "not_a_transcript"),
    ("badmark.json", b'{"segments": [], "marks": [{"label": "no time"}]}', "not_a_transcript"),
    ("binary.json", bytes(range(256)), "not_a_transcript"),
    ("empty.json", b"", "not_a_transcript"),
    ("deep.json", b"[" * 100_000, "not_a_transcript"),
    ("folder.json", None, "io"),
    ("absent.json", "absent", "io"),
])
def test_bad_transcripts_are_refused_whole(tmp_path: Path, name: str, content, code: str) -> None:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    folder = tmp_path / "rec"
    make_samples(folder)
    with Library(tmp_path / "lib.sqlite3", folders=[folder]) as library:
        before = state(library)
        with pytest.raises(LibraryError) as caught:
            library.add_transcript(path)
        assert caught.value.code == code and name in str(caught.value)
        assert state(library) == before
        raw = library._store.connection()
        assert raw.execute("SELECT count(*) FROM files WHERE path LIKE ?", (f"%{name}",)).fetchone()[0] == 0


@pytest.mark.parametrize("name, content", [("notes.txt", b"hello"), ("broken.wav", b"RIFF\x00\x00garbage"),
                                           ("nothing.mp3", b"")])
def test_bad_audio_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with Library(tmp_path / "lib.sqlite3") as library:
        with pytest.raises(LibraryError) as caught:
            library.add_audio(path)
        assert caught.value.code == "not_audio" and library.meetings() == []


def test_sync_reports_bad_files_and_adds_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    make_samples(folder)
    (folder / "broken.json").write_text("{", encoding="utf-8")
    (folder / "other.json").write_text('{"settings": true}', encoding="utf-8")
    (folder / "broken.wav").write_bytes(b"not audio")
    with Library(tmp_path / "lib.sqlite3") as library:
        report = library.import_folder(folder)
        assert report.added == 3
        # other.json is another program's file (no "segments"): passed over, not an error
        assert sorted(Path(p).name for p, _ in report.errors) == ["broken.json", "broken.wav"]
        assert all(reason for _, reason in report.errors)
        with pytest.raises(LibraryError) as caught:
            library.import_folder(tmp_path / "nowhere")
        assert caught.value.code == "io"


def test_a_held_lock_is_a_clear_error_not_a_hang(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(library_store, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(library_store, "LOCKED_RETRY_SECONDS", 0.3)
    folder = tmp_path / "rec"
    make_samples(folder)
    with Library(tmp_path / "lib.sqlite3", folders=[folder]) as library:
        holder = sqlite3.connect(library.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            assert len(library.meetings()) == 3  # readers are not blocked (WAL)
            began = time.monotonic()
            with pytest.raises(LibraryError) as caught:
                library.rename(library.meetings()[0].id, "x")
            assert caught.value.code == "locked" and time.monotonic() - began < 5
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert library.rename(library.meetings()[0].id, "x").title == "x"


def test_threads_write_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    paths = [make_meeting(folder, f"2026-07-{d:02d}_100000", filler(40, f"t{d}"))[0] for d in range(1, 21)]
    db = tmp_path / "lib.sqlite3"
    shared = Library(db)
    other = Library(db)  # a second Library on the same file, as the recorder and the window have
    errors: list[BaseException] = []

    def work(library: Library, mine: list[Path]) -> None:
        try:
            for path in mine:
                meeting = library.add_transcript(path)
                library.set_tags(meeting.id, ["threaded", meeting.title[-6:]])
                library.search("sentence")
                library.sync([])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(shared if n % 2 else other, paths[n::4])) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(shared.meetings()) == 20 and all("threaded" in m.tags for m in other.meetings())
    assert len(shared.search("sentence", limit=1000)) == 800
    shared.close()
    other.close()


WRITER = """
import sys
sys.path.insert(0, {root!r})
from meeting_recorder.core.library import Library
from tests.library_data import make_meeting
folder, db, tag = sys.argv[1], sys.argv[2], sys.argv[3]
library = Library(db)
for n in range(12):
    json_path, _ = make_meeting(folder, f"{{tag}}-{{n}}", [(0.0, 1.0, "P", f"process {{tag}} line {{n}}")] * 30)
    meeting = library.add_transcript(json_path)
    library.set_tags(meeting.id, [tag])
    library.search("process")
library.close()
"""


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    script = WRITER.format(root=str(ROOT))
    children = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / tag), str(db), tag],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    with Library(db) as library:  # and this process writes too
        for n in range(5):
            json_path, _ = make_meeting(tmp_path / "c", f"c-{n}", filler(20))
            library.add_transcript(json_path)
        results = [child.communicate(timeout=120) for child in children]
        assert [child.returncode for child in children] == [0, 0], results
        assert len(library.meetings()) == 29
        assert {t for m in library.meetings() for t in m.tags} == {"a", "b"}
        assert len(library.search("process", limit=1000)) == 24 * 30


KILLED = """
import sys, time
sys.path.insert(0, {root!r})
from meeting_recorder.core.library import Library
from meeting_recorder.core.library_search import index_terms
from tests.library_data import make_meeting
folder, db = sys.argv[1], sys.argv[2]
library = Library(db)
for n in range(5):
    json_path, _ = make_meeting(folder, f"2026-08-0{{n + 1}}_100000", [(0.0, 1.0, "K", f"committed {{n}}")] * 50)
    library.add_transcript(json_path)
    print("committed", n, flush=True)
with library._store.write() as c:  # a long write: thousands of rows, never committed
    meeting = c.execute("INSERT INTO meetings(title, started_at, source, transcript_path) "
                        "VALUES ('half', 0, 'import', '/nowhere.json')").lastrowid
    for i in range(1_000_000):
        c.execute("INSERT INTO segments(meeting_id, idx, start, \\"end\\", text) VALUES (?, ?, 0, 1, 'half')",
                  (meeting, i))
        c.execute("INSERT INTO segments_fts(rowid, terms) VALUES (last_insert_rowid(), ?)", (index_terms("half"),))
        if i == 5000:
            print("writing", flush=True)
"""


def test_kill_9_in_the_middle_of_a_write_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", KILLED.format(root=str(ROOT)), str(tmp_path / "rec"), str(db)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in child.stdout:
        lines.append(line.strip())
        if line.startswith("writing"):
            break
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    child.stdout.close()
    child.stderr.close()
    assert lines == [f"committed {n}" for n in range(5)] + ["writing"]
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    with Library(db) as library:
        assert library.set_aside is None
        assert sorted(m.title for m in library.meetings()) == [f"2026-08-0{n + 1}_100000" for n in range(5)]
        assert len(library.search("committed", limit=1000)) == 250 and library.search("half") == []


def big_rows(library: Library) -> int:
    raw = library._store.connection()
    return raw.execute("SELECT count(*) FROM segments_fts WHERE segments_fts MATCH 'big'").fetchone()[0]


def test_kill_9_while_adding_a_big_transcript(tmp_path: Path) -> None:
    rows = 30_000
    big, _ = make_meeting(tmp_path / "rec", "2026-09-01_100000", filler(rows, "big"))
    small, _ = make_meeting(tmp_path / "rec", "2026-09-02_100000", filler(10, "small"))
    db = tmp_path / "lib.sqlite3"
    with Library(db) as library:
        library.add_transcript(small)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from meeting_recorder.core.library import Library; "
            f"library = Library({str(db)!r}); print('go', flush=True); library.add_transcript({str(big)!r}); "
            f"print('done', flush=True)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "go"
    time.sleep(0.6)  # reading the JSON takes about that; the write follows (either outcome is checked)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    child.stdout.close()
    with Library(db) as library:
        meetings = {m.title: m for m in library.meetings()}
        assert len(library.search("small", limit=100)) == 10
        if "2026-09-01_100000" in meetings:  # it had committed: all of it
            assert meetings["2026-09-01_100000"].segment_count == rows and big_rows(library) == rows
        else:  # it had not: nothing of it
            assert list(meetings) == ["2026-09-02_100000"] and big_rows(library) == 0
        library.sync([tmp_path / "rec"])
        assert big_rows(library) == rows


def test_json_written_by_hand_keeps_unknown_keys(filled) -> None:
    library, _, folder, _ = filled
    path = folder / "2026-02-02_093000.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["custom"] = {"kept": True}
    path.write_text(json.dumps(data), encoding="utf-8")
    meeting = library.add_transcript(path)
    library.set_tags(meeting.id, ["x"])
    assert json.loads(path.read_text(encoding="utf-8"))["custom"] == {"kept": True}
