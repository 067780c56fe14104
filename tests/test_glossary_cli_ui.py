"""The glossary where users give it: ``transcribe --glossary FILE`` (this meeting's terms)
and Settings (the global list used by every recording and file). Real tiny.en on espeak."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest

from meeting_recorder.core import glossary
from tests.speech import espeak

SENTENCE = "Our new client Quixotel signed the contract today."


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))


def test_cli_glossary_file_and_the_global_one(tmp_path, capsys):
    from meeting_recorder.cli import main

    audio = espeak(SENTENCE, tmp_path / "client.wav")
    common = ["transcribe", str(audio), "--model", "tiny.en", "--speakers", "off", "--format", "txt"]
    assert main([*common, "--out", str(tmp_path / "plain")]) == 0
    assert "Quixotel" not in (tmp_path / "plain" / "client.txt").read_text(encoding="utf-8")
    terms = tmp_path / "meeting-terms.txt"
    terms.write_text("# this meeting\nQuixotel\n", encoding="utf-8")
    assert main([*common, "--glossary", str(terms), "--out", str(tmp_path / "meeting")]) == 0
    assert "Quixotel" in (tmp_path / "meeting" / "client.txt").read_text(encoding="utf-8")
    glossary.save_global("Quixotel\n")  # the same term from Settings' global list
    assert main([*common, "--out", str(tmp_path / "global")]) == 0
    assert "Quixotel" in (tmp_path / "global" / "client.txt").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main([*common, "--glossary", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "x")]) == 2
    assert "Glossary file not found" in capsys.readouterr().err and not (tmp_path / "x").exists()
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9\n".encode("latin-1"))
    assert main([*common, "--glossary", str(tmp_path / "latin1.txt"), "--out", str(tmp_path / "x")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_settings_edit_the_global_glossary_and_jobs_read_it(qtbot, tmp_path):
    from meeting_recorder.ui.audio_worker import live_settings
    from meeting_recorder.ui.record_view import RecordView
    from meeting_recorder.ui.settings import AppSettings
    from meeting_recorder.ui.settings_dialog import SettingsDialog

    settings = AppSettings(tmp_path / "settings.ini")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.glossary_edit.toPlainText() == ""
    dialog.glossary_edit.setPlainText("Quixotel\n김민준\n# a comment")
    dialog.apply()
    assert glossary.global_terms() == ["Quixotel", "김민준"]
    assert oct(glossary.global_path().stat().st_mode & 0o777) == "0o600"
    view = RecordView(settings)
    qtbot.addWidget(view)
    live, _source, _speed = live_settings(view._session_settings())
    assert live.glossary == ("Quixotel", "김민준")
    view.terms_edit.setText("Zorblax, 박서연 ,Quixotel")  # this meeting's terms come first, once each
    live, _source, _speed = live_settings(view._session_settings())
    assert live.glossary == ("Zorblax", "박서연", "Quixotel", "김민준")
    view.shutdown()
