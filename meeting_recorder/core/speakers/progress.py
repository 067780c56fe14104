"""Progress and cancel for windowed diarization, fed by pyannote's step hook."""

from __future__ import annotations

import threading
from typing import Any

from meeting_recorder.core.progress import ProgressCallback, ProgressClock
from meeting_recorder.core.errors import Cancelled

# Share of a window's time per step (pyannote's two, then our turn embeddings), roughly measured.
_STEP_SPAN = {"segmentation": (0.0, 0.2), "embeddings": (0.2, 0.7), "turns": (0.7, 1.0)}


class WindowProgress:
    """Turns (window, step, completed/total) into Progress(processed s, fraction, ETA).

    ``hook`` is passed to pyannote, which calls it after every batch, so it is also where a
    cancel takes effect mid-window (it raises Cancelled out of the pipeline).
    """

    def __init__(
        self, total_seconds: float | None, callback: ProgressCallback | None, cancel: threading.Event
    ) -> None:
        self.clock = ProgressClock(total_seconds, callback)
        self.cancel = cancel
        self.offset = 0.0
        self.length = 0.0

    def start_window(self, offset: float, length: float) -> None:
        self.offset, self.length = offset, length
        self._report(offset)

    def hook(
        self, step: str, artefact: Any = None, *, completed: int | None = None, total: int | None = None, **_: Any
    ) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        span = _STEP_SPAN.get(step)
        if span is None or not completed or not total:
            return
        done = span[0] + (span[1] - span[0]) * min(completed / total, 1.0)
        self._report(self.offset + done * self.length)

    def finish(self) -> None:
        self.clock.finish(self.offset + self.length)

    def _report(self, processed: float) -> None:
        self.clock.report(processed)
