"""Preallocated audio blocks for the capture callback.

The audio callback must not allocate or block: it copies the device's buffer into a free
block of this pool and hands the block's index on. The pool is sized for several seconds
so a slow disk never makes the callback wait; if it ever runs dry, the loss is counted and
reported (never silent).
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np


class BlockPool:
    def __init__(self, blocks: int, frames: int, channels: int) -> None:
        self.frames = frames
        self._data = np.zeros((blocks, frames, channels), dtype=np.int16)
        self._lengths = np.zeros(blocks, dtype=np.int64)
        self._free: deque[int] = deque(range(blocks))  # append/popleft are thread-safe
        self.dropped_frames = 0
        self._lock = threading.Lock()

    @property
    def free_blocks(self) -> int:
        return len(self._free)

    @property
    def size(self) -> int:
        return len(self._data)

    def fill(self, data: np.ndarray) -> list[int]:
        """Copy ``data`` (frames × channels int16) into free blocks; their indices in order."""
        indices = []
        for start in range(0, len(data), self.frames):
            chunk = data[start : start + self.frames]
            try:
                index = self._free.popleft()
            except IndexError:
                with self._lock:
                    self.dropped_frames += len(data) - start
                break
            self._data[index, : len(chunk)] = chunk
            self._lengths[index] = len(chunk)
            indices.append(index)
        return indices

    def view(self, index: int) -> np.ndarray:
        return self._data[index, : self._lengths[index]]

    def release(self, index: int) -> None:
        self._free.append(index)
