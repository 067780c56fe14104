"""The Library view on a real Qt event loop: a real SQLite library in a temp folder, real
transcript JSON and WAV files, the real transcript editor, the Files queue with tiny.en."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from meeting_recorder.core.export import to_json
from meeting_recorder.core.transcript import Segment, Transcript
from meeting_recorder.ui.audio_player import AudioPlayer
from meeting_recorder.ui.file_queue import output_dir
from meeting_recorder.ui.files_view import FilesView
from meeting_recorder.ui.library_dialogs import TranscribeAgain, TranscribeAgainDialog, split_tags
from meeting_recorder.ui.library_model import COL_STATUS, COL_TAGS, COL_TITLE, MISSING_COLOUR, hit_html
from meeting_recorder.ui.library_view import LibraryView
from meeting_recorder.ui.library_widgets import PAGE_EMPTY, PAGE_LIST, PAGE_RESULTS
from meeting_recorder.ui.library_worker import library_db_path
from meeting_recorder.ui.settings import AppSettings
from tests.needs import needs
from tests.speech import JFK

WAIT_MS = 30_000  # the library on a busy 2-core machine
LONG_WAIT_MS = 240_000  # real models
needs_jfk = needs(not JFK.is_file(), f"speech fixture {JFK} is missing")

ENGLISH = [  # (speaker, start, end, text)
    ("Alice", 0.0, 4.0, "Good morning everyone, let's review the budget for the third quarter."),
    ("Bob", 4.5, 9.0, "The release date moves to Friday, the tenth of April."),
    ("Alice", 9.5, 13.0, "So we agreed: the release is on Friday."),
    ("Bob", 13.5, 17.0, "I will send the notes to the finance team."),
]
KOREAN = [
    ("김민수", 0.0, 5.0, "오늘 회의록을 정리해서 모두에게 공유하겠습니다."),
    ("이지은", 5.5, 10.0, "출시 일정은 다음 주 금요일로 정했습니다."),
    ("김민수", 10.5, 14.0, "예산 검토는 다음 회의에서 다시 하겠습니다."),
]


def write_meeting(folder: Path, stem: str, lines: list[tuple[str, float, float, str]],
                  audio_folder: Path | None = None, language: str = "en") -> tuple[Path, Path]:
    """A real meeting on disk: a WAV (a quiet tone as long as the talk) and its transcript JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    audio_folder = audio_folder or folder
    audio_folder.mkdir(parents=True, exist_ok=True)
    duration = lines[-1][2] + 1.0
    wav = audio_folder / f"{stem}.wav"
    t = np.arange(int(duration * 16000)) / 16000
    sf.write(wav, (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 16000)
    segments = [Segment(start, end, text, speaker=speaker) for speaker, start, end, text in lines]
    transcript = Transcript(str(wav), duration, language, "tiny.en", segments)
    json_path = folder / f"{stem}.json"
    json_path.write_text(to_json(transcript), encoding="utf-8")
    (folder / f"{stem}.txt").write_text(transcript.text + "\n", encoding="utf-8")
    return wav, json_path


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """Each test its own user folders, so its own library database."""
    folder = tmp_path / "home"
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(folder))
    return folder


@pytest.fixture
def settings(tmp_path, home) -> AppSettings:
    settings = AppSettings(tmp_path / "settings.ini")
    settings.model = "tiny.en"
    settings.speakers_enabled = False
    settings.recordings_dir = tmp_path / "recordings"
    return settings


@pytest.fixture
def meetings(settings, tmp_path) -> dict[str, tuple[Path, Path]]:
    """An English recording (named as the recorder names them) and a Korean file transcribed
    by the Files queue (its audio elsewhere, its transcript in Transcripts)."""
    recordings = settings.recordings_dir
    return {
        "en": write_meeting(recordings, "2026-03-02_101500", ENGLISH),
        "ko": write_meeting(output_dir(settings), "주간회의", KOREAN, tmp_path / "media", language="ko"),
    }


