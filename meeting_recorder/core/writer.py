"""Crash-safe streaming WAV writer on its own thread.

Blocks arrive through a bounded queue (indices into the capture BlockPool) and are appended
with soundfile as PCM_16 at the device's native rate. Nothing is ever read back or
rewritten: each append costs the same at minute 1 and hour 24. The WAV header is refreshed
at least every ``HEADER_REFRESH_SECONDS`` so the file opens in any player even after a
kill -9; ``recovery.repair_wav`` fixes the last fraction of a second on the next start.

Recording comes first: each block is appended before anything else looks at it. A failing
``on_block`` (level, resampling, the ring: analysis for live transcription) is reported once
through ``on_analysis_error`` and not called again, while appending goes on. A failing
append is reported at once through ``on_write_error``; the blocks after it are released
unwritten (the caller stops the session, and the file holds everything before the failure).
"""

from __future__ import annotations

import errno
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile

from meeting_recorder.core.block_pool import BlockPool
from meeting_recorder.core.private_files import create_private

HEADER_REFRESH_SECONDS = 0.5
_SFC_UPDATE_HEADER_NOW = 0x1060  # libsndfile: write the header for the frames so far
_SFC_RF64_AUTO_DOWNGRADE = 0x1210  # RF64 only once the file passes 4 GB, plain WAV before
_STOP = -1


class RecordingWriter:
    def __init__(
        self,
        path: Path,
        samplerate: int,
        channels: int,
        pool: BlockPool,
        on_block: Callable[[np.ndarray], None] | None = None,
        on_write_error: Callable[[BaseException], None] | None = None,
        on_analysis_error: Callable[[BaseException], None] | None = None,
        on_appended: Callable[[float], None] | None = None,
    ) -> None:
        self.path = path
        self.samplerate = samplerate
        self.channels = channels
        self.pool = pool
        self.on_block = on_block  # runs on the writer thread after each append
        self.on_write_error = on_write_error  # writer thread, once: the disk refused a block
        self.on_analysis_error = on_analysis_error  # writer thread, once: on_block raised
        self.on_appended = on_appended  # writer thread, after each append: seconds written (disk checks)
        self.frames_written = 0
        self.error: BaseException | None = None  # the append that failed (nothing written after)
        self.analysis_error: BaseException | None = None
        self._queue: queue.Queue[int] = queue.Queue(maxsize=pool.size + 1)
        self._file: soundfile.SoundFile | None = None
        self._thread: threading.Thread | None = None
        self._last_refresh = 0.0
        self._halted = False
        self._lock_fd: int | None = None

    def start(self) -> None:
        # A day at 48 kHz stereo is 16 GB, past the 4 GB a RIFF header can describe: write
        # RF64, which libsndfile keeps as a plain WAV header until the 4 GB mark. The file is
        # created 0600 first (a voice recording); libsndfile then opens it and keeps the mode.
        # The descriptor stays open holding an exclusive lock: another window or a CLI
        # ``recover`` on this folder then leaves this live recording alone.
        self._lock_fd = create_private(self.path)
        try:
            _lock(self._lock_fd)
            self._file = soundfile.SoundFile(
                self.path, "w", samplerate=self.samplerate, channels=self.channels, format="RF64", subtype="PCM_16"
            )
        except BaseException:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise
        soundfile._snd.sf_command(self._file._file, _SFC_RF64_AUTO_DOWNGRADE, soundfile._ffi.NULL, 1)
        self._last_refresh = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="recording-writer")
        self._thread.start()

    def submit(self, indices: list[int]) -> None:
        """From the capture thread: hand filled pool blocks over (never blocks: the queue
        has room for every block of the pool)."""
        for index in indices:
            self._queue.put_nowait(index)

    def close(self, timeout: float = 30.0) -> None:
        """Write everything queued, finalize the header and close the file."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._thread = None
        if self._file is not None:
            try:
                self._file.close()  # writes the final header (in place: needs no free space)
            except BaseException as error:
                self.error = self.error or error
            finally:
                self._file = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def halt(self) -> None:
        """Append nothing more (the session is stopping itself, e.g. at the disk reserve);
        blocks still queued are released unwritten. Call from the writer thread (its
        ``on_appended``) or before ``close``."""
        self._halted = True

    @property
    def seconds_written(self) -> float:
        return self.frames_written / self.samplerate

    def _run(self) -> None:
        while True:
            index = self._queue.get()
            if index == _STOP:
                return
            try:
                block = self.pool.view(index)
                if self.error is None and not self._halted:
                    self._write(block)
                if self.on_block is not None and self.analysis_error is None:
                    self._analyse(block)
            finally:
                self.pool.release(index)

    def _write(self, block: np.ndarray) -> None:
        try:
            self._append(block)
        except BaseException as error:  # disk full, disk gone, I/O error
            self.error = _explained(error, self.path, block.nbytes)
            if self.on_write_error is not None:
                self.on_write_error(self.error)
            return
        if self.on_appended is not None:
            self.on_appended(self.seconds_written)

    def _analyse(self, block: np.ndarray) -> None:
        assert self.on_block is not None
        try:
            self.on_block(block)
        except BaseException as error:  # never costs the recording a block
            self.analysis_error = error
            if self.on_analysis_error is not None:
                self.on_analysis_error(error)

    def _append(self, block: np.ndarray) -> None:
        assert self._file is not None
        self._file.write(block)
        self.frames_written += len(block)
        now = time.monotonic()
        if now - self._last_refresh >= HEADER_REFRESH_SECONDS:
            refresh_header(self._file)
            self._last_refresh = now


def _lock(descriptor: int) -> None:
    """An advisory exclusive lock (POSIX; elsewhere the recording is simply not locked)."""
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _explained(error: BaseException, path: Path, needed: int) -> BaseException:
    """libsndfile says only "System error." for a full disk: tell which it was."""
    if isinstance(error, soundfile.LibsndfileError):
        try:
            if shutil.disk_usage(path.parent).free < needed + 65536:
                return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as gone:  # the folder itself vanished (a USB disk pulled out)
            return gone
    return error


def refresh_header(handle: soundfile.SoundFile) -> None:
    """Make the on-disk header describe every frame written so far (O(1))."""
    soundfile._snd.sf_command(handle._file, _SFC_UPDATE_HEADER_NOW, soundfile._ffi.NULL, 0)
