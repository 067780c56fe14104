"""Process resource readings and the memory release step shared by every stop/close."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys

import psutil


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


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
