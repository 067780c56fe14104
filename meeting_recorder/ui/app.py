"""Application start-up: QApplication, settings home, translations, the main window, the loop.

Nothing heavy is imported on the UI thread: the views import the engine and the speaker
models in their worker threads when a job starts, and once the window has painted, a
background ``Preloader`` imports those libraries (faster-whisper; torch and pyannote when
speakers are on) so the first job does not wait for them. ``MEETING_RECORDER_PRELOAD=0``
turns that off. ``MEETING_RECORDER_STARTUP_STAMP=FILE`` makes the app write, at its first
paint, the time and the heavy modules already imported (``scripts/measure_startup.py``).

One window per user (``single_instance``): a second launch hands its files to the running
one and exits without a window; ``--new-instance`` or ``MEETING_RECORDER_NEW_INSTANCE=1``
opt out.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QThread, QTimer, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from meeting_recorder.identity import APP_ID
from meeting_recorder.ui import single_instance
from meeting_recorder.ui.single_instance import InstanceServer, open_in_window, present

LANG_ENV = "MEETING_RECORDER_LANG"
PRELOAD_ENV = "MEETING_RECORDER_PRELOAD"
STARTUP_STAMP_ENV = "MEETING_RECORDER_STARTUP_STAMP"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
ORGANIZATION = "meeting-recorder"  # QSettings: ~/.config/meeting-recorder/meeting-recorder.conf
APP_NAME = "meeting-recorder"
HEAVY_MODULES = ("torch", "pyannote.audio", "faster_whisper", "ctranslate2", "onnxruntime", "av")
PRELOAD_DELAY_MS = 1000  # after the first paint, so start-up and the first frames stay smooth


def configure_application(app: QCoreApplication) -> None:
    """Names that give QSettings its home; ``MEETING_RECORDER_HOME`` moves it there too."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    home = os.environ.get("MEETING_RECORDER_HOME")
    if home:  # tests and portable installs keep everything under one folder
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(Path(home) / "config"))


def set_identity(app: QGuiApplication) -> None:
    """The desktop matches the window to its launcher (task bar icon, Wayland app id)."""
    from meeting_recorder.ui.app_icon import app_icon

    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())


