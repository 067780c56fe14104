"""Stand-ins for the model holders that run them in the worker process: the same methods
as ``TranscriptionEngine``, ``Diarizer`` and ``Embedder``, so the live session, the file
queue, enrollment and the CLI use them unchanged. Callbacks (progress, segments) and
cancel events cross the process boundary; results come back as the same dataclasses.

``close()`` drops the model in the worker; when no stand-in holds one any more the worker
process exits, and with it everything the libraries took (heap, CUDA context).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from meeting_recorder.core.events import WorkerCrashed
from meeting_recorder.core.worker.client import WorkerClient, WorkerDied, shared_client

_NAMES = itertools.count(1)  # holder names are never reused (id() of a collected one could be)


class _Remote:
    qualified_class = ""
    # A holder whose calls build on each other (the VAD's recurrent state): when its worker
    # died between two calls, the next one raises WorkerDied instead of silently starting
    # over, so the caller says so and feeds again what the new worker has not heard.
    stateful = False

    def __init__(self, client: WorkerClient | None = None, **kwargs: Any) -> None:
        self.client = client or shared_client()
        self.name = f"{type(self).__name__}-{next(_NAMES)}"
        self._kwargs = kwargs
        self._generation: int | None = None  # the worker process that loaded our model
        self._lock = threading.Lock()
        weakref.finalize(self, self.client.abandon, self.name)  # dropped unclosed: forgotten

    @property
    def loaded(self) -> bool:
        return self._generation == self.client.generation and self.client.alive

    def load(self) -> None:
        self._call("load")

    def close(self) -> None:
        """Release the model; the worker exits once no stand-in holds a model."""
        with self._lock:
            self._generation = None
            self.client.forget(self.name)
            if not self.client.holders():
                self.client.shutdown()

    def __enter__(self) -> "_Remote":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.stateful and self._generation is not None:
            lost = self.client.lost_reason(self._generation)
            if lost:
                generation, self._generation = self._generation, None
                raise WorkerDied(WorkerCrashed(lost), generation)
        self.client.register(self.name, self.qualified_class, **self._kwargs)
        try:
            result = self.client.call(self.name, method, *args, **kwargs)
        except WorkerDied:
            self._generation = None  # reported once: the next call starts afresh
            raise
        self._generation = self.client.generation
        return result


class RemoteEngine(_Remote):
    """``TranscriptionEngine`` in the worker process."""

    qualified_class = "meeting_recorder.core.engine.TranscriptionEngine"

    def __init__(self, model: str, *, client: WorkerClient | None = None, **kwargs: Any) -> None:
        super().__init__(client, model=model, **kwargs)
        self.model_name = model
        self.device_preference = kwargs.get("device", "auto")

    def transcribe_samples(self, samples: np.ndarray, options: Any = None, *, offset: float = 0.0,
                           language: str | None = None, cancel: threading.Event | None = None,
                           on_segment: Any = None) -> tuple[list, str]:
        from meeting_recorder.core.engine import TranscribeOptions

        callbacks = {"on_segment": on_segment} if on_segment is not None else {}
        return self._call("transcribe_samples", np.ascontiguousarray(samples, dtype=np.float32),
                          options or TranscribeOptions(), offset=offset, language=language,
                          cancel=cancel, callbacks=callbacks)

    def transcribe_draft(self, samples: np.ndarray, options: Any = None, *, language: str | None = None) -> str:
        from meeting_recorder.core.engine import TranscribeOptions

        return self._call("transcribe_draft", np.ascontiguousarray(samples, dtype=np.float32),
                          options or TranscribeOptions(), language=language)

    def transcribe_file(self, path: str | Path, options: Any = None, *, progress: Any = None,
                        cancel: threading.Event | None = None) -> Any:
        from meeting_recorder.core.engine import TranscribeOptions

        callbacks = {"progress": progress} if progress is not None else {}
        return self._call("transcribe_file", str(path), options or TranscribeOptions(), cancel=cancel,
                          callbacks=callbacks)


class RemoteDiarizer(_Remote):
    """``Diarizer`` in the worker process."""

    qualified_class = "meeting_recorder.core.speakers.diarizer.Diarizer"

    def analyze_file(self, path: str | Path, options: Any = None, *, progress: Any = None,
                     cancel: threading.Event | None = None) -> Any:
        from meeting_recorder.core.speakers.diarizer import DiarizeOptions

        callbacks = {"progress": progress} if progress is not None else {}
        return self._call("analyze_file", str(path), options or DiarizeOptions(), cancel=cancel,
                          callbacks=callbacks)

    def diarize_file(self, path: str | Path, options: Any = None, **kwargs: Any) -> list:
        return self.analyze_file(path, options, **kwargs).turns


class RemoteEmbedder(_Remote):
    """``Embedder`` (CAM++) in the worker process."""

    qualified_class = "meeting_recorder.core.speakers.embedding.Embedder"

    def embed(self, samples: np.ndarray) -> np.ndarray:
        return self._call("embed", np.ascontiguousarray(samples, dtype=np.float32))

    def enroll_profile(self, name: str, path: str, *, start: float | None = None,
                       end: float | None = None) -> Any:
        """Enrollment in the worker: the file is decoded and its speech found (Silero VAD)
        there, so the main process loads no model for it."""
        return self._call("enroll_profile", name, str(path), start=start, end=end)


class RemoteVad(_Remote):
    """Silero VAD in the worker process: ``vad(frames)`` gives speech probabilities."""

    qualified_class = "meeting_recorder.core.segmenter.SileroVad"
    stateful = True

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        return self._call("probabilities", np.ascontiguousarray(audio, dtype=np.float32))


class RemoteLanguageDetector(_Remote):
    """``LanguageDetector`` in the worker process."""

    qualified_class = "meeting_recorder.core.language_choice.LanguageDetector"

    def detect_file(self, path: str | Path) -> tuple[str | None, float]:
        return self._call("detect_file", str(path))
