"""Recordings go into the meeting library by themselves: a live recording through the CLI
``record`` path and through the window's AudioWorker, a recording recovered after kill -9,
and a library that cannot be written (the recording is kept, a warning said)."""

from __future__ import annotations

import contextlib
import io
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
import signal
import subprocess
import sys

import numpy as np
import soundfile

from meeting_recorder.cli import main
from meeting_recorder.core.auto_library import add_to_library
from meeting_recorder.core.events import LibraryAddFailed


def environment(home) -> dict:
    return {**os.environ, "MEETING_RECORDER_HOME": str(home)}


def library(monkeypatch, home, *args: str) -> str:
    """``meeting-recorder library ARGS`` in this process, on ``home``'s library; its stdout.
    (--no-sync on searches: what the recorder added, not what a sync would find.)"""
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["library", *args]) == 0
    return out.getvalue()


def test_live_recording_is_added_and_its_words_are_searchable(jfk_path, tmp_path, monkeypatch):
    home, out = tmp_path / "home", tmp_path / "recordings"
    result = subprocess.run(
        [sys.executable, "-m", "meeting_recorder", "record", "--from-file", str(jfk_path), "--speed", "0",
         "--out", str(out), "--speakers", "off"],
        capture_output=True, text=True, timeout=300, env=environment(home))
    assert result.returncode == 0, result.stderr
    assert "Added to the library as meeting 1" in result.stdout.splitlines()[-1]
    [wav] = out.glob("*.wav")
    found = library(monkeypatch, home, "search", "--no-sync", "country")
    assert f"[1] {wav.stem}" in found and "[country]" in found.lower()
    shown = library(monkeypatch, home, "show", "1", "--no-sync")
    assert f"audio:      {wav}\n" in shown and f"transcript: {wav.with_suffix('.json')}\n" in shown
    assert "Source:     live recording" in shown


def test_window_recorder_adds_its_recording(qtbot, jfk_path, tmp_path, monkeypatch):
    """The window's path: AudioWorker adds the saved recording itself and says so."""
    from meeting_recorder.ui.audio_worker import AudioWorkerThread

    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))
    audio = AudioWorkerThread()
    added: list = []  # appended on the worker's thread
    audio.worker.library_added.connect(added.append)
    try:
        settings = {"recordings_dir": str(tmp_path / "recordings"), "language": "en", "model": "tiny.en",
                    "speakers_enabled": False, "speed": 0}
        audio.start_recording(settings, None, str(jfk_path))  # the file ends: the worker stops by itself
        qtbot.waitUntil(lambda: bool(added), timeout=300_000)
    finally:
        audio.shutdown()
    [meeting] = added
    [wav] = (tmp_path / "recordings").glob("*.wav")
    assert meeting.source == "recording" and meeting.audio_path == str(wav)
    assert meeting.transcript_path == str(wav.with_suffix(".json")) and meeting.segment_count >= 1
    assert "[country]" in library(monkeypatch, tmp_path / "home", "search", "--no-sync", "country").lower()


def test_recording_recovered_after_kill_9_is_added(meeting_speech, tmp_path, monkeypatch):
    speech, _ = meeting_speech
    home, out = tmp_path / "home", tmp_path / "recordings"
    process = subprocess.Popen(
        [sys.executable, "-m", "meeting_recorder", "record", "--from-file", str(speech), "--speed", "1",
         "--out", str(out), "--speakers", "off"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(home))
    try:
        first = process.stdout.readline()
        assert first.startswith("Recording to "), (first, process.stderr.read() if process.poll() is not None else "")
        said = process.stdout.readline()  # the first committed line: it is in the journal
        assert said.startswith("["), said
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    result = subprocess.run([sys.executable, "-m", "meeting_recorder", "recover", str(out)],
                            capture_output=True, text=True, timeout=120, env=environment(home))
    assert result.returncode == 0, result.stderr
    assert "Added to the library as meeting 1" in result.stdout
    word = max(said.split("] ", 1)[1].split(), key=len).strip(".,?!").lower()  # its longest word
    found = library(monkeypatch, home, "search", "--no-sync", word)
    assert "[1] " in found and f"[{word}]" in found.lower(), (word, found)


def test_window_adds_what_it_recovers_before_offering_it(qtbot, tmp_path, monkeypatch):
    """The window's recovery (check_recovered at start) puts the repaired recording in the
    library before the recovery dialog offers it."""
    from meeting_recorder.ui.audio_worker import AudioWorkerThread

    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))
    out = tmp_path / "recordings"
    out.mkdir()
    soundfile.write(out / "2026-03-02_100000.wav.partial", np.zeros(8000, dtype=np.int16), 16000, format="WAV")
    audio = AudioWorkerThread()
    seen: list = []  # appended on the worker's thread, in emission order
    audio.worker.library_added.connect(lambda meeting: seen.append(("added", meeting)))
    audio.worker.recovered.connect(lambda recording: seen.append(("recovered", recording)))
    try:
        audio.check_recovered(out)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=60_000)
    finally:
        audio.shutdown()
    assert [kind for kind, _ in seen] == ["added", "recovered"]  # in the library before it is offered
    meeting, recovered = (item for _, item in seen)
    assert meeting.audio_path == str(recovered.path) == str(out / "2026-03-02_100000.wav")
    assert "2026-03-02_100000" in library(monkeypatch, tmp_path / "home", "list", "--no-sync")


def test_a_library_that_cannot_be_written_costs_a_warning_not_the_recording(tmp_path):
    home, out = tmp_path / "home", tmp_path / "recordings"
    home.mkdir()
    (home / "data").write_text("a file where the data folder should be")  # no database can be made
    out.mkdir()
    partial = out / "2026-03-02_100000.wav.partial"  # as a crash leaves it
    soundfile.write(partial, np.zeros(8000, dtype=np.int16), 16000, format="WAV")
    result = subprocess.run([sys.executable, "-m", "meeting_recorder", "recover", str(out)],
                            capture_output=True, text=True, timeout=120, env=environment(home))
    assert result.returncode == 0, result.stderr
    assert f"recovered {out / '2026-03-02_100000.wav'}" in result.stdout
    assert "Added to the library" not in result.stdout
    assert f"warning: {out / '2026-03-02_100000.wav'} is saved but was not added to the library" in result.stderr
    assert "Traceback" not in result.stderr
    added = add_to_library(out / "2026-03-02_100000.wav", db_path=home / "data" / "library.sqlite3")
    assert isinstance(added, LibraryAddFailed) and added.path == str(out / "2026-03-02_100000.wav")
