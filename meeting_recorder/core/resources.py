"""Process resource readings and the memory release step shared by every stop/close."""

from __future__ import annotations

import gc
import sys

import psutil


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def release_memory() -> None:
    """Collect garbage and, when torch has touched CUDA, hand its cached blocks back."""
    gc.collect()
    torch = sys.modules.get("torch")  # never import torch just to release it
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
