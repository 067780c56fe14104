"""The Library view: every meeting kept, searchable as you type, opened at the moment found.

The meetings table sorts by any column and filters by text, speaker, tag and date; a
missing meeting (its files moved or deleted outside the app) is greyed, says "Missing" and
can only be forgotten. Typing in the search box searches the words of every meeting (after
a short pause, newest query wins) and lists the hits with the matched words in bold; Enter
or a double-click opens the transcript at that line and plays from there. The library runs
on its own threads (``library_worker.LibraryClient``); its failures (and a damaged database
rebuilt from the files) are shown in the view, never raised. Showing the view rescans the
folders in the background, so new recordings and edited transcripts appear.

Public API
----------
``LibraryView(settings: AppSettings, parent: QWidget | None = None)``

Signals: ``status_message(str)``, ``error_message(str)``,
``open_transcript_requested(str json_path)`` (a meeting double-clicked),
``open_result_requested(str json_path, int segment_row, float start_seconds)`` (a search hit),
``transcribe_again_requested(object meeting, object TranscribeAgain)``.
Methods: ``reload()``, ``sync()``, ``add_recording(wav, transcript)``, ``import_folder(path)``,
``import_folder_dialog()``, ``search(text)`` (as if typed), ``apply_settings()``, ``shutdown()``.
Questions go through ``ask_title``, ``ask_tags``, ``ask_delete``, ``ask_transcribe_again``,
``ask_folder``; ``reveal(path)`` opens a file manager (``library_widgets.py``). Tests replace those.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QWidget

from meeting_recorder.ui.file_queue import output_dir
from meeting_recorder.ui.library_model import (
    COL_TITLE, HIT_ROLE, MEETING_ROLE, MeetingsFilterProxy, MeetingsModel, SearchResultsModel,
)
from meeting_recorder.ui.library_widgets import PAGE_EMPTY, PAGE_LIST, PAGE_RESULTS, LibraryWidgets
from meeting_recorder.ui.library_worker import LibraryClient, library_db_path
from meeting_recorder.ui.settings import AppSettings

SEARCH_DELAY_MS = 150  # search once typing pauses this long
SYNC_AGAIN_S = 30.0  # showing the view again within this long does not rescan the folders
DAY = 86400.0
BACKGROUND = ("sync", "add_recording", "add_transcript")  # the view's own requests, not the user's


def library_folders(settings: AppSettings) -> list[Path]:
    """What a sync scans: the recordings folder and the Files queue's transcripts folder."""
    return [settings.recordings_dir, output_dir(settings)]


