"""The main window: a sidebar of views (Record, Files, Transcript, Speakers, Resources,
Library), menus with the usual shortcuts, and a status bar for every view's messages.

The views do their own work on their own threads; this class routes their signals (a
finished recording or file opens in the transcript editor, a recovered recording can be
opened or transcribed, the dashboard's low-disk signal stops a recording; the library's
part is in ``library_window.py``, the tray's in ``tray.py``) and owns
quitting: ``confirm_close()`` asks about a running recording, running transcriptions and
unsaved edits through the ``ask_*`` methods (tests replace those), and ``shutdown()``
finalizes a recording and stops every view's threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStyle, QWidget

from meeting_recorder.core.recovery import recording_stem
from meeting_recorder.ui import questions
from meeting_recorder.ui.about import about_html, help_html
from meeting_recorder.ui.core_messages import translate_event
from meeting_recorder.ui.dashboard import ResourceDashboard
from meeting_recorder.ui.files_view import FilesView
from meeting_recorder.ui.library_view import LibraryView
from meeting_recorder.ui.library_window import LibraryWindow
from meeting_recorder.ui.questions import DISCARD, OPENING, QUITTING, SAVE
from meeting_recorder.ui.record_view import RecordView
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.settings_dialog import SettingsDialog
from meeting_recorder.ui.speakers_view import SpeakersView
from meeting_recorder.ui.transcript_editor import EXPORT_FORMATS, TranscriptEditor, format_name
from meeting_recorder.ui.tray import TrayWindow
from meeting_recorder.ui.view_stack import ViewStack, painted_icon, people, record_dot, view_icon
from meeting_recorder.ui.widgets import local_paths

VIEW_KEYS = ("record", "files", "transcript", "speakers", "resources", "library")
TRANSCRIPT_SUFFIXES = (".json", ".jsonl")  # the editor opens these; other files are transcribed


def transcript_beside(path: str) -> str | None:
    """The transcript JSON the recorder or the file queue wrote for a recording, if any."""
    name = Path(path)
    candidate = name.with_name(f"{recording_stem(name)}.json")
    return str(candidate) if candidate.is_file() else None


class MainWindow(LibraryWindow, TrayWindow, QMainWindow):  # the library's part: library_window.py; the tray's: tray.py
    first_shown = Signal()  # the first paint: the window is on screen

    def __init__(self, settings: AppSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or AppSettings()
        self.setObjectName("mainWindow")
        self._update_title()
        self.setAcceptDrops(True)
        self._shut_down = False
        self._painted = False
        self._ask_before_close = True
        self._build_views()
        self._build_status_bar()
        self._build_menus()
        self._connect_views()
        self.resize(1100, 720)
        if self.settings.window_geometry is not None:
            self.restoreGeometry(self.settings.window_geometry)

    # -- views ----------------------------------------------------------------------------
    def _build_views(self) -> None:
        self.record_view = RecordView(self.settings, self)
        self.files_view = FilesView(self.settings, self)
        self.editor = TranscriptEditor(self.settings, self)
        self.speakers_view = SpeakersView(self.settings, self)
        self.dashboard = ResourceDashboard(self.settings, self)
        self.library_view = LibraryView(self.settings, self)
        self.views: dict[str, QWidget] = dict(zip(VIEW_KEYS, (
            self.record_view, self.files_view, self.editor, self.speakers_view, self.dashboard, self.library_view)))
        standard = self.style().standardIcon
        pixmap = QStyle.StandardPixmap
        self.view_titles = {
            "record": (self.tr("Record"), view_icon("media-record", painted_icon(record_dot))),
            "files": (self.tr("Files"), view_icon("folder-open", standard(pixmap.SP_DirOpenIcon))),
            "transcript": (self.tr("Transcript"),
                           view_icon("accessories-text-editor", standard(pixmap.SP_FileDialogContentsView))),
            "speakers": (self.tr("Speakers"), view_icon("system-users", painted_icon(people))),
            "resources": (self.tr("Resources"), view_icon("utilities-system-monitor", standard(pixmap.SP_ComputerIcon))),
            "library": (self.tr("Library"), view_icon("folder-documents", standard(pixmap.SP_FileDialogDetailedView))),
        }
        self.stack = ViewStack(self)
        self.stack.nav.setToolTip(self.tr("Switch between views (Ctrl+1 … Ctrl+6)"))
        for number, key in enumerate(VIEW_KEYS, start=1):
            text, icon = self.view_titles[key]
            self.stack.add_view(key, text, icon, self.views[key], f"{text} (Ctrl+{number})")
        self.stack.current_changed.connect(lambda row: self.view_actions[row].setChecked(True))
        self.nav, self.pages = self.stack.nav, self.stack.pages
        self.setCentralWidget(self.stack)

    def show_view(self, key: str) -> None:
        self.stack.show_view(key)

    def current_view(self) -> str:
        return self.stack.current_view()

    # -- status bar -----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.recording_label = QLabel(self.tr("● Recording"), self)
        self.recording_label.setStyleSheet("color: #c62828; font-weight: bold; padding: 0 6px;")
        self.recording_label.setToolTip(self.tr("A recording is running"))
        self.recording_label.hide()
        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("resourceWarning")
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setStyleSheet(
            "background: #fff3cd; color: #7a4f00; border: 1px solid #e0b000; border-radius: 3px; padding: 1px 6px;")
        self.warning_label.setToolTip(self.tr("Resource warning (see Resources, Ctrl+5)"))
        self.warning_label.hide()
        bar.addPermanentWidget(self.warning_label)
        bar.addPermanentWidget(self.recording_label)
        self.show_status(self.tr("Ready."))

    @Slot(str)
    def show_status(self, text: str) -> None:
        self.statusBar().setStyleSheet("")
        self.statusBar().showMessage(text)

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.statusBar().setStyleSheet("QStatusBar { color: #b00020; }")
        self.statusBar().showMessage(text)

    def status_text(self) -> str:
        return self.statusBar().currentMessage()

    @Slot(str)
    def _on_resource_warning(self, text: str) -> None:
        # The dashboard signals each crossing once; show every warning that still holds.
        self.warning_label.setText("⚠ " + " · ".join(dict.fromkeys([*self.dashboard.active_warnings().values(), text])))
        self.warning_label.show()

    @Slot()
    def _on_resource_warning_cleared(self) -> None:
        self.warning_label.clear()
        self.warning_label.hide()

    # -- menus ----------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # look the slot up late: tests replace it
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.record_view.record_action)  # Ctrl+R, start/stop
        self.open_files_action = self._action(self.tr("&Open files…"), self.open_files, QKeySequence.StandardKey.Open,
                                              self.tr("Transcribe audio or video files"))
        self.open_transcript_action = self._action(self.tr("Open &transcript…"), self.open_transcript, "Ctrl+Shift+O",
                                                   self.tr("Open a saved transcript in the editor"))
        self.save_action = self._action(self.tr("&Save transcript"), self.save_transcript, QKeySequence.StandardKey.Save,
                                        self.tr("Save the edited transcript"))
        self.preferences_action = self._action(self.tr("&Preferences…"), self.show_preferences, "Ctrl+,",
                                               self.tr("Model, language, device, folders and thresholds"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action(self.tr("&Quit"), self.quit_app, "Ctrl+Q")  # StandardKey.Quit is empty on some desktops
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.import_folder_action = self._action(self.tr("&Import folder into the library…"), self.import_folder,
                                                 tip=self.tr("Add a folder's recordings and transcripts to the library"))
        for action in (self.open_files_action, self.open_transcript_action, self.import_folder_action, None,
                       self.save_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        self.export_menu = file_menu.addMenu(self.tr("&Export transcript"))
        self.export_menu.setStatusTip(self.tr("Write the transcript as TXT, SRT, VTT, JSON, Markdown or RTTM"))
        for fmt in EXPORT_FORMATS:
            self.export_menu.addAction(self._action(format_name(fmt) + "…", lambda f=fmt: self.export_transcript(f)))
        for action in (None, self.preferences_action, None, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        group = QActionGroup(self)
        self.view_actions: list[QAction] = []
        for number, view_key in enumerate(VIEW_KEYS, start=1):
            text, icon = self.view_titles[view_key]
            action = self._action(text, lambda k=view_key: self.show_view(k), f"Ctrl+{number}")
            action.setIcon(icon)
            action.setCheckable(True)
            group.addAction(action)
            view_menu.addAction(action)
            self.view_actions.append(action)
        self.view_actions[self.pages.currentIndex()].setChecked(True)

        speakers_menu = self.menuBar().addMenu(self.tr("&Speakers"))
        self.enroll_file_action = self._action(self.tr("Enroll from a &file…"), self.enroll_from_file,
                                               tip=self.tr("Teach the app a person's voice from a recording of them"))
        self.enroll_segment_action = self._action(
            self.tr("Enroll the selected &segment's speaker…"), self.enroll_selected_segment, "Ctrl+Shift+E",
            self.tr("Name the person speaking in the segment selected in the transcript and learn their voice"))
        speakers_menu.addAction(self.enroll_file_action)
        speakers_menu.addAction(self.enroll_segment_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.help_action = self._action(self.tr("Meeting Recorder &Help"), self.show_help, "F1")
        self.about_action = self._action(self.tr("&About Meeting Recorder"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    # -- wiring ---------------------------------------------------------------------------
    def _connect_views(self) -> None:
        for view in (self.record_view, self.files_view, self.editor, self.speakers_view):
            view.status_message.connect(self.show_status)
        self.record_view.error_message.connect(self.show_error)
        self.record_view.recording_failed.connect(self._on_recording_failed)
        self.speakers_view.error_message.connect(self.show_error)
        self.record_view.recording_changed.connect(self.recording_label.setVisible)
        self.record_view.recording_finished.connect(self._on_recording_finished)
        self.record_view.open_requested.connect(self.open_path)
        self.record_view.transcribe_requested.connect(lambda path: self.add_files([path]))
        self.files_view.open_transcript_requested.connect(self.open_transcript_path)
        self.editor.modified_changed.connect(self.setWindowModified)
        self.editor.status_message.connect(self._update_title)  # it speaks up when it opens or saves
        self.dashboard.warning.connect(self._on_resource_warning)
        self.dashboard.warning_cleared.connect(self._on_resource_warning_cleared)
        self.dashboard.low_disk_stop.connect(self._on_low_disk_stop)
        self.dashboard.set_recording_provider(self.record_view.current_recording_path)
        self.first_shown.connect(lambda: QTimer.singleShot(0, self._after_first_show))
        self._connect_library()
        self._build_tray()  # tray.py: state, Record/Stop, Show, Quit, notifications

    @Slot()
    def _update_title(self) -> None:
        """The open transcript's name (the desktop adds the app's name), else the app's name;
        [*] becomes "*" while the transcript has unsaved edits."""
        path = self.editor.path if hasattr(self, "editor") else None
        self.setWindowTitle(f"{Path(path).name}[*]" if path else self.tr("Meeting Recorder") + "[*]")

    def _after_first_show(self) -> None:
        if not self._shut_down:
            self.record_view.check_recovered()  # recordings left by a crash are repaired and offered
            problem = getattr(self.settings, "problem", None)
            if problem is not None:  # a corrupt settings file was set aside: say so once
                self.show_error(translate_event(problem))

    @Slot(str)
    def _on_recording_finished(self, wav_path: str) -> None:
        transcript = transcript_beside(wav_path)
        if transcript and not self._shut_down:
            self.open_transcript_path(transcript)

    @Slot(str)
    def _on_recording_failed(self, reason: str) -> None:
        """The recording stopped by itself (the disk is full or refused a write): a dialog,
        not only the status bar, since the user may not be watching. Not modal: the file is
        being finalized meanwhile."""
        self.show_error(reason)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Recording stopped"), reason,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("recording-failed-dialog")
        box.open()

    @Slot()
    def _on_low_disk_stop(self) -> None:
        if not self.record_view.is_recording():
            return
        self.record_view.stop_recording(wait=False)  # the audio thread finalizes the file
        self.show_error(self.tr("Recording stopped: the recordings folder is almost out of free space. "
                                "The recording was saved."))

    # -- files and transcripts ------------------------------------------------------------
    @Slot()
    def open_files(self) -> None:
        """File ▸ Open files…: the Files view's own "Add files…" dialog."""
        self.show_view("files")
        self.files_view.open_files_dialog()

    def add_files(self, paths: list[str]) -> None:
        self.show_view("files")
        self.files_view.add_files(paths)

    @Slot()
    def open_transcript(self) -> None:
        self.show_view("transcript")
        self.editor.open_dialog()  # asks first when there are unsaved edits

    @Slot(str)
    def open_transcript_path(self, path: str) -> bool:
        """Show a transcript in the editor; unsaved edits of the open one are asked about."""
        if self.editor.has_unsaved_changes() and not self._settle_unsaved(OPENING):
            return False
        self.show_view("transcript")
        return self.editor.open_transcript(path)

    @Slot(str)
    def open_path(self, path: str) -> None:
        """A transcript opens in the editor; a recording opens its transcript, else is transcribed."""
        transcript = path if path.endswith(TRANSCRIPT_SUFFIXES) else transcript_beside(path)
        if transcript:
            self.open_transcript_path(transcript)
        else:
            self.add_files([path])

    def _has_transcript(self) -> bool:
        if self.editor.path is None:
            self.show_status(self.tr("No transcript is open. Open one first (Ctrl+Shift+O)."))
            return False
        return True

    @Slot()
    def save_transcript(self) -> None:
        if self._has_transcript():
            self.editor.save()

    def export_transcript(self, fmt: str) -> None:
        if self._has_transcript():
            self.editor.export_dialog(fmt)

    # -- speakers -------------------------------------------------------------------------
    @Slot()
    def enroll_from_file(self) -> None:
        self.show_view("speakers")
        self.speakers_view.enroll_from_file_dialog()

    @Slot()
    def enroll_selected_segment(self) -> bool:
        """Enroll the person speaking in the editor's selected segment; the transcript's label
        for them ("Speaker 2") becomes their name too."""
        row = self.editor.table.currentIndex().row()
        segments = self.editor.model.segments()
        if self.editor.audio_path is None or not 0 <= row < len(segments):
            self.show_status(self.tr("Select a segment of a transcript whose audio is available first."))
            return False
        segment = segments[row]
        label = segment.speaker or ""
        name = self.ask_speaker_name("" if label.startswith("Speaker ") else label)
        if not name or not self.speakers_view.enroll_from_segment(name, self.editor.audio_path,
                                                                   segment.start, segment.end):
            return False
        if label and label != name:
            self.editor.rename_speaker(label, name)
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Anywhere on the window: transcripts open in the editor, anything else is transcribed."""
        paths = local_paths(event)
        event.acceptProposedAction()
        media = [p for p in paths if not p.endswith(TRANSCRIPT_SUFFIXES)]
        if media:
            self.add_files(media)
        for path in paths:
            if path not in media:
                self.open_transcript_path(path)

    # -- preferences and help -------------------------------------------------------------
    def make_preferences_dialog(self) -> SettingsDialog:
        return SettingsDialog(self.settings, self)

    @Slot()
    def show_preferences(self) -> None:
        dialog = self.make_preferences_dialog()
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.restart_needed)
        dialog.deleteLater()

    def apply_settings(self, restart_needed: bool = False) -> None:
        """After Preferences: views read job settings when a job starts; these re-read now."""
        self.dashboard.apply_settings()
        self.speakers_view.apply_settings()
        self.record_view.apply_settings()  # the first-look panel: model, language, folder
        self.library_view.apply_settings()  # the recordings folder it scans
        self.show_status(self.tr("The new interface language is used from the next start.") if restart_needed
                         else self.tr("Preferences saved; they apply to the next recording or file."))

    @Slot()
    def show_help(self) -> None:
        QMessageBox.information(self, self.tr("Meeting Recorder Help"), help_html())

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Meeting Recorder"), about_html())

    # -- quitting -------------------------------------------------------------------------
    # The questions; tests replace these methods (the recording's two: tray.py).
    def ask_cancel_transcriptions(self) -> bool:
        return questions.cancel_transcriptions(self)

    def ask_unsaved_changes(self, reason: str = QUITTING) -> str:
        return questions.unsaved_changes(self, reason)

    def ask_speaker_name(self, suggested: str) -> str | None:
        return questions.speaker_name(self, suggested)

    def _settle_unsaved(self, reason: str) -> bool:
        """Ask about unsaved edits; True when it is fine to go on (saved or discarded)."""
        answer = self.ask_unsaved_changes(reason)
        if answer == SAVE:
            return self.editor.save()  # a failed save says why and keeps us here
        return answer == DISCARD

    def confirm_close(self) -> bool:
        """Ask what needs asking; False means the user chose to stay."""
        if not self._ask_before_close:
            return True
        if self.record_view.is_recording() and not self.settle_recording():  # it may go on in the tray
            return False
        if self.files_view.is_busy() and not self.ask_cancel_transcriptions():
            return False
        return not self.editor.has_unsaved_changes() or self._settle_unsaved(QUITTING)

    def close_for_signal(self) -> None:
        """Ctrl+C or SIGTERM: quit without questions (a recording is still finalized)."""
        self._ask_before_close = False
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down or self.confirm_close():
            self.shutdown()
            event.accept()
        else:
            event.ignore()

    def shutdown(self) -> None:
        """Save the geometry, finalize a running recording, stop every view's threads. Idempotent."""
        if self._shut_down:
            return
        self._shut_down = True
        self.settings.window_geometry = self.saveGeometry()
        if self.record_view.is_recording():
            self.show_status(self.tr("Stopping the recording…"))
        self.files_view.cancel_all()
        for view in (self.tray, self.record_view, self.files_view, self.editor, self.speakers_view,
                     self.dashboard, self.library_view):
            view.shutdown()  # the record view finalizes a running recording first

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:  # the window is on screen: start-up is over
            self._painted = True
            self.first_shown.emit()