def ended(view: LibraryView) -> bool:
    return view.client.writer_thread.wait(0) and view.client.search_thread.wait(0)


@pytest.fixture
def make_view(qtbot, settings) -> Iterator[Callable[[], LibraryView]]:
    views: list[LibraryView] = []

    def make() -> LibraryView:
        view = LibraryView(settings)
        qtbot.addWidget(view)
        view.resize(1000, 640)
        view.show()  # loads the list and syncs the folders in the background
        views.append(view)
        wait_idle(qtbot, view)
        return view

    yield make
    for view in views:
        assert view.shutdown()
        assert ended(view)


def wait_idle(qtbot, view: LibraryView) -> None:
    qtbot.waitUntil(view.client.is_idle, timeout=WAIT_MS)


def titles(view: LibraryView) -> list[str]:
    return [view.proxy.index(row, COL_TITLE).data() for row in range(view.proxy.rowCount())]


def select(view: LibraryView, title: str) -> None:
    row = titles(view).index(title)
    view.table.setCurrentIndex(view.proxy.index(row, COL_TITLE))


def type_into(qtbot, edit, text: str) -> None:
    """As typed (QTest types ASCII only: other text goes in one character at a time)."""
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        for character in text:
            edit.insert(character)


def search(qtbot, view: LibraryView, text: str) -> list:
    type_into(qtbot, view.search_edit, text)  # one search once typing pauses
    qtbot.waitUntil(lambda: view.results.query == text and view.client.is_idle(), timeout=WAIT_MS)
    return view.results.hits()


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# -- the list -----------------------------------------------------------------------------------
def test_the_list_shows_the_meetings_of_a_real_library(qtbot, make_view, meetings, settings) -> None:
    view = make_view()  # the sync on show found both meetings
    assert view.pages.currentIndex() == PAGE_LIST
    assert sorted(titles(view)) == sorted(["2026-03-02_101500", "주간회의"])
    en = next(m for m in view.meetings() if m.title == "2026-03-02_101500")
    assert en.speakers == ("Alice", "Bob") and en.transcript_path == str(meetings["en"][1])
    row = titles(view).index("2026-03-02_101500")
    cells = [view.proxy.index(row, column).data() for column in range(6)]
    assert cells[1] == "2026-03-02 10:15"  # the recording's name is its local start time
    assert cells[2] == "0:18" and cells[3] == "Alice, Bob" and cells[5] == "Transcribed"

    view.table.horizontalHeader().setSortIndicator(COL_TITLE, Qt.SortOrder.DescendingOrder)  # a header click
    assert titles(view) == ["주간회의", "2026-03-02_101500"]
    assert AppSettings(settings.path).library_sort == (COL_TITLE, Qt.SortOrder.DescendingOrder.value)
    type_into(qtbot, view.filter_edit, "이지은")  # the filter box: title, speakers, tags, date
    assert titles(view) == ["주간회의"]
    type_into(qtbot, view.filter_edit, "nobody")
    assert view.pages.currentIndex() == PAGE_EMPTY and view.empty_label.text() == "No meetings match the filter"
    view.filter_edit.clear()
    assert view.pages.currentIndex() == PAGE_LIST
    view.speaker_combo.setCurrentIndex(view.speaker_combo.findData("Alice"))
    assert titles(view) == ["2026-03-02_101500"]
    view.speaker_combo.setCurrentIndex(0)
    assert len(titles(view)) == 2

    # A double-click opens the meeting's transcript.
    opened: list[str] = []
    view.open_transcript_requested.connect(opened.append)
    select(view, "주간회의")
    view.table.doubleClicked.emit(view.table.currentIndex())
    assert opened == [str(meetings["ko"][1])]


