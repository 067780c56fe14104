"""torch's intra-op thread count, set for the duration of speaker jobs."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

# torch.set_num_threads is process-wide. Jobs may overlap (live embedding while a file is
# diarized), so the first job to start saves the caller's setting and the last to end
# restores it; a short lock guards only that bookkeeping, never the job itself.
_LOCK = threading.Lock()
_active = 0
_saved: int | None = None


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run with ``count`` torch threads (None: leave as is), then restore.

    One thread is the default for speaker models: on a shared 2-core machine, 2 threads made
    CAM++ 5–20x slower under load, and at low load gave the same wall time for twice the CPU.
    """
    global _active, _saved
    if count is None:
        yield
        return
    import torch

    with _LOCK:
        if _active == 0:
            _saved = torch.get_num_threads()
        _active += 1
        torch.set_num_threads(max(1, int(count)))
    try:
        yield
    finally:
        with _LOCK:
            _active -= 1
            if _active == 0 and _saved is not None:
                torch.set_num_threads(_saved)
                _saved = None
