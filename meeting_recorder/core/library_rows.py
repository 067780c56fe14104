"""Meetings to rows and back: saving one meeting, loading meetings, the search query, sync.

Used by ``core.library`` (the facade); each function takes the store or a connection.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable

from meeting_recorder.core import library_scan as scan
from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.library_search import index_terms
from meeting_recorder.core.library_store import Store, StoreCorrupt, db_path, file_state, fs_path, insert_segments, record_file
from meeting_recorder.core.transcript import Mark, Note


def _exists(path: str | None) -> bool:
    return bool(path) and os.path.exists(path)


def _rows_for(c: sqlite3.Connection, data: scan.MeetingData) -> list[tuple]:
    return c.execute("SELECT id, title, source, audio_path, transcript_path FROM meetings "
                     "WHERE audio_path = ? OR transcript_path = ? ORDER BY id",
                     (db_path(data.audio_path) if data.audio_path else None,
                      db_path(data.transcript_path) if data.transcript_path else None)).fetchall()


def _newer_transcript_owns_audio(rows: list[tuple], data: scan.MeetingData) -> int | None:
    """The meeting of ``data``'s audio if another transcript of it, newer, is on disk: one
    meeting per audio, with the most recent transcript (a re-transcription wins)."""
    for meeting_id, _, _, audio, transcript in rows:
        other = fs_path(transcript)
        if fs_path(audio) == data.audio_path and other and other != data.transcript_path and _exists(other):
            if data.transcript_path is None:
                return meeting_id  # just the audio again: the meeting keeps its transcript
            if (file_state(other) or (0,))[0] > (file_state(data.transcript_path) or (0,))[0]:
                return meeting_id
    return None


def save_meeting(store: Store, data: scan.MeetingData, source: str) -> tuple[int, str, tuple | None]:
    """Insert or update the meeting of ``data`` in one transaction; returns its id, "added" /
    "updated" / "unchanged", and (title, tags) to write into its JSON when the user had set
    them here but the JSON lacks them (a transcript replaced by a new transcription)."""
    terms = [index_terms(s.text) for s in data.segments]  # outside the write lock
    with store.write() as c:
        rows = _rows_for(c, data)
        owner = _newer_transcript_owns_audio(rows, data)
        if owner is not None:
            for path in (data.transcript_path, data.audio_path):
                if path:
                    record_file(c, path, owner)
            return owner, "unchanged", None
        keep = rows[0][0] if rows else None
        prior_title = next((r[1] for r in rows if r[1]), "")
        prior_tags = [t for r in rows for (t,) in c.execute("SELECT tag FROM tags WHERE meeting_id = ?", (r[0],))]
        for extra in rows[1:]:  # the audio's row and the transcript's row become one
            c.execute("DELETE FROM meetings WHERE id = ?", (extra[0],))
        if any(r[2] == "recording" for r in rows) or scan.started_from_name(data.default_title) is not None:
            source = "recording"
        title = data.title or prior_title
        tags = data.tags or scan.clean_tags(prior_tags)
        values = (title, data.default_title, data.started_at, data.duration, source,
                  db_path(data.audio_path) if data.audio_path else None,
                  db_path(data.transcript_path) if data.transcript_path else None,
                  data.language, data.model, json.dumps(data.speakers, ensure_ascii=False),
                  len(data.segments), int(bool(data.audio_path) and not _exists(data.audio_path)),
                  int(bool(data.transcript_path) and not _exists(data.transcript_path)))
        columns = ("title, default_title, started_at, duration, source, audio_path, transcript_path, language, "
                   "model, speakers, segment_count, audio_missing, transcript_missing")
        if keep is None:
            keep = c.execute(f"INSERT INTO meetings({columns}) VALUES ({','.join('?' * 13)})", values).lastrowid
        else:
            sets = ", ".join(f"{name.strip()} = ?" for name in columns.split(","))
            c.execute(f"UPDATE meetings SET {sets} WHERE id = ?", (*values, keep))
            for table in ("segments", "tracks", "marks", "notes", "tags", "files"):
                c.execute(f"DELETE FROM {table} WHERE meeting_id = ?", (keep,))
        c.executemany("INSERT INTO tracks(meeting_id, position, kind, path) VALUES (?, ?, ?, ?)",
                      ((keep, i, kind, db_path(path)) for i, (kind, path) in enumerate(data.tracks)))
        insert_segments(c, keep, [(s.start, s.end, s.speaker, s.text) for s in data.segments], terms)
        c.executemany("INSERT INTO marks(meeting_id, time, label) VALUES (?, ?, ?)",
                      ((keep, m.time, m.label) for m in data.marks))
        c.executemany("INSERT INTO notes(meeting_id, time, text) VALUES (?, ?, ?)",
                      ((keep, n.time, n.text) for n in data.notes))
        c.executemany("INSERT OR IGNORE INTO tags(meeting_id, tag) VALUES (?, ?)", ((keep, t) for t in tags))
        for path in (data.transcript_path, data.audio_path):
            if path:
                record_file(c, path, keep)
    lacking = (not data.title and prior_title) or (not data.tags and prior_tags)
    write_back = (title, tags) if data.transcript_path and lacking else None
    return keep, "updated" if rows else "added", write_back


def write_json_fields(path: str, title: str, tags: list[str]) -> None:
    """Set (or remove, when empty) "title" and "tags" in a transcript JSON, atomically; every
    other key stays as it was."""
    from meeting_recorder.core.export import write_atomic

    data = scan.read_json(path)
    for key, value in (("title", title), ("tags", list(tags))):
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def user_fields(c: sqlite3.Connection) -> dict[str, tuple[str, list[str]]]:
    """audio path -> (title, tags) the user set on meetings that have no transcript JSON
    (those live only here; a rebuild puts them back)."""
    kept = {}
    rows = c.execute("SELECT id, title, audio_path FROM meetings WHERE transcript_path IS NULL "
                     "AND audio_path IS NOT NULL").fetchall()
    for meeting_id, title, audio in rows:
        tags = [t for (t,) in c.execute("SELECT tag FROM tags WHERE meeting_id = ?", (meeting_id,))]
        if title or tags:
            kept[fs_path(audio)] = (title, tags)
    return kept


# -- loading --------------------------------------------------------------------------------------
def _grouped(c: sqlite3.Connection, sql: str, ids: list[int] | None) -> dict[int, list[tuple]]:
    where = "" if ids is None else f" WHERE meeting_id IN ({','.join('?' * len(ids))})"
    grouped: dict[int, list[tuple]] = {}
    for row in c.execute(sql.format(where=where), ids or []):
        grouped.setdefault(row[0], []).append(row[1:])
    return grouped


def load_meetings(c: sqlite3.Connection, flt) -> list[dict]:
    """Field dicts for ``Meeting`` (tracks as (kind, path) pairs), newest first."""
    where, params = _meeting_conditions(flt) if flt is not None else ([], [])
    rows = c.execute(f"SELECT id, title, default_title, started_at, duration, source, audio_path, transcript_path, "
                     f"language, model, speakers, segment_count, audio_missing, transcript_missing FROM meetings m "
                     f"WHERE {' AND '.join(where) or '1'} ORDER BY started_at DESC, id DESC", params).fetchall()
    ids = [r[0] for r in rows] if len(rows) <= 500 else None
    tracks = _grouped(c, "SELECT meeting_id, kind, path FROM tracks{where} ORDER BY meeting_id, position", ids)
    tags = _grouped(c, "SELECT meeting_id, tag FROM tags{where}", ids)
    marks = _grouped(c, "SELECT meeting_id, time, label FROM marks{where} ORDER BY time", ids)
    notes = _grouped(c, "SELECT meeting_id, time, text FROM notes{where} ORDER BY time", ids)
    found = []
    for (mid, title, default, started, duration, source, audio, transcript, language, model, speakers,
         count, audio_missing, transcript_missing) in rows:
        names = tuple(json.loads(speakers))
        audio, transcript = fs_path(audio), fs_path(transcript)
        found.append(dict(
            id=mid, title=title or default, started_at=started, duration=duration, source=source,
            audio_path=audio, tracks=tuple((k, fs_path(p)) for k, p in tracks.get(mid, [])),
            transcript_path=transcript, language=language, model=model, speakers=names,
            tags=tuple(scan.clean_tags([t for (t,) in tags.get(mid, [])])),
            marks=tuple(Mark(t, label) for t, label in marks.get(mid, [])),
            notes=tuple(Note(t, text) for t, text in notes.get(mid, [])), segment_count=count,
            missing=(audio is None or bool(audio_missing)) and (transcript is None or bool(transcript_missing)),
            audio_missing=bool(audio_missing), transcript_missing=bool(transcript_missing)))
    return found


# -- search ---------------------------------------------------------------------------------------
HARD_DEADLINE_S = 0.25
RANGE_QUERIES = 32  # a filter keeping at most this many rowid ranges searches each range alone


def _meeting_conditions(flt) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    for column, op, value in (("id", "=", flt.meeting_id), ("started_at", ">=", flt.since),
                              ("started_at", "<", flt.until)):
        if value is not None:
            where.append(f"m.{column} {op} ?")
            params.append(value)
    if flt.tag:
        where.append("EXISTS (SELECT 1 FROM tags t WHERE t.meeting_id = m.id AND t.tag = ?)")
        params.append(" ".join(flt.tag.split()))
    if flt.speaker:
        where.append("EXISTS (SELECT 1 FROM json_each(m.speakers) WHERE value = ? COLLATE NOCASE)")
        params.append(" ".join(flt.speaker.split()))
    return where, params


def _ranges(c: sqlite3.Connection, where: list[str], params: list) -> list[tuple[int, int]]:
    """The rowid ranges of the meetings kept by ``where``; neighbours merged into one."""
    rows = c.execute(f"SELECT first_segment, last_segment FROM meetings m WHERE {' AND '.join(where)} "
                     "AND last_segment >= first_segment ORDER BY first_segment", params).fetchall()
    merged: list[list[int]] = []
    for low, high in rows:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _ranked(c: sqlite3.Connection, expression: str, where: list[str], params: list, limit: int,
            candidates: int, join: bool, deadline: float) -> list[tuple[float, int]]:
    """(rank, rowid) of the best ``limit`` rows matching ``expression`` and ``where``.

    One walk over the matches, newest first, with each row's bm25 rank: it stops after
    ``candidates`` rows (a common word does not rank half the index) or at ``deadline``
    (a rare phrase of common words, "the the", would otherwise read every row holding
    "the") once ``limit`` rows are found, or HARD_DEADLINE_S after it whatever was found;
    the rows found so far are ranked. CROSS JOIN keeps the index the outer loop."""
    candidates = max(candidates, limit)
    joins = "FROM segments_fts CROSS JOIN segments s ON s.id = segments_fts.rowid " if join else "FROM segments_fts "
    clause = " AND ".join(["segments_fts MATCH ?", *where])
    found: list[tuple[float, int]] = []
    def enough() -> bool:  # past the deadline with a page of results, or far past it
        now = time.monotonic()
        return (now > deadline and len(found) >= limit) or now > deadline + HARD_DEADLINE_S

    c.set_progress_handler(enough, 2000)
    try:
        cursor = c.execute(f"SELECT segments_fts.rank, segments_fts.rowid {joins} WHERE {clause} "
                           f"ORDER BY segments_fts.rowid DESC", [expression, *params])
        while len(found) < candidates:
            batch = cursor.fetchmany(64)
            if not batch:
                break
            found += batch
        cursor.close()
    except sqlite3.OperationalError as error:
        if "interrupt" not in str(error):
            raise
    finally:
        c.set_progress_handler(None, 0)
    return sorted(found[:candidates], key=lambda r: (r[0], -r[1]))[:limit]


def _filtered(c: sqlite3.Connection, expression: str, flt, limit: int, candidates: int,
              deadline: float) -> list[tuple[float, int]]:
    """A filter first picks meetings (dates, tag, meeting, speaker among theirs); a few
    meetings are searched range by range (each a rowid range of the index, fast however
    rare they are); many are checked row by row on the walk, the speaker always."""
    where, params = _meeting_conditions(flt)
    ranges = _ranges(c, where, params)
    speaker = ["s.speaker = ? COLLATE NOCASE"] if flt.speaker else []
    speaker_params = [" ".join(flt.speaker.split())] if flt.speaker else []
    if len(ranges) <= RANGE_QUERIES:
        budget = max(200, candidates // max(1, len(ranges)))
        found: list[tuple[float, int]] = []
        for low, high in ranges:
            found += _ranked(c, expression, ["segments_fts.rowid BETWEEN ? AND ?", *speaker],
                             [low, high, *speaker_params], limit, budget, bool(speaker), deadline)
        return sorted(found, key=lambda r: (r[0], -r[1]))[:limit]
    kept = f"s.meeting_id IN (SELECT m.id FROM meetings m WHERE {' AND '.join(where)})"
    return _ranked(c, expression, [kept, *speaker], [*params, *speaker_params], limit, candidates // 4, True,
                   deadline)


def find_segments(c: sqlite3.Connection, expression: str, flt, limit: int, candidates: int,
                  budget: float) -> list[dict]:
    """The best ``limit`` segments matching ``expression`` (an FTS5 query) with their meeting.
    One read transaction (a snapshot): an index row without its segment is then damage."""
    c.execute("BEGIN")
    try:
        return _find_segments(c, expression, flt, limit, candidates, time.monotonic() + budget)
    finally:
        if c.in_transaction:
            c.execute("COMMIT")


def _find_segments(c: sqlite3.Connection, expression: str, flt, limit: int, candidates: int,
                   deadline: float) -> list[dict]:
    if flt is None or not any(v is not None and v != "" for v in (flt.meeting_id, flt.since, flt.until,
                                                                  flt.tag, flt.speaker)):
        ranked = _ranked(c, expression, [], [], limit, candidates, False, deadline)
    else:
        ranked = _filtered(c, expression, flt, limit, candidates, deadline)
    ids = [rowid for _, rowid in ranked]
    if not ids:
        return []
    details = c.execute(
        f'SELECT s.id, s.meeting_id, s.idx, s.start, s."end", s.speaker, s.text, '
        f"CASE WHEN m.title != '' THEN m.title ELSE m.default_title END, m.started_at "
        f"FROM segments s JOIN meetings m ON m.id = s.meeting_id WHERE s.id IN ({','.join('?' * len(ids))})",
        ids).fetchall()
    keys = ("id", "meeting_id", "idx", "start", "end", "speaker", "text", "title", "started_at")
    by_id = {row[0]: dict(zip(keys, row)) for row in details}
    if len(by_id) != len(ids):
        raise StoreCorrupt(f"{len(ids) - len(by_id)} index rows without their segment")
    return [by_id[i] for i in ids]


# -- sync -----------------------------------------------------------------------------------------
def scan_folders(store: Store, roots: list[str], save: Callable, kept: dict) -> dict:
    """Index new and changed files under ``roots`` (transcripts first: they claim their
    audio), then flag meetings whose files are gone. ``kept``: audio path -> (title, tags)
    to give back to meetings without a JSON (a rebuild)."""
    c = store.connection()
    counts: dict = {"added": 0, "updated": 0, "unchanged": 0, "missing": 0, "errors": []}
    known = {fs_path(p): (m, s, mid) for p, mid, m, s in c.execute("SELECT path, meeting_id, mtime_ns, size FROM files")}
    audio_of = {mid: fs_path(a) for mid, a in c.execute("SELECT id, audio_path FROM meetings")}
    # A folder that is not there (the Files view's Transcripts before its first file, an
    # unplugged drive) is not an error: its meetings are flagged missing below.
    walks = [scan.walk(root) for root in roots if os.path.isdir(root)]
    claimed: set[str] = set()

    def unchanged(path: str) -> bool:
        seen = known.get(path)
        if seen is None or seen[:2] != file_state(path) or seen[2] not in audio_of:
            return False
        counts["unchanged"] += 1
        claimed.add(audio_of[seen[2]] or "")
        return True

    def index(path: str, read: Callable) -> None:
        if unchanged(path):
            return
        try:
            data = read(path)
            meeting_id, status = save(data, "import")
        except scan.ScanError as error:
            if not error.foreign:
                counts["errors"].append((error.path, error.reason))
            return
        except MeetingRecorderError as error:  # a LibraryError (the JSON could not be written…)
            counts["errors"].append((path, str(error)))
            return
        counts[status] += 1
        claimed.update(p for _, p in data.tracks)
        if data.audio_path:
            claimed.add(data.audio_path)

    for found in walks:
        for path in found.transcripts:
            index(path, scan.read_transcript)
    for found in walks:
        for path in found.audio:
            if path not in claimed:
                index(path, scan.audio_data)
    _restore_user_fields(store, kept)
    counts["missing"] = refresh_missing(store)
    return counts


def _restore_user_fields(store: Store, kept: dict) -> None:
    if not kept:
        return
    with store.write() as c:
        for audio, (title, tags) in kept.items():
            row = c.execute("SELECT id FROM meetings WHERE audio_path = ? AND transcript_path IS NULL",
                            (db_path(audio),)).fetchone()
            if row:
                c.execute("UPDATE meetings SET title = ? WHERE id = ?", (title, row[0]))
                c.executemany("INSERT OR IGNORE INTO tags(meeting_id, tag) VALUES (?, ?)",
                              ((row[0], t) for t in tags))


def refresh_missing(store: Store) -> int:
    """Flag each meeting's audio/transcript as missing or back; returns how many meetings
    have neither on disk."""
    c = store.connection()
    rows = c.execute("SELECT id, audio_path, transcript_path, audio_missing, transcript_missing FROM meetings").fetchall()
    changes, missing = [], 0
    for mid, audio, transcript, was_audio, was_transcript in rows:
        audio, transcript = fs_path(audio), fs_path(transcript)
        gone_audio = bool(audio) and not os.path.exists(audio)
        gone_transcript = bool(transcript) and not os.path.exists(transcript)
        if (gone_audio, gone_transcript) != (bool(was_audio), bool(was_transcript)):
            changes.append((int(gone_audio), int(gone_transcript), mid))
        if (audio is None or gone_audio) and (transcript is None or gone_transcript):
            missing += 1
    if changes:
        with store.write() as c:
            c.executemany("UPDATE meetings SET audio_missing = ?, transcript_missing = ? WHERE id = ?", changes)
    return missing
