"""Models run in a worker process (``client.py``, ``host.py``, ``remote.py``).

Why a process: a library keeps what it took after its model is released (~700 MB after one
file with speakers, plus the CUDA context on a GPU), and a native crash in CTranslate2,
onnxruntime or torch (a segfault, the OOM killer) would take the window and the recording
down with it. The worker exits when no model is held, giving all of that back; if it dies,
the recording goes on and the next call starts a new one.

``make_engine``, ``make_diarizer``, ``make_embedder`` and ``make_vad`` give the holders the
app uses: stand-ins for models in the worker (the default), or the models themselves in this
process with ``MEETING_RECORDER_IN_PROCESS=1`` (the benchmarks compare both; a holder made
directly, as some tests do, also runs in this process).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from typing import Any

IN_PROCESS_ENV = "MEETING_RECORDER_IN_PROCESS"
WORKER_ENV = "MEETING_RECORDER_WORKER"  # "1": the worker (the default; kept for scripts that say so)


def in_process() -> bool:
    """Models in this process instead of the worker: ``MEETING_RECORDER_IN_PROCESS=1``, or
    no worker can be started here."""
    return os.environ.get(IN_PROCESS_ENV, "") not in ("", "0") or not worker_possible()


@functools.cache
def worker_possible() -> bool:
    """The worker is this interpreter run again (in the bundle, the bundle's own program, which
    packaging/entry.py turns into the worker); where this user may not execute it, the models
    run in this process, as before the worker."""
    possible = bool(sys.executable) and os.access(sys.executable, os.X_OK)
    if not possible:
        logging.getLogger(__name__).warning("no worker process possible (%s): models run in the app's process",
                                            sys.executable or "no interpreter")
    return possible


def make_engine(model: str, **kwargs: Any) -> Any:
    """A Whisper engine: ``TranscriptionEngine`` or its stand-in in the worker."""
    if in_process():
        from meeting_recorder.core.engine import TranscriptionEngine

        return TranscriptionEngine(model, **kwargs)
    from meeting_recorder.core.worker.remote import RemoteEngine

    return RemoteEngine(model, **kwargs)


def make_diarizer(**kwargs: Any) -> Any:
    if in_process():
        from meeting_recorder.core.speakers.diarizer import Diarizer

        return Diarizer(**kwargs)
    from meeting_recorder.core.worker.remote import RemoteDiarizer

    return RemoteDiarizer(**kwargs)


def make_embedder(**kwargs: Any) -> Any:
    if in_process():
        from meeting_recorder.core.speakers.embedding import Embedder

        return Embedder(**kwargs)
    from meeting_recorder.core.worker.remote import RemoteEmbedder

    return RemoteEmbedder(**kwargs)


def make_language_detector(**kwargs: Any) -> Any:
    """The multilingual model that identifies a file's language (``language_choice``)."""
    if in_process():
        from meeting_recorder.core.language_choice import LanguageDetector

        return LanguageDetector(**kwargs)
    from meeting_recorder.core.worker.remote import RemoteLanguageDetector

    return RemoteLanguageDetector(**kwargs)


def make_vad() -> Any:
    """Silero VAD for the live segmenter: in the worker, or in this process."""
    if in_process():
        from meeting_recorder.core.segmenter import SileroVad

        return SileroVad()
    from meeting_recorder.core.worker.remote import RemoteVad

    return RemoteVad()
