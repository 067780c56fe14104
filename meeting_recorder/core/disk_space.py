"""Free space where a recording is written: warn while there is time, stop before full.

A recording must end as a finalized file, with room left for its journal, transcript
exports and the header; so the session stops itself at ``reserve_bytes`` free, well before
the disk refuses a block. ``statvfs`` is read at most once per ``CHECK_SECONDS`` of audio.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MB = 1_000_000
CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class DiskLimits:
    reserve_bytes: int = 64 * MB  # stop here: journal, exports and the header still fit
    warn_seconds: float = 600.0  # warn when less than this much recording is left above the reserve


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


class DiskGuard:
    """Checks the free space of ``folder`` as a recording of ``bytes_per_second`` grows."""

    def __init__(self, folder: Path, bytes_per_second: float, limits: DiskLimits = DiskLimits()) -> None:
        self.folder = folder
        self.bytes_per_second = bytes_per_second
        self.limits = limits
        self.free = free_bytes(folder)
        self._next_check = 0.0
        self._warned = False

    def seconds_left(self) -> float:
        """Recording time left before the session stops itself."""
        return max(0.0, (self.free - self.limits.reserve_bytes) / self.bytes_per_second)

    def check(self, seconds_written: float) -> Literal["ok", "low", "full"]:
        """"low" once, when the warning threshold is crossed; "full" at the reserve."""
        if seconds_written < self._next_check:
            return "ok"
        self._next_check = seconds_written + CHECK_SECONDS
        self.free = free_bytes(self.folder)
        if self.free <= self.limits.reserve_bytes:
            return "full"
        if not self._warned and self.seconds_left() < self.limits.warn_seconds:
            self._warned = True
            return "low"
        return "ok"

    def room_to_start(self) -> bool:
        """Enough free space to begin at all (above the reserve)."""
        return free_bytes(self.folder) > self.limits.reserve_bytes
