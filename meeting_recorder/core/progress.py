"""Progress reports (processed seconds, fraction, ETA) shared by every long job."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    processed_seconds: float
    fraction: float | None  # 0..1, None when the total duration is not known
    eta_seconds: float | None


ProgressCallback = Callable[[Progress], None]


class ProgressClock:
    """Turns processed seconds into fraction and ETA for a progress callback."""

    def __init__(self, duration: float | None, callback: ProgressCallback | None) -> None:
        self.duration = duration if duration and duration > 0 else None
        self.callback = callback
        self.started = time.monotonic()

    def report(self, processed: float) -> None:
        if self.callback is None:
            return
        fraction = min(processed / self.duration, 1.0) if self.duration else None
        eta = None
        if fraction:
            eta = (time.monotonic() - self.started) / fraction * (1.0 - fraction)
        self.callback(Progress(processed, fraction, eta))

    def finish(self, processed: float) -> None:
        if self.callback is not None:
            self.callback(Progress(processed, 1.0, 0.0))
