"""The Record view's inputs: what a recording takes, and each input's level before it starts.

``RecordInputs`` is a mixin of ``RecordView`` (``class RecordView(RecordInputs, QWidget)``):
the choice of inputs shares the view's settings, audio worker and state, so it is part of the
same widget rather than an object that would have to be told all of them.

Widgets (made by ``_build_inputs()``): ``source_combo`` picks Microphone / System audio /
Microphone + system audio (``source_label`` is its buddy), ``device_combo`` the microphone,
``system_combo`` the system audio device, ``refresh_button`` lists the devices again;
``inputs_panel`` (``InputsPanel``) holds the two device pickers next to their meters and says
which inputs, model, language and folder the recording will use; ``level_meter`` is the
microphone's bar. ``preview`` (``InputPreview``) shows each input's level while the view is
visible and idle (``_update_preview()``).

Methods: ``refresh_devices(rescan=True)``, ``apply_settings()``, ``resolved_source()``
("mic" | "system" | "both", "auto" resolved), ``chosen_inputs() -> list[PreviewInput]``.

What the view provides: ``settings``, ``audio`` (``AudioWorkerThread``), ``source_file``,
``_shut_down``, ``is_recording()``; it calls ``_init_inputs()`` before building its widgets,
``_build_inputs()`` first while building them, ``_connect_preview()`` once built, and
``_update_preview()`` whenever it is idle again. Settings read and written: input_device,
audio_source, system_device (the pickers remember the choice).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from meeting_recorder.ui.audio_worker import AudioWorkerThread
from meeting_recorder.ui.input_preview import InputPreview, InputsPanel, PreviewInput
from meeting_recorder.ui.settings import AppSettings, resolve_audio_source

# Type checkers see the widget the mixin ends up in; at run time it adds to RecordView's bases only.
_MixinBase = QWidget if TYPE_CHECKING else object


class RecordInputs(_MixinBase):
    settings: AppSettings
    audio: AudioWorkerThread
    source_file: str | None
    _shut_down: bool
    is_recording: Callable[[], bool]

    def _init_inputs(self) -> None:
        self._devices_requested = False
        self._mic_listed = self._system_listed = False
        self._system_available = False  # "auto" records both (core's capture_choice, asked off this thread)
        self.preview = InputPreview(self)

    # -- widgets -------------------------------------------------------------------------------
    def _build_inputs(self) -> None:
        self._build_pickers()
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        self.refresh_button.setToolTip(self.tr("Look again for connected input devices"))
        self.refresh_button.clicked.connect(lambda: self.refresh_devices())
        self.inputs_panel = InputsPanel(self.settings, self.device_combo, self.system_combo, self)
        self._show_source(self.resolved_source())
        self.level_meter = self.inputs_panel.mic_meter.meter  # the microphone's bar

    def _build_pickers(self) -> None:
        self.source_combo = QComboBox(self)
        self.source_combo.addItem(self.tr("Microphone"), "mic")
        self.source_combo.addItem(self.tr("System audio"), "system")
        self.source_combo.addItem(self.tr("Microphone + system audio"), "both")
        self.source_combo.setToolTip(self.tr("Record your microphone, what the computer plays (the other side "
                                             "of a call), or both on two tracks"))
        self.source_label = QLabel(self.tr("Rec&ord from:"), self)
        self.source_label.setBuddy(self.source_combo)
        self.device_combo = QComboBox(self)
        self.device_combo.setToolTip(self.tr("The microphone or other input to record from"))
        self.device_combo.addItem(self.tr("System default"), "")
        if self.settings.input_device:  # shown before the device list arrives
            self.device_combo.addItem(self.settings.input_device, self.settings.input_device)
            self.device_combo.setCurrentIndex(1)
        self.system_combo = QComboBox(self)
        self.system_combo.setToolTip(self.tr("The sound output whose audio is recorded (its monitor)"))
        self.system_combo.addItem(self.tr("Default output"), "")
        if self.settings.system_device:
            self.system_combo.addItem(self.settings.system_device, self.settings.system_device)
            self.system_combo.setCurrentIndex(1)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        # Picking the item "auto" shows already is a choice too: it stays when "auto" changes.
        self.source_combo.activated.connect(self._source_chosen)
        self.device_combo.currentIndexChanged.connect(self._device_chosen)
        self.system_combo.currentIndexChanged.connect(self._system_device_chosen)

    def apply_settings(self) -> None:
        """Preferences changed: the panel shows the model, language and folder anew."""
        self.inputs_panel.refresh_settings()

    # -- devices ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.inputs_panel.refresh_settings()
        if not self._devices_requested:  # the first time shown: PortAudio starts off the UI thread
            self.refresh_devices(rescan=False)
        else:
            self._update_preview()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_preview()

    def refresh_devices(self, rescan: bool = True) -> None:
        """List the devices again (the preview reopens with them); ``rescan`` re-reads
        PortAudio's list, which must not happen under an open stream: the preview closes first."""
        self._devices_requested = True
        self._mic_listed = False
        self._system_listed = False
        self.preview.stop(then=lambda: self._list_devices(rescan))

    def _list_devices(self, rescan: bool) -> None:
        if self._shut_down:
            return
        self.audio.list_devices(rescan)
        if not hasattr(self.audio.worker, "system_devices_listed"):  # a worker that lists microphones only
            self._system_listed = True

    def resolved_source(self) -> str:
        """"mic", "system" or "both": the saved choice, "auto" meaning both when system
        audio can be captured and is not what the microphone hears already."""
        return resolve_audio_source(self.settings.audio_source, self._system_available)

    def chosen_inputs(self) -> list[PreviewInput]:
        source = self.resolved_source()
        inputs = []
        if source in ("mic", "both"):
            inputs.append(PreviewInput("mic", self.device_combo.currentData() or None))
        if source in ("system", "both"):
            inputs.append(PreviewInput("system", self.system_combo.currentData() or None))
        return inputs

    def _show_source(self, source: str) -> None:
        combo = self.source_combo
        combo.blockSignals(True)  # showing the choice is not the user choosing
        combo.setCurrentIndex(max(0, combo.findData(source)))
        combo.blockSignals(False)
        self._show_inputs()

    def _source_chosen(self, index: int) -> None:
        self.settings.audio_source = self.source_combo.itemData(index) or "auto"
        self._show_source(self.resolved_source())
        self._update_preview()

    @Slot(list)
    def _on_system_devices(self, devices: list) -> None:
        default = next((device.name for device in devices if device.is_default), None)
        first = self.tr("Default output ({name})").format(name=default) if default else self.tr("Default output")
        names = [device.name for device in devices]
        entries = [(self._default_label(device.name if names.count(device.name) == 1  # two "Null Output"s
                                        else f"{device.name} ({device.id})", device.is_default), device.id)
                   for device in devices]  # by id: unique, and core finds a device by id or name
        self._fill(self.system_combo, first, entries, self.settings.system_device)
        self.preview.check_system_audio()  # then the preview opens what "auto" means

    @Slot(bool)
    def _on_system_checked(self, available: bool) -> None:
        self._system_available = available
        self._system_listed = True
        self._show_source(self.resolved_source())
        self._update_preview()

    def _system_device_chosen(self, index: int) -> None:
        self.settings.system_device = self.system_combo.itemData(index) or ""
        self._update_preview()

    def _default_label(self, name: str, is_default: bool) -> str:
        return self.tr("{name} (default)").format(name=name) if is_default else name

    def _fill(self, combo: QComboBox, first: str, entries: list[tuple[str, str]], saved: str) -> None:
        """A device picker anew: the default (data ""), the devices, the saved one even when
        it is not connected now; the saved one chosen."""
        combo.blockSignals(True)  # rebuilding the list is not the user choosing
        combo.clear()
        combo.addItem(first, "")
        for label, data in entries:
            combo.addItem(label, data)
        if saved and combo.findData(saved) < 0:
            combo.addItem(self.tr("{name} (not connected)").format(name=saved), saved)
        combo.setCurrentIndex(max(0, combo.findData(saved)))
        combo.blockSignals(False)

    @Slot(list)
    def _on_devices(self, devices: list) -> None:
        entries = [(self._default_label(device.name, device.is_default), device.name) for device in devices]
        self._fill(self.device_combo, self.tr("System default"), entries, self.settings.input_device)
        self._mic_listed = True
        self._update_preview()

    def _device_chosen(self, index: int) -> None:
        self.settings.input_device = self.device_combo.itemData(index) or ""
        self._update_preview()

    # -- the preview: levels before recording ----------------------------------------------------
    def _connect_preview(self) -> None:
        self.preview.level.connect(self._on_preview_level)
        self.preview.failed.connect(lambda track, message: self.inputs_panel.meter(track).show_problem(message))
        self.preview.system_audio_checked.connect(self._on_system_checked)

    def _preview_wanted(self) -> bool:
        return (self.isVisible() and not self.is_recording() and not self._shut_down and not self.source_file
                and self._mic_listed and self._system_listed)

    def _update_preview(self) -> None:
        """Open the chosen inputs for their levels when the view is shown and idle, else close them."""
        self._show_inputs()
        if not self._preview_wanted():
            self.preview.stop()
            return
        inputs = self.chosen_inputs()
        if tuple(inputs) == self.preview.inputs():
            return
        for item in inputs:
            self.inputs_panel.meter(item.track).begin(watch_silence=True)
            self.inputs_panel.meter(item.track).show_note(self.tr("Opening the input…"))
        self.preview.start(inputs)

    def _show_inputs(self) -> None:
        self.inputs_panel.set_inputs(self.resolved_source(), Path(self.source_file).name if self.source_file else "")

    @Slot(str, float)
    def _on_preview_level(self, track: str, rms: float) -> None:
        if not self.is_recording():  # a last one queued before the recording started
            self.inputs_panel.meter(track).set_level(rms)

    @Slot(str, float)
    def _on_source_level(self, track: str, rms: float) -> None:
        """The worker's level during a recording (the preview's inputs are closed then)."""
        if self.is_recording():
            self.inputs_panel.meter(track).set_level(rms)
