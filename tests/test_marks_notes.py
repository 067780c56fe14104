"""Marks and notes: journaled crash-safe with the segments, recovered after a kill -9 into
the JSON, Markdown and TXT exports, shown in the transcript editor (and kept on save), and
taken with the Record view's panel (button, Ctrl+M, Enter in the notes box).

The crash test is a real process: the real RecordingWriter records JFK's speech into a
``.wav.partial`` while a TranscriptLog journals tiny.en's segments of it and marks and notes
stamped with the seconds recorded so far; it is killed with SIGKILL, and ``recover_folder``
does the rest."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from meeting_recorder.core import export
from meeting_recorder.core.recovery import journal_path, recover_folder
from meeting_recorder.core.transcript import Mark, Note, Segment, Transcript, Word
from meeting_recorder.core.transcript_log import TranscriptLog, read_journal, read_journal_full
from meeting_recorder.ui.audio_player import AudioPlayer
from meeting_recorder.ui.marks_notes import MarksNotesPanel
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.transcript_editor import TranscriptEditor

ROOT = Path(__file__).resolve().parents[1]
STEM = "2026-03-04_101500"
# (seconds recorded, kind, text): what the recording process marks and notes.
PLAN = [(2.0, "mark", "applause"), (4.5, "note", "quote “ask not” in the minutes"), (7.0, "mark", ""),
        (9.0, "note", "한국어 메모: 다음 회의")]

# Records ``audio`` (looped) at 10× real time through the real writer; journals each segment
# once its end is recorded and each planned mark or note at its moment, stamped with the
# seconds recorded then (as the live session does); reports the stamps, then records on
# until it is killed.
RECORDER = """
import json, sys, time
from pathlib import Path
import soundfile as sf
from meeting_recorder.core.block_pool import BlockPool
from meeting_recorder.core.recovery import journal_path
from meeting_recorder.core.transcript import Segment, Word
from meeting_recorder.core.transcript_log import TranscriptLog
from meeting_recorder.core.writer import RecordingWriter

partial, audio, plan = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
samples, rate = sf.read(audio, dtype="int16", always_2d=True)
block = rate // 10
pool = BlockPool(64, block, samples.shape[1])
writer = RecordingWriter(partial, rate, samples.shape[1], pool)
writer.start()
log = TranscriptLog(journal_path(partial), "tiny.en", "en")
segments = [Segment(s["start"], s["end"], s["text"], [Word(**w) for w in s["words"]]) for s in plan["segments"]]
events, stamped, position = list(plan["events"]), [], 0
while True:
    writer.submit(pool.fill(samples[position % len(samples):][:block]))
    position += block
    time.sleep(0.01)
    recorded = position / rate
    while segments and segments[0].end <= recorded:
        log.append(segments.pop(0))
    while events and events[0][0] <= writer.seconds_written:
        _, kind, text = events.pop(0)
        now = writer.seconds_written  # the writer's thread moves it on: read once
        item = log.add_mark(now, text) if kind == "mark" else log.add_note(now, text)
        stamped.append([kind, item.time, text])
    if stamped is not None and not segments and not events:
        print(json.dumps(stamped), flush=True)
        stamped = None
