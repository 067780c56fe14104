"""A Qt table model over a core ``Transcript``: one row per segment (time, speaker, text).

The text column is editable in place; ``rename_speaker`` renames every segment of a
speaker at once. Edits change the wrapped Transcript itself, so saving or exporting it
with ``core.export`` writes what the table shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from meeting_recorder.core.transcript import Segment, Transcript, Word
from meeting_recorder.core.clock import format_clock

COL_TIME, COL_SPEAKER, COL_TEXT = range(3)
# Light backgrounds that keep dark text readable; a speaker keeps its colour while the
# transcript is open (by order of first appearance).
SPEAKER_COLOURS = ("#dbeafe", "#fde2e2", "#dcfce7", "#fef3c7", "#ede9fe", "#cffafe", "#fce7f3", "#e5e7eb")
Index = QModelIndex | QPersistentModelIndex


def retext_words(segment: Segment, text: str) -> list[Word]:
    """Word timings for edited text: kept one-to-one when the word count is unchanged
    (a corrected word keeps its time), else dropped, since they would no longer match."""
    new_words = text.split()
    if len(new_words) != len(segment.words):
        return []
    return [Word(w.start, w.end, f" {new}", w.probability) for w, new in zip(segment.words, new_words)]


class SegmentModel(QAbstractTableModel):
    modified_changed = Signal(bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.transcript: Transcript | None = None
        self._modified = False
        self._playing_row = -1
        self._colours: dict[str, QColor] = {}

    # -- contents ------------------------------------------------------------------------
    def set_transcript(self, transcript: Transcript | None) -> None:
        self.beginResetModel()
        self.transcript = transcript
        self._playing_row = -1
        self._colours = {}
        for speaker in self.speakers():
            self._colour(speaker)
        self.endResetModel()
        self.set_modified(False)

    def segments(self) -> list[Segment]:
        return self.transcript.segments if self.transcript is not None else []

    def speakers(self) -> list[str]:
        """Speakers in order of first appearance (segments without one are left out)."""
        return list(dict.fromkeys(s.speaker for s in self.segments() if s.speaker))

    def is_modified(self) -> bool:
        return self._modified

    def set_modified(self, modified: bool) -> None:
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)

    def row_at(self, seconds: float) -> int:
        """The segment playing at ``seconds`` (-1 between segments)."""
        for row, segment in enumerate(self.segments()):
            if segment.start <= seconds < segment.end:
                return row
        return -1

    def set_playing_row(self, row: int) -> None:
        """Shown in bold while the audio plays through that segment."""
        if row == self._playing_row:
            return
        old, self._playing_row = self._playing_row, row
        for changed in (old, row):
            if 0 <= changed < self.rowCount():
                self.dataChanged.emit(self.index(changed, 0), self.index(changed, COL_TEXT), [Qt.ItemDataRole.FontRole])

    # -- edits -----------------------------------------------------------------------------
    def set_text(self, row: int, text: str) -> bool:
        return self.setData(self.index(row, COL_TEXT), text)

    def rename_speaker(self, old: str, new: str) -> int:
        """Every segment of ``old`` becomes ``new`` (an existing name merges the two).
        Returns the number of segments changed."""
        new = " ".join(new.split())
        if not new or new == old:
            return 0
        changed = 0
        for row, segment in enumerate(self.segments()):
            if segment.speaker == old:
                segment.speaker = new
                changed += 1
                index = self.index(row, COL_SPEAKER)
                self.dataChanged.emit(index, index)
        if changed:
            if new not in self._colours and old in self._colours:
                self._colours[new] = self._colours.pop(old)
            self.set_modified(True)
        return changed

    # -- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.segments())

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Time"), self.tr("Speaker"), self.tr("Text"))[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_TEXT:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        segment = self.segments()[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COL_TIME:
                return format_clock(segment.start, tenths=True)
            if column == COL_SPEAKER:
                return segment.speaker or ""
            return segment.text
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TIME:
            return f"{format_clock(segment.start, True)} – {format_clock(segment.end, True)}"
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TEXT:
            return segment.text  # rows keep one height (fast for long meetings); long text is cut
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_SPEAKER and segment.speaker:
            return self._colour(segment.speaker)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_SPEAKER and segment.speaker:
            return QColor("#111111")  # the light backgrounds need dark text in dark themes too
        if role == Qt.ItemDataRole.FontRole and index.row() == self._playing_row:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != COL_TEXT:
            return False
        segment = self.segments()[index.row()]
        text = " ".join(str(value).split())
        if text == segment.text:
            return False
        segment.text = text
        segment.words = retext_words(segment, text)
        self.dataChanged.emit(index, index)
        self.set_modified(True)
        return True

    def speaker_colour(self, speaker: str) -> QColor:
        return self._colour(speaker)

    def _colour(self, speaker: str) -> QColor:
        if speaker not in self._colours:
            self._colours[speaker] = QColor(SPEAKER_COLOURS[len(self._colours) % len(SPEAKER_COLOURS)])
        return self._colours[speaker]


# -- reading transcripts (Qt-free) -------------------------------------------------------------
JOURNAL_SUFFIX = ".transcript.jsonl"  # the live journal of an unfinished recording
EDITED_SUFFIX = ".edited.json"  # where a journal's edits are saved (the recorder owns <stem>.json)
AUDIO_SUFFIXES = (".wav", ".wav.partial", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".mp4", ".mkv", ".webm")


def transcript_stem(path: Path) -> str:
    """``talk.json`` / ``talk.edited.json`` / ``talk.transcript.jsonl`` → ``talk``."""
    for suffix in (JOURNAL_SUFFIX, EDITED_SUFFIX, ".json"):
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def load_transcript(path: str | Path) -> tuple[Transcript, Path]:
    """The transcript in a JSON export or a live journal, and the JSON file edits are
    saved to. Raises OSError, ValueError (not a transcript) with a readable message."""
    from meeting_recorder.core.export import from_dict
    from meeting_recorder.core.transcript_log import journal_transcript, read_journal_full

    path = Path(path)
    if path.name.endswith(JOURNAL_SUFFIX):
        if not path.is_file():
            raise FileNotFoundError(2, "file not found", str(path))
        journal = read_journal_full(path)
        stem = transcript_stem(path)
        recording = next((path.with_name(stem + s) for s in (".wav", ".wav.partial")
                          if path.with_name(stem + s).is_file()), path.with_name(f"{stem}.wav"))
        times = [s.end for s in journal.segments] + [m.time for m in journal.marks] + [n.time for n in journal.notes]
        transcript = journal_transcript(journal, recording, max(times, default=0.0))
        return transcript, path.with_name(stem + EDITED_SUFFIX)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValueError("not a transcript (no list of segments)")
    data = {"file": "", "duration": 0.0, "language": "", "model": "", **data}
    try:
        return from_dict(data), path
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a transcript (a segment lacks {error})") from error


def find_audio(transcript: Transcript, transcript_path: Path) -> Path | None:
    """The transcript's audio: its "file" field (relative to the transcript's folder if
    relative), else an audio file with the same name next to the transcript."""
    candidates = []
    if transcript.file:
        recorded = Path(transcript.file)
        candidates.append(recorded if recorded.is_absolute() else transcript_path.parent / recorded)
    stem = transcript_stem(transcript_path)
    candidates += [transcript_path.with_name(stem + suffix) for suffix in AUDIO_SUFFIXES]
    return next((c for c in candidates if c.is_file()), None)
