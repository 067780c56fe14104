"""What a live session is told (``LiveSettings``), whom it tells (``LiveCallbacks``) and
what it returns (``SessionResult``); ``core/live_session.py`` re-exports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from meeting_recorder.core import events
from meeting_recorder.core.disk_space import DiskLimits
from meeting_recorder.core.export import FORMATS
from meeting_recorder.core.models import DEFAULT_MODEL
from meeting_recorder.core.recovery import RecoveredRecording
from meeting_recorder.core.segmenter import SegmenterOptions
from meeting_recorder.core.transcript import Segment


@dataclass
class LiveSettings:
    out_dir: Path
    model: str = DEFAULT_MODEL
    language: str = "auto"
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    keep_models_loaded: bool = False  # keep Whisper (and the speaker model) warm between recordings
    ring_seconds: float = 120.0
    pool_seconds: float = 20.0
    finish_timeout: float = 120.0  # transcribing the last words at stop
    disk: DiskLimits = field(default_factory=DiskLimits)
    segmenter: SegmenterOptions = field(default_factory=SegmenterOptions)
    speakers: bool = True  # label each utterance "Speaker 1", "Speaker 2", … (or an enrolled name)
    max_speakers: int = 8
    known_speakers: dict[str, np.ndarray] = field(default_factory=dict)  # name -> unit CAM++ vector
    glossary: tuple[str, ...] = ()  # names and terms to spell as written (core/glossary.py)
    self_name: str = "You"  # a call's microphone track: the local person (or their enrolled name)
    echo_suppression: bool = True  # a call: drop the microphone's echo of the speakers
    partials: bool = True  # show the words of an utterance while it is spoken


@dataclass
class LiveCallbacks:
    status: Callable[[events.Event], None] = lambda event: None
    segment: Callable[[Segment], None] = lambda segment: None
    level: Callable[[float], None] = lambda rms: None  # the first track's level
    source_level: Callable[[str, float], None] = lambda track, rms: None  # "mic"/"system", RMS
    partial: Callable[[str, object], None] = lambda track, partial: None  # core.partials.PartialText | None
    error: Callable[[events.Event], None] = lambda event: None
    recovered: Callable[[RecoveredRecording], None] = lambda recording: None


@dataclass(frozen=True)
class SessionResult:
    recording: Path
    seconds: float
    transcript_files: list[Path]
    segments: int
    skipped_seconds: float
    dropped_frames: int
    error: str | None  # the first error's code (``events``), None when all went well
    errors: tuple[events.Event, ...] = ()
    tracks: tuple[Path, ...] = ()  # a call's two track files (``recording`` is their mix)
    echo_dropped: int = 0  # a call: microphone utterances/segments dropped as echo
