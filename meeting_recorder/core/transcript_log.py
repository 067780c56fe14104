"""Append-only JSON-lines journal of committed live segments, marks and notes (crash-safe).

Every segment is written and flushed the moment it is committed, so a crash loses at most
the utterance being transcribed. The journal is also the only copy a long session keeps:
segments are not held in memory, and exports at stop read them back from here. Marks
(Ctrl+M) and typed notes are journal lines too, fsynced before ``add_mark``/``add_note``
return, so a kill -9 a moment later keeps them.

Lines: ``{"header": {...}}`` first, then segments (``{"start", "end", "text", ...}``),
``{"mark": {"time", "label"}}`` and ``{"note": {"time", "text"}}`` in the order they came.
Journals written before marks and notes existed read the same.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from meeting_recorder.core.export import export
from meeting_recorder.core.private_files import open_private
from meeting_recorder.core.transcript import Mark, Note, Segment, Transcript, Word


class TranscriptLog:
    """Thread-safe: segments come from the transcriber's thread, marks and notes from the
    UI's; one lock keeps each line whole and in one piece on disk."""

    def __init__(self, path: Path, model: str, language: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._handle = open_private(path, "a")  # what was said: owner only
        self.count = 0  # segments written
        self._write({"header": {"model": model, "language": language}})

    def append(self, segment: Segment) -> None:
        record = {
            "start": round(segment.start, 3),
            "end": round(segment.end, 3),
            "text": segment.text,
            "speaker": segment.speaker,
            "words": [{"start": round(w.start, 3), "end": round(w.end, 3), "word": w.word} for w in segment.words],
        }
        self._write(record, segment=True)

    def add_mark(self, time: float, label: str = "") -> Mark:
        """Journal a mark at ``time`` seconds into the recording; on disk when this returns.
        Raises OSError (disk) or ValueError (the log is closed: the recording has stopped)."""
        mark = Mark(round(max(time, 0.0), 3), " ".join(label.split()))
        self._write({"mark": {"time": mark.time, "label": mark.label}})
        return mark

    def add_note(self, time: float, text: str) -> Note:
        """Journal a note at ``time`` seconds; on disk when this returns. Raises ValueError
        for an empty note or a closed log, OSError when the disk refuses it."""
        note = Note(round(max(time, 0.0), 3), text.strip())
        if not note.text:
            raise ValueError("an empty note")
        self._write({"note": {"time": note.time, "text": note.text}})
        return note

    def _write(self, record: dict, segment: bool = False) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            if self._handle.closed:
                raise ValueError(f"{self.path}: the journal is closed")
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())
            if segment:
                self.count += 1

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        with self._lock:
            if not self._handle.closed:
                self._handle.close()


@dataclass(frozen=True)
class Journal:
    """Everything a journal holds (marks and notes in time order)."""

    header: dict = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def read_journal_full(path: Path) -> Journal:
    """The header, segments, marks and notes of a journal; a last line cut off by a crash
    (or any line that is not whole) is ignored."""
    header: dict = {}
    segments: list[Segment] = []
    marks: list[Mark] = []
    notes: list[Note] = []
    if not path.is_file():
        return Journal()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                if "header" in data:
                    header = dict(data["header"])
                elif "mark" in data:
                    marks.append(Mark(float(data["mark"]["time"]), str(data["mark"].get("label", ""))))
                elif "note" in data:
                    notes.append(Note(float(data["note"]["time"]), str(data["note"]["text"])))
                else:
                    segments.append(_segment(data))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
                continue  # cut off by a crash, or not one of our lines
    return Journal(header, segments, sorted(marks, key=lambda m: m.time), sorted(notes, key=lambda n: n.time))


def _segment(data: dict) -> Segment:
    words = [Word(w["start"], w["end"], w["word"]) for w in data.get("words", [])]
    return Segment(data["start"], data["end"], data["text"], words, data.get("speaker"))


def read_journal(path: Path) -> tuple[dict, list[Segment]]:
    """(header, segments) of a journal; a last line cut off by a crash is ignored.
    (``read_journal_full`` has its marks and notes too.)"""
    journal = read_journal_full(path)
    return journal.header, journal.segments


def journal_transcript(journal: Journal, recording: Path | str, duration: float) -> Transcript:
    """The transcript a journal holds, for ``recording`` of ``duration`` seconds."""
    header = journal.header
    # A call's two tracks commit in their own time: the transcript reads in the order spoken.
    segments = sorted(journal.segments, key=lambda segment: segment.start)
    return Transcript(str(recording), duration, header.get("language") or "auto", header.get("model", ""),
                      segments, journal.marks, journal.notes)


def export_journal(journal: Path, recording: Path, duration: float, formats: list[str] | None) -> list[Path]:
    """Export a journal next to its recording (JSON always); the journal is then removed,
    since the JSON export holds the same segments, marks and notes."""
    transcript = journal_transcript(read_journal_full(journal), recording, duration)
    stem = Path(recording).stem
    written = export(transcript, recording.parent, ["json", *(formats or [])], stem=stem)
    journal.unlink(missing_ok=True)  # two recovers racing: the other one removed it
    return written
