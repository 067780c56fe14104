"""Transcription results as plain dataclasses (shared by offline, live and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None

    def shifted(self, offset: float) -> "Segment":
        """The same segment with every time moved by ``offset`` seconds."""
        return Segment(
            start=self.start + offset,
            end=self.end + offset,
            text=self.text,
            words=[Word(w.start + offset, w.end + offset, w.word, w.probability) for w in self.words],
            speaker=self.speaker,
        )


@dataclass(frozen=True)
class Mark:
    """A moment someone marked while recording (Ctrl+M); seconds into the recording."""

    time: float
    label: str = ""


@dataclass(frozen=True)
class Note:
    """A note typed while recording, stamped with the seconds recorded when it was added."""

    time: float
    text: str


@dataclass
class Transcript:
    file: str
    duration: float
    language: str
    model: str
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # in time order
    notes: list[Note] = field(default_factory=list)  # in time order
    title: str = ""  # set in the meeting library ("" = the file's name)
    tags: list[str] = field(default_factory=list)  # set in the meeting library

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()
