"""The app's settings (QSettings), typed. Every view reads and writes them through here.

Tests point QSettings at a temporary INI file with ``AppSettings(path=…)``; the app uses
the platform's usual place (organisation/application names set in ``app.py``).

The settings file is created 0600 in a 0700 folder (it names the recordings folder and the
microphone); Qt rewrites it atomically and keeps its mode. A file Qt cannot parse would be
silently replaced by Qt's next save, so it is renamed first (``<file>.corrupt``, never
overwriting an earlier one), the defaults are used, and ``problem`` holds the event
(``SettingsSetAside``) for the window to show.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from meeting_recorder.core.events import Event, SettingsSetAside, SettingsUnreadable
from meeting_recorder.core.language_choice import AUTO_MODEL
from meeting_recorder.core.paths import recordings_dir
from meeting_recorder.core.private_files import create_private, private_dir, set_aside

log = logging.getLogger(__name__)

DEVICE_CHOICES = ("auto", "cpu", "cuda")
AUDIO_SOURCES = ("auto", "mic", "system", "both")  # what a recording captures ("auto": see resolve_audio_source)
UI_LANGUAGES = ("system", "en", "ko")
CLOSE_ASK, CLOSE_TO_TRAY, CLOSE_STOP = "ask", "tray", "stop"  # closing the window while recording
RUN_ON_LOCAL, RUN_ON_CLUSTER = "local", "cluster"  # where the Files view transcribes (issue 17)
LOCAL_CLUSTER = "local"  # a cluster address: a Ray started on this computer (core.cluster.LOCAL)


class AppSettings:
    """Typed access to the saved settings; values fall back to sensible defaults."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.problem: Event | None = None  # what was wrong with the file at start, for the window
        self.store = self._open()

    def _new_store(self) -> QSettings:
        return QSettings() if self.path is None else QSettings(str(self.path), QSettings.Format.IniFormat)

    def _open(self) -> QSettings:
        store = self._new_store()
        file = _settings_file(store)
        if file is None:  # not a file (the Windows registry): nothing to check or protect
            return store
        if file.exists() and _unparsable(store):
            del store  # Qt keeps what it parsed per file while a QSettings on it is alive
            self.problem = _set_aside(file)
            log.warning("settings: %s", self.problem)
            store = self._new_store()
        _make_private(file)
        return store

    def _get(self, key: str, default: Any, kind: type) -> Any:
        value = self.store.value(key, default)
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value: Any) -> None:
        self.store.setValue(key, value)
        self.store.sync()

    # -- transcription ----------------------------------------------------------------------
    @property
    def model(self) -> str:
        return self._get("transcription/model", AUTO_MODEL, str)  # by language (core/language_choice.py)

    @model.setter
    def model(self, value: str) -> None:
        self._set("transcription/model", value)

    @property
    def language(self) -> str:  # "auto" or a Whisper language code
        return self._get("transcription/language", "auto", str)

    @language.setter
    def language(self, value: str) -> None:
        self._set("transcription/language", value)

    @property
    def device(self) -> str:  # auto | cpu | cuda
        value = self._get("transcription/device", "auto", str)
        return value if value in DEVICE_CHOICES else "auto"

    @device.setter
    def device(self, value: str) -> None:
        self._set("transcription/device", value)

    @property
    def speakers_enabled(self) -> bool:
        return self._get("transcription/speakers", True, bool)

    @speakers_enabled.setter
    def speakers_enabled(self, value: bool) -> None:
        self._set("transcription/speakers", bool(value))

    @property
    def keep_models_loaded(self) -> bool:
        return self._get("transcription/keep_models_loaded", False, bool)

    @keep_models_loaded.setter
    def keep_models_loaded(self, value: bool) -> None:
        self._set("transcription/keep_models_loaded", bool(value))

    @property
    def model_mirror(self) -> str:  # a Hugging Face hub mirror for model downloads ("" = $HF_ENDPOINT or the hub)
        return self._get("models/mirror", "", str)

    @model_mirror.setter
    def model_mirror(self, value: str) -> None:
        self._set("models/mirror", value.strip())

    @property
    def files_run_on(self) -> str:  # local (this computer) | cluster (a Ray cluster at cluster_address)
        value = self._get("files/run_on", RUN_ON_LOCAL, str)
        return value if value in (RUN_ON_LOCAL, RUN_ON_CLUSTER) else RUN_ON_LOCAL

    @files_run_on.setter
    def files_run_on(self, value: str) -> None:
        self._set("files/run_on", value if value == RUN_ON_CLUSTER else RUN_ON_LOCAL)

    @property
    def cluster_address(self) -> str:  # "local" | HOST:PORT | ray://HOST:PORT | auto
        return self._get("files/cluster_address", LOCAL_CLUSTER, str).strip() or LOCAL_CLUSTER

    @cluster_address.setter
    def cluster_address(self, value: str) -> None:
        self._set("files/cluster_address", value.strip() or LOCAL_CLUSTER)

    # -- recording ----------------------------------------------------------------------------
    @property
    def recordings_dir(self) -> Path:
        value = self._get("recording/folder", "", str)
        return Path(value) if value else recordings_dir()

    @recordings_dir.setter
    def recordings_dir(self, value: str | Path) -> None:
        self._set("recording/folder", str(value))

    @property
    def input_device(self) -> str:  # device name; "" = the system default
        return self._get("recording/device", "", str)

    @input_device.setter
    def input_device(self, value: str) -> None:
        self._set("recording/device", value)

    @property
    def audio_source(self) -> str:  # auto | mic | system | both
        value = self._get("recording/source", "auto", str)
        return value if value in AUDIO_SOURCES else "auto"

    @audio_source.setter
    def audio_source(self, value: str) -> None:
        self._set("recording/source", value if value in AUDIO_SOURCES else "auto")

    @property
    def system_device(self) -> str:  # system audio device id (or name); "" = the default output's monitor
        return self._get("recording/system_device", "", str)

    @system_device.setter
    def system_device(self, value: str) -> None:
        self._set("recording/system_device", value)

    # -- resource thresholds (0 = no warning) --------------------------------------------------
    @property
    def rss_warning_mb(self) -> int:
        return self._get("resources/rss_warning_mb", 3000, int)

    @rss_warning_mb.setter
    def rss_warning_mb(self, value: int) -> None:
        self._set("resources/rss_warning_mb", int(value))

    @property
    def cpu_warning_percent(self) -> int:
        # Off by default: transcribing a file keeps every core busy for minutes, as it should.
        return self._get("resources/cpu_warning_percent", 0, int)

    @cpu_warning_percent.setter
    def cpu_warning_percent(self, value: int) -> None:
        self._set("resources/cpu_warning_percent", int(value))

    @property
    def disk_warning_mb(self) -> int:  # warn below this much free space
        return self._get("resources/disk_warning_mb", 2000, int)

    @disk_warning_mb.setter
    def disk_warning_mb(self, value: int) -> None:
        self._set("resources/disk_warning_mb", int(value))

    @property
    def disk_stop_mb(self) -> int:  # stop a recording safely below this much free space
        return self._get("resources/disk_stop_mb", 500, int)

    @disk_stop_mb.setter
    def disk_stop_mb(self, value: int) -> None:
        self._set("resources/disk_stop_mb", int(value))

    # -- interface -------------------------------------------------------------------------------
    @property
    def ui_language(self) -> str:  # system | en | ko
        value = self._get("ui/language", "system", str)
        return value if value in UI_LANGUAGES else "system"

    @ui_language.setter
    def ui_language(self, value: str) -> None:
        self._set("ui/language", value)

    @property
    def library_sort(self) -> tuple[int, int]:  # the Library view's sort column and Qt.SortOrder value
        column, order = self._get("library/sort_column", 1, int), self._get("library/sort_order", 1, int)
        return (column if 0 <= column < 6 else 1, order if order in (0, 1) else 1)  # default: newest first

    @library_sort.setter
    def library_sort(self, value: tuple[int, int]) -> None:
        self._set("library/sort_column", int(value[0]))
        self._set("library/sort_order", int(value[1]))

    @property
    def close_while_recording(self) -> str:  # ask | tray (keep recording in the tray) | stop
        value = self._get("ui/close_while_recording", CLOSE_ASK, str)
        return value if value in (CLOSE_ASK, CLOSE_TO_TRAY, CLOSE_STOP) else CLOSE_ASK

    @close_while_recording.setter
    def close_while_recording(self, value: str) -> None:
        self._set("ui/close_while_recording", value if value in (CLOSE_TO_TRAY, CLOSE_STOP) else CLOSE_ASK)

    @property
    def window_geometry(self) -> QByteArray | None:
        value = self.store.value("ui/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._set("ui/geometry", value)


def resolve_audio_source(choice: str, system_available: bool) -> str:
    """What "auto" means here: both tracks when a system audio device (a monitor/loopback
    source) exists, else the microphone alone; an explicit choice is kept as it is."""
    if choice in ("mic", "system", "both"):
        return choice
    return "both" if system_available else "mic"


def _settings_file(store: QSettings) -> Path | None:
    if store.format() != QSettings.Format.IniFormat and os.name == "nt":
        return None
    return Path(store.fileName())


def _unparsable(store: QSettings) -> bool:
    """Qt's verdict on the file (reading never writes it)."""
    store.allKeys()  # Qt parses lazily: status() says nothing before a read
    return store.status() == QSettings.Status.FormatError


def _set_aside(file: Path) -> Event:
    try:
        return SettingsSetAside(str(file), str(set_aside(file)))
    except OSError as error:  # e.g. a read-only folder: then Qt cannot overwrite it either
        return SettingsUnreadable(str(file), error.strerror or str(error))


def _make_private(file: Path) -> None:
    """A new settings file is created empty 0600 (a valid INI file): Qt's atomic saves keep
    the mode of the file they replace."""
    try:
        private_dir(file.parent)
        os.close(create_private(file))
    except FileExistsError:
        pass
    except OSError as error:  # a read-only home: Qt reports its own failures to save
        log.warning("settings: cannot create %s (%s)", file, error.strerror or error)


def global_glossary() -> tuple[str, ...]:
    """The terms of the user's glossary (Settings); an unreadable file is logged and skipped:
    it must not stop a recording or a file job."""
    from meeting_recorder.core import glossary

    try:
        return tuple(glossary.global_terms())
    except glossary.GlossaryError:
        logging.getLogger(__name__).warning("the glossary file cannot be read; going on without it", exc_info=True)
        return ()
