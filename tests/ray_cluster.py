"""A real Ray cluster on 127.0.0.1 for tests: `ray start --head --block` with its own temp
folder, ports and auth token (in the environment: nothing is written to ~/.ray), stopped by
signalling that one command; then any process still naming our temp folder is ended by its
id (never `ray stop`, which would stop other people's clusters too)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

RAY = Path(sys.executable).with_name("ray")
START_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class RayCluster:
    address: str  # 127.0.0.1:PORT
    temp_dir: Path
    token: str
    env: dict[str, str]  # what the driver needs (auth)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_naming(text: str) -> list[psutil.Process]:
    """Live processes whose command line mentions ``text`` (our temp folder)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if process.info["cmdline"] and any(text in part for part in process.info["cmdline"]):
                if process.status() != psutil.STATUS_ZOMBIE:
                    found.append(process)
    return found


def end_processes(processes: list[psutil.Process], timeout_s: float = 10.0) -> None:
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=timeout_s)


def _wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ray start exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"ray start did not listen on {port}:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def ray_cluster(num_cpus: int = 2, extra_env: dict[str, str] | None = None) -> Iterator[RayCluster]:
    temp_dir = Path(tempfile.mkdtemp(prefix="mrt-ray-"))  # short: Ray's socket paths have a length limit
    token = secrets.token_hex(32)
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}
    env = {**os.environ, **auth, "RAY_USAGE_STATS_ENABLED": "0", **(extra_env or {})}
    port = free_port()
    ports = {flag: str(free_port()) for flag in ("--dashboard-port", "--dashboard-agent-listen-port",
                                                  "--dashboard-agent-grpc-port", "--ray-client-server-port",
                                                  "--metrics-export-port", "--runtime-env-agent-port")}
    command = [str(RAY), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(port),
               "--num-cpus", str(num_cpus), "--include-dashboard=false", "--temp-dir", str(temp_dir),
               "--object-store-memory", "200000000", "--disable-usage-stats",
               *[item for flag, value in ports.items() for item in (flag, value)]]
    log = temp_dir / "ray-start.log"
    with open(log, "wb") as output:
        head = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_listening(port, head, log)
        yield RayCluster(f"127.0.0.1:{port}", temp_dir, token, auth)
    finally:
        if head.poll() is None:
            head.send_signal(signal.SIGTERM)  # `ray start --block` stops its processes
            with contextlib.suppress(subprocess.TimeoutExpired):
                head.wait(timeout=30)
        if head.poll() is None:
            head.kill()
            head.wait(timeout=10)
        end_processes(processes_naming(str(temp_dir)))
        shutil.rmtree(temp_dir, ignore_errors=True)
