"""Recordings go into the meeting library by themselves: a live recording through the CLI
``record`` path, a recording recovered after kill -9, and a library that cannot be written
(the recording is kept, a warning said)."""

from __future__ import annotations

import os
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


def search(capsys, monkeypatch, home, *query: str) -> str:
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    assert main(["library", "search", "--no-sync", *query]) == 0  # what was added, not what a sync finds
    return capsys.readouterr().out


def test_live_recording_is_added_and_its_words_are_searchable(jfk_path, tmp_path, capsys, monkeypatch):
    home, out = tmp_path / "home", tmp_path / "recordings"
    result = subprocess.run(
        [sys.executable, "-m", "meeting_recorder", "record", "--from-file", str(jfk_path), "--speed", "0",
         "--out", str(out), "--speakers", "off"],
        capture_output=True, text=True, timeout=300, env=environment(home))
    assert result.returncode == 0, result.stderr
    assert "Added to the library as meeting 1" in result.stdout.splitlines()[-1]
    [wav] = out.glob("*.wav")
    found = search(capsys, monkeypatch, home, "country")
    assert f"[1] {wav.stem}" in found and "[country]" in found.lower()
    main(["library", "show", "1", "--no-sync"])
    shown = capsys.readouterr().out
    assert f"audio:      {wav}\n" in shown and f"transcript: {wav.with_suffix('.json')}\n" in shown
    assert "Source:     live recording" in shown


def test_recording_recovered_after_kill_9_is_added(meeting_speech, tmp_path, capsys, monkeypatch):
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
    found = search(capsys, monkeypatch, home, word)
    assert "[1] " in found and f"[{word}]" in found.lower(), (word, found)


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
