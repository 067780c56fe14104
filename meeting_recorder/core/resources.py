"""Process resource readings and the memory release step shared by every stop/close."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import shutil
import subprocess
import sys

import psutil


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def gpu_bytes_of(pids: list[int]) -> int | None:
    """GPU memory the NVIDIA driver reports for these processes (the model worker: torch is
    not in the window's process), or None without ``nvidia-smi`` or a GPU."""
    nvidia_smi = shutil.which("nvidia-smi")
    if nvidia_smi is None or not pids:
        return None
    try:
        listing = subprocess.run(
            [nvidia_smi, "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    total = 0
    for line in listing.splitlines():
        pid, _, used = line.partition(",")
        if pid.strip().isdigit() and int(pid) in pids and used.strip().isdigit():
            total += int(used) * 1024 * 1024  # MiB
    return total


M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


@functools.cache
def _libc():
    """glibc, or None elsewhere (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (call before threads start; MALLOC_ARENA_MAX set by the user wins).

    glibc gives busy threads arenas of their own, up to 8 per core. When every thread of a
    live session is busy at once (transcription falling behind), new arenas appear and keep
    their memory: a 24 h soak's heap floor rose ~40 MB during such an episode and never
    came back. Two arenas keep RSS flat at no measurable speed cost (the threads spend
    their time in native inference, not in malloc).
    """
    libc = _libc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX") or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


ONEDNN_CACHE_ENTRIES = 32


def limit_onednn_cache(entries: int = ONEDNN_CACHE_ENTRIES) -> None:
    """Cap oneDNN's primitive cache (call before torch loads; a value set by the user wins).

    torch on CPU runs convolutions through oneDNN, which caches a compiled primitive per
    layer and input shape, up to 1024 by default. Every utterance has its own length, so
    CAM++ added entries until the cache was full: +38 MB after 80 clips of distinct
    lengths, one-time steps of ~40 MB in the soak. With 32 entries growth stays ~3 MB and
    an embedding takes as long as before (a new shape is never a cache hit anyway).
    """
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(entries))


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere (macOS, Windows, musl)."""
    return getattr(_libc(), "malloc_trim", None)


def trim_heap() -> None:
    """Collect garbage and hand freed heap back to the OS."""
    gc.collect()
    # Model loads and worker threads leave freed memory in glibc's per-thread arenas;
    # without a trim, RSS ratchets up (~10 MB per start/stop cycle, more over long runs).
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def release_memory() -> None:
    """``trim_heap`` and, when torch has touched CUDA, hand its cached blocks back too."""
    trim_heap()
    torch = sys.modules.get("torch")  # never import torch just to release it
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
