"""The transcript editor on a real Qt event loop, with a transcript from the real pipeline
(tiny.en + diarization of a synthetic two-voice conversation)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pysubs2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from meeting_recorder.core.transcript import Segment, Word
from meeting_recorder.core.transcript_log import TranscriptLog
from meeting_recorder.ui.audio_player import AudioPlayer
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.transcript_editor import EXPORT_FORMATS, TranscriptEditor
from meeting_recorder.ui.transcript_model import COL_SPEAKER, COL_TEXT, COL_TIME
from tests.conversations import make_conversation
from tests.needs import skip_or_fail


@pytest.fixture(scope="module")
def pipeline_json(tmp_path_factory, tiny_engine) -> Path:
    """A conversation of two voices transcribed with speakers, exported like the app does."""
    from meeting_recorder.core.export import export
    from meeting_recorder.core.speakers.diarizer import Diarizer
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    folder = tmp_path_factory.mktemp("editor")
    audio = make_conversation(folder / "talk.wav", "AB", seconds=20, seed=3).path
    with Diarizer() as diarizer:
        transcript = transcribe_with_speakers(tiny_engine, diarizer, audio, speakers=SpeakerRequest())
    (json_path,) = export(transcript, folder / "Transcripts", ["json"])
    return json_path


@pytest.fixture
def transcript_json(pipeline_json, tmp_path) -> Path:
    """A private copy (tests edit it); its "file" still points at the conversation."""
    return Path(shutil.copy(pipeline_json, tmp_path / pipeline_json.name))


@pytest.fixture
def editor(qtbot, tmp_path) -> Iterator[TranscriptEditor]:
    widget = TranscriptEditor(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    yield widget
    widget.shutdown()


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_edit_text_rename_speakers_and_save(qtbot, editor, transcript_json) -> None:
    original = on_disk(transcript_json)
    speakers = list(dict.fromkeys(s["speaker"] for s in original["segments"]))
    assert speakers[:2] == ["Speaker 1", "Speaker 2"], speakers  # the pipeline found both voices
    modified: list[bool] = []
    editor.modified_changed.connect(modified.append)

    assert editor.open_transcript(transcript_json)
    assert editor.model.rowCount() == len(original["segments"])
    assert [editor.speakers_list.item(i).text() for i in range(editor.speakers_list.count())] == speakers
    assert editor.audio_path == Path(original["file"])

    # Edit the first segment's text in place: double-click opens the editor, Enter commits.
    # (QTest's double-click event lacks the first click a real one has, so click first.)
    index = editor.model.index(0, COL_TEXT)
    rect = editor.table.visualRect(index)
    qtbot.mouseClick(editor.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(editor.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    line = editor.table.viewport().findChild(QLineEdit)
    assert line is not None and line.text() == original["segments"][0]["text"]
    line.setText("We agreed on the budget.")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # the delegate commits through a queued call
    qtbot.waitUntil(lambda: editor.model.index(0, COL_TEXT).data() == "We agreed on the budget.", timeout=2_000)
    assert editor.has_unsaved_changes() and modified == [True]
    assert editor.title_label.text().startswith("* ")

    # Rename in the speakers list (as a user typing over the name) and through the dialog.
    editor.speakers_list.editItem(editor.speakers_list.item(0))
    line = editor.speakers_list.viewport().findChild(QLineEdit)
    line.setText("Alice Park")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.speakers_list.item(0).text() == "Alice Park"
                    and editor.model.speakers()[0] == "Alice Park", timeout=2_000)
    editor._ask_speaker_name = lambda old: "Bob"  # the dialog, answered
    editor.speakers_list.setCurrentRow(1)
    editor.rename_dialog()
    assert [editor.speakers_list.item(i).text() for i in range(2)] == ["Alice Park", "Bob"]

    assert editor.save()
    assert not editor.has_unsaved_changes() and modified == [True, False]
    saved = on_disk(transcript_json)
    assert saved["segments"][0]["text"] == "We agreed on the budget."
    assert [s["text"] for s in saved["segments"][1:]] == [s["text"] for s in original["segments"][1:]]
    renames = {"Speaker 1": "Alice Park", "Speaker 2": "Bob"}
    assert [s["speaker"] for s in saved["segments"]] == [renames.get(s["speaker"], s["speaker"])
                                                         for s in original["segments"]]
    for key in ("file", "duration", "language", "model"):
        assert saved[key] == original[key]
    words = saved["segments"][0]["words"]  # timings kept only if the word count still matches
    assert words == [] or [w["word"].strip() for w in words] == "We agreed on the budget.".split()
    assert saved["segments"][1]["words"] == original["segments"][1]["words"]


def test_export_each_format(editor, transcript_json, tmp_path) -> None:
    assert editor.open_transcript(transcript_json)
    editor.set_segment_text(0, "Hello there.")
    editor.rename_speaker("Speaker 1", "Kim Minji")
    written = {fmt: editor.export_to(tmp_path / "out" / f"talk.{fmt}", fmt) for fmt in EXPORT_FORMATS}
    assert all(path is not None and path.is_file() for path in written.values())
    text = {fmt: path.read_text(encoding="utf-8") for fmt, path in written.items()}
    assert "Kim Minji: Hello there." in text["txt"]
    subs = pysubs2.SSAFile.from_string(text["srt"])
    assert len(subs) == editor.model.rowCount() and subs[0].text.startswith("Kim Minji: Hello there.")
    assert text["vtt"].startswith("WEBVTT") and "Hello there." in text["vtt"]
    assert on_disk(written["json"])["segments"][0]["text"] == "Hello there."
    assert "**Kim Minji:** Hello there." in text["md"]
    assert "Kim_Minji" in text["rttm"] and text["rttm"].startswith("SPEAKER ")
    assert editor.has_unsaved_changes()  # an export is not a save
    assert on_disk(transcript_json)["segments"][0]["text"] != "Hello there."


def test_click_a_segment_plays_its_audio(qtbot, editor, transcript_json) -> None:
    assert editor.open_transcript(transcript_json)
    row = 1
    start = editor.model.segments()[row].start
    assert start > 0.5
    rect = editor.table.visualRect(editor.model.index(row, COL_TIME))
    qtbot.mouseClick(editor.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.player.source() == editor.audio_path
    if not AudioPlayer.available:
        skip_or_fail("QtMultimedia (PySide6-Addons) is not installed: nothing plays")
    media = editor.player._player
    assert media is not None and media.source().toLocalFile() == str(editor.audio_path)
    # The seek waits for the media to load; then the real player sits at the segment (or after
    # it: without a sound device the ffmpeg backend still runs its clock).
    qtbot.waitUntil(lambda: editor.player._pending is None and media.position() >= start * 1000 - 50, timeout=10_000)
    assert media.position() < start * 1000 + 3000
    qtbot.waitUntil(editor.player.is_playing, timeout=5_000)
    assert editor.play_button.text() == "&Pause"
    editor.toggle_playback()
    qtbot.waitUntil(lambda: not editor.player.is_playing(), timeout=5_000)
    assert editor.play_button.text() == "&Play"


def test_audio_next_to_the_transcript_and_a_live_journal(qtbot, editor, tmp_path, pipeline_json) -> None:
    # A JSON whose "file" is gone finds the audio of the same name beside it.
    data = on_disk(pipeline_json)
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(data["file"], moved / "talk.wav")
    (moved / "talk.json").write_text(json.dumps({**data, "file": "/nowhere/talk.wav"}), encoding="utf-8")
    assert editor.open_transcript(moved / "talk.json")
    assert editor.audio_path == moved / "talk.wav" and editor.play_button.isEnabled() == AudioPlayer.available

    # The journal of an unfinished recording opens; its edits go to <name>.edited.json.
    partial = tmp_path / "2026-01-02_030405.wav.partial"
    shutil.copy(data["file"], partial)
    log = TranscriptLog(tmp_path / "2026-01-02_030405.transcript.jsonl", "tiny.en", "en")
    log.append(Segment(0.5, 2.0, "first words", [Word(0.5, 1.0, " first"), Word(1.0, 2.0, " words")], "Speaker 1"))
    log.append(Segment(2.5, 4.0, "second words", [], "Speaker 2"))
    log.close()
    assert editor.open_transcript(log.path)
    assert editor.model.rowCount() == 2 and editor.audio_path == partial
    assert editor.model.index(1, COL_SPEAKER).data() == "Speaker 2"
    editor.rename_speaker("Speaker 2", "Dana")
    assert editor.save()
    saved = on_disk(tmp_path / "2026-01-02_030405.edited.json")
    assert [s["speaker"] for s in saved["segments"]] == ["Speaker 1", "Dana"]
    assert saved["file"] == str(partial) and saved["duration"] == 4.0


def test_bad_files_and_unsaved_changes(qtbot, editor, tmp_path, transcript_json) -> None:
    messages: list[str] = []
    editor.status_message.connect(messages.append)
    assert editor.open_transcript(transcript_json)
    rows = editor.model.rowCount()
    not_json = tmp_path / "notes.json"
    not_json.write_text("hello")
    not_transcript = tmp_path / "other.json"
    not_transcript.write_text('{"segments": [{"text": "no times"}]}')
    for bad in (not_json, not_transcript, tmp_path / "missing.json"):
        assert not editor.open_transcript(bad)
        assert messages[-1].startswith(f"Could not open {bad}")
    assert editor.model.rowCount() == rows and editor.path == transcript_json  # still the old one

    editor.set_segment_text(0, "changed")
    editor._ask_discard = lambda: False  # "Cancel" in the unsaved-changes question
    editor._ask_open_path = lambda: pytest.fail("must not ask for a file after Cancel")
    editor.open_dialog()
    assert editor.has_unsaved_changes() and editor.path == transcript_json