class LibraryView(LibraryWidgets, QWidget):  # widgets, actions, questions: library_widgets.py
    status_message = Signal(str)
    error_message = Signal(str)
    open_transcript_requested = Signal(str)
    open_result_requested = Signal(str, int, float)
    transcribe_again_requested = Signal(object, object)
    meeting_edited = Signal(object)  # Meeting: renamed or tagged (its JSON rewritten)
    files_deleted = Signal(list)  # the paths a delete removed

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.client = LibraryClient(library_db_path(), library_folders(settings), self)
        self.client.meetings_changed.connect(self._on_meetings)
        self.client.search_finished.connect(self._on_results)
        self.client.done.connect(self._on_done)
        self.client.failed.connect(self._on_failed)
        self.client.notice.connect(self._on_notice)
        self.model = MeetingsModel(self)
        self.model.rename_requested.connect(self.client.rename)
        self.proxy = MeetingsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.results = SearchResultsModel(self)
        self._loaded = False
        self._synced_at = -SYNC_AGAIN_S
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS, timeout=self._search_now)
        self._build_ui()
        self._build_actions()
        self.search_edit.installEventFilter(self)  # Down goes to the results, Escape clears
        self._update_page()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Down and self.results.rowCount():
                self.results_list.setFocus()
                return True
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
        return super().eventFilter(watched, event)

    # -- what is shown ---------------------------------------------------------------------------
    def _update_page(self) -> None:
        query = self.search_edit.text().strip()
        if query:
            page = PAGE_RESULTS
        elif self.proxy.rowCount():
            page = PAGE_LIST
        else:
            page = PAGE_EMPTY
            self.empty_label.setText(self.tr("No meetings yet — recordings and transcribed files appear here")
                                     if not self.model.rowCount() else self.tr("No meetings match the filter"))
        self.pages.setCurrentIndex(page)
        self._update_actions()

    def _update_actions(self) -> None:
        meeting = self.selected_meeting()
        present = meeting is not None and not meeting.missing
        has_audio = present and bool(meeting.audio_path) and not meeting.audio_missing
        self.open_action.setEnabled(present and (bool(meeting.transcript_path) and not meeting.transcript_missing
                                                 or has_audio))
        for item in (self.rename_action, self.tags_action, self.reveal_action, self.delete_action):
            item.setEnabled(present)
        self.again_action.setEnabled(has_audio)
        self.forget_action.setEnabled(meeting is not None and meeting.missing)
        self.forget_missing_action.setEnabled(any(m.missing for m in self.model.meetings()))

    def _meeting_at(self, index: QModelIndex) -> Any:
        return index.data(MEETING_ROLE) if index.isValid() else None

    def selected_meeting(self) -> Any:
        """The meeting selected in the list, or the one of the selected search result."""
        if self.pages.currentIndex() == PAGE_RESULTS:
            hit = self.results_list.currentIndex().data(HIT_ROLE)
            row = self.model.row_of(hit.meeting_id) if hit is not None else -1
            return self.model.meeting(row) if row >= 0 else None
        return self._meeting_at(self.table.currentIndex())

    def select_meeting(self, meeting_id: int) -> bool:
        row = self.model.row_of(meeting_id)
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE)) if row >= 0 else QModelIndex()
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        return index.isValid()

    def meetings(self) -> list[Any]:
        return self.model.meetings()

    # -- library replies -------------------------------------------------------------------------
    @Slot(list)
    def _on_meetings(self, meetings: list[Any]) -> None:
        selected = self.selected_meeting()
        self.model.set_meetings(meetings)
        self.results.set_missing({m.id for m in meetings if m.missing})
        self._refill(self.speaker_combo, sorted({s for m in meetings for s in m.speakers}, key=str.casefold))
        self._refill(self.tag_combo, sorted({t for m in meetings for t in m.tags}, key=str.casefold))
        if selected is not None:
            self.select_meeting(selected.id)
        self._update_page()

    @staticmethod
    def _refill(combo: QComboBox, names: list[str]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name in names:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
        combo.blockSignals(False)

    @Slot(str, object)
    def _on_done(self, op: str, result: Any) -> None:
        if op not in BACKGROUND:  # what the user just did worked: an old problem is no longer news
            self.message_label.hide()
        texts = {
            "rename": lambda: self.tr("Renamed the meeting to “{title}”").format(title=result.title),
            "set_tags": lambda: self.tr("Tags of “{title}”: {tags}").format(
                title=result.title, tags=", ".join(result.tags) or self.tr("none")),
            "delete": lambda: self.tr("Deleted the meeting and {count} file(s)").format(count=len(result)),
            "forget_missing": lambda: self.tr("Forgot {count} missing meeting(s)").format(count=result),
            "import_folder": lambda: self.tr("Imported: {added} new, {updated} updated meeting(s)").format(
                added=result.added, updated=result.updated),
        }
        if op == "sync" and result.errors:  # every sync finds them again: the status bar, not the view
            self.status_message.emit(self.tr("{count} file(s) could not be added to the library: {first}").format(
                count=len(result.errors), first=" — ".join(result.errors[0])))
        if op == "import_folder" and result.errors:
            self._show_problem(self.tr("{count} file(s) could not be added to the library: {first}").format(
                count=len(result.errors), first=" — ".join(result.errors[0])))
        if op in texts:
            self.status_message.emit(texts[op]())
        if op in ("rename", "set_tags"):
            self.meeting_edited.emit(result)
        elif op == "delete":
            self.files_deleted.emit(list(result))
        if self.search_edit.text().strip() and op in ("rename", "delete", "forget_missing", "import_folder", "sync"):
            self._search_now()  # the hits name meetings: show them as they are now

    @Slot(str, str)
    def _on_failed(self, op: str, message: str) -> None:
        self._show_problem(message)
        if op == "rename":
            self.reload()  # the title shown at once was not saved: show the saved one again

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()
        self.status_message.emit(text)

    def _show_problem(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()
        self.error_message.emit(message)

    # -- search ----------------------------------------------------------------------------------
    @Slot(str)
    def _on_search_text(self, text: str) -> None:
        if text.strip():
            self.search_timer.start()  # restarts: one search once typing pauses
        else:
            self.search_timer.stop()
            self.results.set_hits("", [])
        self._update_page()

    def search(self, text: str) -> None:
        """As if typed into the search box."""
        self.search_edit.setText(text)

    def _search_filter(self) -> Any:
        speaker, tag, days = (self.speaker_combo.currentData(), self.tag_combo.currentData(),
                              self.date_combo.currentData())
        if not (speaker or tag or days):
            return None
        from meeting_recorder.core.library import SearchFilter

        return SearchFilter(since=time.time() - days * DAY if days else None, speaker=speaker, tag=tag)

    @Slot()
    def _search_now(self) -> None:
        query = self.search_edit.text().strip()
        if query:
            self.results_label.setText(self.tr("Searching for “{query}”…").format(query=query))
            self.client.search(query, self._search_filter())

    @Slot(str, list)
    def _on_results(self, query: str, hits: list[Any]) -> None:
        if query != self.search_edit.text().strip():
            return  # typed on meanwhile: the newer query's results follow
        self.results.set_hits(query, hits)
        if hits:
            self.results_label.setText(self.tr("{count} result(s) for “{query}” — Enter opens the selected one"
                                               ).format(count=len(hits), query=query))
            self.results_list.setCurrentIndex(self.results.index(0))
        else:
            self.results_label.clear()
            self.no_results_label.setText(self.tr("No results for “{query}”").format(query=query))
        self.results_list.setVisible(bool(hits))
        self.no_results_label.setVisible(not hits)
        self._update_actions()

    @Slot()
    def _on_filter_choice(self) -> None:
        days = self.date_combo.currentData()
        self.proxy.set_speaker(self.speaker_combo.currentData())
        self.proxy.set_tag(self.tag_combo.currentData())
        self.proxy.set_date_range(time.time() - days * DAY if days else None, None)
        self._update_page()
        if self.search_edit.text().strip():
            self._search_now()

    @Slot()
    def _open_first_result(self) -> None:
        self.search_timer.stop()
        if self.results.rowCount():
            self.open_result(self.results_list.currentIndex() if self.results_list.currentIndex().isValid()
                             else self.results.index(0))

    @Slot(QModelIndex)
    def open_result(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE) if index.isValid() else None
        row = self.model.row_of(hit.meeting_id) if hit is not None else -1
        meeting = self.model.meeting(row) if row >= 0 else None
        if meeting is None or not meeting.transcript_path or meeting.transcript_missing:
            self._show_problem(self.tr("The transcript of this meeting is not on the disk any more."))
            return
        self.open_result_requested.emit(meeting.transcript_path, hit.segment_index, hit.start)

    # -- actions -----------------------------------------------------------------------------------
    def open_meeting(self, meeting: Any) -> None:
        if meeting is None or meeting.missing:
            return
        if meeting.transcript_path and not meeting.transcript_missing:
            self.open_transcript_requested.emit(meeting.transcript_path)
        elif meeting.audio_path and not meeting.audio_missing:
            self.transcribe_again(meeting)  # not transcribed yet: choose how

    def open_selected(self) -> None:
        if self.pages.currentIndex() == PAGE_RESULTS:
            self.open_result(self.results_list.currentIndex())
        else:
            self.open_meeting(self.selected_meeting())

    def rename_selected(self) -> None:
        meeting = self.selected_meeting()
        title = self.ask_title(meeting) if meeting is not None and not meeting.missing else None
        if title and title != meeting.title:
            self.client.rename(meeting.id, title)

    def tag_selected(self) -> None:
        meeting = self.selected_meeting()
        tags = self.ask_tags(meeting, self._known_tags()) if meeting is not None and not meeting.missing else None
        if tags is not None:
            self.client.set_tags(meeting.id, tags)

    def delete_selected(self) -> None:
        meeting = self.selected_meeting()
        if meeting is not None and not meeting.missing and self.ask_delete(meeting):
            self.client.delete(meeting.id, True)

    def forget_selected(self) -> None:
        meeting = self.selected_meeting()
        if meeting is not None and meeting.missing:
            self.client.delete(meeting.id, False)  # its files are gone already: the row goes

    def forget_missing(self) -> None:
        self.client.forget_missing()

    def transcribe_again_selected(self) -> None:
        self.transcribe_again(self.selected_meeting())

    def transcribe_again(self, meeting: Any) -> None:
        if meeting is None or meeting.missing or not meeting.audio_path or meeting.audio_missing:
            return
        choice = self.ask_transcribe_again(meeting)
        if choice is not None:
            self.transcribe_again_requested.emit(meeting, choice)

    def reveal_selected(self) -> None:
        meeting = self.selected_meeting()
        if meeting is not None and not meeting.missing:
            path = meeting.audio_path if meeting.audio_path and not meeting.audio_missing else meeting.transcript_path
            self.reveal(path)

    def _known_tags(self) -> list[str]:
        return [self.tag_combo.itemData(i) for i in range(1, self.tag_combo.count())]

    # -- the library -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.client.reload()

    def sync(self) -> None:
        """Rescan the folders in the background: new recordings and edited transcripts appear."""
        self._synced_at = time.monotonic()
        self.client.sync()

    def add_recording(self, wav_path: str, transcript_path: str | None = None) -> None:
        self.client.add_recording(wav_path, transcript_path)

    def import_folder(self, folder: str | Path) -> None:
        self.status_message.emit(self.tr("Importing {folder}…").format(folder=folder))
        self.client.import_folder(folder)

    def import_folder_dialog(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.import_folder(folder)

    def apply_settings(self) -> None:
        """The recordings folder may have changed: the next sync scans the new one."""
        self.client.configure(library_db_path(), library_folders(self.settings))
        if self.isVisible():
            self.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.reload()  # what the database has, at once; the sync's changes follow
        if time.monotonic() - self._synced_at >= SYNC_AGAIN_S:
            self.sync()

    @Slot(int, int)
    def _remember_sort(self, column: int, order: Qt.SortOrder) -> None:
        self.settings.library_sort = (column, order.value)

    def shutdown(self) -> bool:
        """End the library's threads (bounded) and close the database."""
        self.search_timer.stop()
        return self.client.shutdown()
