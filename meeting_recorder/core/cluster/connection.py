"""Connecting the driver to Ray: a TCP check first (an address where nothing listens fails
within the timeout instead of hanging), telemetry off, no dashboard, workers' output kept
out of the CLI; or, for "local", a private Ray started for the job on 127.0.0.1 with its
own temp folder and its own auth token (never written to ~/.ray), shut down by ``close``."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
from typing import Any

from meeting_recorder.core.cluster.options import ClusterAddress
from meeting_recorder.core.errors import ClusterUnavailable, ClusterUnreachable

LOCAL_OBJECT_STORE_BYTES = 256 * 1000 * 1000  # small: the driver drops each file's audio when it ends
LOCAL_IP = "127.0.0.1"
AUTH_ENV = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")


def import_ray() -> Any:
    """Ray, with its usage statistics off before it loads; ClusterUnavailable without it."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError as error:
        raise ClusterUnavailable() from error
    return ray


def check_reachable(address: ClusterAddress, timeout_s: float) -> None:
    """A TCP connect to the cluster's port; ClusterUnreachable when nothing answers in time."""
    if address.host is None or address.port is None:
        return
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout_s):
            pass
    except socket.timeout:
        raise ClusterUnreachable(address.text, f"no answer within {timeout_s:g} s") from None
    except OSError as error:
        raise ClusterUnreachable(address.text, error.strerror or str(error)) from None


AUTH_REASON = ("the cluster asks for its auth token and this computer's is missing or different: set "
               "RAY_AUTH_TOKEN, or copy the head's ~/.ray/auth_token here")


def check_ray_answers(address: ClusterAddress, timeout_s: float) -> None:
    """Ask the cluster's GCS for its id: a wrong or missing auth token fails here at once, in
    words (ray.init would retry for 20 s and then only say it could not connect)."""
    if address.host is None or address.ray_address is None or address.ray_address.startswith("ray://"):
        return
    from ray._raylet import GcsClient
    from ray.exceptions import AuthenticationError

    outcome: dict[str, BaseException] = {}

    def ask() -> None:
        try:
            GcsClient(address=address.ray_address).cluster_id
        except BaseException as error:  # noqa: BLE001 — handed to the caller's thread
            outcome["error"] = error

    # A daemon thread: a server on that port that is not Ray may never answer.
    asking = threading.Thread(target=ask, name="ray-gcs-check", daemon=True)
    asking.start()
    asking.join(timeout_s)
    if asking.is_alive():
        raise ClusterUnreachable(address.text, f"no answer from Ray within {timeout_s:g} s")
    error = outcome.get("error")
    if isinstance(error, AuthenticationError):
        raise ClusterUnreachable(address.text, AUTH_REASON)
    if error is not None:
        raise ClusterUnreachable(address.text, _first_line(error))


