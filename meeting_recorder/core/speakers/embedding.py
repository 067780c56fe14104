"""Single-utterance speaker embeddings (live labels, enrollment): CAM++ without pyannote."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from meeting_recorder.core.loaded_model import LoadedModel
from meeting_recorder.core.speakers.campplus import MIN_FRAMES, SAMPLE_RATE, CampplusEncoder
from meeting_recorder.core.speakers.threads import torch_threads
from meeting_recorder.core.speakers.weights import SpeakerWeights, find_weights

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.profiles import SpeakerProfile

# fbank needs a 25 ms window plus MIN_FRAMES hops of 10 ms.
MIN_SECONDS = (MIN_FRAMES - 1) * 0.010 + 0.025


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings (1 = same direction)."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


class Embedder(LoadedModel):
    """Holds one CAM++ model; ``embed`` gives a unit-length 192-d vector per utterance.

    Cosine similarity measured on 2–5 s clips: espeak voices, same 0.83–0.92, different
    0.4–0.7; real speech (shared fixtures), same speaker 0.71–0.87, different 0.26–0.48.
    ``close()`` releases the model; the next ``embed`` loads it again.
    """

    def __init__(self, *, weights: SpeakerWeights | None = None, num_threads: int = 1) -> None:
        self.weights = weights
        self.num_threads = num_threads
        super().__init__()

    # -- lifecycle (LoadedModel): CAM++ loads in about 0.5 s, no pyannote import --------------
    @property
    def _encoder(self) -> "CampplusEncoder | None":
        return self._model

    def _build(self) -> "CampplusEncoder":
        return CampplusEncoder(self.weights or find_weights())

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """16 kHz mono float32 samples in [-1, 1] -> L2-normalised float32 (192,).

        Raises ValueError for clips shorter than ``MIN_SECONDS`` (0.215 s). Silence still gives
        a vector; skip it before calling (the live VAD does).
        """
        samples = np.array(samples, dtype=np.float32).reshape(-1)  # a copy: torch needs it writable
        if len(samples) < MIN_SECONDS * SAMPLE_RATE:
            seconds = len(samples) / SAMPLE_RATE
            raise ValueError(f"{seconds:.3f} s of audio; a speaker embedding needs {MIN_SECONDS:.3f} s")
        import torch

        with self._lock, torch_threads(self.num_threads), torch.inference_mode():
            vector = self._load_locked().embed(torch.from_numpy(samples)).numpy()
        norm = float(np.linalg.norm(vector))
        if not np.isfinite(norm) or norm == 0.0:
            raise ValueError("no usable speaker embedding (corrupt audio)")
        return (vector / norm).astype(np.float32)

    def enroll_profile(self, name: str, path: str, *, start: float | None = None,
                       end: float | None = None) -> "SpeakerProfile":
        """``enrollment.enroll`` with this model, run where the model is (in the worker the
        VAD it uses loads there too, not in the main process)."""
        from meeting_recorder.core.speakers.enrollment import enroll_here

        return enroll_here(self, name, path, start=start, end=end)