"""


@pytest.fixture(scope="module")
def jfk_segments(tiny_engine, jfk_path) -> list[Segment]:
    segments = tiny_engine.transcribe_file(jfk_path).segments
    assert len(segments) >= 2 and segments[-1].end > PLAN[-1][0]
    return segments


@pytest.fixture(scope="module")
def killed(tmp_path_factory, jfk_path, jfk_segments) -> tuple[Path, list]:
    """A recording killed -9 after its marks and notes: (folder, the stamps it reported)."""
    folder = tmp_path_factory.mktemp("killed")
    partial = folder / f"{STEM}.wav.partial"
    plan = {"segments": export.to_dict(Transcript("", 0, "", "", jfk_segments))["segments"], "events": PLAN}
    process = subprocess.Popen([sys.executable, "-c", RECORDER, str(partial), str(jfk_path), json.dumps(plan)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        stamped = json.loads(process.stdout.readline())
        time.sleep(0.3)  # more audio after the last note
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert partial.is_file() and journal_path(partial).is_file()
    return folder, stamped


@pytest.fixture(scope="module")
def recovered(killed, jfk_segments) -> tuple[Path, list]:
    """The killed recording after ``recover_folder`` with JSON, Markdown, TXT and SRT."""
    folder, stamped = killed
    results, errors = recover_folder(folder, ["md", "txt", "srt"])
    assert errors == [] and len(results) == 1
    assert results[0].seconds >= stamped[-1][1]
    names = sorted(f"{STEM}.{ext}" for ext in ("wav", "json", "md", "txt", "srt"))
    assert sorted(p.name for p in folder.iterdir()) == names  # no partial, journal or temp file left
    return folder, stamped


# -- the journal ------------------------------------------------------------------------------
def test_journal_round_trip_and_old_journals(tmp_path) -> None:
    path = tmp_path / "a.transcript.jsonl"
    log = TranscriptLog(path, "base", "ko")
    log.append(Segment(0.0, 2.0, "안녕하세요.", [Word(0.0, 1.0, " 안녕하세요.")], "Speaker 1"))
    assert log.add_mark(1.25, "  budget   decision ") == Mark(1.25, "budget decision")
    assert log.add_note(3.0004, " call Kim back\n") == Note(3.0, "call Kim back")
    log.add_mark(0.5)
    with pytest.raises(ValueError):
        log.add_note(4.0, "   ")  # nothing to note: nothing journaled
    log.close()
    assert log.count == 1 and log.closed
    with pytest.raises(ValueError):
        log.add_mark(5.0)  # after stop: refused, not lost silently in a closed file

    header, segments = read_journal(path)  # the old reader: segments only, as before
    assert header == {"model": "base", "language": "ko"} and [s.text for s in segments] == ["안녕하세요."]
    journal = read_journal_full(path)
    assert journal.marks == [Mark(0.5, ""), Mark(1.25, "budget decision")]  # in time order
    assert journal.notes == [Note(3.0, "call Kim back")]

    # A journal from before marks existed, with a line cut off by a crash: reads as before.
    old = tmp_path / "old.transcript.jsonl"
    old.write_text('{"header": {"model": "tiny.en", "language": "en"}}\n'
                   '{"start": 0, "end": 1, "text": "Hi.", "speaker": null, "words": []}\n{"start": 1, "en', "utf-8")
    journal = read_journal_full(old)
    assert [s.text for s in journal.segments] == ["Hi."] and journal.marks == journal.notes == []


def test_old_json_without_marks_loads_and_new_json_round_trips() -> None:
    old = {"file": "a.wav", "duration": 3.0, "language": "en", "model": "tiny.en",
           "segments": [{"start": 0.0, "end": 1.0, "text": "Hi.", "speaker": None, "words": []}]}
    transcript = export.from_dict(old)
    assert transcript.marks == [] and transcript.notes == []
    data = export.to_dict(transcript)
    assert data["marks"] == [] and data["notes"] == []
    transcript.marks, transcript.notes = [Mark(2.5, "x")], [Note(0.5, "y")]
    again = export.from_dict(json.loads(export.to_json(transcript)))
    assert again.marks == [Mark(2.5, "x")] and again.notes == [Note(0.5, "y")]
    srt = export.to_srt(again)
    assert "x" not in srt.replace("-->", "") and "y" not in srt  # subtitles are speech only


def test_marks_from_one_thread_while_segments_come_from_another(tmp_path) -> None:
    """Every line whole and parseable, nothing lost, each thread's lines in its order (the
    segments are longer than a write buffer: several writes each)."""
    path = tmp_path / "busy.transcript.jsonl"
    log = TranscriptLog(path, "tiny.en", "en")
    count, long_text = 150, "word " * 3000

    def segments() -> None:
        for i in range(count):
            log.append(Segment(float(i), i + 0.5, f"{i} {long_text}"))

    def marks() -> None:
        for i in range(count):
            log.add_mark(float(i), f"mark {i}")
            log.add_note(i + 0.25, f"note {i}")

    threads = [threading.Thread(target=segments), threading.Thread(target=marks)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    log.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # raises on a torn or interleaved line
    assert len(records) == 1 + 3 * count
    assert [r["mark"]["label"] for r in records if "mark" in r] == [f"mark {i}" for i in range(count)]
    assert [r["note"]["text"] for r in records if "note" in r] == [f"note {i}" for i in range(count)]
    assert [r["text"].split()[0] for r in records if "text" in r] == [str(i) for i in range(count)]
    journal = read_journal_full(path)
    assert len(journal.segments) == count == len(journal.marks) == len(journal.notes) == log.count
    print(f"{len(records)} fsynced lines from two threads in {elapsed:.2f} s")


def test_a_mark_while_the_log_closes_is_on_disk_or_refused(tmp_path) -> None:
    """Ctrl+M pressed as the recording stops: each mark is either journaled (and returned)
    or refused with ValueError; never returned yet missing, never another error."""
    path = tmp_path / "closing.transcript.jsonl"
    log = TranscriptLog(path, "tiny.en", "en")
    returned: list[Mark] = []
    failures: list[BaseException] = []

    def press() -> None:
        for i in range(100_000):
            try:
                returned.append(log.add_mark(i / 10))
            except ValueError:
                return
            except BaseException as error:  # noqa: BLE001 - the test reports it
                failures.append(error)
                return

    thread = threading.Thread(target=press)
    thread.start()
    while len(returned) < 20:
        time.sleep(0.001)
    log.close()
    thread.join()
    assert failures == [] and 20 <= len(returned) < 100_000
    assert read_journal_full(path).marks == returned


# -- kill -9, then recover ----------------------------------------------------------------------
def test_marks_and_notes_survive_kill_9_and_appear_in_the_exports(recovered, jfk_segments, jfk_path) -> None:
    folder, stamped = recovered
    recorded, _ = sf.read(folder / f"{STEM}.wav", dtype="int16", always_2d=True)
    source, _ = sf.read(jfk_path, dtype="int16", always_2d=True)
    assert (recorded[: len(source)] == source[: len(recorded)]).all()  # the real recording, whole
    assert [(kind, text) for kind, _, text in stamped] == [(kind, text) for _, kind, text in PLAN]
    for (kind, at, _), (planned, *_rest) in zip(stamped, PLAN):
        assert planned <= at < planned + 1.0  # the seconds recorded when it was taken

    data = json.loads((folder / f"{STEM}.json").read_text(encoding="utf-8"))
    assert data["marks"] == [{"time": at, "label": text} for kind, at, text in stamped if kind == "mark"]
    assert data["notes"] == [{"time": at, "text": text} for kind, at, text in stamped if kind == "note"]
    assert [s["text"] for s in data["segments"]] == [s.text for s in jfk_segments]

    from markdown_it import MarkdownIt

    md = (folder / f"{STEM}.md").read_text(encoding="utf-8")
    tokens = MarkdownIt().parse(md)
    inline = [t.content for t in tokens if t.type == "inline"]
    assert "**[0:00:02.0" in md and any(text.endswith("⚑ Mark: applause") for text in inline)
    assert any(text.endswith("⚑ Mark") for text in inline)  # a mark without a label
    assert sum(t.type == "blockquote_open" for t in tokens) == 2  # the notes, set apart as quotes
    assert any(text.endswith("✎ Note: 한국어 메모: 다음 회의") for text in inline)
    # Interleaved by time with what was said.
    order = [line for line in md.splitlines() if line.startswith(("**[", "> **["))]
    stamps = [line.split("**[")[1].split("]")[0] for line in order]
    assert stamps == sorted(stamps) and len(order) == len(jfk_segments) + len(PLAN)

    txt = (folder / f"{STEM}.txt").read_text(encoding="utf-8")
    assert "] ⚑ Mark: applause" in txt and "] ✎ Note: quote “ask not” in the minutes" in txt
    srt = (folder / f"{STEM}.srt").read_text(encoding="utf-8")
    assert "⚑" not in srt and "✎" not in srt


# -- the editor ---------------------------------------------------------------------------------
@pytest.fixture
def editor(qtbot, tmp_path) -> Iterator[TranscriptEditor]:
    widget = TranscriptEditor(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    yield widget
    widget.shutdown()


def test_editor_shows_marks_and_notes_goes_to_them_and_keeps_them(qtbot, editor, recovered, tmp_path) -> None:
    folder, stamped = recovered
    path = Path(shutil.copy(folder / f"{STEM}.json", tmp_path))  # its "file" is still the recording
    assert editor.open_transcript(path)
    assert editor.marks_list.isVisible()
    entries = editor.marks_list.entries()
    assert [(kind, at) for kind, at, _ in entries] == sorted(((kind, at) for kind, at, _ in stamped),
                                                             key=lambda e: e[1])
    assert editor.marks_list.item(0).text().startswith("⚑ 0:02  applause")

    # A click on the note at ~4.5 s selects the segment being said then.
    row = next(i for i, (kind, _, _) in enumerate(entries) if kind == "note")
    at = entries[row][1]
    rect = editor.marks_list.visualItemRect(editor.marks_list.item(row))
    qtbot.mouseClick(editor.marks_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    being_said = max(i for i, s in enumerate(editor.model.segments()) if s.start <= at)
    assert [index.row() for index in editor.table.selectionModel().selectedRows()] == [being_said]
    if AudioPlayer.available:  # and plays from that moment
        media = editor.player._player
        qtbot.waitUntil(lambda: editor.player._pending is None and media.position() >= at * 1000 - 50,
                        timeout=10_000)
        editor.player.stop()

    original = json.loads(path.read_text(encoding="utf-8"))
    assert editor.set_segment_text(0, "And so, my fellow Americans.")
    assert editor.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["segments"][0]["text"] == "And so, my fellow Americans."
    assert saved["marks"] == original["marks"] and saved["notes"] == original["notes"]


def test_editor_opens_a_live_journal_with_marks_and_old_files_without(qtbot, editor, tmp_path) -> None:
    journal = tmp_path / f"{STEM}.transcript.jsonl"
    log = TranscriptLog(journal, "tiny.en", "en")
    log.append(Segment(0.0, 3.0, "First point."))
    log.add_note(2.0, "follow up")
    log.append(Segment(3.0, 6.0, "Second point."))
    log.add_mark(65.0, "end")  # after the last segment: the journal's length covers it
    log.close()
    assert editor.open_transcript(journal)
    assert editor.marks_list.entries() == [("note", 2.0, "follow up"), ("mark", 65.0, "end")]
    assert editor.marks_list.item(1).text() == "⚑ 1:05  end"
    assert editor.go_to_time(65.0) == 1  # the last segment before it
    assert editor.table.selectionModel().selectedRows()[0].row() == 1
    assert editor.set_segment_text(1, "Second point, revised.") and editor.save()
    saved = json.loads((tmp_path / f"{STEM}.edited.json").read_text(encoding="utf-8"))
    assert saved["marks"] == [{"time": 65.0, "label": "end"}] and saved["notes"] == [{"time": 2.0, "text": "follow up"}]

    old = tmp_path / "old.json"
    old.write_text(json.dumps({"file": "", "duration": 1.0, "language": "en", "model": "tiny.en",
                               "segments": [{"start": 0, "end": 1, "text": "Hi.", "speaker": None, "words": []}]}))
    assert editor.open_transcript(old)
    assert editor.marks_list.entries() == [] and not editor.marks_list.isVisible()


# -- the Record view's panel --------------------------------------------------------------------
@pytest.fixture
def panel(qtbot) -> Iterator[MarksNotesPanel]:
    host = QWidget()  # a window with something else focusable, as in the Record view
    qtbot.addWidget(host)
    widget = MarksNotesPanel(host)
    host.resize(500, 300)
    host.show()
    qtbot.waitExposed(host)
    yield widget


def test_panel_mark_button_ctrl_m_and_notes(qtbot, panel) -> None:
    marks: list[bool] = []
    notes: list[str] = []
    panel.mark_requested.connect(lambda: marks.append(True))
    panel.note_submitted.connect(notes.append)
    assert "Ctrl+M" in panel.mark_button.toolTip()
    assert panel.mark_action.shortcut().toString() == "Ctrl+M"
    assert panel.mark_action.shortcutContext() == Qt.ShortcutContext.WindowShortcut

    # Not recording: nothing can be marked or noted.
    assert not panel.mark_button.isEnabled() and not panel.note_edit.isEnabled()
    qtbot.keyClick(panel.window(), Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert marks == []

    panel.set_recording(True)
    qtbot.mouseClick(panel.mark_button, Qt.MouseButton.LeftButton)
    assert marks == [True]
    panel.note_edit.setFocus()
    qtbot.keyClicks(panel.note_edit, "  decide on the budget ")
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # typing, then Ctrl+M
    assert marks == [True, True] and panel.note_edit.text() == "  decide on the budget "
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return)
    assert notes == ["decide on the budget"] and panel.note_edit.text() == ""
    qtbot.keyClick(panel.note_edit, Qt.Key.Key_Return)  # an empty box sends nothing
    assert notes == ["decide on the budget"]
    panel.return_note("refused by a session that just stopped")
    assert panel.note_edit.text() == "refused by a session that just stopped"
    panel.note_edit.clear()

    # The session confirms each with its time; the list shows them in time order.
    panel.add_note(75.4, "decide on the budget")
    panel.add_mark(12.0)
    panel.add_mark(3725.0, "wrap-up")
    assert [panel.list.item(i).text() for i in range(panel.list.count())] == [
        "⚑ 0:12  Mark", "✎ 1:15  decide on the budget", "⚑ 1:02:05  wrap-up"]
    times: list[float] = []
    panel.time_activated.connect(times.append)
    rect = panel.list.visualItemRect(panel.list.item(1))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert times == [75.4]

    # Stopped: a note being typed stays in the box; clear() empties the list for the next one.
    qtbot.keyClicks(panel.note_edit, "unsent")
    panel.set_recording(False)
    qtbot.keyClick(panel.window(), Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert marks == [True, True] and panel.note_edit.text() == "unsent" and not panel.note_edit.isEnabled()
    panel.clear()
    assert panel.list.count() == 0


def test_ctrl_m_works_with_the_action_added_to_the_window_too(qtbot, panel) -> None:
    """The lead adds ``mark_action`` to the window as well: still one shortcut, not an
    ambiguous pair; and it reaches the panel from a widget elsewhere in the window."""
    from PySide6.QtWidgets import QLineEdit

    window = panel.window()
    window.addAction(panel.mark_action)
    elsewhere = QLineEdit(window)
    elsewhere.show()
    elsewhere.setFocus()
    marks: list[bool] = []
    panel.mark_requested.connect(lambda: marks.append(True))
    panel.set_recording(True)
    qtbot.keyClick(elsewhere, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert marks == [True] and elsewhere.text() == ""