def ui_locale(setting: str = "system") -> QLocale:
    """MEETING_RECORDER_LANG=ko|en wins; then the saved setting (en|ko); else the system's."""
    override = os.environ.get(LANG_ENV, "").strip()
    if override:
        return QLocale(override)
    return QLocale(setting) if setting and setting != "system" else QLocale.system()


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Load our strings and Qt's own (standard dialogs, context menus) for ``locale``.

    Returns the installed translators; keep them alive (Qt does not own them) and pass
    them to ``remove_translators`` to switch back. English needs none: it is the source.
    """
    locale = locale or ui_locale()
    installed: list[QTranslator] = []
    if locale.language() in (QLocale.Language.English, QLocale.Language.C):
        return installed
    candidates = [
        ("meeting_recorder", str(TRANSLATIONS_DIR)),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        # load(locale, …) tries ko_KR, then ko, so a regional system locale still matches.
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def remove_translators(app: QCoreApplication, translators: Sequence[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)


def heavy_modules_loaded() -> list[str]:
    return sorted(name for name in HEAVY_MODULES if name in sys.modules)


def write_startup_stamp(path: str) -> None:
    """For measure_startup.py: when the window first painted and what was imported by then."""
    Path(path).write_text(json.dumps({"shown": time.time(), "heavy": heavy_modules_loaded()}), encoding="utf-8")


class Preloader(QThread):
    """Gets the first job ready sooner, in the background, once the window is up.

    Models run in the worker process (``core/worker``): the window's process never imports
    them. When models are kept loaded, the worker is started now and imports the libraries
    (it stays, as the kept models will); otherwise nothing is done ahead: the worker starts
    with the first job and ends with it. With ``MEETING_RECORDER_IN_PROCESS=1`` the
    libraries are imported here as before. An import cannot be interrupted:
    ``requestInterruption()`` stops after the one under way, ``wait()`` for that.
    """

    def __init__(self, speakers: bool, keep_loaded: bool = False, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self.speakers = speakers
        self.keep_loaded = keep_loaded
        self.failed: list[str] = []

    def steps(self) -> list[str]:
        steps = ["faster_whisper", "meeting_recorder.core.live_session"]
        return steps + ["torch", "meeting_recorder.core.speakers.pipeline"] if self.speakers else steps

    def run(self) -> None:
        from meeting_recorder.core.worker import in_process

        if not in_process():
            if self.keep_loaded:
                from meeting_recorder.core.worker.client import shared_client

                try:
                    shared_client().warm(self.steps())
                except Exception as error:  # noqa: BLE001 — the first job reports it properly
                    self.failed.append(str(error))
            return
        for step in self.steps():
            if self.isInterruptionRequested():  # quitting: stop after the import under way
                return
            try:
                if step == "meeting_recorder.core.speakers.pipeline":
                    importlib.import_module("meeting_recorder.core.speakers.torchaudio_compat").import_pyannote_audio()
                else:
                    importlib.import_module(step)
            except Exception as error:  # noqa: BLE001 — the job that needs it reports it properly
                self.failed.append(f"{step}: {error}")


def run_app(argv: Sequence[str] | None = None, files: Sequence[str] = (), new_instance: bool = False) -> int:
    """Open the main window with ``files`` (absolute paths) and run the Qt event loop; returns
    the exit code. When the app runs already, it gets the files and raises its window: 0
    without a window here."""
    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    configure_application(app)
    set_identity(app)
    server = None
    if not (new_instance or os.environ.get(single_instance.NEW_INSTANCE_ENV) == "1"):
        claim = single_instance.claim(files, os.getcwd())
        if claim.handed_off:
            return 0
        if claim.problem:
            print(f"error: {claim.problem}", file=sys.stderr, flush=True)
            return 1
        server = claim.server
    try:
        return _run_window(app, files, server)
    finally:
        if server is not None:
            server.close()


def _run_window(app: QApplication, files: Sequence[str], server: InstanceServer | None) -> int:
    from meeting_recorder.ui.main_window import MainWindow
    from meeting_recorder.ui.settings import AppSettings

    settings = AppSettings()
    translators = install_translators(app, ui_locale(settings.ui_language))
    # Shown in window titles and the desktop's task list, so in the user's language.
    app.setApplicationDisplayName(QCoreApplication.translate("MainWindow", "Meeting Recorder"))
    window = MainWindow(settings)
    preloader = Preloader(settings.speakers_enabled, settings.keep_models_loaded)
    stamp = os.environ.get(STARTUP_STAMP_ENV)
    if stamp:
        window.first_shown.connect(lambda: write_startup_stamp(stamp))
    if os.environ.get(PRELOAD_ENV, "1") != "0":
        window.first_shown.connect(lambda: QTimer.singleShot(PRELOAD_DELAY_MS, preloader.start))
    # app.quit() (e.g. from the session manager) does not close windows: finalize a running
    # recording, stop every worker and release the models on the way out whatever ended the loop.
    app.aboutToQuit.connect(window.shutdown)
    if server is not None:

        def on_later_launch(paths: list[str]) -> None:  # raise this window and take the files
            present(window)
            open_in_window(window, paths)

        server.requested.connect(on_later_launch)
        app.aboutToQuit.connect(server.close)  # a launch from now on starts a new window
    window.show()
    if files:
        QTimer.singleShot(0, lambda: open_in_window(window, files))
    # Ctrl+C / SIGTERM in the terminal: close the window (which finalizes a recording). Python
    # runs signal handlers only between bytecodes, so a timer wakes it up now and then.
    handlers = {sig: signal.signal(sig, lambda *_: window.close_for_signal()) for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer(interval=250, timeout=lambda: None)
    wake.start()
    try:
        return app.exec()
    finally:
        wake.stop()
        for sig, previous in handlers.items():
            signal.signal(sig, previous)
        window.shutdown()
        preloader.requestInterruption()
        preloader.wait()
        from meeting_recorder.core.worker.client import shutdown_shared

        shutdown_shared()  # kept models (and any job still cancelling there) end with the window
        remove_translators(app, translators)