def test_empty_library_and_no_results_say_so(qtbot, make_view) -> None:
    view = make_view()
    assert view.pages.currentIndex() == PAGE_EMPTY
    assert view.empty_label.text() == "No meetings yet — recordings and transcribed files appear here"
    assert search(qtbot, view, "budget") == []
    assert view.pages.currentIndex() == PAGE_RESULTS
    assert view.no_results_label.isVisible() and not view.results_list.isVisible()
    assert view.no_results_label.text() == "No results for “budget”"
    view.search_edit.clear()
    assert view.pages.currentIndex() == PAGE_EMPTY


# -- rename, tags, delete ---------------------------------------------------------------------
def test_rename_tag_and_delete_through_the_view(qtbot, make_view, meetings) -> None:
    view = make_view()
    wav, transcript = meetings["en"]
    select(view, "2026-03-02_101500")
    view.ask_title = lambda meeting: "Budget review"
    view.rename_selected()
    qtbot.waitUntil(lambda: "Budget review" in titles(view), timeout=WAIT_MS)
    assert on_disk(transcript).get("title") == "Budget review"  # the file keeps it too

    select(view, "Budget review")
    known: list[list[str]] = []
    view.ask_tags = lambda meeting, tags: known.append(tags) or split_tags("budget, Q3 , budget")
    view.tag_selected()
    qtbot.waitUntil(lambda: view.selected_meeting().tags == ("budget", "Q3"), timeout=WAIT_MS)
    row = titles(view).index("Budget review")
    assert view.proxy.index(row, COL_TAGS).data() == "budget, Q3"
    assert on_disk(transcript).get("tags") == ["budget", "Q3"]
    view.tag_combo.setCurrentIndex(view.tag_combo.findData("Q3"))  # filter by tag
    assert titles(view) == ["Budget review"]
    view.tag_combo.setCurrentIndex(0)

    # In place (F2): the title shows at once, the library writes it.
    index = view.proxy.index(titles(view).index("주간회의"), COL_TITLE)
    assert view.proxy.setData(index, "  주간  회의 ")
    wait_idle(qtbot, view)
    assert "주간 회의" in titles(view)

    # Delete asks, naming the meeting; "no" keeps everything.
    asked: list[str] = []
    answer = {"value": False}
    view.ask_delete = lambda meeting: asked.append(meeting.title) or answer["value"]
    select(view, "Budget review")
    view.delete_selected()
    wait_idle(qtbot, view)
    assert asked == ["Budget review"] and wav.is_file() and transcript.is_file()
    answer["value"] = True
    view.delete_selected()
    qtbot.waitUntil(lambda: titles(view) == ["주간 회의"], timeout=WAIT_MS)
    assert not wav.exists() and not transcript.exists() and not transcript.with_suffix(".txt").exists()
    assert meetings["ko"][0].is_file()  # the other meeting is untouched


def test_a_library_error_is_shown_in_the_view_not_raised(qtbot, make_view, meetings) -> None:
    view = make_view()
    errors: list[str] = []
    view.error_message.connect(errors.append)
    view.client.rename(987654, "Nobody")  # no such meeting: LibraryError(not_found)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert view.message_label.isVisible() and view.message_label.text() == errors[0]
    assert len(titles(view)) == 2  # the view goes on


def test_a_damaged_library_is_rebuilt_and_the_view_says_so(qtbot, make_view, meetings) -> None:
    db = library_db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is not a database at all " * 200)  # bytes overwritten
    view = make_view()
    assert sorted(titles(view)) == sorted(["2026-03-02_101500", "주간회의"])  # rebuilt from the files
    assert view.message_label.isVisible() and "rebuilt" in view.message_label.text()
    assert list(db.parent.glob("library.sqlite3.corrupt-*"))  # the damaged file is kept aside