class Connection:
    """The driver's Ray session for one job (``ray.init`` is once per process)."""

    def __init__(self, address: ClusterAddress, timeout_s: float) -> None:
        self.address = address
        self.timeout_s = timeout_s
        self.temp_dir: str | None = None  # a local Ray's, removed at close
        self._saved_env: dict[str, str | None] = {}
        self.connected = False

    def open(self, ray: Any, local_cpus: int, local_gpus: int | None = None) -> None:
        if ray.is_initialized():  # another job (or the app) holds this process's Ray
            raise ClusterUnreachable(self.address.text, "this program is already connected to a Ray cluster")
        check_reachable(self.address, self.timeout_s)
        common = dict(log_to_driver=False, logging_level=logging.ERROR, ignore_reinit_error=False)
        try:
            if self.address.local:
                self.temp_dir = tempfile.mkdtemp(prefix="mr-ray-")
                self._private_token()
                ray.init(address="local", num_cpus=local_cpus, num_gpus=local_gpus, include_dashboard=False,
                         _temp_dir=self.temp_dir, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                         _node_ip_address=LOCAL_IP, **common)
            else:
                self._saved_env.setdefault("RAY_AUTH_MODE", os.environ.get("RAY_AUTH_MODE"))
                _reload_auth_config()  # the token may have been set since Ray was imported
                _token_auth_if_token_found()
                check_ray_answers(self.address, self.timeout_s)
                ray.init(address=self.address.ray_address, **common)
        except ClusterUnreachable:
            self.close(ray)
            raise
        except Exception as error:  # ConnectionError, AuthenticationError, version mismatch, …
            self.close(ray)
            raise ClusterUnreachable(self.address.text, _first_line(error)) from error
        self.connected = True

    def close(self, ray: Any) -> None:
        """Disconnect; a local Ray is shut down with it (no process left) and its folder removed."""
        local_processes = self._local_ray_processes()
        if self.connected or (ray is not None and ray.is_initialized()):
            try:
                ray.shutdown()
            except Exception:  # noqa: BLE001 — closing must not fail; the processes die with their raylet
                logging.getLogger(__name__).exception("ray.shutdown failed")
        _end_processes(local_processes)
        self.connected = False
        self._restore_env()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None

    def work_dir(self) -> str | None:
        """Where a local Ray's workers unpack shipped audio: inside the job's temp folder, so
        that ``close`` removes what a killed worker could not (None: each node's own temp)."""
        if self.temp_dir is None:
            return None
        folder = os.path.join(self.temp_dir, "work")
        os.makedirs(folder, exist_ok=True)
        return folder

    def _local_ray_processes(self) -> list[Any]:
        """This job's local Ray processes (they name its temp folder): ray.shutdown gives the
        raylet 1 s, which can orphan its agents (DashboardAgent, RuntimeEnvAgent) for minutes."""
        if self.temp_dir is None:
            return []
        import psutil

        found: dict[int, Any] = {}
        for process in psutil.Process().children(recursive=True):
            try:
                if any(self.temp_dir in part for part in process.cmdline()):  # raylet, gcs_server, …
                    found[process.pid] = process
                    # their children (ray::… titles no longer show the folder)
                    found.update((child.pid, child) for child in process.children(recursive=True))
            except psutil.Error:  # ended meanwhile, or not ours to read
                continue
        return list(found.values())

    def _private_token(self) -> None:
        """A local Ray gets a fresh token in this process's environment (its raylet and
        workers inherit it), so nothing is written to ~/.ray/auth_token. A mode the user
        set (RAY_AUTH_MODE) is kept."""
        if os.environ.get("RAY_AUTH_MODE"):
            return
        self._set_env("RAY_AUTH_MODE", "token")
        self._set_env("RAY_AUTH_TOKEN", secrets.token_hex(32))
        _reload_auth_config()

    def _set_env(self, name: str, value: str) -> None:
        self._saved_env.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    def _restore_env(self) -> None:
        if not self._saved_env:
            return
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        _reload_auth_config()


def _token_auth_if_token_found() -> None:
    """Ray turns token auth on by itself only for a cluster it finds locally; for an
    explicit address, use the token the user has (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or
    ~/.ray/auth_token) as `ray start --address` does."""
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # another Ray version: its own defaults
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def _reload_auth_config() -> None:
    """Ray caches the auth mode and token per process: read them again from the environment."""
    try:
        from ray._raylet import AuthenticationTokenLoader, Config
    except ImportError:
        return
    Config.initialize("")
    AuthenticationTokenLoader.instance().reset_cache()


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def _end_processes(processes: list[Any], grace_s: float = 5.0) -> None:
    """Wait for ``processes`` to end after ray.shutdown, then terminate (and kill) the rest."""
    if not processes:
        return
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=grace_s)
    for process in alive:
        try:
            process.terminate()
        except psutil.Error:
            continue
    _, alive = psutil.wait_procs(alive, timeout=3.0)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            continue
