"""The one place that imports torchaudio.

PyPI's torchaudio 2.11 is a CUDA build: its compiled extension (``lib/_torchaudio*.so``)
links against libc10_cuda/libtorch_cuda/libcudart, so next to the CPU torch this project
pins, ``import torchaudio`` raises OSError. pyannote.audio imports torchaudio at import
time, yet only uses its pure-Python parts (``compliance.kaldi.fbank``,
``functional.resample``), which need no extension.

torchaudio's own loader already treats a *missing* extension as "not available"; this
module makes a *failed* load mean the same, before torchaudio's package code runs. A
working (CPU) extension still loads normally. torch itself is never touched or replaced.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_UTILS = "torchaudio._extension.utils"


def _package_dir(name: str) -> Path:
    """Folder of an installed top-level package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    return Path(next(iter(spec.submodule_search_locations)))


def _forget_partial_import() -> None:
    """A failed earlier ``import torchaudio`` leaves submodules behind (the original
    ``_extension.utils`` among them); drop them so the patched loader is the one used."""
    for name in [n for n in sys.modules if n == "torchaudio" or n.startswith("torchaudio.")]:
        del sys.modules[name]


def _patched_extension_utils() -> ModuleType:
    """Load torchaudio/_extension/utils.py by path (it needs only torch and the stdlib)
    and wrap its ``_load_lib`` so that an OSError means "extension absent"."""
    spec = importlib.util.spec_from_file_location(_UTILS, _package_dir("torchaudio") / "_extension" / "utils.py")
    assert spec is not None and spec.loader is not None
    utils = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(utils)
    load_lib = utils._load_lib

    def load_lib_or_absent(lib: str) -> bool:
        try:
            return bool(load_lib(lib))
        except OSError:  # CUDA-linked build next to CPU torch
            return False

    utils._load_lib = load_lib_or_absent
    return utils


def import_torchaudio() -> ModuleType:
    """``import torchaudio``, working around a CUDA-linked extension. Idempotent."""
    loaded = sys.modules.get("torchaudio")
    if loaded is not None:
        return loaded
    _forget_partial_import()
    import torch  # noqa: F401  (the utils module imports it; load it the normal way first)

    # torchaudio/_extension/__init__.py does `from .utils import _load_lib`: it finds ours.
    sys.modules[_UTILS] = _patched_extension_utils()
    try:
        import torchaudio
    except BaseException:
        _forget_partial_import()
        raise
    return torchaudio


def import_pyannote_audio() -> ModuleType:
    """``import pyannote.audio`` (takes seconds: call it off the UI thread).

    PYANNOTE_METRICS_ENABLED=false and HF_HUB_OFFLINE are already set by
    ``meeting_recorder/__init__`` before anything here can run.
    """
    import_torchaudio()
    import pyannote.audio

    return pyannote.audio