# -- search -------------------------------------------------------------------------------------
def test_typing_searches_english_and_korean_with_highlights(qtbot, make_view, meetings) -> None:
    view = make_view()
    delivered: list[str] = []
    view.client.search_finished.connect(lambda query, _hits: delivered.append(query))
    hits = search(qtbot, view, "budg")  # the last word is a prefix: results while typing
    assert delivered == ["budg"]  # typed fast: one search, for the whole text
    assert view.pages.currentIndex() == PAGE_RESULTS
    assert [(h.meeting_title, h.segment_index, h.speaker) for h in hits] == [("2026-03-02_101500", 0, "Alice")]
    start, end = hits[0].highlights[0]
    assert hits[0].text[start:end].lower().startswith("budg")
    assert f"<b>{hits[0].text[start:end]}</b>" in hit_html(hits[0])
    assert view.results_label.text().startswith("1 result(s) for “budg”")

    hits = search(qtbot, view, "release")
    assert {h.segment_index for h in hits} == {1, 2}
    view.search_edit.setFocus()
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Down)  # from the box to the results
    assert view.results_list.hasFocus() or QApplication.focusWidget() is view.results_list

    hits = search(qtbot, view, "회의")  # a Korean substring inside 회의록을 and 회의에서
    assert {(h.meeting_title, h.segment_index) for h in hits} == {("주간회의", 0), ("주간회의", 2)}
    for hit in hits:
        assert any(hit.text[s:e] == "회의" for s, e in hit.highlights)
    assert "<b>회의</b>" in hit_html(hits[0])
    hits = search(qtbot, view, "금요일")
    assert [(h.speaker, h.segment_index) for h in hits] == [("이지은", 1)]

    view.speaker_combo.setCurrentIndex(view.speaker_combo.findData("김민수"))  # filters apply to hits too
    qtbot.waitUntil(lambda: view.client.is_idle() and view.results.rowCount() == 0, timeout=WAIT_MS)
    assert view.no_results_label.text() == "No results for “금요일”"


def test_the_newest_query_wins(qtbot, make_view, meetings) -> None:
    view = make_view()
    delivered: list[str] = []
    view.client.search_finished.connect(lambda query, _hits: delivered.append(query))
    for query in ("b", "bu", "bud", "budget", "release"):  # faster than any search
        view.client.search(query)
    qtbot.waitUntil(view.client.is_idle, timeout=WAIT_MS)
    assert delivered == ["release"]


# -- a result opens at its line ----------------------------------------------------------------
def test_a_result_opens_the_transcript_at_its_line_and_plays(qtbot, settings, meetings) -> None:
    from meeting_recorder.ui.main_window import MainWindow

    win = MainWindow(settings)
    win.show()
    qtbot.waitExposed(win)
    try:
        win.show_view("library")
        view, editor = win.library_view, win.editor
        wait_idle(qtbot, view)

        hits = search(qtbot, view, "finance")
        assert [(h.meeting_title, h.segment_index) for h in hits] == [("2026-03-02_101500", 3)]
        qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)  # Enter in the search box opens the first
        assert win.current_view() == "transcript" and editor.path == meetings["en"][1]
        assert editor.table.currentIndex().row() == 3
        assert [i.row() for i in editor.table.selectionModel().selectedRows()] == [3]
        if AudioPlayer.available:  # plays from that line (or just after: the clock runs without a sound card)
            qtbot.waitUntil(lambda: editor.player._pending is None and editor.player.position() >= 13.4,
                            timeout=10_000)
            assert editor.player.position() < 13.5 + 3.0
            qtbot.waitUntil(editor.player.is_playing, timeout=5_000)

        win.show_view("library")
        hits = search(qtbot, view, "금요일")
        view.results_list.setFocus()
        view.results_list.setCurrentIndex(view.results.index(0))
        qtbot.keyClick(view.results_list, Qt.Key.Key_Return)  # Enter on a result
        assert win.current_view() == "transcript" and editor.path == meetings["ko"][1]
        assert editor.table.currentIndex().row() == 1

        win.show_view("library")
        view.search_edit.clear()
        select(view, "2026-03-02_101500")
        view.open_selected()  # a meeting opens its transcript
        assert editor.path == meetings["en"][1] and editor.model.rowCount() == 4

        # Transcribe again goes through the Files queue; the open transcript shows the new one.
        win.show_view("library")
        view.ask_transcribe_again = lambda meeting: TranscribeAgain("tiny.en", False)
        view.transcribe_again_selected()
        assert win.current_view() == "files"
        assert [Path(p).name for p, _state in win.files_view.job_states()] == ["2026-03-02_101500.wav"]
        qtbot.waitUntil(lambda: win.files_view.job_states()[0][1] == "done", timeout=LONG_WAIT_MS)
        qtbot.waitUntil(lambda: editor.model.rowCount() == 0, timeout=WAIT_MS)  # a tone: no words
        assert editor.path == meetings["en"][1] and on_disk(meetings["en"][1])["segments"] == []
        qtbot.waitUntil(lambda: [m.segment_count for m in view.meetings() if m.title == "2026-03-02_101500"] == [0],
                        timeout=WAIT_MS)  # the same meeting, its new transcript
    finally:
        win.close_for_signal()
    assert ended(win.library_view)


