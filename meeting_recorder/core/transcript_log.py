"""Append-only JSON-lines journal of committed live segments (crash-safe).

Every segment is written and flushed the moment it is committed, so a crash loses at most
the utterance being transcribed. The journal is also the only copy a long session keeps:
segments are not held in memory, and exports at stop read them back from here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from meeting_recorder.core.export import export
from meeting_recorder.core.private_files import open_private
from meeting_recorder.core.transcript import Segment, Transcript, Word


class TranscriptLog:
    def __init__(self, path: Path, model: str, language: str) -> None:
        self.path = path
        self._handle = open_private(path, "a")  # what was said: owner only
        self.count = 0
        self._write({"header": {"model": model, "language": language}})

    def append(self, segment: Segment) -> None:
        record = {
            "start": round(segment.start, 3),
            "end": round(segment.end, 3),
            "text": segment.text,
            "speaker": segment.speaker,
            "words": [{"start": round(w.start, 3), "end": round(w.end, 3), "word": w.word} for w in segment.words],
        }
        self._write(record)
        self.count += 1

    def _write(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


def read_journal(path: Path) -> tuple[dict, list[Segment]]:
    """(header, segments) of a journal; a last line cut off by a crash is ignored."""
    header: dict = {}
    segments: list[Segment] = []
    if not path.is_file():
        return header, segments
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "header" in data:
                header = data["header"]
                continue
            words = [Word(w["start"], w["end"], w["word"]) for w in data.get("words", [])]
            segments.append(Segment(data["start"], data["end"], data["text"], words, data.get("speaker")))
    return header, segments


def export_journal(journal: Path, recording: Path, duration: float, formats: list[str] | None) -> list[Path]:
    """Export a journal next to its recording (JSON always); the journal is then removed,
    since the JSON export holds the same segments."""
    header, segments = read_journal(journal)
    language = header.get("language") or "auto"
    transcript = Transcript(str(recording), duration, language, header.get("model", ""), segments)
    stem = Path(recording).stem
    written = export(transcript, recording.parent, ["json", *(formats or [])], stem=stem)
    journal.unlink(missing_ok=True)  # two recovers racing: the other one removed it
    return written
