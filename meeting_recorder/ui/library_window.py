"""The main window's part for the meeting library (a mixin: ``class MainWindow(LibraryWindow,
QMainWindow)``): a search result opens in the transcript editor at its line and plays from
there, "Transcribe again" goes to the Files queue, and finished recordings and files
appear in the library.

It uses the window's ``library_view``, ``files_view``, ``record_view``, ``editor``,
``open_transcript_path``, ``show_view`` and ``show_status``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot

from meeting_recorder.ui.transcript_model import COL_TEXT

SAME_START_S = 0.5  # a hit whose segment starts elsewhere now (the transcript was edited): go by time


class LibraryWindow:
    library_view: Any
    files_view: Any
    record_view: Any
    editor: Any

    def _connect_library(self) -> None:
        view = self.library_view
        view.status_message.connect(self.show_status)
        view.error_message.connect(self.show_error)
        view.open_transcript_requested.connect(self.open_transcript_path)
        view.open_result_requested.connect(self.open_search_result)
        view.transcribe_again_requested.connect(self.transcribe_again)
        view.meeting_edited.connect(self._on_meeting_edited)
        view.files_deleted.connect(self._on_files_deleted)
        self.files_view.library_changed.connect(view.reload)
        self.files_view.queue.finished.connect(self._reopen_replaced)
        # The recorder's thread adds a saved (or recovered) recording to the library itself:
        # show it once it is in (recording_finished is the fallback if it cannot say so).
        worker = getattr(getattr(self.record_view, "audio", None), "worker", None)
        if hasattr(worker, "library_added"):
            worker.library_added.connect(lambda _meeting: view.reload())
        else:
            self.record_view.recording_finished.connect(lambda _wav: view.reload())

    @Slot(str, int, float)
    def open_search_result(self, path: str, row: int, start: float) -> bool:
        """Open the transcript at segment ``row`` and play from its start; if that segment
        no longer starts at ``start`` (edited since), the segment at ``start`` instead."""
        if not self.open_transcript_path(path):
            return False
        editor = self.editor
        segments = editor.model.segments()
        if 0 <= row < len(segments) and abs(segments[row].start - start) <= SAME_START_S:
            editor.table.selectRow(row)
            editor.table.scrollTo(editor.model.index(row, COL_TEXT))
            if editor.audio_path is not None and editor.player.available:
                editor.play_segment(row)
        else:
            editor.go_to_time(start)
        editor.table.setFocus()
        return True

    @Slot(object, object)
    def transcribe_again(self, meeting: Any, choice: Any) -> None:
        """A library meeting through the Files queue with its own model and speaker count."""
        transcript = meeting.transcript_path if meeting.transcript_path and not meeting.transcript_missing else None
        self.show_view("files")
        self.files_view.transcribe_again(meeting.audio_path, transcript, choice.model, choice.speakers,
                                         choice.speaker_count, meeting.source)

    @Slot()
    def import_folder(self) -> None:
        """File ▸ Import folder…: existing recordings and transcripts join the library."""
        self.show_view("library")
        self.library_view.import_folder_dialog()

    @Slot(int, str, list)
    def _reopen_replaced(self, _job: int, _path: str, outputs: list) -> None:
        """A transcript open in the editor was transcribed again: show the new one (unless
        it has unsaved edits, which stay the user's to save or drop)."""
        path = self.editor.path
        if path is not None and str(path) in outputs and not self.editor.has_unsaved_changes():
            self.editor.open_transcript(Path(path))

    def _editor_shows(self, path: str | None) -> bool:
        return path is not None and self.editor.path is not None and Path(self.editor.path) == Path(path)

    @Slot(object)
    def _on_meeting_edited(self, meeting: Any) -> None:
        """The editor's copy of a renamed/tagged transcript takes the new title and tags."""
        if self._editor_shows(meeting.transcript_path):
            self.editor.adopt_title_and_tags(meeting.title, list(meeting.tags))

    @Slot(list)
    def _on_files_deleted(self, paths: list) -> None:
        """A deleted meeting open in the editor is closed there (unsaved edits included: the
        user confirmed the delete), so no save writes it back."""
        if any(self._editor_shows(path) for path in paths):
            self.editor.close_transcript()
