"""Application start-up: QApplication, translations, the main window, the event loop.

Nothing heavy is imported here: the Whisper engine is imported by the worker thread when
the first file is transcribed, so the window appears in about a second.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

LANG_ENV = "MEETING_RECORDER_LANG"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
APP_NAME = "Meeting Recorder"


def ui_locale() -> QLocale:
    """MEETING_RECORDER_LANG=ko|en wins; otherwise the system's locale."""
    override = os.environ.get(LANG_ENV, "").strip()
    return QLocale(override) if override else QLocale.system()


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


def run_app(argv: Sequence[str] | None = None) -> int:
    """Open the main window and run the Qt event loop; returns the exit code."""
    from meeting_recorder.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    translators = install_translators(app)
    window = MainWindow()
    # app.quit() (e.g. from the session manager) does not close windows: stop the worker
    # thread and release the model on the way out whatever ended the loop.
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    # Ctrl+C in the terminal: Python runs signal handlers only between Python bytecodes, so
    # a timer wakes the interpreter up now and then while Qt's loop waits for events.
    previous = signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer(interval=250, timeout=lambda: None)
    wake.start()
    try:
        return app.exec()
    finally:
        wake.stop()
        signal.signal(signal.SIGINT, previous)
        window.shutdown()
        remove_translators(app, translators)
