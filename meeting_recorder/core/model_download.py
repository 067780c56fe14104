"""Download Whisper models from the hub (where they live, import and remove:
``model_catalog.py``; ``import_model``, ``remove_model`` and ``installed_model_dir`` are
re-exported here).

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

import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests

from meeting_recorder.core.errors import Cancelled, ModelError, reason_of
from meeting_recorder.core.model_catalog import (
    DISK_MARGIN_BYTES,
    catalog_entry,
    check_free_space,
    file_hashes,
    import_model,
    install_folder,
    installed_model_dir,
    model_lock,
    models_dir,
    partial_dir,
    remove_model,
    size_text,
)

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
    disk_margin_bytes: int = DISK_MARGIN_BYTES  # free space left over after the download
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
                    f"{size_text(meter.done)} of {size_text(meter.total)} are kept. Download again to resume."
                ) from dropped
            if cancel.wait(options.retry_pause):
                raise Cancelled(f"Download of {meter.model} cancelled; the part downloaded is kept to resume later.") from dropped


def _verify(path: Path, remote: RemoteFile, model: str, cancel: threading.Event) -> str:
    """The file's sha256 when it matches what the hub published; else it is deleted."""
    problem = None
    size = path.stat().st_size
    if size != remote.size:
        problem = f"{size} bytes instead of {remote.size}"
    else:
        sha256, sha1 = file_hashes(path, cancel, git_blob=remote.git_sha1 is not None)
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
    from meeting_recorder.core.private_files import private_dir

    private_dir(staging)
    for remote in files:
        if kept[remote.name] == 0:
            (staging / remote.name).unlink(missing_ok=True)
    state = {"repo_id": repo_id, "files": {remote.name: _expected(remote) for remote in files}}
    (staging / STATE_NAME).write_text(json.dumps(state, indent=1), encoding="utf-8")


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
            f"Downloading {name} ({size_text(entry.download_bytes)} from the internet) needs your "
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
        check_free_space(models, total - sum(kept.values()), options.disk_margin_bytes, f"the model {name}")
        with model_lock(name):
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
            from meeting_recorder.core.models import validate_model_dir  # here: models.py may import this module

            validate_model_dir(staging)
            return install_folder(staging, models / name, marker)


