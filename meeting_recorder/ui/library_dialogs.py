"""The Library view's questions: a meeting's new title, its tags, whether to delete it, and
which model and speaker count to transcribe it again with. ``LibraryView`` calls these
through its ``ask_*`` methods, which tests replace, so no test waits on a modal loop."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QInputDialog, QLabel, QLineEdit,
    QMessageBox, QWidget,
)

log = logging.getLogger(__name__)

MAX_SPEAKERS = 10  # the most the speaker-count choice offers (the CLI takes up to 20)
AUTO_SPEAKERS, NO_SPEAKERS = -1, 0  # the speaker-count choice's data besides 1..MAX_SPEAKERS


@dataclass(frozen=True)
class TranscribeAgain:
    """How to transcribe a meeting again: a model name ("auto" = by language) and speakers
    (off, automatic count, or exactly ``speaker_count``)."""

    model: str
    speakers: bool
    speaker_count: int | None = None


def split_tags(text: str) -> list[str]:
    """"design, Q3 ,release" -> ["design", "Q3", "release"] (blank ones dropped, repeats once)."""
    tags: dict[str, str] = {}
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def ask_title(parent: QWidget, meeting: Any) -> str | None:
    title, accepted = QInputDialog.getText(
        parent, QCoreApplication.translate("LibraryDialogs", "Rename meeting"),
        QCoreApplication.translate("LibraryDialogs", "New title for “{title}”:").format(title=meeting.title),
        text=meeting.title)
    title = " ".join(title.split())
    return title if accepted and title else None


def delete_box(parent: QWidget, meeting: Any) -> tuple[QMessageBox, Any]:
    """The delete question (not shown yet) and its "Delete files" button. Deleting removes
    files for good: it names the meeting, says what goes, and lists the files in its details."""
    from meeting_recorder.ui.library_model import date_text

    files = [path for path in (meeting.audio_path, meeting.transcript_path) if path]
    files += [track.path for track in meeting.tracks if track.path not in files]
    text = QCoreApplication.translate(
        "LibraryDialogs", "Delete the meeting “{title}” ({date})? Its audio and every transcript file are deleted "
        "from the disk, and it is removed from the library. This cannot be undone.")
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("LibraryDialogs", "Delete meeting"),
                      text.format(title=meeting.title, date=date_text(meeting.started_at)),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setDetailedText("\n".join(files))
    delete = box.addButton(QCoreApplication.translate("LibraryDialogs", "Delete files"),
                           QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, delete


def ask_delete(parent: QWidget, meeting: Any) -> bool:
    box, delete = delete_box(parent, meeting)
    box.exec()
    box.deleteLater()
    return box.clickedButton() is delete


def ask_folder(parent: QWidget, start: str) -> str:
    return QFileDialog.getExistingDirectory(
        parent, QCoreApplication.translate("LibraryDialogs", "Import a folder of recordings and transcripts"), start)


class TagsDialog(QDialog):
    """The tags of a meeting as comma-separated text; known tags complete as you type."""

    def __init__(self, meeting: Any, known_tags: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tags of “{title}”").format(title=meeting.title))
        self.edit = QLineEdit(", ".join(meeting.tags), self)
        self.edit.setPlaceholderText(self.tr("e.g. design, release, weekly"))
        self.edit.setToolTip(self.tr("Separate tags with commas"))
        completer = QCompleter(known_tags, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.edit.setCompleter(completer)
        hint = QLabel(self.tr("Known tags: {tags}").format(tags=", ".join(known_tags)) if known_tags else "", self)
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Tags:"), self.edit)
        form.addRow(hint)
        form.addRow(buttons)
        self.resize(420, self.sizeHint().height())

    def tags(self) -> list[str]:
        return split_tags(self.edit.text())


class TranscribeAgainDialog(QDialog):
    """Model and speaker count for transcribing a meeting again."""

    def __init__(self, meeting: Any, default_model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transcribe “{title}” again").format(title=meeting.title))
        self.model_combo = QComboBox(self)
        self.model_combo.addItem(self.tr("Automatic — by language"), "auto")
        for name in _model_names():
            self.model_combo.addItem(name, name)
        for name in (meeting.model, default_model):  # what it was made with, else the usual choice
            if name and self.model_combo.findData(name) < 0:
                self.model_combo.addItem(name, name)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(default_model)))
        self.model_combo.setToolTip(self.tr("The Whisper model to transcribe with (it was {model})").format(
            model=meeting.model or "?"))
        self.speakers_combo = QComboBox(self)
        self.speakers_combo.addItem(self.tr("Automatic"), AUTO_SPEAKERS)
        self.speakers_combo.addItem(self.tr("Off — no speakers"), NO_SPEAKERS)
        for count in range(1, MAX_SPEAKERS + 1):
            text = self.tr("1 speaker") if count == 1 else self.tr("{count} speakers").format(count=count)
            self.speakers_combo.addItem(text, count)
        known = len(meeting.speakers)
        self.speakers_combo.setCurrentIndex(max(0, self.speakers_combo.findData(known)) if known else 0)
        self.speakers_combo.setToolTip(self.tr("How many people speak in the meeting, if you know"))
        note = QLabel(self.tr("The new transcript replaces the current one; the title, tags, marks and notes stay."),
                      self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(self.tr("&Transcribe"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Model:"), self.model_combo)
        form.addRow(self.tr("&Speakers:"), self.speakers_combo)
        form.addRow(note)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def choice(self) -> TranscribeAgain:
        count = self.speakers_combo.currentData()
        return TranscribeAgain(self.model_combo.currentData(), count != NO_SPEAKERS,
                               count if count and count > 0 else None)


def _model_names() -> list[str]:
    """The installed Whisper models (built-in first); the built-in two if the list fails."""
    try:
        from meeting_recorder.core.model_catalog import installed_models

        return [model.name for model in installed_models()]
    except OSError:
        log.warning("the models folder cannot be read", exc_info=True)
        return ["tiny.en", "base"]
