"""Download, import and remove Whisper models (where they live: ``model_catalog.py``).

A download happens only with the user's consent (``consent=True``); without it not one
connection is made. It asks the hub's API (``{endpoint}/api/models/{repo}/revision/main
?blobs=true``) for each file's size and hash, checks the free disk space, then streams the
files from ``{endpoint}/{repo}/resolve/{revision}/{file}`` into ``models/.partial-<name>/``.
A dropped connection is resumed with an HTTP Range request (a few times within one call;
a later call resumes too, also after a cancel or a killed process). Every file is verified
(size, then the LFS sha256 or the git blob id the hub publishes) before the staging folder
gets its marker and is renamed, atomically, to ``models/<name>``: a half-downloaded or
corrupt model is never where the app looks for models.

The endpoint is the argument, else ``HF_ENDPOINT`` (a mirror), else huggingface.co;
``requests`` honours the system proxy (``HTTPS_PROXY``, ``NO_PROXY``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import requests

from meeting_recorder.core.disk_space import free_bytes
from meeting_recorder.core.errors import Cancelled, ModelError, reason_of
from meeting_recorder.core.model_catalog import (
    MB,
    PARTIAL_PREFIX,
    catalog_entry,
    check_model_name,
    discard_folder,
    embedded_model_names,
    install_folder,
    installed_model_dir,
    models_dir,
    partial_dir,
)
from meeting_recorder.core.models import validate_model_dir

__all__ = ["download_model", "import_model", "installed_model_dir", "remove_model"]

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_ENV = "HF_ENDPOINT"
STATE_NAME = ".download.json"  # in the staging folder: what its partial files are parts of
_WANTED = ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json")
_USER_AGENT = "meeting-recorder (model download)"


@dataclass(frozen=True)
class DownloadOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3  # resumes after a dropped connection within one call
    retry_pause: float = 1.0
    chunk_bytes: int = 64 * 1024  # a cancel is seen after at most one chunk
    disk_margin_bytes: int = 100 * MB  # free space left over after the download
    progress_interval: float = 0.25


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    sha256: str | None  # LFS files: the content's sha256
    git_sha1: str | None  # other files: the git blob id


@dataclass(frozen=True)
class DownloadProgress:
    model: str
    file: str
    bytes_done: int  # of the whole model, including bytes kept from an earlier attempt
    bytes_total: int
    bytes_per_second: float | None  # over the last few seconds; None at the start
    seconds_left: float | None
    phase: Literal["download", "verify"] = "download"  # verify: hashing a finished file


ProgressCallback = Callable[[DownloadProgress], None]


class _Dropped(Exception):
    """A transfer ended early; what arrived is kept and the next attempt resumes."""


def resolve_endpoint(endpoint: str | None = None) -> str:
    return (endpoint or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT).rstrip("/")


def _network_reason(error: requests.RequestException) -> str:
    """A network failure in a few words (requests' own text is long and technical)."""
    if isinstance(error, requests.Timeout):
        return "the server did not answer in time"
    if isinstance(error, requests.exceptions.ProxyError):
        return f"the proxy failed: {reason_of(error)}"
    if isinstance(error, requests.exceptions.SSLError):
        return "no secure (TLS) connection could be made"
    if isinstance(error, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return "the connection failed or was lost"
    return reason_of(error)


def _size_text(count: int) -> str:
    return f"{count / 1e9:.2f} GB" if count >= 1e9 else f"{count / 1e6:.1f} MB"


# -- the file list ------------------------------------------------------------------------
def _wanted(filename: str) -> bool:
    return "/" not in filename and (filename in _WANTED or filename.startswith("vocabulary."))


def _remote_file(sibling: dict[str, Any]) -> RemoteFile:
    lfs = sibling.get("lfs") or None
    sha256 = str(lfs["sha256"]).lower() if lfs and lfs.get("sha256") else None
    blob = sibling.get("blobId") if not lfs else None
    size = lfs["size"] if lfs and lfs.get("size") is not None else sibling["size"]
    return RemoteFile(sibling["rfilename"], int(size), sha256, str(blob).lower() if blob else None)


def _remote_files(http: requests.Session, endpoint: str, repo_id: str,
                  options: DownloadOptions) -> tuple[str, list[RemoteFile]]:
    """The revision to download and the model's files with their sizes and hashes."""
    url = f"{endpoint}/api/models/{repo_id}/revision/main"
    try:
        response = http.get(url, params={"blobs": "true"}, timeout=(options.connect_timeout, options.read_timeout))
    except requests.RequestException as error:
        raise ModelError(
            f"Could not reach the model server {endpoint} ({_network_reason(error)}). Check the internet "
            "connection, the proxy (HTTPS_PROXY) or the mirror (HF_ENDPOINT), then try again."
        ) from error
    if response.status_code == 404:
        raise ModelError(f"The model repository {repo_id} was not found at {endpoint}.")
    if response.status_code != 200:
        raise ModelError(f"The model server {endpoint} answered HTTP {response.status_code} for {repo_id}; try again later.")
    try:
        info = response.json()
        files = [_remote_file(sibling) for sibling in info["siblings"] if _wanted(sibling["rfilename"])]
    except (ValueError, KeyError, TypeError) as error:
        raise ModelError(f"The model server {endpoint} sent an unexpected file list for {repo_id} ({error}).") from error
    names = {remote.name for remote in files}
    if not {"model.bin", "config.json"} <= names or not any(n.startswith(("tokenizer.", "vocabulary.")) for n in names):
        raise ModelError(f"{repo_id} at {endpoint} is not a CTranslate2 Whisper model (it lacks model.bin, config.json or a tokenizer).")
    sha = str(info.get("sha") or "")
    revision = sha if len(sha) == 40 and all(c in "0123456789abcdef" for c in sha) else "main"
    return revision, files


# -- progress -----------------------------------------------------------------------------
class _Meter:
    """Bytes done of the whole model, reported at most every ``interval`` seconds."""

    def __init__(self, model: str, total: int, done: int, callback: ProgressCallback | None, interval: float) -> None:
        self.model, self.total, self.done = model, total, done
        self.callback, self.interval = callback, interval
        self.samples: deque[tuple[float, int]] = deque([(time.monotonic(), done)])
        self.last_report = 0.0

    def add(self, file: str, count: int, force: bool = False) -> None:
        self.done += count
        now = time.monotonic()
        if count < 0:  # bytes thrown away: the speed window starts again
            self.samples = deque([(now, self.done)])
        if self.callback is None or (not force and now - self.last_report < self.interval):
            return
        self.last_report = now
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[0][0] > 5.0:
            self.samples.popleft()
        start, start_bytes = self.samples[0]
        speed = (self.done - start_bytes) / (now - start) if now - start > 0.2 else None
        left = max(0, self.total - self.done) / speed if speed else None
        self.callback(DownloadProgress(self.model, file, self.done, self.total, speed, left))

    def verifying(self, file: str) -> None:
        if self.callback is not None:
            self.callback(DownloadProgress(self.model, file, self.done, self.total, None, None, "verify"))


# -- one file -----------------------------------------------------------------------------
def _present(path: Path, size: int) -> int:
    """Bytes of ``path`` that can be resumed from (0 when missing or too long)."""
    try:
        present = path.stat().st_size
    except OSError:
        return 0
    return present if present <= size else 0


def _fetch_once(http: requests.Session, url: str, target: Path, remote: RemoteFile, meter: _Meter,
                cancel: threading.Event, options: DownloadOptions) -> None:
    present = _present(target, remote.size)
    if present == 0:
        target.unlink(missing_ok=True)
    if present == remote.size:
        return
    headers = {"Range": f"bytes={present}-"} if present else {}
    try:
        with http.get(url, headers=headers, stream=True, timeout=(options.connect_timeout, options.read_timeout)) as response:
            if response.status_code == 416 or (response.status_code == 206 and not str(
                    response.headers.get("Content-Range", "")).startswith(f"bytes {present}-")):
                target.unlink(missing_ok=True)  # the server cannot resume from here: start again
                meter.add(remote.name, -present)
                raise _Dropped("the server could not resume the file")
            if response.status_code >= 500:
                raise _Dropped(f"HTTP {response.status_code}")
            if response.status_code not in (200, 206):
                raise ModelError(f"The model server answered HTTP {response.status_code} for {url}.")
            mode = "ab"
            if response.status_code == 200 and present:  # the Range was ignored: from the start
                meter.add(remote.name, -present)
                mode = "wb"
            with open(target, mode) as out:
                for chunk in response.iter_content(options.chunk_bytes):
                    if cancel.is_set():
                        raise Cancelled(f"Download of {meter.model} cancelled; the part downloaded is kept to resume later.")
                    out.write(chunk)
                    meter.add(remote.name, len(chunk))
    except requests.RequestException as error:
        raise _Dropped(_network_reason(error)) from error
    except OSError as error:
        raise ModelError(f"Writing {target} failed ({reason_of(error)}); check the free space and the folder.") from error
    if target.stat().st_size < remote.size:
        raise _Dropped("the connection closed early")


def _fetch(http: requests.Session, url: str, target: Path, remote: RemoteFile, meter: _Meter,
           cancel: threading.Event, options: DownloadOptions) -> None:
    """Download ``remote`` into ``target``, resuming after a dropped connection."""
    for attempt in range(options.retries + 1):
        try:
            _fetch_once(http, url, target, remote, meter, cancel, options)
            return
        except _Dropped as dropped:
            if attempt == options.retries:
                raise ModelError(
                    f"The download of {remote.name} for {meter.model} was interrupted ({dropped}); "
                    f"{_size_text(meter.done)} of {_size_text(meter.total)} are kept. Download again to resume."
                ) from dropped
            if cancel.wait(options.retry_pause):
                raise Cancelled(f"Download of {meter.model} cancelled; the part downloaded is kept to resume later.") from dropped


def _hashes(path: Path, cancel: threading.Event | None, git_blob: bool) -> tuple[str, str | None]:
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


def _verify(path: Path, remote: RemoteFile, model: str, cancel: threading.Event) -> str:
    """The file's sha256 when it matches what the hub published; else it is deleted."""
    problem = None
    size = path.stat().st_size
    if size != remote.size:
        problem = f"{size} bytes instead of {remote.size}"
    else:
        sha256, sha1 = _hashes(path, cancel, git_blob=remote.git_sha1 is not None)
        if remote.sha256 is not None and sha256 != remote.sha256:
            problem = "sha256 mismatch"
        elif remote.git_sha1 is not None and sha1 != remote.git_sha1:
            problem = "git hash mismatch"
    if problem:
        path.unlink(missing_ok=True)
        raise ModelError(f"{remote.name} of {model} failed verification ({problem}): it was deleted; download again.")
    return sha256


# -- the staging folder -------------------------------------------------------------------
def _expected(remote: RemoteFile) -> dict[str, Any]:
    return {"size": remote.size, "sha256": remote.sha256, "git_sha1": remote.git_sha1}


def _resumable(staging: Path, repo_id: str, files: list[RemoteFile]) -> dict[str, int]:
    """Bytes already in the staging folder per file that can be resumed (same expectations)."""
    try:
        state = json.loads((staging / STATE_NAME).read_text(encoding="utf-8"))
        before = state["files"] if state.get("repo_id") == repo_id else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        before = {}
    return {r.name: _present(staging / r.name, r.size) if before.get(r.name) == _expected(r) else 0 for r in files}


def _prepare_staging(staging: Path, repo_id: str, files: list[RemoteFile], kept: dict[str, int]) -> None:
    staging.mkdir(parents=True, exist_ok=True)
    for remote in files:
        if kept[remote.name] == 0:
            (staging / remote.name).unlink(missing_ok=True)
    state = {"repo_id": repo_id, "files": {remote.name: _expected(remote) for remote in files}}
    (staging / STATE_NAME).write_text(json.dumps(state, indent=1), encoding="utf-8")


def _check_disk(folder: Path, needed: int, margin: int, what: str) -> None:
    free = free_bytes(folder)
    if free < needed + margin:
        raise ModelError(
            f"Not enough free disk space for {what}: it needs {_size_text(needed)} plus "
            f"{_size_text(margin)} to spare, and {folder} has {_size_text(free)} free. "
            "Free some space, or choose a smaller model."
        )


def _lock_path(name: str) -> Path:
    return models_dir() / f"{PARTIAL_PREFIX}{name}.lock"


@contextlib.contextmanager
def _download_lock(name: str) -> Iterator[None]:
    """One download of ``name`` at a time (another window, a CLI command); the lock goes
    with the process if it dies."""
    path = _lock_path(name)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ModelError(f"{name} is already being downloaded (in another window or command); wait for it to finish.") from None
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


# -- download -----------------------------------------------------------------------------
def download_model(name: str, *, endpoint: str | None = None, progress: ProgressCallback | None = None,
                   cancel: threading.Event | None = None, consent: bool = False,
                   options: DownloadOptions = DownloadOptions()) -> Path:
    """Download catalog model ``name`` (only with ``consent``) and return its folder.

    Raises ModelError (no consent, unknown or embedded name, network, disk, verification)
    or Cancelled (the partial download is kept for a later call to resume)."""
    entry = catalog_entry(name)
    if entry.embedded:
        raise ModelError(f"{name} is embedded in the app; it needs no download.")
    if not consent:
        raise ModelError(
            f"Downloading {name} ({_size_text(entry.download_bytes)} from the internet) needs your "
            "consent; nothing was downloaded."
        )
    installed = installed_model_dir(name)
    if installed is not None:
        return installed
    cancel = cancel or threading.Event()
    if cancel.is_set():
        raise Cancelled(f"Download of {name} cancelled before it started.")
    endpoint = resolve_endpoint(endpoint)
    staging, models = partial_dir(name), models_dir()
    with requests.Session() as http:
        http.headers["User-Agent"] = _USER_AGENT
        revision, files = _remote_files(http, endpoint, entry.repo_id, options)
        kept = _resumable(staging, entry.repo_id, files)
        total = sum(remote.size for remote in files)
        _check_disk(models, total - sum(kept.values()), options.disk_margin_bytes, f"the model {name}")
        with _download_lock(name):
            if (installed := installed_model_dir(name)) is not None:  # finished meanwhile elsewhere
                return installed
            kept = _resumable(staging, entry.repo_id, files)  # again: another run may have added bytes
            _prepare_staging(staging, entry.repo_id, files, kept)
            meter = _Meter(name, total, sum(kept.values()), progress, options.progress_interval)
            facts = {}
            for remote in files:
                url = f"{endpoint}/{entry.repo_id}/resolve/{revision}/{remote.name}"
                _fetch(http, url, staging / remote.name, remote, meter, cancel, options)
                meter.verifying(remote.name)
                facts[remote.name] = {"size": remote.size, "sha256": _verify(staging / remote.name, remote, name, cancel)}
            (staging / STATE_NAME).unlink(missing_ok=True)
            marker = {"name": name, "source": "downloaded", "repo_id": entry.repo_id, "revision": revision,
                      "endpoint": endpoint, "files": facts}
            validate_model_dir(staging)
            return install_folder(staging, models / name, marker)


# -- import -------------------------------------------------------------------------------
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
            _check_disk(staging.parent, sum(info.file_size for _, info in members), margin, f"importing {zip_path.name}")
            for filename, info in members:
                with archive.open(info) as source:
                    _copy(source, staging / filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as error:
        raise ModelError(f"{zip_path} is damaged or not a usable .zip ({error}).") from error


def _copy_folder(folder: Path, staging: Path, margin: int) -> None:
    validate_model_dir(folder)
    files = [path for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")]
    _check_disk(staging.parent, sum(path.stat().st_size for path in files), margin, f"importing {folder.name}")
    for path in files:
        with open(path, "rb") as source:
            _copy(source, staging / path.name)


def import_model(source: str | Path, name: str | None = None, *,
                 options: DownloadOptions = DownloadOptions()) -> Path:
    """Copy a CTranslate2 Whisper model folder or .zip into the models folder as ``name``
    (default: the folder's name or the zip's stem) and return its new folder."""
    source = Path(source).expanduser()
    if source.is_dir():
        is_zip = False
    elif source.is_file() and zipfile.is_zipfile(source):
        is_zip = True
    else:
        raise ModelError(f"{source} is neither a model folder nor a .zip of one.")
    name = _check_new_name(name or (source.stem if is_zip else source.resolve().name))
    models = models_dir()
    staging = Path(tempfile.mkdtemp(prefix=f".import-{name}-", dir=models))
    try:
        if is_zip:
            _extract_zip(source, staging, options.disk_margin_bytes)
            try:
                validate_model_dir(staging)
            except ModelError as error:
                raise ModelError(f"{source} does not hold a usable Whisper model: {error}") from error
        else:
            _copy_folder(source, staging, options.disk_margin_bytes)
        facts = {path.name: {"size": path.stat().st_size, "sha256": _hashes(path, None, False)[0]}
                 for path in sorted(staging.iterdir())}
        marker = {"name": name, "source": "imported", "imported_from": str(source.resolve()), "files": facts}
        return install_folder(staging, models / name, marker)
    except OSError as error:
        raise ModelError(f"Importing {source} failed ({reason_of(error)}); nothing was installed.") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -- remove -------------------------------------------------------------------------------
def remove_model(name: str) -> None:
    """Delete downloaded or imported model ``name`` and any partial download of it."""
    if name in embedded_model_names():
        raise ModelError(f"{name} is embedded in the app and cannot be removed.")
    check_model_name(name)
    folders = [path for path in (models_dir() / name, partial_dir(name)) if path.exists()]
    if not folders:
        raise ModelError(f"No model named '{name}' is installed, so there is nothing to remove.")
    with _download_lock(name):  # not while it is being downloaded
        for folder in folders:
            discard_folder(folder)
