"""Speaker embeddings are compared by cosine similarity of unit-length vectors."""

from __future__ import annotations

import numpy as np


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 (float64); ValueError if it is zero or not finite."""
    vector = np.asarray(vector, dtype=np.float64).reshape(-1)
    norm = float(np.linalg.norm(vector))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("a speaker embedding must be a finite, non-zero vector")
    return vector / norm


def unit_or_zero(vector: np.ndarray) -> np.ndarray:
    """Like ``unit``, but a zero vector stays zero (it is then similar to nothing)."""
    vector = np.asarray(vector, dtype=np.float64).reshape(-1)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
