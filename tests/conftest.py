import gc
import os
import threading

import pytest

from tests.speech import JFK, MEETING_SENTENCES, espeak


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Caches and user data go to a per-session temp folder, never the real home."""
    home = tmp_path_factory.getbasetemp() / "user-home"
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def jfk_path():
    assert JFK.is_file(), f"missing shared test data {JFK}"
    return JFK


@pytest.fixture(scope="session")
def meeting_speech(tmp_path_factory):
    """≥ 20 s of espeak English with its reference text."""
    text = " ".join(MEETING_SENTENCES)
    path = espeak(text, tmp_path_factory.mktemp("speech") / "meeting.wav")
    return path, text


@pytest.fixture(scope="session")
def tiny_engine():
    """One tiny.en engine shared by tests that only transcribe (closed at the end)."""
    from meeting_recorder.core.engine import TranscriptionEngine

    engine = TranscriptionEngine("tiny.en")
    engine.load()
    yield engine
    engine.close()


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    gc.collect()
    leaked = [t for t in threading.enumerate() if t.ident not in before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {leaked}"
