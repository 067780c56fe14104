#!/usr/bin/env python3
"""Live recording writer benchmark: cost of appending one 0.2 s block at minute 1 and hour 24.

Usage::

    .venv/bin/python scripts/bench_writer.py [--hours 24] [--old-minutes 10] [--tmp-dir DIR]

1. New writer: ``--hours`` (default 24) of simulated audio, 48 kHz stereo int16 in 0.2 s
   blocks (a few noisy blocks prepared once and cycled), go through the real
   ``RecordingWriter`` and its ``BlockPool`` into a temporary WAV as fast as the writer
   takes them (no real-time pacing). A subclass times ``RecordingWriter._append`` on the
   writer thread. In the two sample windows (the 300 blocks centred on minute 1, and the
   last 300 blocks of hour 24) every block also gets a header refresh, timed separately
   (in real time the writer refreshes every 0.5 s, i.e. every 2-3 blocks). Every 10
   simulated minutes, and before each window once the queue is drained, the file is
   fsync'ed and dropped from the page cache (posix_fadvise DONTNEED): at ~1700x real time
   the page cache would otherwise fill the machine's memory with the recording, and the
   late appends would measure page reclaim and write-back throttling rather than the
   writer. Goal: median cost per block (append + header refresh) at hour 24 / minute 1
   <= 1.05. As the machine (2 shared cores) may be busier at one moment than the other,
   a same-time check follows hour 24: 5 rounds of 300 more blocks to the long file, each
   followed by 300 blocks into a new, empty file. The finished file's header must also
   describe every frame written.
   If the disk has too little room for 48 kHz stereo (~16.6 GB for 24 h), 16 kHz mono
   (~2.8 GB) is used instead and the report says so.
2. Old approach, for comparison: for its first ``--old-minutes`` (default 10) simulated
   minutes, every 0.2 s block reads the whole WAV back with soundfile, concatenates the
   new block and writes everything again. Its median cost per block at minute 1 and at
   the last minute is reported, with their ratio.

Everything is written in a temporary folder that is removed at the end, also on errors
and Ctrl+C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meeting_recorder.core.block_pool import BlockPool  # noqa: E402
from meeting_recorder.core.writer import RecordingWriter, refresh_header  # noqa: E402

BLOCK_SECONDS = 0.2
WINDOW_BLOCKS = 300  # blocks per sample window (60 s of audio)
POOL_SECONDS = 20.0  # as LiveSettings.pool_seconds
DISTINCT_BLOCKS = 16  # prepared once, cycled
RATIO_GOAL = 1.05
DISK_MARGIN_BYTES = 2e9
FULL_FORMAT = (48000, 2)
SMALL_FORMAT = (16000, 1)
MB = 1e6
SAME_TIME_ROUNDS = 5  # after hour 24: long file and fresh file take turns, 300 blocks each
FLUSH_EVERY_BLOCKS = 3000  # 10 simulated minutes: fsync + drop the file from the page cache


@dataclass(frozen=True)
class AudioFormat:
    samplerate: int
    channels: int
    note: str

    @property
    def block_frames(self) -> int:
        return int(self.samplerate * BLOCK_SECONDS)

    def bytes_for(self, seconds: float) -> float:
        return self.samplerate * self.channels * 2 * seconds


@dataclass(frozen=True)
class WindowStats:
    label: str
    write_us: float
    refresh_us: float
    total_us: float


# -- helpers ---------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GB RAM, Python {platform.python_version()}; load average {load}"


def choose_format(folder: Path, hours: float) -> AudioFormat:
    free = shutil.disk_usage(folder).free
    full = AudioFormat(*FULL_FORMAT, note="")
    need = full.bytes_for(hours * 3600) + DISK_MARGIN_BYTES
    if free >= need:
        return AudioFormat(*FULL_FORMAT, note=f"48 kHz stereo ({free / 1e9:.0f} GB free)")
    return AudioFormat(
        *SMALL_FORMAT,
        note=f"16 kHz mono: only {free / 1e9:.1f} GB free, 48 kHz stereo needs {need / 1e9:.1f} GB",
    )


def make_blocks(fmt: AudioFormat) -> list[np.ndarray]:
    """A few different 0.2 s blocks of noisy tones (frames x channels int16)."""
    rng = np.random.default_rng(1)
    t = np.arange(fmt.block_frames) / fmt.samplerate
    blocks = []
    for i in range(DISTINCT_BLOCKS):
        tone = 6000 * np.sin(2 * np.pi * (220 + 37 * i) * t)
        noisy = tone[:, None] + rng.normal(0, 2000, (fmt.block_frames, fmt.channels))
        blocks.append(np.clip(noisy, -32768, 32767).astype(np.int16))
    return blocks


def median_us(values: np.ndarray) -> float:
    return float(np.median(values)) * 1e6


# -- new writer --------------------------------------------------------------------------
class TimedWriter(RecordingWriter):
    """RecordingWriter whose appends are timed on the writer thread."""

    def __init__(self, *args, total_blocks: int, windows: list[range], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.write_cost = np.zeros(total_blocks)
        self.refresh_cost = np.zeros(total_blocks)
        self.in_window = np.zeros(total_blocks, dtype=bool)
        for window in windows:
            self.in_window[window.start : window.stop] = True
        self.appended = 0

    def _append(self, block: np.ndarray) -> None:
        i = self.appended
        timed_refresh = bool(self.in_window[i])
        if timed_refresh:
            self._last_refresh = time.monotonic()  # keep the refresh out of the append timing
        start = time.perf_counter()
        super()._append(block)
        appended = time.perf_counter()
        self.write_cost[i] = appended - start
        if timed_refresh:
            refresh_header(self._file)
            self.refresh_cost[i] = time.perf_counter() - appended
            self._last_refresh = time.monotonic()
        self.appended = i + 1


def wait_drained(pool: BlockPool) -> None:
    while pool.free_blocks < pool.size:
        time.sleep(0.001)


def flush_and_drop(path: Path) -> None:
    """Write the file's dirty pages to disk and drop them from the page cache.

    The run writes ~1700x faster than real time: without this the page cache would fill
    the machine's memory with the recording (as real time never does), and later appends
    would pay for page reclaim and write-back throttling rather than for the writer.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def submit_blocks(writer: RecordingWriter, pool: BlockPool, blocks: list[np.ndarray], count: int) -> int:
    """Hand ``count`` blocks to the writer as fast as the pool frees them; returns the waits."""
    waits = 0
    for i in range(count):
        while pool.free_blocks == 0:
            waits += 1
            time.sleep(0.0005)
        writer.submit(pool.fill(blocks[i % len(blocks)]))
    return waits


