"""Transcribe one file in the real window and save a screenshot of it (for the docs).

Run it under a real X server, e.g. Xvfb:

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshot_window.py --lang ko --out /tmp/window-ko.png

The picture is read back from the X server (QScreen.grabWindow), so it shows what a user
would see, fonts and all, not an offscreen rendering.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from meeting_recorder.ui.app import LANG_ENV, install_translators
from meeting_recorder.ui.main_window import MainWindow, State

REPO = Path(__file__).resolve().parents[1]
DEFAULT_AUDIO = REPO.parent / "shared" / "data" / "jfk.flac"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("audio", nargs="?", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot-minimal-window.png")
    parser.add_argument("--lang", choices=["en", "ko"], default="en")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the transcript")
    args = parser.parse_args()

    os.environ[LANG_ENV] = args.lang
    app = QApplication(sys.argv[:1])
    translators = install_translators(app)
    window = MainWindow()
    window.model_combo.setCurrentIndex(window.model_combo.findData(args.model))
    window.resize(960, 640)
    window.move(0, 0)
    window.show()
    result = {"code": 1}

    def grab() -> None:
        window.raise_()
        pixmap = window.screen().grabWindow(window.winId())
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result["code"] = 0 if pixmap.save(str(args.out)) else 1
        print(f"{args.out}: {pixmap.width()}x{pixmap.height()}, {window.status_label.text()}")
        app.quit()

    def poll() -> None:
        if window.state in (State.DONE, State.CANCELLED):
            poller.stop()
            QTimer.singleShot(700, grab)  # let the last repaint reach the X server

    poller = QTimer(interval=200, timeout=poll)
    poller.start()
    QTimer.singleShot(int(args.timeout * 1000), app.quit)
    QTimer.singleShot(500, lambda: window.add_files([str(args.audio)]))
    try:
        app.exec()
    finally:
        window.shutdown()
        del translators
    return result["code"]


if __name__ == "__main__":
    raise SystemExit(main())
