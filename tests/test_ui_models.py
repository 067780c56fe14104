"""Settings → Models in a real Qt event loop against a local hub on 127.0.0.1 (the download
path is real: HTTP, verification, install); the yes/no question is answered by the test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
import zipfile
from collections.abc import Iterator

import pytest

from meeting_recorder.core.models import tiny_en_dir
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.settings_dialog import SettingsDialog
from tests.hub_server import HubServer


@pytest.fixture
def hub(tmp_path, monkeypatch) -> Iterator[HubServer]:
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = HubServer(tiny_en_dir()).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.stop()


def open_models(qtbot, tmp_path):
    settings = AppSettings(tmp_path / "settings.ini")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.open_models()
    return dialog, dialog.models_dialog


def test_download_asks_first_shows_progress_and_offers_the_model(qtbot, tmp_path, hub, monkeypatch):
    settings_dialog, models = open_models(qtbot, tmp_path)
    assert models.status_of("tiny.en") == "embedded" and models.status_of("small") == "available"
    models.select("tiny")
    questions = []
    monkeypatch.setattr(models, "ask", lambda question: questions.append(question) or False)
    models.download_selected()
    assert questions and "tiny" in questions[0] and hub.url in questions[0]
    assert hub.connections == 0 and not models.is_downloading()  # "no": not one connection
    monkeypatch.setattr(models, "ask", lambda question: True)
    reports = []
    models._worker.progress.connect(reports.append)
    models.download_selected()
    assert models.is_downloading() and models.cancel_button.isVisibleTo(models)
    qtbot.waitUntil(lambda: not models.is_downloading(), timeout=60_000)
    assert models.status_of("tiny") == "downloaded", models.message.text()
    assert "ready to use" in models.message.text() and reports
    models.done(0)
    assert settings_dialog.model_combo.findData("tiny") >= 0  # offered at once


def test_cancel_keeps_nothing_usable_and_remove_and_import(qtbot, tmp_path, hub, monkeypatch):
    _, models = open_models(qtbot, tmp_path)
    hub.bytes_per_second = 2_000_000  # ~40 s for tiny: time to cancel
    monkeypatch.setattr(models, "ask", lambda question: True)
    models.select("tiny")
    models.download_selected()
    qtbot.waitUntil(lambda: models.progress.value() > 0, timeout=30_000)
    models.cancel_download()
    qtbot.waitUntil(lambda: not models.is_downloading(), timeout=10_000)
    assert "cancelled" in models.message.text() and models.status_of("tiny") == "available"
    # import a .zip made from the embedded files, then remove it
    archive = tmp_path / "my-model.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for file in tiny_en_dir().iterdir():
            if file.is_file():
                packed.write(file, f"my-model/{file.name}")
    models.import_source(str(archive))
    assert models.status_of("my-model") == "imported", models.message.text()
    models.select("my-model")
    models.remove_selected()
    assert models.status_of("my-model") is None and "removed" in models.message.text()
    models.import_source(str(tmp_path / "missing.zip"))
    assert models.message.text() and models.status_of("missing") is None
    models.done(0)
    shutil.rmtree(tmp_path / "home", ignore_errors=True)


def test_a_mirror_set_in_the_dialog_is_used_and_remembered(qtbot, tmp_path, hub, monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT")  # only the dialog's setting points at the local hub
    settings_dialog, models = open_models(qtbot, tmp_path)
    models.mirror_edit.setText(hub.url)
    models.mirror_edit.editingFinished.emit()
    assert settings_dialog.settings.model_mirror == hub.url
    questions = []
    monkeypatch.setattr(models, "ask", lambda question: questions.append(question) or True)
    models.select("tiny")
    models.download_selected()
    qtbot.waitUntil(lambda: not models.is_downloading(), timeout=60_000)
    assert hub.url in questions[0] and models.status_of("tiny") == "downloaded", models.message.text()
    models.done(0)
