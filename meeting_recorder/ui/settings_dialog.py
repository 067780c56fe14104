"""Preferences: the model, language, device, speakers, recordings folder, thresholds, UI language.

``SettingsDialog(settings, parent)`` shows the values of an ``AppSettings``; ``apply()``
(called on OK) writes them back through it. Views read the settings again whenever they
start a job, so changes apply to the next recording or file; the UI language applies at
the next start. The folder pickers are behind ``choose_folder`` so tests can answer them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.widgets import hbox

ENGLISH_ONLY_MODELS = ("tiny.en",)
TRANSCRIPTION_LANGUAGES = ("auto", "en", "ko", "ja", "zh", "de", "fr", "es")


class SettingsDialog(QDialog):
    """Edits an ``AppSettings``; nothing is written until ``apply()`` (OK)."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.restart_needed = False  # set by apply(): the interface language changed
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("settingsDialog")
        layout = QVBoxLayout(self)
        layout.addWidget(self._transcription_group())
        layout.addWidget(self._recording_group())
        layout.addWidget(self._resources_group())
        layout.addWidget(self._interface_group())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.load()

    # -- building ---------------------------------------------------------------------------
    def _transcription_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Transcription"), self)
        form = QFormLayout(group)
        self.model_combo = QComboBox(group)
        self.model_combo.addItem(self.tr("Automatic — by language"), "auto")
        self.model_combo.addItem(self.tr("tiny.en — fast, English only"), "tiny.en")
        self.model_combo.addItem(self.tr("base — multilingual"), "base")
        self._add_installed_models()
        self.model_combo.setToolTip(self.tr("The Whisper model: a built-in one or a CTranslate2 model folder"))
        self.model_button = QPushButton(self.tr("F&older…"), group)
        self.model_button.setToolTip(self.tr("Use a CTranslate2 Whisper model from a folder"))
        self.model_button.clicked.connect(self._browse_model)
        self.models_button = QPushButton(self.tr("Ma&nage models…"), group)
        self.models_button.setToolTip(self.tr("Download, import or remove Whisper models"))
        self.models_button.clicked.connect(self.open_models)
        self._add_row(form, self.tr("&Model:"), self.model_combo, self.model_button, self.models_button)

        self.language_combo = QComboBox(group)
        names = {"auto": self.tr("Auto-detect"), "en": self.tr("English"), "ko": self.tr("Korean"),
                 "ja": self.tr("Japanese"), "zh": self.tr("Chinese"), "de": self.tr("German"),
                 "fr": self.tr("French"), "es": self.tr("Spanish")}
        for code in TRANSCRIPTION_LANGUAGES:
            self.language_combo.addItem(names[code], code)
        self.language_combo.setToolTip(self.tr("The language spoken in recordings and files"))
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        self._add_row(form, self.tr("&Language:"), self.language_combo)
        self.glossary_edit = QPlainTextEdit(group)
        self.glossary_edit.setPlaceholderText(self.tr("One name or term a line, e.g.\nKubernetes\n김민준"))
        self.glossary_edit.setToolTip(self.tr("Names and terms Whisper should spell as written, in every "
                                              "recording and file (most important first)"))
        self.glossary_edit.setMaximumHeight(90)
        self._add_row(form, self.tr("Glossar&y:"), self.glossary_edit)
        self.model_note = QLabel(group)  # which model runs and why
        self.model_note.setWordWrap(True)
        form.addRow("", self.model_note)
        self.model_combo.currentIndexChanged.connect(self._explain_model)
        self.language_combo.currentIndexChanged.connect(self._explain_model)

        self.device_combo = QComboBox(group)
        self.device_combo.addItem(self.tr("Automatic (GPU when available)"), "auto")
        self.device_combo.addItem(self.tr("CPU"), "cpu")
        self.device_combo.addItem(self.tr("GPU (CUDA)"), "cuda")
        self.device_combo.setToolTip(self.tr("Where the speech model runs"))
        self._add_row(form, self.tr("&Device:"), self.device_combo)

        self.speakers_check = QCheckBox(self.tr("Label &speakers"), group)
        self.speakers_check.setToolTip(self.tr("Tell speakers apart (slower); off leaves segments unlabelled"))
        self.keep_models_check = QCheckBox(self.tr("&Keep models loaded between jobs"), group)
        self.keep_models_check.setToolTip(self.tr("Faster next start, but the memory stays in use"))
        form.addRow(self.speakers_check)
        form.addRow(self.keep_models_check)
        return group

    def _recording_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Recording"), self)
        form = QFormLayout(group)
        self.folder_edit = QLineEdit(group)
        self.folder_edit.setToolTip(self.tr("New recordings are saved in this folder"))
        self.folder_button = QPushButton(self.tr("&Browse…"), group)
        self.folder_button.setToolTip(self.tr("Choose the recordings folder"))
        self.folder_button.clicked.connect(self._browse_recordings)
        self._add_row(form, self.tr("Recordings &folder:"), self.folder_edit, self.folder_button)
        return group

    def _resources_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Resource warnings (0 = off)"), self)
        form = QFormLayout(group)
        self.rss_spin = self._spin(group, 0, 1_000_000, self.tr(" MB"),
                                   self.tr("Warn when the app uses more memory than this"))
        self.cpu_spin = self._spin(group, 0, 100, self.tr(" %"), self.tr("Warn when the app's CPU use stays above this"))
        self.disk_warn_spin = self._spin(group, 0, 10_000_000, self.tr(" MB"),
                                         self.tr("Warn when the recordings folder has less free space than this"))
        self.disk_stop_spin = self._spin(group, 0, 10_000_000, self.tr(" MB"),
                                         self.tr("Stop a recording safely when free space falls below this"))
        self._add_row(form, self.tr("M&emory above:"), self.rss_spin)
        self._add_row(form, self.tr("C&PU above:"), self.cpu_spin)
        self._add_row(form, self.tr("Free d&isk below:"), self.disk_warn_spin)
        self._add_row(form, self.tr("S&top recording below:"), self.disk_stop_spin)
        return group

    def _interface_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Interface"), self)
        form = QFormLayout(group)
        self.ui_language_combo = QComboBox(group)
        self.ui_language_combo.addItem(self.tr("System language"), "system")
        self.ui_language_combo.addItem("English", "en")  # each language in its own name
        self.ui_language_combo.addItem("한국어", "ko")
        self.ui_language_combo.setToolTip(self.tr("The language of menus and buttons"))
        self._add_row(form, self.tr("Interface lan&guage:"), self.ui_language_combo)
        note = QLabel(self.tr("A new interface language takes effect when the app is restarted."), group)
        note.setWordWrap(True)
        form.addRow(note)
        return group

    def _spin(self, parent: QWidget, low: int, high: int, suffix: str, tip: str) -> QSpinBox:
        spin = QSpinBox(parent)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setSpecialValueText(self.tr("off"))  # shown at 0
        spin.setToolTip(tip)
        return spin

    @staticmethod
    def _add_row(form: QFormLayout, text: str, field: QWidget, *extra: QWidget) -> None:
        label = QLabel(text, form.parentWidget())
        label.setBuddy(field)  # the mnemonic in the label focuses the field
        form.addRow(label, hbox(field, *extra) if extra else field)

    # -- values -----------------------------------------------------------------------------
    def load(self) -> None:
        """Show the saved values."""
        s = self.settings
        self.set_model(s.model)
        self._select(self.language_combo, s.language, add_unknown=True)
        self._select(self.device_combo, s.device)
        self.speakers_check.setChecked(s.speakers_enabled)
        self.keep_models_check.setChecked(s.keep_models_loaded)
        self.folder_edit.setText(str(s.recordings_dir))
        self.rss_spin.setValue(s.rss_warning_mb)
        self.cpu_spin.setValue(s.cpu_warning_percent)
        self.disk_warn_spin.setValue(s.disk_warning_mb)
        self.disk_stop_spin.setValue(s.disk_stop_mb)
        self._select(self.ui_language_combo, s.ui_language)
        self._explain_model()
        from meeting_recorder.core import glossary

        path = glossary.global_path()
        self._glossary_text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        self.glossary_edit.setPlainText(self._glossary_text)

    def apply(self) -> None:
        """Write the shown values to the settings."""
        s = self.settings
        ui_language_before = s.ui_language
        s.model = self.model_combo.currentData()
        s.language = self.language_combo.currentData()
        if self.glossary_edit.toPlainText() != self._glossary_text:
            from meeting_recorder.core import glossary

            glossary.save_global(self.glossary_edit.toPlainText())
            self._glossary_text = self.glossary_edit.toPlainText()
        s.device = self.device_combo.currentData()
        s.speakers_enabled = self.speakers_check.isChecked()
        s.keep_models_loaded = self.keep_models_check.isChecked()
        folder = self.folder_edit.text().strip()
        if folder:
            s.recordings_dir = str(Path(folder).expanduser())
        s.rss_warning_mb = self.rss_spin.value()
        s.cpu_warning_percent = self.cpu_spin.value()
        s.disk_warning_mb = self.disk_warn_spin.value()
        s.disk_stop_mb = self.disk_stop_spin.value()
        s.ui_language = self.ui_language_combo.currentData()
        self.restart_needed = s.ui_language != ui_language_before

    def accept(self) -> None:
        self.apply()
        super().accept()

    def set_model(self, model: str) -> None:
        """Select a built-in model, or add and select a model folder."""
        self._select(self.model_combo, model, add_unknown=True)

    @staticmethod
    def _select(combo: QComboBox, value: str, add_unknown: bool = False) -> None:
        index = combo.findData(value)
        if index < 0 and add_unknown and value:
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    @Slot()
    def _explain_model(self, *_: object) -> None:
        model, language = self.model_combo.currentData(), self.language_combo.currentData()
        if model != "auto":
            text = self.tr("In use: {model} (your choice).").format(model=model)
        elif language == "auto":
            text = self.tr("Each file's language is identified first: English gets tiny.en, other languages "
                           "the multilingual base. Live recordings use base.")
        elif language == "en":
            text = self.tr("In use: tiny.en, the fast English model.")
        else:
            text = self.tr("In use: base, the multilingual model ({language} is not English).").format(
                language=self.language_combo.currentText())
        self.model_note.setText(text)

    @Slot(int)
    def _on_language_changed(self, _index: int) -> None:
        # tiny.en cannot do other languages; move to the multilingual model rather than fail later.
        if self.language_combo.currentData() not in ("auto", "en") and self.model_combo.currentData() in ENGLISH_ONLY_MODELS:
            self.model_combo.setCurrentIndex(self.model_combo.findData("base"))

    # -- pickers (tests replace choose_folder) -------------------------------------------------
    def choose_folder(self, title: str, start: str) -> str:
        return QFileDialog.getExistingDirectory(self, title, start)

    def _add_installed_models(self) -> None:
        """Downloaded and imported models, after the built-in ones."""
        from meeting_recorder.core.model_catalog import installed_models

        for model in installed_models():
            if model.source != "embedded" and self.model_combo.findData(model.name) < 0:
                self.model_combo.addItem(self.tr("{name} — {source}").format(
                    name=model.name, source=self.tr("downloaded") if model.source == "downloaded" else self.tr("imported")),
                    model.name)

    @Slot()
    def open_models(self) -> None:
        """The model manager; what it installs is offered here at once."""
        from meeting_recorder.ui.models_dialog import ModelsDialog

        dialog = ModelsDialog(self, self.settings)
        self.models_dialog = dialog  # tests drive it
        dialog.finished.connect(lambda *_: self._add_installed_models())
        dialog.open()

    @Slot()
    def _browse_model(self) -> None:
        current = self.model_combo.currentData()
        folder = self.choose_folder(self.tr("Choose a Whisper model folder"),
                                    current if Path(current).is_dir() else str(Path.home()))
        if folder:
            self.set_model(folder)

    @Slot()
    def _browse_recordings(self) -> None:
        folder = self.choose_folder(self.tr("Choose the recordings folder"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
