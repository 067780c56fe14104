"""A real virtual microphone (and a whole call): a private PulseAudio server with null sinks.

Whatever is played into a sink (paplay) is heard by anything recording from its monitor.
``VirtualMicrophone``: one sink, whose monitor is the default source. ``VirtualCall``: two
sinks, a microphone and the speakers (system audio). The server lives in private
runtime/home folders and is killed afterwards; clients need the same XDG_RUNTIME_DIR and
HOME (see ``env``).
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
            self._configure()
            self._run("pactl", "unload-module", "module-suspend-on-idle", check=False)
        except subprocess.CalledProcessError as error:
            self.stop()
            raise PulseUnavailable(f"pactl failed: {error.stderr}") from error
        return self

    def _configure(self) -> None:
        self._run("pactl", "load-module", "module-null-sink", f"sink_name={self.SINK}")
        self._run("pactl", "set-default-sink", self.SINK)
        self._run("pactl", "set-default-source", f"{self.SINK}.monitor")

    def play(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        """Play ``wav`` into the virtual microphone (after ``delay`` seconds)."""
        return self._play(self.SINK, wav, delay)

    def _play(self, sink: str, wav: Path, delay: float) -> subprocess.Popen:
        command = f"sleep {delay}; exec paplay --device={sink} '{wav}'"
        return subprocess.Popen(["sh", "-c", command], env=self.env)

    def kill_server(self) -> None:
        self._run("pulseaudio", "--kill", check=False)

    def stop(self) -> None:
        self.kill_server()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._run("pulseaudio", "--check", check=False).returncode == 0:
            time.sleep(0.1)


class VirtualCall(VirtualMicrophone):
    """Both sides of a call in one private PulseAudio server: two null sinks.

    - ``MIC_SINK`` ("Virtual microphone"): its monitor is the default *source*, so the
      microphone (sounddevice → PortAudio → the ALSA "pulse" plugin → libpulse, device
      "default") hears what ``play_mic`` plays.
    - ``SPEAKERS_SINK`` ("Virtual speakers"): the default *sink*; its monitor
      (``SPEAKERS_MONITOR``) is what system-audio capture records (soundcard → libpulse).
      ``play_remote`` plays the other side of the call into it.
    - ``play_bleed`` plays the remote clip, quieter by ``db``, into the microphone: the
      speakers heard by the microphone.

    A client reaches this server with ``env``: XDG_RUNTIME_DIR (the server's socket is
    $XDG_RUNTIME_DIR/pulse/native) and HOME (its cookie, ~/.config/pulse/cookie), with
    PULSE_SERVER unset. For a child process pass ``env=call.env``. For this process call
    ``enter_process(monkeypatch)`` (sets both variables and makes PortAudio scan again;
    ``core.system_audio`` reconnects by itself when the server it knew is gone or the
    variables changed) and ``leave_process()`` after ``stop()`` and ``monkeypatch.undo()``.
    """

    MIC_SINK = SINK = "vcall_mic"
    SPEAKERS_SINK = "vcall_speakers"
    MIC_MONITOR = f"{MIC_SINK}.monitor"
    SPEAKERS_MONITOR = f"{SPEAKERS_SINK}.monitor"

    def _configure(self) -> None:
        for sink, description in ((self.MIC_SINK, "Virtual microphone"), (self.SPEAKERS_SINK, "Virtual speakers")):
            self._run("pactl", "load-module", "module-null-sink", f"sink_name={sink}",
                      f"sink_properties='device.description=\"{description}\"'")  # quoted: it has a space
        self._run("pactl", "set-default-sink", self.SPEAKERS_SINK)
        self._run("pactl", "set-default-source", self.MIC_MONITOR)

    def play_mic(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        """Play ``wav`` into the microphone (what the near side says)."""
        return self._play(self.MIC_SINK, wav, delay)

    def play_remote(self, wav: Path, delay: float = 0.0) -> subprocess.Popen:
        """Play ``wav`` through the speakers (what the far side says)."""
        return self._play(self.SPEAKERS_SINK, wav, delay)

    def play_bleed(self, wav: Path, db: float, delay: float = 0.0) -> subprocess.Popen:
        """Play ``wav`` ``db`` dB quieter (e.g. -10) into the microphone: speaker bleed.
        Start it with the same ``delay`` as ``play_remote(wav)`` for the echo of that clip."""
        quieter = self.folder / f"bleed_{db:+.1f}dB_{Path(wav).name}"
        if not quieter.exists():
            subprocess.run(["sox", str(wav), str(quieter), "vol", f"{db}dB"], check=True, capture_output=True,
                           timeout=60)
        return self._play(self.MIC_SINK, quieter, delay)

    def suspend_speakers(self, suspended: bool) -> None:
        """Suspend the speakers sink: its monitor then delivers nothing (like WASAPI loopback
        while nothing plays), until resumed."""
        self._run("pactl", "suspend-sink", self.SPEAKERS_SINK, "1" if suspended else "0")

    def suspend_mic(self, suspended: bool) -> None:
        """Suspend the microphone's sink: a recording from it gets no blocks (a device that
        is slow to start, or has stopped), until resumed."""
        self._run("pactl", "suspend-sink", self.MIC_SINK, "1" if suspended else "0")

    def enter_process(self, monkeypatch) -> None:
        """Make this process's audio clients (sounddevice, soundcard) use this server."""
        for name in ("XDG_RUNTIME_DIR", "HOME"):
            monkeypatch.setenv(name, self.env[name])
        monkeypatch.delenv("PULSE_SERVER", raising=False)
        self.rescan_portaudio()

    @staticmethod
    def leave_process() -> None:
        """After ``stop()`` and ``monkeypatch.undo()``: PortAudio forgets the server's devices."""
        VirtualCall.rescan_portaudio()

    @staticmethod
    def rescan_portaudio() -> None:
        import sounddevice

        sounddevice._terminate()
        sounddevice._initialize()