def test_the_editor_follows_a_rename_and_a_delete_in_the_library(qtbot, settings, meetings) -> None:
    """A transcript open in the editor: renamed in the library, a save keeps the new title;
    deleted in the library, the editor closes it, so no save writes it back."""
    from meeting_recorder.ui.main_window import MainWindow

    win = MainWindow(settings)
    win.show()
    qtbot.waitExposed(win)
    try:
        view, editor = win.library_view, win.editor
        wav, transcript = meetings["en"]
        assert win.open_transcript_path(str(transcript))
        assert editor.set_segment_text(0, "Good morning, everyone.")  # an unsaved edit
        win.show_view("library")
        wait_idle(qtbot, view)
        select(view, "2026-03-02_101500")
        view.ask_title = lambda meeting: "Budget review"
        view.rename_selected()
        qtbot.waitUntil(lambda: editor.model.transcript.title == "Budget review", timeout=WAIT_MS)
        assert editor.save()
        saved = on_disk(transcript)
        assert saved["title"] == "Budget review" and saved["segments"][0]["text"] == "Good morning, everyone."

        view.ask_delete = lambda meeting: True
        select(view, "Budget review")
        view.delete_selected()
        qtbot.waitUntil(lambda: editor.path is None, timeout=WAIT_MS)
        assert editor.model.rowCount() == 0 and not editor.save()
        assert not transcript.exists() and not wav.exists()
    finally:
        win.close_for_signal()
    assert ended(win.library_view)


# -- missing meetings ---------------------------------------------------------------------------
def test_a_missing_meeting_is_greyed_and_can_only_be_forgotten(qtbot, make_view, meetings) -> None:
    view = make_view()
    wav, transcript = meetings["en"]
    for path in (wav, transcript, transcript.with_suffix(".txt")):
        path.unlink()  # gone outside the app
    view.sync()
    qtbot.waitUntil(lambda: any(m.missing for m in view.meetings()), timeout=WAIT_MS)
    row = titles(view).index("2026-03-02_101500")
    assert view.proxy.index(row, COL_STATUS).data() == "Missing"
    assert view.proxy.index(row, COL_TITLE).data(Qt.ItemDataRole.ForegroundRole) == MISSING_COLOUR
    assert not view.proxy.flags(view.proxy.index(row, COL_TITLE)) & Qt.ItemFlag.ItemIsEditable
    select(view, "2026-03-02_101500")
    assert view.forget_action.isEnabled() and view.forget_missing_action.isEnabled()
    for action in (view.open_action, view.rename_action, view.tags_action, view.delete_action, view.again_action,
                   view.reveal_action):
        assert not action.isEnabled(), action.text()
    view.ask_delete = lambda meeting: pytest.fail("a missing meeting is not deleted, only forgotten")
    view.delete_selected()
    view.forget_selected()
    qtbot.waitUntil(lambda: titles(view) == ["주간회의"], timeout=WAIT_MS)
    assert not view.forget_missing_action.isEnabled()


