"""One window per user (issue 16): ``meeting-recorder FILE…`` opens the window with the
files queued, a second launch hands its files to the running window, a crashed first
instance does not block the next start. Real processes, real Qt (offscreen), real sockets."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.cli import build_parser, local_path, subcommand_names, window_launch
from meeting_recorder.ui.single_instance import server_name

START_TIMEOUT_S = 120  # a first window on a busy 2-core machine
HANDOFF_TIMEOUT_S = 60


# -- which arguments are files -----------------------------------------------------------
def test_files_open_the_window_and_commands_stay_commands(tmp_path: Path) -> None:
    commands = subcommand_names(build_parser())
    assert {"transcribe", "record", "library", "models", "speakers"} <= commands
    talk, other = tmp_path / "talk.wav", tmp_path / "other file.mp4"
    talk.touch()
    other.touch()
    cwd = str(tmp_path)

    assert window_launch([str(talk), str(other)], commands, cwd).files == (str(talk), str(other))
    assert window_launch(["talk.wav"], commands, cwd).files == (str(talk),)  # relative: from the cwd
    launch = window_launch(["--new-instance", "file:///" + str(other)[1:].replace(" ", "%20")], commands, cwd)
    assert launch.files == (str(other),) and launch.new_instance  # a URI, as some desktops pass
    assert window_launch(["missing.wav"], commands, cwd).files == (str(tmp_path / "missing.wav"),)  # the window says so
    assert window_launch(["--", "-odd.wav"], commands, cwd).files == (str(tmp_path / "-odd.wav"),)
    # The command line as before: a command or an option first, nothing, or a mistyped command.
    for argv in (["transcribe", str(talk)], ["library", "list"], ["--help"], ["--install-desktop"], [],
                 ["--new-instance"], ["transcibe", str(talk)]):
        assert window_launch(argv, commands, cwd) is None, argv


def test_uris_become_local_paths_or_stay_as_given() -> None:
    assert local_path("file:///home/me/a%20b%C3%A9.wav", "/x") == "/home/me/a bé.wav"
    assert local_path("file://localhost/tmp/a.wav", "/x") == "/tmp/a.wav"
    assert local_path("smb://server/share/a.wav", "/x") == "smb://server/share/a.wav"  # not local: reported
    assert local_path("a.wav", "/x") == "/x/a.wav"


def test_a_mistyped_command_is_still_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "meeting_recorder", "transcibe", "x.wav"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "invalid choice: 'transcibe'" in done.stderr


def test_install_desktop_flags_install_and_uninstall(tmp_path: Path) -> None:
    pytest.importorskip("meeting_recorder.desktop_install")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}

    def run(flag: str) -> list[Path]:
        done = subprocess.run([sys.executable, "-m", "meeting_recorder", flag], capture_output=True, text=True,
                              timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        return [Path(line) for line in done.stdout.splitlines()]

    installed = run("--install-desktop")
    assert installed and all(p.is_file() and tmp_path in p.parents for p in installed)
    assert any(p.suffix == ".desktop" for p in installed)
    removed = run("--uninstall-desktop")
    assert set(installed) <= set(removed) and not any(p.exists() for p in installed)


# -- real processes ----------------------------------------------------------------------
class Launcher:
    """Starts ``python -m meeting_recorder`` with a private home; kills what it started."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.home = tmp_path / "home"
        settings = self.home / "config" / "meeting-recorder" / "meeting-recorder.conf"
        settings.parent.mkdir(parents=True)
        # If a queued file starts transcribing before the test ends: the lightest model.
        settings.write_text("[transcription]\nmodel=tiny.en\nlanguage=en\nspeakers=false\n", encoding="utf-8")
        self.report = tmp_path / "opened.jsonl"
        self.started: list[subprocess.Popen] = []

    def env(self, stamp: Path) -> dict[str, str]:
        return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MEETING_RECORDER_HOME": str(self.home),
                "MEETING_RECORDER_PRELOAD": "0", "MEETING_RECORDER_STARTUP_STAMP": str(stamp),
                "MEETING_RECORDER_OPEN_REPORT": str(self.report), "MEETING_RECORDER_NEW_INSTANCE": ""}

    def start(self, *args: str, stamp: str = "shown.json") -> tuple[subprocess.Popen, Path]:
        path = self.tmp / stamp
        process = subprocess.Popen([sys.executable, "-m", "meeting_recorder", *args], env=self.env(path),
                                   cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.started.append(process)
        return process, path

    def first(self, stamp: str = "shown.json") -> subprocess.Popen:
        """A first instance, once its window has painted (it listens before building it)."""
        process, path = self.start(stamp=stamp)
        wait_for(lambda: path.is_file() or process.poll() is not None, START_TIMEOUT_S)
        assert process.poll() is None, process.communicate()[0]
        return process

    def second(self, *args: str, stamp: str = "second.json") -> tuple[subprocess.CompletedProcess, Path]:
        path = self.tmp / stamp
        done = subprocess.run([sys.executable, "-m", "meeting_recorder", *args], env=self.env(path), cwd=self.tmp,
                              capture_output=True, text=True, timeout=HANDOFF_TIMEOUT_S)
        return done, path

    def opened(self, pid: int, count: int = 1) -> list[dict]:
        """The first instance's report lines (one per request it handled), waiting for ``count``."""
        def lines() -> list[dict]:
            text = self.report.read_text(encoding="utf-8") if self.report.exists() else ""
            return [json.loads(line) for line in text.splitlines() if json.loads(line)["pid"] == pid]

        wait_for(lambda: len(lines()) >= count, HANDOFF_TIMEOUT_S)
        return lines()

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the window closes as on Ctrl+C
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout:
                process.stdout.close()


def wait_for(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def launcher(tmp_path: Path):
    launcher = Launcher(tmp_path)
    try:
        yield launcher
    finally:
        launcher.stop()
    assert all(p.poll() is not None for p in launcher.started)


def write_wav(path: Path) -> Path:
    sf.write(path, np.zeros(8000, dtype=np.float32), 16000)
    return path


def test_a_second_launch_hands_its_files_to_the_running_window(launcher: Launcher) -> None:
    talk, other = write_wav(launcher.tmp / "talk.wav"), write_wav(launcher.tmp / "other.wav")
    first = launcher.first()

    done, second_stamp = launcher.second(str(talk), "other.wav")  # a relative path: from its cwd
    assert done.returncode == 0, done.stdout + done.stderr
    assert not second_stamp.exists()  # no window of its own
    [opened] = launcher.opened(first.pid)
    assert opened["queue"] == [str(talk), str(other)] and opened["visible"]

    done, _ = launcher.second(str(launcher.tmp / "missing.wav"))
    assert done.returncode == 0
    opened = launcher.opened(first.pid, 2)[-1]
    assert "missing.wav" in opened["status"] and len(opened["queue"]) == 2  # said in the status bar

    done, _ = launcher.second()  # no files: the window is raised, nothing queued
    assert done.returncode == 0
    assert launcher.opened(first.pid, 3)[-1]["queue"] == opened["queue"]
    assert first.poll() is None


def test_files_given_to_a_first_start_are_queued(launcher: Launcher) -> None:
    talk = write_wav(launcher.tmp / "talk.wav")
    process, stamp = launcher.start(str(talk), "missing.wav")
    [opened] = launcher.opened(process.pid)
    assert opened["queue"] == [str(talk)] and "missing.wav" in opened["status"]
    # The files are queued by a zero timer, the stamp is written at the first paint: under
    # load the queue can be filled before the window has painted.
    wait_for(lambda: stamp.exists() or process.poll() is not None, START_TIMEOUT_S)
    assert process.poll() is None and stamp.exists()


def test_a_killed_first_instance_does_not_block_the_next(launcher: Launcher) -> None:
    crashed = launcher.first("crashed.json")
    crashed.kill()  # SIGKILL: its socket file stays behind
    crashed.wait()
    assert Path(server_name(str(launcher.home))).exists()  # what a crash leaves

    first = launcher.first("next.json")  # starts and listens
    done, stamp = launcher.second(str(write_wav(launcher.tmp / "talk.wav")))
    assert done.returncode == 0 and not stamp.exists(), done.stdout + done.stderr
    assert launcher.opened(first.pid)[0]["queue"] == [str(launcher.tmp / "talk.wav")]


def test_two_simultaneous_first_starts_make_one_window(launcher: Launcher) -> None:
    one, one_stamp = launcher.start(stamp="one.json")
    two, two_stamp = launcher.start(stamp="two.json")
    wait_for(lambda: one.poll() is not None or two.poll() is not None, START_TIMEOUT_S)
    loser, winner = (one, two) if one.poll() is not None else (two, one)
    assert loser.wait() == 0 and winner.poll() is None
    wait_for(lambda: one_stamp.exists() or two_stamp.exists(), START_TIMEOUT_S)
    assert (one_stamp.exists(), two_stamp.exists()) == ((True, False) if winner is one else (False, True))
    assert launcher.opened(winner.pid)[0]["queue"] == []  # the loser's launch raised the winner


def test_a_start_during_another_start_waits_for_it_and_hands_off(launcher: Launcher, qtbot) -> None:
    """The race in slow motion: this test is a first start between "nobody answers" and
    "listening" (it holds the lock); a launch meanwhile must wait, then hand its file over,
    not take the name (removing a fresh socket would leave two windows)."""
    from PySide6.QtCore import QLockFile

    from meeting_recorder.ui.single_instance import InstanceServer

    name = server_name(str(launcher.home))
    lock = QLockFile(name + ".lock")
    assert lock.tryLock(0)
    talk = write_wav(launcher.tmp / "talk.wav")
    process, stamp = launcher.start(str(talk))
    time.sleep(2)  # it starts meanwhile (importing Qt…) and waits for the lock
    server = InstanceServer()
    try:
        assert server.listen(name)
        with qtbot.waitSignal(server.requested, timeout=HANDOFF_TIMEOUT_S * 1000) as request:
            lock.unlock()
        assert request.args == [[str(talk)]]
        assert process.wait(timeout=HANDOFF_TIMEOUT_S) == 0 and not stamp.exists()
    finally:
        server.close()


def test_the_app_tells_the_desktop_its_id_and_icon(qapp) -> None:
    from meeting_recorder.identity import APP_ID
    from meeting_recorder.ui.app import set_identity

    set_identity(qapp)
    assert qapp.desktopFileName() == APP_ID  # matches the launcher <APP_ID>.desktop
    assert not qapp.windowIcon().isNull() and 256 in {s.width() for s in qapp.windowIcon().availableSizes()}
