import gc
import shutil
import threading

import numpy as np
import pytest

from tests.speech import JFK, MEETING_SENTENCES, espeak


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Caches and user data go to a per-session temp folder, never the real home. The model
    cache is shared by the session; enrolled speakers are not (no test sees another's)."""
    home = tmp_path_factory.getbasetemp() / "user-home"
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    yield home
    shutil.rmtree(home / "data" / "speakers", ignore_errors=True)


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
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine

    engine = TranscriptionEngine("tiny.en")
    engine.load()
    # Start its inference thread now, so no test sees it as a thread it leaked.
    engine.transcribe_samples(np.zeros(8000, dtype=np.float32), TranscribeOptions(vad_filter=False))
    yield engine
    engine.close()


OUR_DAEMON_THREADS = {"whisper-inference"}  # daemon only so a forgotten engine cannot block exit


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    gc.collect()
    leaked = [
        t
        for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and (not t.daemon or t.name in OUR_DAEMON_THREADS)
    ]
    assert not leaked, f"threads left running: {leaked}"


def pytest_configure(config):
    config.addinivalue_line("markers", "missing_requirement(reason): fails the test (strict runs, tests/needs.py)")


def pytest_runtest_setup(item):
    from tests.needs import fail_if_missing

    fail_if_missing(item)