def test_import_folder_and_show_in_folder(qtbot, make_view, tmp_path) -> None:
    view = make_view()
    outside = tmp_path / "old meetings"
    wav, _json = write_meeting(outside, "2025-11-20_140000", ENGLISH[:2])
    view.ask_folder = lambda: str(outside)
    view.import_folder_dialog()
    qtbot.waitUntil(lambda: titles(view) == ["2025-11-20_140000"], timeout=WAIT_MS)
    shown: list[str | None] = []
    view.reveal = shown.append
    select(view, "2025-11-20_140000")
    view.reveal_selected()
    assert shown == [str(wav)]


def test_transcribe_again_dialog_choices(qtbot, make_view, meetings) -> None:
    view = make_view()
    select(view, "2026-03-02_101500")
    dialog = TranscribeAgainDialog(view.selected_meeting(), "tiny.en", view)
    assert dialog.choice().model == "tiny.en"
    assert dialog.choice().speakers and dialog.choice().speaker_count == 2  # it had two speakers
    dialog.speakers_combo.setCurrentIndex(dialog.speakers_combo.findData(0))
    assert not dialog.choice().speakers
    dialog.speakers_combo.setCurrentIndex(dialog.speakers_combo.findData(-1))
    assert dialog.choice().speakers and dialog.choice().speaker_count is None
    dialog.deleteLater()
    asked: list[str] = []
    requests: list[tuple] = []
    view.transcribe_again_requested.connect(lambda meeting, choice: requests.append((meeting.title, choice)))
    view.ask_transcribe_again = lambda meeting: asked.append(meeting.title) or dialog.choice()
    view.transcribe_again_selected()
    assert asked == ["2026-03-02_101500"] and requests[0][1].speaker_count is None


# -- the Files queue ----------------------------------------------------------------------------
@needs_jfk
def test_the_files_queue_adds_a_finished_file_and_transcribes_it_again(qtbot, settings, home) -> None:
    from meeting_recorder.core.library import Library

    files = FilesView(settings)
    qtbot.addWidget(files)
    try:
        with qtbot.waitSignal(files.library_changed, timeout=LONG_WAIT_MS):
            files.add_files([JFK])
        library = Library(library_db_path())
        try:
            (meeting,) = library.meetings()
            assert meeting.source == "import" and meeting.audio_path == str(JFK)
            assert meeting.transcript_path == str(output_dir(settings) / "jfk.json")
            assert meeting.speakers == ()
            assert {h.meeting_id for h in library.search("country")} == {meeting.id}
            library.set_tags(meeting.id, ["speech"])
            library.rename(meeting.id, "Inaugural address")
        finally:
            library.close()

        # Again with speakers, exactly one: the same meeting gets the new transcript.
        messages: list[str] = []
        files.status_message.connect(messages.append)
        with qtbot.waitSignal(files.library_changed, timeout=LONG_WAIT_MS):
            files.transcribe_again(str(JFK), meeting.transcript_path, "tiny.en", True, 1, "import")
        library = Library(library_db_path())
        try:
            (again,) = library.meetings()
        finally:
            library.close()
        assert again.id == meeting.id and again.transcript_path == meeting.transcript_path
        assert again.speakers == ("Speaker 1",)
        assert again.title == "Inaugural address" and again.tags == ("speech",)  # the user's additions stay
        data = on_disk(Path(again.transcript_path))
        assert {s["speaker"] for s in data["segments"]} == {"Speaker 1"}
        assert sorted(p.name for p in output_dir(settings).iterdir()) == ["jfk.json", "jfk.srt", "jfk.txt"]

        # A library that cannot be written costs a status line, not the transcription.
        db = library_db_path()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        db.mkdir()  # a folder where the database file should be
        messages.clear()
        files.add_files([JFK])
        qtbot.waitUntil(lambda: any("could not be added to the library" in m for m in messages), timeout=LONG_WAIT_MS)
        assert [state for _path, state in files.job_states()][-1] == "done"
    finally:
        files.shutdown()
        qtbot.waitUntil(lambda: files.queue.thread.wait(0), timeout=60_000)
