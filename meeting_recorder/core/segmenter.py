"""Streaming voice activity detection that cuts live audio into utterances.

Silero VAD (the ONNX model shipped with faster-whisper) scores every 32 ms frame. An
utterance starts when speech is likely, ends after a pause, and is cut by force once it
gets long (preferring the least speech-like moment of its last seconds), so transcription
latency stays bounded. State is a few counters and one fixed-size array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.audio import SAMPLE_RATE

FRAME = 512  # Silero's frame at 16 kHz (32 ms)
# The VAD always sees the same input shape: onnxruntime keeps a memory plan per distinct
# shape, so scoring whatever length happened to arrive grew RSS for hours.
BATCH = 4 * FRAME


@dataclass(frozen=True)
class Utterance:
    start: int  # absolute sample positions at 16 kHz
    end: int


@dataclass(frozen=True)
class SegmenterOptions:
    threshold: float = 0.5  # speech starts above this probability
    release: float = 0.35  # … and is over once it stays below this
    min_silence_seconds: float = 0.5
    min_speech_seconds: float = 0.3
    max_utterance_seconds: float = 18.0
    cut_search_seconds: float = 4.0  # a forced cut looks for a pause this far back
    pad_seconds: float = 0.2  # context kept before/after the detected speech


class SileroVad:
    """Silero VAD (faster-whisper's ONNX model, one per process) as a model holder, so the
    worker process can keep it: ``probabilities(audio)`` for whole 512-sample frames."""

    def load(self) -> None:
        from faster_whisper.vad import get_vad_model

        get_vad_model()

    def probabilities(self, audio: np.ndarray) -> np.ndarray:
        from faster_whisper.vad import get_vad_model

        return get_vad_model()(audio)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        return self.probabilities(audio)

    def close(self) -> None:
        """The ONNX session is faster-whisper's process-wide cached one (~2 MB): kept."""


class Segmenter:
    def __init__(self, options: SegmenterOptions = SegmenterOptions(), vad_model=None) -> None:
        self.options = options
        self.model = vad_model or SileroVad()  # any callable: frames -> speech probabilities
        self._max_frames = int(options.max_utterance_seconds * SAMPLE_RATE / FRAME)
        self._probabilities = np.zeros(self._max_frames + 1, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)  # < 1 frame left over between feeds
        self.reset(0)

    def reset(self, position: int) -> None:
        """Forget any utterance in progress; the next sample fed is at ``position``."""
        self._position = position  # absolute position of the next frame to score
        self._pending = np.zeros(0, dtype=np.float32)
        self._speech_start: int | None = None
        self._speech_frames = 0
        self._silent_frames = 0

    def restart_point(self) -> int:
        """Where to feed again from after a failed ``feed`` (the worker running the VAD
        died): the start of the utterance in progress, else the next unscored sample."""
        return self._speech_start if self._speech_start is not None else self._position

    @property
    def utterance_start(self) -> int | None:
        """Where the utterance in progress starts (absolute sample, with the padding its
        ``Utterance`` will get), or None between utterances: the live transcriber shows
        its words while it is spoken (``partials.py``)."""
        if self._speech_start is None:
            return None
        return max(0, self._speech_start - int(self.options.pad_seconds * SAMPLE_RATE))

    def feed(self, samples: np.ndarray) -> list[Utterance]:
        """Score new audio; return the utterances that ended in it."""
        audio = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        whole = len(audio) // BATCH * BATCH
        self._pending = audio[whole:].copy()
        finished = []
        for batch_start in range(0, whole, BATCH):
            for probability in self.model(audio[batch_start : batch_start + BATCH]).reshape(-1):
                utterance = self._step(float(probability))
                if utterance is not None:
                    finished.append(utterance)
                self._position += FRAME
        return finished

    def flush(self) -> list[Utterance]:
        """End of input: the utterance in progress, if any, is complete."""
        if self._speech_start is None:
            return []
        utterance = self._close(self._position)
        return [utterance] if utterance else []

    def _step(self, probability: float) -> Utterance | None:
        o = self.options
        if self._speech_start is None:
            if probability >= o.threshold:
                self._speech_start = self._position
                self._speech_frames = 0
                self._silent_frames = 0
            else:
                return None
        index = self._speech_frames
        self._probabilities[index] = probability
        self._speech_frames += 1
        self._silent_frames = self._silent_frames + 1 if probability < o.release else 0
        if self._silent_frames * FRAME >= o.min_silence_seconds * SAMPLE_RATE:
            return self._close(self._position + FRAME - self._silent_frames * FRAME)
        if self._speech_frames >= self._max_frames:
            return self._forced_cut()
        return None

    def _close(self, end: int) -> Utterance | None:
        start = self._speech_start
        self._speech_start = None
        self._speech_frames = self._silent_frames = 0
        if start is None or end - start < self.options.min_speech_seconds * SAMPLE_RATE:
            return None
        pad = int(self.options.pad_seconds * SAMPLE_RATE)
        return Utterance(max(0, start - pad), end + pad)

    def _forced_cut(self) -> Utterance | None:
        """Cut a too-long utterance at its least speech-like frame of the last seconds."""
        search = int(self.options.cut_search_seconds * SAMPLE_RATE / FRAME)
        window = self._probabilities[self._speech_frames - search : self._speech_frames]
        cut_frame = self._speech_frames - search + int(np.argmin(window))
        assert self._speech_start is not None
        cut = self._speech_start + (cut_frame + 1) * FRAME
        utterance = Utterance(max(0, self._speech_start - int(self.options.pad_seconds * SAMPLE_RATE)), cut)
        # The rest of the utterance continues as a new one starting at the cut.
        carried = self._probabilities[cut_frame + 1 : self._speech_frames].copy()
        self._probabilities[: len(carried)] = carried
        self._speech_start = cut
        self._speech_frames = len(carried)
        self._silent_frames = 0
        return utterance
