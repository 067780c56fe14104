"""A real virtual microphone: a private PulseAudio server with a null sink.

Whatever is played into the sink (paplay) is heard by anything recording from its monitor,
which is made the default source. The server lives in private runtime/home folders and is
killed afterwards; clients need the same XDG_RUNTIME_DIR and HOME (see ``env``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class PulseUnavailable(RuntimeError):
    pass


class VirtualMicrophone:
    SINK = "vmic_sink"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = dict(os.environ)
        self.env.update(XDG_RUNTIME_DIR=str(folder / "xdg"), HOME=str(folder / "home"))
        self.env.pop("PULSE_SERVER", None)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=30, check=check)

    def start(self) -> "VirtualMicrophone":
        if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
            raise PulseUnavailable("pulseaudio is not installed (make test installs it)")
        for sub in ("xdg", "home"):
            (self.folder / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        started = self._run("pulseaudio", "--start", "--exit-idle-time=-1", "--daemonize=yes",
                            f"--log-target=file:{self.folder / 'pulse.log'}", check=False)
        if started.returncode != 0:
            raise PulseUnavailable(f"pulseaudio did not start: {started.stderr.strip() or started.returncode}")
        try:
            self._run("pactl", "load-module", "module-null-sink", f"sink_name={self.SINK}")
            self._run("pactl", "set-default-sink", self.SINK)
            self._run("pactl", "set-default-source", f"{self.SINK}.monitor")
            self._run("pactl", "unload-module", "module-suspend-on-idle", check=False)
        except subprocess.CalledProcessError as error:
            self.stop()
            raise PulseUnavailable(f"pactl failed: {error.stderr}") from error
        return self

    def play(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        """Play ``wav`` into the virtual microphone (after ``delay`` seconds)."""
        command = f"sleep {delay}; exec paplay --device={self.SINK} '{wav}'"
        return subprocess.Popen(["sh", "-c", command], env=self.env)

    def kill_server(self) -> None:
        self._run("pulseaudio", "--kill", check=False)

    def stop(self) -> None:
        self.kill_server()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._run("pulseaudio", "--check", check=False).returncode == 0:
            time.sleep(0.1)