def run_new_writer(folder: Path, fmt: AudioFormat, hours: float) -> dict:
    total = int(round(hours * 3600 / BLOCK_SECONDS))
    extra = SAME_TIME_ROUNDS * WINDOW_BLOCKS
    minute1 = int(60 / BLOCK_SECONDS)
    windows = [range(minute1 - WINDOW_BLOCKS // 2, minute1 + WINDOW_BLOCKS // 2), range(total - WINDOW_BLOCKS, total)]
    rounds = [range(total + r * WINDOW_BLOCKS, total + (r + 1) * WINDOW_BLOCKS) for r in range(SAME_TIME_ROUNDS)]
    blocks = make_blocks(fmt)
    pool = BlockPool(int(POOL_SECONDS / BLOCK_SECONDS), fmt.block_frames, fmt.channels)
    path = folder / "new.wav"
    writer = TimedWriter(path, fmt.samplerate, fmt.channels, pool, total_blocks=total + extra,
                         windows=windows + rounds)
    writer.start()
    window_starts = {w.start for w in windows}
    started = time.perf_counter()
    waits = 0
    report_every = int(3600 / BLOCK_SECONDS)
    fresh_write, fresh_refresh = [], []
    try:
        for i in range(total):
            if i in window_starts:
                wait_drained(pool)
                flush_and_drop(path)
            elif i % FLUSH_EVERY_BLOCKS == 0 and i:
                flush_and_drop(path)
            while pool.free_blocks == 0:
                waits += 1
                time.sleep(0.0005)
            writer.submit(pool.fill(blocks[i % len(blocks)]))
            if i and i % report_every == 0:
                elapsed = time.perf_counter() - started
                print(f"  ... {i * BLOCK_SECONDS / 3600:.0f} h written in {elapsed:.0f} s", flush=True)
        elapsed = time.perf_counter() - started
        for r in range(SAME_TIME_ROUNDS):  # the long file and a fresh one, taking turns
            wait_drained(pool)
            flush_and_drop(path)
            waits += submit_blocks(writer, pool, blocks, WINDOW_BLOCKS)
            wait_drained(pool)
            write, refresh = run_fresh_file(folder / f"fresh{r}.wav", fmt, blocks)
            fresh_write.append(write)
            fresh_refresh.append(refresh)
    finally:
        writer.close(timeout=600)
    info = soundfile.info(str(path))
    size = path.stat().st_size
    with open(path, "rb") as handle:
        container = handle.read(4).decode("ascii", "replace")
    long_rounds = np.concatenate([np.arange(w.start, w.stop) for w in rounds])
    stats = [
        window_stats(writer, windows[0], "minute 1"),
        window_stats(writer, windows[1], f"hour {hours:g}"),
        costs_stats(writer.write_cost[long_rounds], writer.refresh_cost[long_rounds], f"after h {hours:g}: long"),
        costs_stats(np.concatenate(fresh_write), np.concatenate(fresh_refresh), f"after h {hours:g}: fresh"),
    ]
    return {
        "blocks": total,
        "extra": extra,
        "appended": writer.appended,
        "frames_expected": (total + extra) * fmt.block_frames,
        "frames_written": writer.frames_written,
        "header_frames": info.frames,
        "container": f"{container} ({info.format_info})",
        "file_bytes": size,
        "elapsed": elapsed,
        "error": writer.error,
        "dropped": pool.dropped_frames,
        "waits": waits,
        "stats": stats,
        "all_write_us": median_us(writer.write_cost[:total]),
    }


def run_fresh_file(path: Path, fmt: AudioFormat, blocks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """300 blocks into a new, empty file (its minute 1), every block timed with a header refresh."""
    pool = BlockPool(int(POOL_SECONDS / BLOCK_SECONDS), fmt.block_frames, fmt.channels)
    window = range(0, WINDOW_BLOCKS)
    writer = TimedWriter(path, fmt.samplerate, fmt.channels, pool, total_blocks=WINDOW_BLOCKS, windows=[window])
    writer.start()
    try:
        submit_blocks(writer, pool, blocks, WINDOW_BLOCKS)
    finally:
        writer.close()
        path.unlink(missing_ok=True)
    return writer.write_cost, writer.refresh_cost


def window_stats(writer: TimedWriter, window: range, label: str) -> WindowStats:
    sl = slice(window.start, window.stop)
    return costs_stats(writer.write_cost[sl], writer.refresh_cost[sl], label)


def costs_stats(write: np.ndarray, refresh: np.ndarray, label: str) -> WindowStats:
    return WindowStats(label, median_us(write), median_us(refresh), median_us(write + refresh))


# -- old approach ----------------------------------------------------------------------
def old_append(path: Path, block: np.ndarray, fmt: AudioFormat) -> None:
    """The replaced approach: read everything, add the block, write everything back."""
    if path.exists():
        existing, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
        data = np.concatenate([existing, block])
    else:
        data = block
    soundfile.write(str(path), data, fmt.samplerate, subtype="PCM_16", format="WAV")


def run_old_approach(folder: Path, fmt: AudioFormat, minutes: float) -> dict:
    total = int(round(minutes * 60 / BLOCK_SECONDS))
    blocks = make_blocks(fmt)
    path = folder / "old.wav"
    costs = np.zeros(total)
    started = time.perf_counter()
    for i in range(total):
        t0 = time.perf_counter()
        old_append(path, blocks[i % len(blocks)], fmt)
        costs[i] = time.perf_counter() - t0
        if i and i % int(60 / BLOCK_SECONDS) == 0:
            print(f"  ... old approach: minute {i * BLOCK_SECONDS / 60:.0f}, "
                  f"last block {costs[i] * 1e3:.0f} ms", flush=True)
    elapsed = time.perf_counter() - started
    minute1 = int(60 / BLOCK_SECONDS)
    first = costs[minute1 - WINDOW_BLOCKS // 2 : minute1 + WINDOW_BLOCKS // 2]
    last = costs[total - WINDOW_BLOCKS : total]
    slope, intercept = np.polyfit(np.arange(total) * BLOCK_SECONDS / 60, costs, 1)  # s per simulated minute
    path.unlink()
    return {
        "blocks": total,
        "minute1_ms": float(np.median(first)) * 1e3,
        "last_ms": float(np.median(last)) * 1e3,
        "elapsed": elapsed,
        "over_budget": float(np.mean(last > BLOCK_SECONDS)),
        "slope": float(slope),
        "intercept": float(intercept),
    }


# -- report ----------------------------------------------------------------------------
def report_new(result: dict, fmt: AudioFormat, hours: float) -> bool:
    first, last, long_now, fresh_now = result["stats"]
    ratio = last.total_us / first.total_us
    same_time = long_now.total_us / fresh_now.total_us
    header_ok = result["header_frames"] == result["frames_expected"] == result["frames_written"]
    clean = result["error"] is None and result["dropped"] == 0
    print()
    print(f"New writer (RecordingWriter + BlockPool), {fmt.note}, {hours:g} h in 0.2 s blocks")
    print(f"  {result['blocks']:,} blocks (+{result['extra']:,} for the same-time check), "
          f"{result['file_bytes'] / 1e9:.2f} GB; {hours:g} h took {result['elapsed']:.1f} s "
          f"({fmt.bytes_for(hours * 3600) / result['elapsed'] / MB:.0f} MB/s, "
          f"{hours * 3600 / result['elapsed']:.0f}x real time)")
    print(f"  median append over all blocks: {result['all_write_us']:.1f} us")
    print(f"  {'blocks':<24}{'append':>9}{'header':>9}{'total':>9}   (median per block, us)")
    for s in (first, last, long_now, fresh_now):
        print(f"  {s.label:<24}{s.write_us:>9.1f}{s.refresh_us:>9.1f}{s.total_us:>9.1f}")
    print(f"  (minute 1, hour {hours:g}: 300 blocks each; after hour {hours:g}: {SAME_TIME_ROUNDS} rounds of 300 blocks "
          f"to the long file, then 300 to a new empty file)")
    print(f"  ratio hour {hours:g} / minute 1: {ratio:.3f}  (goal <= {RATIO_GOAL})  {verdict(ratio <= RATIO_GOAL)}")
    print(f"  same-time check, long file / new file: {same_time:.3f}  (machine drift between minute 1 and "
          f"hour {hours:g} left out)")
    print(f"  frames written {result['frames_written']:,}, expected {result['frames_expected']:,}, "
          f"header says {result['header_frames']:,} ({result['container']})  {verdict(header_ok)}")
    print(f"  writer error: {result['error']!r}, dropped frames: {result['dropped']}  {verdict(clean)}")
    return ratio <= RATIO_GOAL and header_ok and clean


def report_old(result: dict, fmt: AudioFormat, minutes: float) -> None:
    ratio = result["last_ms"] / result["minute1_ms"]
    print()
    print(f"Old approach (read whole WAV + concatenate + write back), {minutes:g} min, same format")
    print(f"  {result['blocks']:,} blocks in {result['elapsed']:.0f} s")
    print(f"  median cost per block at minute 1: {result['minute1_ms']:.1f} ms, "
          f"at minute {minutes:g}: {result['last_ms']:.1f} ms, ratio {ratio:.1f}")
    print(f"  blocks of the last minute that took longer than their own 0.2 s: {result['over_budget']:.0%}")
    slope, intercept = result["slope"], result["intercept"]
    if slope > 0:
        limit = (BLOCK_SECONDS - intercept) / slope
        day = (intercept + slope * 24 * 60) * 1e3
        print(f"  linear fit: +{slope * 1e3:.1f} ms per simulated minute; a block would take its whole 0.2 s "
              f"at minute {limit:.0f} and ~{day / 1e3:.0f} s at hour 24")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours for the new writer (default 24)")
    parser.add_argument("--old-minutes", type=float, default=10.0, help="simulated minutes for the old approach")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the temporary folder goes")
    args = parser.parse_args()
    if args.hours * 3600 / BLOCK_SECONDS < 2 * WINDOW_BLOCKS + int(60 / BLOCK_SECONDS):
        parser.error("--hours is too short for two separate sample windows")
    folder = Path(tempfile.mkdtemp(prefix="bench_writer_", dir=args.tmp_dir))
    try:
        fmt = choose_format(folder, args.hours)
        print(f"bench_writer  {dt.datetime.now().isoformat(timespec='seconds')}")
        print(f"machine: {machine()}")
        print(f"libsndfile {soundfile.__libsndfile_version__}, soundfile {soundfile.__version__}, "
              f"numpy {np.__version__}; temp folder {folder}")
        print(f"format: {fmt.note}")
        new = run_new_writer(folder, fmt, args.hours)
        (folder / "new.wav").unlink()
        ok = report_new(new, fmt, args.hours)
        if args.old_minutes > 0:
            report_old(run_old_approach(folder, fmt, args.old_minutes), fmt, args.old_minutes)
        print()
        print(f"overall: {verdict(ok)}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
