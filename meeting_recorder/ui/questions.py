"""The window's questions (modal boxes). ``MainWindow`` calls them through its ``ask_*``
methods, which tests replace, so no test ever waits on a modal loop.

Every literal goes straight into ``QCoreApplication.translate("Questions", …)`` so that
``pyside6-lupdate`` finds it (a wrapper function would hide it)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
QUITTING, OPENING = "quit", "open"  # why unsaved edits are asked about


def stop_recording(parent: QWidget) -> bool:
    """True: stop the recording (the file is kept) and quit; False: keep recording."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("Questions", "Recording in progress"),
        QCoreApplication.translate("Questions", "A recording is running. Stop it and quit? The recording is saved."),
        QMessageBox.StandardButton.Cancel, parent)
    stop = box.addButton(QCoreApplication.translate("Questions", "Stop and quit"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is stop


def cancel_transcriptions(parent: QWidget) -> bool:
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("Questions", "Files are being transcribed"),
        QCoreApplication.translate("Questions", "Files are still being transcribed. Cancel them and quit?"),
        buttons.Yes | buttons.No, buttons.No)
    return answer == buttons.Yes


def unsaved_changes(parent: QWidget, reason: str) -> str:
    """SAVE, DISCARD or CANCEL; ``reason`` is QUITTING or OPENING (another transcript)."""
    buttons = QMessageBox.StandardButton
    if reason == QUITTING:
        text = QCoreApplication.translate("Questions", "The transcript has unsaved changes. Save them before quitting?")
    else:
        text = QCoreApplication.translate(
            "Questions", "The transcript has unsaved changes. Save them before opening another one?")
    answer = QMessageBox.warning(parent, QCoreApplication.translate("Questions", "Unsaved changes"), text,
                                 buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(answer, CANCEL)


def speaker_name(parent: QWidget, suggested: str) -> str | None:
    """The name of the person speaking in a segment, or None when cancelled or empty."""
    name, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("Questions", "Enroll speaker"),
        QCoreApplication.translate("Questions", "Name of the person speaking in the selected segment:"),
        text=suggested)
    return name.strip() if ok and name.strip() else None
