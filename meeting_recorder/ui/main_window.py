"""The main window: pick or drop files, watch progress, read and save the transcript.

Files are queued and transcribed one at a time by ``TranscribeWorker`` on its own thread;
this class only reacts to its signals, so the window stays responsive.
"""

from __future__ import annotations

from collections import deque
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QLabel, QMainWindow, QPlainTextEdit,
    QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from meeting_recorder.ui.transcribe_worker import WorkerThread
from meeting_recorder.ui.transcript_format import format_clock, transcript_lines, write_transcript
from meeting_recorder.ui.widgets import DropArea, hbox

MEDIA_PATTERNS = "*.wav *.flac *.mp3 *.m4a *.aac *.ogg *.opus *.wma *.mp4 *.mkv *.webm *.mov *.avi"
PROGRESS_STEPS = 1000


class State(Enum):
    IDLE = "idle"
    LOADING = "loading"
    TRANSCRIBING = "transcribing"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    DONE = "done"


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Meeting Recorder"))
        self.resize(900, 640)
        self.state = State.IDLE
        self.transcripts: list[Any] = []  # finished core Transcripts, in the order they ended
        self.errors: list[str] = []
        self._queue: deque[str] = deque()
        self._current: str | None = None
        self._batch_total = 0
        self._batch_done = 0
        self._shut_down = False
        self._build_ui()
        self.worker_thread = WorkerThread(self)
        worker = self.worker_thread.worker
        for signal, slot in ((worker.loading_model, self._on_loading_model), (worker.started, self._on_started),
                             (worker.progress, self._on_progress), (worker.finished, self._on_finished),
                             (worker.failed, self._on_failed), (worker.cancelled, self._on_cancelled)):
            signal.connect(slot)  # queued: the worker emits from its own thread

    # -- widgets -------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.drop_area = DropArea(self)
        self.drop_area.files_dropped.connect(self.add_files)
        self.open_button = QPushButton(self.tr("Open file…"), self)
        self.open_button.clicked.connect(self.open_files)
        self.model_combo = QComboBox(self)
        self.model_combo.addItem(self.tr("tiny.en — fast, English only"), "tiny.en")
        self.model_combo.addItem(self.tr("base — multilingual"), "base")
        self.language_combo = QComboBox(self)
        self.language_combo.addItem(self.tr("Auto-detect"), "auto")
        self.language_combo.addItem(self.tr("English"), "en")
        self.language_combo.addItem(self.tr("Korean"), "ko")
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(0)
        self.eta_label = QLabel(self)
        self.eta_label.setMinimumWidth(180)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status_label = QLabel(self.tr("Ready. Drop files here or click “Open file…”."), self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # file names are not HTML
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.transcript_combo = QComboBox(self)
        self.transcript_combo.setMinimumWidth(260)
        self.transcript_combo.currentIndexChanged.connect(self._show_transcript)
        self.save_button = QPushButton(self.tr("Save transcript…"), self)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_transcript)
        self.transcript_view = QPlainTextEdit(self)
        self.transcript_view.setReadOnly(True)

        column = QVBoxLayout()
        column.addWidget(self.drop_area)
        column.addLayout(hbox(self.open_button, 16, QLabel(self.tr("Model:"), self), self.model_combo,
                              QLabel(self.tr("Language:"), self), self.language_combo, None))
        column.addLayout(hbox(self.progress_bar, self.eta_label, self.cancel_button))
        column.addWidget(self.status_label)
        column.addWidget(self.error_label)
        column.addLayout(hbox(QLabel(self.tr("Transcript:"), self), self.transcript_combo, None, self.save_button))
        column.addWidget(self.transcript_view, 1)
        central = QWidget(self)
        central.setLayout(column)
        self.setCentralWidget(central)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for text, shortcut, slot in (
            (self.tr("Open file…"), QKeySequence.StandardKey.Open, self.open_files),
            (self.tr("Save transcript…"), QKeySequence.StandardKey.Save, self.save_transcript),
            (self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            action.setShortcut(shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)

    @Slot(int)
    def _on_language_changed(self, _index: int) -> None:
        # tiny.en cannot do Korean; switch to the multilingual model instead of failing later.
        if self.language_combo.currentData() not in ("auto", "en") and self.model_combo.currentData() == "tiny.en":
            self.model_combo.setCurrentIndex(self.model_combo.findData("base"))

    # -- the queue -----------------------------------------------------------------------
    @Slot()
    def open_files(self) -> None:
        filters = ";;".join([self.tr("Audio and video files ({patterns})").format(patterns=MEDIA_PATTERNS),
                             self.tr("All files (*)")])
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open audio or video files"), "", filters)
        if paths:
            self.add_files(paths)

    @Slot(list)
    def add_files(self, paths: list[str]) -> None:
        """Queue files; they are transcribed one after another, in the order given."""
        if self._shut_down or not paths:
            return
        if self._current is None:  # a new batch: forget the last batch's counts and errors
            self._batch_total = self._batch_done = 0
            self.errors.clear()
            self._show_errors()
        self._queue.extend(str(p) for p in paths)
        self._batch_total += len(paths)
        if self._current is None:
            self._start_next()

    def _start_next(self) -> None:
        self._current = None
        if not self._queue:
            self._finish_batch()
            return
        self._current = self._queue.popleft()
        self.state = State.LOADING
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 0)  # busy until the first progress report
        self.eta_label.clear()
        self._set_status(self.tr("Transcribing {name} ({index} of {total})…"))
        self.worker_thread.submit(self._current, self.model_combo.currentData(), self.language_combo.currentData())

    def _set_status(self, template: str, **extra: str) -> None:
        name = Path(self._current).name if self._current else ""
        index = self._batch_total - len(self._queue)
        self.status_label.setText(template.format(name=name, index=index, total=self._batch_total, **extra))

    def _finish_batch(self) -> None:
        self._settle(State.DONE, self.tr("Done: {done} of {total} file(s) transcribed.").format(
            done=self._batch_done, total=self._batch_total))

    def _settle(self, state: State, status: str) -> None:
        """Back to idle: nothing running, nothing queued, ``status`` says how it ended."""
        self._current = None
        self._queue.clear()
        self.state = state
        self.cancel_button.setEnabled(False)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(PROGRESS_STEPS if state is State.DONE and self._batch_done else 0)
        self.eta_label.clear()
        self.status_label.setText(status)

    @Slot()
    def cancel(self) -> None:
        """Stop the current file and drop the queued ones; nothing partial is kept."""
        if self._current is None:
            return
        self._queue.clear()
        self.state = State.CANCELLING
        self.cancel_button.setEnabled(False)
        self.status_label.setText(self.tr("Cancelling…"))
        self.worker_thread.cancel()

    # -- worker signals (queued onto this thread) -----------------------------------------
    @Slot(str, str)
    def _on_loading_model(self, path: str, model: str) -> None:
        if path == self._current:
            self._set_status(self.tr("Loading model {model}…"), model=model)

    @Slot(str)
    def _on_started(self, path: str) -> None:
        if path == self._current and self.state is State.LOADING:
            self.state = State.TRANSCRIBING
            self._set_status(self.tr("Transcribing {name} ({index} of {total})…"))

    @Slot(str, float, float, float)
    def _on_progress(self, path: str, fraction: float, eta: float, processed: float) -> None:
        if path != self._current or self.state is State.CANCELLING:
            return
        if fraction < 0:  # the file does not state its duration
            self.progress_bar.setRange(0, 0)
            self.eta_label.setText(self.tr("{processed} processed").format(processed=format_clock(processed)))
            return
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setValue(round(fraction * PROGRESS_STEPS))
        percent = round(fraction * 100)
        if eta >= 0:
            self.eta_label.setText(self.tr("{percent}% — about {eta} left").format(percent=percent, eta=format_clock(eta)))
        else:
            self.eta_label.setText(f"{percent}%")

    @Slot(str, object)
    def _on_finished(self, path: str, transcript: Any) -> None:
        if path != self._current:
            return
        if self.worker_thread.is_cancelled():  # cancel won the race: keep nothing
            self._on_cancelled(path)
            return
        self._batch_done += 1
        self.transcripts.append(transcript)
        self.transcript_combo.addItem(Path(path).name, len(self.transcripts) - 1)
        self.transcript_combo.setCurrentIndex(self.transcript_combo.count() - 1)
        self.save_button.setEnabled(True)
        self._start_next()

    @Slot(str, str)
    def _on_failed(self, path: str, message: str) -> None:
        if path != self._current:
            return
        self.errors.append(self.tr("Could not transcribe: {message}").format(message=message))
        self._show_errors()
        self._start_next()

    @Slot(str)
    def _on_cancelled(self, path: str) -> None:
        if path == self._current:
            self._settle(State.CANCELLED, self.tr("Cancelled. Nothing was saved."))

    def _show_errors(self) -> None:
        self.error_label.setText("\n".join(self.errors))
        self.error_label.setVisible(bool(self.errors))

    # -- transcripts ----------------------------------------------------------------------
    @Slot(int)
    def _show_transcript(self, index: int) -> None:
        data = self.transcript_combo.itemData(index) if index >= 0 else None
        self.transcript_view.setPlainText("" if data is None else transcript_lines(self.transcripts[data]))

    def current_transcript(self) -> Any | None:
        data = self.transcript_combo.currentData()
        return None if data is None else self.transcripts[data]

    def _save_filters(self) -> list[str]:
        return [self.tr("Plain text (*.txt)"), self.tr("SubRip subtitles (*.srt)"), self.tr("WebVTT subtitles (*.vtt)"),
                self.tr("JSON (*.json)"), self.tr("Markdown (*.md)")]

    @Slot()
    def save_transcript(self) -> None:
        transcript = self.current_transcript()
        if transcript is None:
            return
        suggested = str(Path(transcript.file).with_suffix(".txt"))
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Save transcript"), suggested, ";;".join(self._save_filters()))
        if path:
            self.save_transcript_to(path, chosen)

    def save_transcript_to(self, path: str, name_filter: str = "") -> Path | None:
        """Write the shown transcript; the format comes from the suffix, else the filter."""
        transcript = self.current_transcript()
        if transcript is None:
            return None
        try:
            target = write_transcript(transcript, path, name_filter)
        except OSError as error:
            self.errors.append(self.tr("Could not save {path}: {error}").format(path=path, error=error.strerror or error))
            self._show_errors()
            return None
        self.status_label.setText(self.tr("Saved {path}.").format(path=target))
        return target

    # -- shutdown -------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel, stop the worker thread and release the model. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self._queue.clear()
        self.worker_thread.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()
