"""The model follows the language: English-only tiny.en only for English, the multilingual
model for anything else, the language identified first when it is "auto". Real models,
real recordings (a Czech dialogue from ../shared/data/real/fillets_cs, JFK), espeak Korean."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from pathlib import Path

import pytest

from meeting_recorder.core.language_choice import (
    AUTO_MODEL, ModelChoice, after_detection, as_event, english_only, live_model, model_for,
)
from meeting_recorder.messages import render
from tests.speech import JFK, espeak

CZECH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real" / "fillets_cs" / "barrel.flac"
KOREAN_TEXT = "안녕하세요. 오늘 회의에서는 다음 분기 예산과 출시 일정을 논의하겠습니다."


def test_choice_rules():
    assert model_for("auto", "auto") is None  # identify first
    assert model_for("auto", "en") == ModelChoice("tiny.en", "en", "language")
    assert model_for("auto", "ko") == ModelChoice("base", "ko", "language")
    assert model_for("tiny.en", "auto") == ModelChoice("tiny.en", "auto", "chosen")  # the user's choice stays
    assert after_detection("en", 0.93) == ModelChoice("tiny.en", "en", "detected", "en", 0.93)
    assert after_detection("cs", 0.951) == ModelChoice("base", "cs", "detected", "cs", 0.951)
    assert after_detection(None, 0.0) == ModelChoice("base", "auto", "no_speech")
    assert live_model("auto", "auto") == "base" and live_model("auto", "en") == "tiny.en"
    assert english_only("tiny.en") and english_only("/models/small.en") and not english_only("base")
    event = as_event("talk.wav", after_detection("cs", 0.951))
    assert render(event) == "talk.wav: language detected: 'cs' (95%), model base"


@pytest.fixture(scope="module")
def korean(tmp_path_factory) -> Path:
    return espeak(KOREAN_TEXT, tmp_path_factory.mktemp("korean") / "korean.wav", voice="ko")


def notes(stderr: str) -> list[str]:
    return [line[len("note: "):] for line in stderr.splitlines() if line.startswith("note: ")]


def test_cli_auto_identifies_each_file_and_picks_the_model(tmp_path, capsys, korean):
    """Default settings (model and language "auto"): English stays on tiny.en, Czech and
    Korean go to the multilingual model, and each choice is reported."""
    from meeting_recorder.cli import main

    if not CZECH.is_file():
        pytest.skip(f"{CZECH} is missing (the shared real recordings)")
    files = [shutil.copy(JFK, tmp_path / "jfk.flac"), shutil.copy(CZECH, tmp_path / "czech.flac"), korean]
    code = main(["transcribe", *map(str, files), "--speakers", "off", "--format", "txt", "--out", str(tmp_path / "out")])
    said = notes(capsys.readouterr().err)
    assert code == 0, said
    assert said[0].startswith(f"{files[0]}: language detected: 'en'") and said[0].endswith("model tiny.en")
    assert said[1].startswith(f"{files[1]}: language detected: 'cs'") and said[1].endswith("model base")
    assert said[2].startswith(f"{files[2]}: ") and said[2].endswith("model base")  # espeak Korean: not English
    assert "fellow Americans" in (tmp_path / "out" / "jfk.txt").read_text(encoding="utf-8")
    czech = (tmp_path / "out" / "czech.txt").read_text(encoding="utf-8")
    assert any(letter in czech for letter in "ěščřžýáíéůú"), czech  # Czech words, not English nonsense


def test_cli_language_ko_without_a_model_uses_the_multilingual_one(tmp_path, capsys, korean):
    from meeting_recorder.cli import main

    code = main(["transcribe", str(korean), "--language", "ko", "--speakers", "off", "--format", "txt",
                 "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert notes(captured.err) == [f"{korean}: model base for language 'ko'"]
    assert (tmp_path / "korean.txt").is_file()
    # Asking an English-only model for Korean is still a clear usage error.
    assert main(["transcribe", str(korean), "--language", "ko", "--model", "tiny.en", "--out", str(tmp_path)]) == 2
    assert "English only" in capsys.readouterr().err


def test_settings_default_and_the_dialog_says_which_model_and_why(qtbot, tmp_path):
    from meeting_recorder.ui.settings import AppSettings
    from meeting_recorder.ui.settings_dialog import SettingsDialog

    settings = AppSettings(tmp_path / "settings.ini")
    assert settings.model == AUTO_MODEL and settings.language == "auto"
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert "identified first" in dialog.model_note.text()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ko"))
    assert dialog.model_note.text().startswith("In use: base")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    assert dialog.model_note.text().startswith("In use: tiny.en")


def test_file_queue_row_says_which_language_was_found(qtbot, tmp_path):
    from meeting_recorder.ui.files_view import COL_FILE, COL_STATUS, FilesView
    from meeting_recorder.ui.settings import AppSettings

    if not CZECH.is_file():
        pytest.skip(f"{CZECH} is missing (the shared real recordings)")
    settings = AppSettings(tmp_path / "settings.ini")
    settings.recordings_dir, settings.speakers_enabled = tmp_path / "recordings", False
    view = FilesView(settings)
    qtbot.addWidget(view)
    view.add_files([str(shutil.copy(CZECH, tmp_path / "czech.flac"))])
    qtbot.waitUntil(lambda: view.job_states()[0][1] in ("done", "failed"), timeout=240_000)
    assert view.job_states()[0][1] == "done"
    assert "language detected: 'cs'" in view.table.item(0, COL_STATUS).toolTip()
    assert view.table.item(0, COL_FILE).toolTip().endswith("model base")
    assert view.shutdown()
