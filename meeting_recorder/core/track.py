"""One input of a live session: source → pool → writer (its own crash-safe file) →
analysis (level, 16 kHz ring) → live transcriber.

A plain recording has one track. A call has two on one clock: the microphone (the local
person, labelled with one fixed name) and the system audio (the other side, whose voices
the speaker model tells apart); ``TrackAligner`` keeps the system track on the
microphone's clock, so a sample position means the same moment on both rings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from meeting_recorder.core.audio import SAMPLE_RATE
from meeting_recorder.core.errors import Cancelled

if TYPE_CHECKING:
    from meeting_recorder.core.block_pool import BlockPool
    from meeting_recorder.core.live_analysis import LiveAnalysis
    from meeting_recorder.core.live_transcriber import LiveTranscriber
    from meeting_recorder.core.ring_buffer import RingBuffer
    from meeting_recorder.core.sources import AudioSource
    from meeting_recorder.core.transcript import Segment
    from meeting_recorder.core.writer import RecordingWriter


@dataclass
class Track:
    name: str  # "" for a plain recording, else "mic" or "system"
    source: "AudioSource"
    partial_path: Path
    pool: "BlockPool | None" = None
    writer: "RecordingWriter | None" = None
    analysis: "LiveAnalysis | None" = None
    ring: "RingBuffer | None" = None
    transcriber: "LiveTranscriber | None" = None
    # Applied to each captured block before it is pooled (the system track's clock correction).
    adjust: Callable[[np.ndarray], np.ndarray] | None = None
    # Told the length of each captured block (the microphone is the clock the other follows).
    on_captured: Callable[[int], None] | None = None

    @property
    def bytes_per_second(self) -> int:
        return self.source.samplerate * self.source.channels * 2

    def build(
        self,
        pool_seconds: float,
        ring_seconds: float,
        on_level: Callable[[float], None],
        on_write_error: Callable[[BaseException], None],
        on_analysis_error: Callable[[BaseException], None],
        on_appended: Callable[[float], None] | None,
    ) -> None:
        """The pool, ring, analysis and writer (not started) of this track."""
        from meeting_recorder.core.block_pool import BlockPool
        from meeting_recorder.core.live_analysis import LiveAnalysis
        from meeting_recorder.core.ring_buffer import RingBuffer
        from meeting_recorder.core.writer import RecordingWriter

        source = self.source
        self.pool = BlockPool(max(8, int(pool_seconds / 0.1)), source.block_frames, source.channels)
        self.ring = RingBuffer(int(ring_seconds * SAMPLE_RATE))
        self.analysis = LiveAnalysis(source.samplerate, self.ring, on_level)
        self.writer = RecordingWriter(
            self.partial_path, source.samplerate, source.channels, self.pool, on_block=self.analysis.process,
            on_write_error=on_write_error, on_analysis_error=on_analysis_error, on_appended=on_appended,
        )

    def release(self) -> None:
        """Forget every part (the session closed or discarded them)."""
        self.writer = self.transcriber = self.pool = self.analysis = self.ring = None


class FixedSpeaker:
    """Speaker labels for the microphone track of a call: everything said into it is the
    local person ("You", or their enrolled name); no speaker model is needed."""

    enabled = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.revised: list = []

    def load(self) -> None:
        """Nothing to load."""

    def turns(self, samples: np.ndarray, offset: float, segments: Sequence["Segment"], *, split: bool = True) -> list:
        from meeting_recorder.core.speakers.turns import SpeakerTurn

        return [SpeakerTurn(offset, offset + len(samples) / SAMPLE_RATE, self.name)]


class SerialEngine:
    """One Whisper model shared by the two transcribers of a call, one call at a time: a
    second model would double the memory, and two inferences at once on a few cores only
    slow each other down. Waiting for the other track still honours ``cancel``."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # model_name, device, close …
        return getattr(self.engine, name)

    @property
    def loaded(self) -> bool:
        return self.engine.loaded

    def load(self) -> None:
        with self._lock:
            if not self.engine.loaded:
                self.engine.load()

    def transcribe_samples(self, samples: np.ndarray, options: Any = None, *, offset: float = 0.0,
                           cancel: threading.Event | None = None, **kwargs: Any) -> Any:
        self._acquire(cancel)
        try:
            return self.engine.transcribe_samples(samples, options, offset=offset, cancel=cancel, **kwargs)
        finally:
            self._lock.release()

    def transcribe_draft(self, samples: np.ndarray, options: Any = None, **kwargs: Any) -> str:
        self._acquire(None)
        try:
            return self.engine.transcribe_draft(samples, options, **kwargs)
        finally:
            self._lock.release()

    def _acquire(self, cancel: threading.Event | None) -> None:
        while not self._lock.acquire(timeout=0.1):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
