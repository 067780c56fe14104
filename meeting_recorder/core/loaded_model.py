"""The lifecycle every model holder shares (Whisper engine, diarizer, speaker embedder):
loaded on first need, ``close()`` releases it and hands the memory back (CUDA cache too),
usable again after; a context manager. One lock per holder: one job at a time, and no
close while a job runs (re-entrant, so a job may load on its own thread)."""

from __future__ import annotations

import threading
from typing import Any

from meeting_recorder.core.resources import release_memory


class LoadedModel:
    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.RLock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load now (a ModelError says what is missing or corrupt); nothing if loaded."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> Any:
        if self._model is None:
            self._model = self._build()
        return self._model

    def close(self) -> None:
        """Release the model and hand freed memory back. Safe to call more than once."""
        with self._lock:
            self._before_close()
            model, self._model = self._model, None
            if model is not None:
                self._unload(model)
            del model
        release_memory()

    def __enter__(self) -> "LoadedModel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- for subclasses ------------------------------------------------------------------
    def _build(self) -> Any:
        """Make the model (called under the lock, once per load)."""
        raise NotImplementedError

    def _before_close(self) -> None:
        """Stop what uses the model (e.g. a helper thread) before it is dropped."""

    def _unload(self, model: Any) -> None:
        """Free what dropping the last reference would not (e.g. CTranslate2's buffers)."""
