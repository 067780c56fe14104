"""Texts of the Help (F1) and About boxes; the window shows them with ``QMessageBox``.

Every literal goes straight into ``QCoreApplication.translate("About", …)`` so that
``pyside6-lupdate`` finds it (a wrapper function would hide it)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~80 ms: only when About is opened

    try:
        return version("meeting-recorder")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "dev"


def about_html() -> str:
    return (
        "<h3>" + QCoreApplication.translate("About", "Meeting Recorder") + f" {app_version()}</h3>"
        + "<p>" + QCoreApplication.translate(
            "About", "Records and transcribes meetings on this computer, fully offline: no audio "
                     "or text leaves the machine.") + "</p>"
        + "<p>" + QCoreApplication.translate(
            "About", "Speech recognition: faster-whisper (Whisper). Speakers: pyannote.audio "
                     "and a CAM++ speaker embedding. Interface: Qt for Python (PySide6).") + "</p>"
    )


def help_html() -> str:
    items = [
        QCoreApplication.translate(
            "About", "<b>Record</b> (Ctrl+1): pick a microphone and press Record. The audio is saved as it "
                     "comes, the transcript appears live; Stop finishes the file and opens the transcript."),
        QCoreApplication.translate(
            "About", "<b>Files</b> (Ctrl+2): drop audio or video files on the window or use File ▸ Open files… "
                     "(Ctrl+O). Files are transcribed one after another; open a result when it is done."),
        QCoreApplication.translate(
            "About", "<b>Transcript</b> (Ctrl+3): correct the text, rename speakers, click a line to hear it. "
                     "Save with Ctrl+S; File ▸ Export… writes TXT, SRT, VTT, JSON, Markdown or RTTM."),
        QCoreApplication.translate(
            "About", "<b>Speakers</b> (Ctrl+4): enroll a person from a sample so transcripts use their name."),
        QCoreApplication.translate(
            "About", "<b>Resources</b> (Ctrl+5): memory, CPU and free disk. A recording stops safely before "
                     "the disk fills up."),
        QCoreApplication.translate(
            "About", "<b>Library</b> (Ctrl+6): every meeting, searchable in English and Korean. A search result "
                     "opens the transcript at its line and plays from there."),
        QCoreApplication.translate(
            "About", "<b>Preferences</b> (Ctrl+,): model, language, device, speakers, recordings folder, "
                     "warning thresholds and the interface language."),
    ]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
