"""The Speakers view: enrolled speakers, enrollment from a file or a transcript segment,
rename, merge and delete.

Public API (works standalone or embedded):

    view = SpeakersView(settings, parent=None, store=None)   # store: a core ProfileStore (default folder)
    view.enroll_file(name, path, start=None, end=None, replace=None) -> bool   # starts a job
    view.enroll_from_segment(name, audio_path, start, end) -> bool  # "enroll this segment"
    view.rename_speaker(old, new) / merge_speakers(source, into) / delete_speaker(name) -> bool
    view.refresh()  view.speaker_names()  view.is_busy()  view.apply_settings()
    view.shutdown()   # joins the enrollment thread and releases the speaker model
  signals: profiles_changed(), status_message(str), error_message(str), busy_changed(bool)

The buttons go through small methods that ask the user (``ask_enrollment``, ``ask_new_name``,
``ask_merge_target``, ``confirm_delete``, ``confirm_replace``); tests call the actions
directly or replace those methods. Enrollment runs on ``EnrollThread``: the CAM++ model is
loaded there for the job and released after it unless "keep models loaded" is on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
    QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from meeting_recorder.core.errors import ProfileError, ProfileStoreError
from meeting_recorder.core.speakers.profiles import ProfileStore, normalize_name
from meeting_recorder.ui.enroll_worker import EnrollThread
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.widgets import hbox

MEDIA_PATTERNS = "*.wav *.flac *.mp3 *.m4a *.aac *.ogg *.opus *.wma *.mp4 *.mkv *.webm *.mov *.avi"
ERROR_STYLE = "color: #a61b1b; background: #fdecea; border: 1px solid #e0a0a0; border-radius: 4px; padding: 6px;"


class EnrollDialog(QDialog):
    """Name, file and an optional span; ``values()`` once accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enroll a speaker"))
        self.name_edit = QLineEdit(self)
        self.name_edit.setToolTip(self.tr("The name shown in transcripts when this voice is recognised"))
        self.file_edit = QLineEdit(self)
        self.file_edit.setToolTip(self.tr("A recording of this person speaking: at least 2 s, 10–60 s is better"))
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.setToolTip(self.tr("Choose an audio or video file"))
        browse.clicked.connect(self._browse)
        self.span_check = QCheckBox(self.tr("Use only &part of the file"), self)
        self.start_spin, self.end_spin = QDoubleSpinBox(self), QDoubleSpinBox(self)
        for spin, tip in ((self.start_spin, self.tr("Where the speech starts, in seconds")),
                          (self.end_spin, self.tr("Where the speech ends, in seconds"))):
            spin.setRange(0.0, 24 * 3600.0)
            spin.setDecimals(1)
            spin.setSuffix(self.tr(" s"))
            spin.setToolTip(tip)
            spin.setEnabled(False)
            self.span_check.toggled.connect(spin.setEnabled)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&File:"), hbox(self.file_edit, browse))
        form.addRow(self.span_check)
        form.addRow(self.tr("&Start:"), self.start_spin)
        form.addRow(self.tr("&End:"), self.end_spin)
        form.addRow(self.buttons)
        for edit in (self.name_edit, self.file_edit):
            edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a voice sample"), "",
            self.tr("Audio and video ({patterns});;All files (*)").format(patterns=MEDIA_PATTERNS))
        if path:
            self.file_edit.setText(path)

    def _update_ok(self) -> None:
        ready = bool(self.name_edit.text().strip() and self.file_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def values(self) -> tuple[str, str, float | None, float | None]:
        span = self.span_check.isChecked()
        return (self.name_edit.text(), self.file_edit.text().strip(),
                self.start_spin.value() if span else None, self.end_spin.value() if span else None)


class SpeakersView(QWidget):
    profiles_changed = Signal()
    status_message = Signal(str)
    error_message = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None, *,
                 store: ProfileStore | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store = store if store is not None else ProfileStore()
        self._jobs: dict[int, tuple[str, str]] = {}  # job -> (name, file) of the jobs not yet done
        self._next_job = 1
        self._shut_down = False
        self.enroller = EnrollThread(self.store.folder, settings.keep_models_loaded, self)
        self.enroller.worker.finished.connect(self._on_enrolled)  # queued: emitted by the worker thread
        self.enroller.worker.failed.connect(self._on_failed)
        self._build_ui()
        self.refresh()

    # -- widgets ----------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        hint = QLabel(self.tr("Enrolled speakers are named in transcripts when their voice matches. "
                              "A sample needs at least 2 s of speech; 10–60 s is better."), self)
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Speech")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("Enrolled speakers and the seconds of speech behind each voice print"))
        self.table.setAccessibleName(self.tr("Enrolled speakers"))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_: self.rename_selected())
        self.enroll_button = self._button(self.tr("&Enroll from file…"),
                                          self.tr("Enroll a speaker from a recording of their voice"),
                                          self.enroll_from_file_dialog)
        self.rename_button = self._button(self.tr("&Rename…"), self.tr("Rename the selected speaker (F2)"),
                                          self.rename_selected)
        self.merge_button = self._button(self.tr("&Merge into…"),
                                         self.tr("Fold the selected speaker's voice into another speaker"),
                                         self.merge_selected)
        self.delete_button = self._button(self.tr("&Delete"), self.tr("Delete the selected speaker (Del)"),
                                          self.delete_selected)
        for keys, slot in ((QKeySequence(Qt.Key.Key_F2), self.rename_selected),
                           (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_selected)):
            shortcut = QShortcut(keys, self.table, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate: enrollment gives no progress
        self.busy_bar.setMaximumWidth(160)
        self.busy_label = QLabel(self)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setAccessibleName(self.tr("Speaker error"))
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.busy_bar, self.busy_label, self.error_label):
            widget.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(hbox(self.enroll_button, self.rename_button, self.merge_button, self.delete_button, None))
        layout.addLayout(hbox(self.busy_bar, self.busy_label, None))
        layout.addWidget(self.error_label)
        self.setTabOrder(self.table, self.enroll_button)

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(lambda *_: slot())
        return button

    def _update_buttons(self) -> None:
        selected = self.selected_name() is not None
        self.rename_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.merge_button.setEnabled(selected and self.table.rowCount() > 1)
        self.enroll_button.setEnabled(not self._shut_down)

    # -- list ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list from the store (the command line may have changed it)."""
        keep = self.selected_name()
        try:
            profiles = self.store.profiles()
        except ProfileStoreError as error:
            profiles = []
            self._show_error(self.tr("The speaker profiles cannot be read: {detail}").format(detail=error))
        self.table.setRowCount(len(profiles))
        for row, profile in enumerate(profiles):
            seconds = QTableWidgetItem(self.tr("{seconds} s").format(seconds=f"{profile.seconds:.1f}"))
            seconds.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, QTableWidgetItem(profile.name))
            self.table.setItem(row, 1, seconds)
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def speaker_names(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).text() if rows else None

    def select(self, name: str) -> bool:
        for row, other in enumerate(self.speaker_names()):
            if other.casefold() == name.casefold():
                self.table.selectRow(row)
                return True
        return False

    # -- enrollment -----------------------------------------------------------------------------
    def enroll_from_file_dialog(self) -> bool:
        values = self.ask_enrollment()
        return values is not None and self.enroll_file(*values)

    def enroll_from_segment(self, name: str, audio_path: str | Path, start: float, end: float) -> bool:
        """Enroll ``name`` from one transcript segment: its recording between start and end."""
        return self.enroll_file(name, audio_path, start, end)

    def enroll_file(self, name: str, path: str | Path, start: float | None = None, end: float | None = None,
                    replace: bool | None = None) -> bool:
        """Start enrolling in the background; False (with the reason shown) if it cannot start.
        ``replace=None`` asks before replacing a speaker of the same name."""
        if self._shut_down:
            return False
        try:
            name = normalize_name(name)
        except ProfileError as error:
            empty = not str(name).strip()
            self._show_error(self.tr("Enter a name for the speaker.") if empty else str(error))
            return False
        path = str(path).strip()
        if not path:
            self._show_error(self.tr("Choose an audio or video file in which {name} speaks.").format(name=name))
            return False
        if replace is None:
            try:
                taken = name in self.store
            except ProfileStoreError as error:
                self._show_error(str(error))
                return False
            if taken and not self.confirm_replace(name):
                return False
            replace = taken
        job, self._next_job = self._next_job, self._next_job + 1
        self._jobs[job] = (name, path)
        self.enroller.submit(job, name, path, start, end, replace)
        self._set_busy()
        self.status_message.emit(self.tr("Enrolling {name} from {file}…").format(name=name, file=Path(path).name))
        return True

    @Slot(int, str, float)
    def _on_enrolled(self, job: int, name: str, seconds: float) -> None:
        if self._jobs.pop(job, None) is None:
            return  # shut down meanwhile
        self._clear_error()
        self.refresh()
        self.select(name)
        self._set_busy()
        self.profiles_changed.emit()
        self.status_message.emit(self.tr("Enrolled {name} ({seconds} s of speech).").format(
            name=name, seconds=f"{seconds:.1f}"))

    @Slot(int, str, str, float)
    def _on_failed(self, job: int, kind: str, detail: str, seconds: float) -> None:
        done = self._jobs.pop(job, None)
        if done is None:
            return
        self._set_busy()
        self._show_error(self.failure_text(kind, done[0], done[1], detail, seconds))

    def failure_text(self, kind: str, name: str, path: str, detail: str, seconds: float) -> str:
        """A clear, translated sentence for a failed enrollment (see enroll_worker.FAILURE_KINDS)."""
        file = Path(path).name
        if kind == "silent":
            return self.tr("No speech found in {file}: it is silent or holds only noise. "
                           "Choose a recording in which {name} speaks.").format(file=file, name=name)
        if kind == "short":
            return self.tr("Only {seconds} s of speech in {file}; at least 2 s is needed "
                           "(10 s or more is better).").format(seconds=f"{seconds:.1f}", file=file)
        if kind == "audio":
            detail = detail.removeprefix(f"{path}: ")  # core names the file; the sentence does too
            return self.tr("Cannot read {file} as audio: {detail}").format(file=file, detail=detail)
        if kind == "model":
            return self.tr("The speaker model could not be loaded: {detail}").format(detail=detail)
        return self.tr("Could not enroll {name}: {detail}").format(name=name, detail=detail)

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def _set_busy(self) -> None:
        busy = self.is_busy()
        was = not self.busy_bar.isHidden()
        if busy:
            names = ", ".join(name for name, _ in self._jobs.values())
            self.busy_label.setText(self.tr("Enrolling {names}…").format(names=names))
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        if busy != was:
            self.busy_changed.emit(busy)

    # -- edits ------------------------------------------------------------------------------------
    def rename_selected(self) -> bool:
        old = self.selected_name()
        new = None if old is None else self.ask_new_name(old)
        return bool(new) and self.rename_speaker(old, new)

    def merge_selected(self) -> bool:
        source = self.selected_name()
        if source is None:
            return False
        others = [name for name in self.speaker_names() if name != source]
        into = self.ask_merge_target(source, others) if others else None
        return bool(into) and self.merge_speakers(source, into)

    def delete_selected(self) -> bool:
        name = self.selected_name()
        return name is not None and self.confirm_delete(name) and self.delete_speaker(name)

    def rename_speaker(self, old: str, new: str) -> bool:
        if not new.strip():
            self._show_error(self.tr("A speaker name cannot be empty."))
            return False
        try:
            taken = new.strip().casefold() != old.casefold() and new in self.store
        except ProfileStoreError as error:
            self._show_error(str(error))
            return False
        if taken:
            self._show_error(self.tr("A speaker named {name} is already enrolled.").format(name=new.strip()))
            return False
        return self._edit(lambda: self.store.rename(old, new),
                          lambda p: self.tr("Renamed {old} to {new}.").format(old=old, new=p.name))

    def merge_speakers(self, source: str, into: str) -> bool:
        return self._edit(lambda: self.store.merge(source, into),
                          lambda p: self.tr("Merged {source} into {into}.").format(source=source, into=p.name))

    def delete_speaker(self, name: str) -> bool:
        return self._edit(lambda: self.store.remove(name),
                          lambda p: self.tr("Deleted {name}.").format(name=p.name))

    def _edit(self, change, message) -> bool:
        try:
            profile = change()
        except (ProfileError, ProfileStoreError) as error:
            self._show_error(str(error))
            self.refresh()  # the command line may have changed the store meanwhile
            return False
        self._clear_error()
        self.refresh()
        self.select(profile.name)
        self.profiles_changed.emit()
        self.status_message.emit(message(profile))
        return True

    # -- asking the user (tests replace these) --------------------------------------------------
    def ask_enrollment(self) -> tuple[str, str, float | None, float | None] | None:
        dialog = EnrollDialog(self)
        try:
            return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def ask_new_name(self, old: str) -> str | None:
        new, ok = QInputDialog.getText(self, self.tr("Rename speaker"),
                                       self.tr("New name for {name}:").format(name=old), text=old)
        return new if ok else None

    def ask_merge_target(self, source: str, choices: list[str]) -> str | None:
        into, ok = QInputDialog.getItem(self, self.tr("Merge speaker"),
                                        self.tr("Merge the voice of {name} into:").format(name=source),
                                        choices, 0, False)
        return into if ok else None

    def confirm_delete(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete speaker"),
                                      self.tr("Delete {name}? Transcripts will no longer name this voice.")
                                      .format(name=name))
        return answer == QMessageBox.StandardButton.Yes

    def confirm_replace(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Replace speaker"),
                                      self.tr("{name} is already enrolled. Replace the voice print?")
                                      .format(name=name))
        return answer == QMessageBox.StandardButton.Yes

    # -- messages and lifetime ------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.error_message.emit(message)

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    def apply_settings(self) -> None:
        self.enroller.worker.keep_loaded = self.settings.keep_models_loaded  # read at the next job's end

    def shutdown(self) -> None:
        """Let a running enrollment end, stop the thread and release the speaker model."""
        if self._shut_down:
            return
        self._shut_down = True
        self.enroller.stop()
        self._jobs.clear()
        self._set_busy()
        self._update_buttons()
