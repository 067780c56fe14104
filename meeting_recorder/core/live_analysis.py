"""What the writer thread does with each block once it is on disk: the level for the meter,
and the audio as 16 kHz mono into the ring the live transcriber reads. Recording never
waits for it (``RecordingWriter`` calls it after the append and stops calling it if it
raises); ``stop_feeding`` ends the resampling once live transcription is off."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from meeting_recorder.core.audio import SAMPLE_RATE
from meeting_recorder.core.ring_buffer import RingBuffer

LEVEL_INTERVAL = 0.1  # seconds of audio between level reports


class LiveAnalysis:
    def __init__(self, samplerate: int, ring: RingBuffer, on_level: Callable[[float], None]) -> None:
        self.samplerate = samplerate
        self.on_level = on_level
        self._ring: RingBuffer | None = ring
        self._resampler = None
        self._frames_since_level = 0

    def process(self, block: np.ndarray) -> None:
        """One written block (int16, frames x channels)."""
        self._report_level(block)
        ring = self._ring
        if ring is None:  # live transcription is off: nothing to resample for
            return
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        layout = "mono" if block.shape[1] == 1 else "stereo"
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block).reshape(1, -1), format="s16", layout=layout)
        frame.sample_rate = self.samplerate
        for out in self._resampler.resample(frame):
            ring.write(out.to_ndarray().reshape(-1))

    def stop_feeding(self) -> None:
        """Live transcription is over: keep reporting the level, resample nothing more."""
        self._ring = None
        self._resampler = None

    def _report_level(self, block: np.ndarray) -> None:
        self._frames_since_level += len(block)  # audio time, so fast file playback reports too
        if self._frames_since_level >= LEVEL_INTERVAL * self.samplerate:
            self._frames_since_level = 0
            self.on_level(float(np.sqrt(np.mean(np.square(block, dtype=np.float32)))) / 32768.0)
