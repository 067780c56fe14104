"""Fixed-capacity ring of 16 kHz mono float32 audio between capture and transcription.

One producer (the writer thread) and one consumer (the transcriber). Positions are absolute
sample counts since the session started, so the consumer can ask for any range and learn
whether it was already overwritten (it fell behind): then it skips ahead and says so. The
recording on disk is not affected; only transcription skips.
"""

from __future__ import annotations

import threading

import numpy as np


class RingBuffer:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._data = np.zeros(capacity, dtype=np.float32)
        self._written = 0  # absolute count of samples ever written
        self._lock = threading.Lock()
        self._grown = threading.Condition(self._lock)

    @property
    def written(self) -> int:
        with self._lock:
            return self._written

    @property
    def oldest(self) -> int:
        """Absolute position of the oldest sample still held."""
        with self._lock:
            return max(0, self._written - self.capacity)

    def write(self, samples: np.ndarray) -> None:
        skipped = max(0, len(samples) - self.capacity)
        samples = samples[skipped:]  # only the newest capacity samples can survive
        with self._lock:
            self._written += skipped
            start = self._written % self.capacity
            first = min(len(samples), self.capacity - start)
            self._data[start : start + first] = samples[:first]
            self._data[: len(samples) - first] = samples[first:]
            self._written += len(samples)
            self._grown.notify_all()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until ``position`` samples were written (or timeout); True if they were."""
        with self._grown:
            return self._grown.wait_for(lambda: self._written >= position, timeout)

    def read(self, start: int, end: int) -> tuple[np.ndarray, int]:
        """Copy of samples [start, end) that are still held, and the absolute start of it.

        The returned start is later than ``start`` when the oldest part was overwritten.
        """
        with self._lock:
            end = min(end, self._written)
            start = max(start, self._written - self.capacity, 0)
            if end <= start:
                return np.zeros(0, dtype=np.float32), start
            out = np.empty(end - start, dtype=np.float32)
            first_index = start % self.capacity
            first = min(end - start, self.capacity - first_index)
            out[:first] = self._data[first_index : first_index + first]
            out[first:] = self._data[: end - start - first]
            return out, start
