"""The real window on a real X server (Xvfb, Qt's xcb platform), as a user's desktop shows it.

The other UI tests use Qt's offscreen platform. This one starts a private Xvfb, launches
the app through its console entry point in a child process, reads the shown window back
from the X server (what a screenshot shows) and quits; Xvfb is stopped afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from tests.needs import skip_or_fail

XVFB_START_SECONDS = 20
CHILD_SECONDS = 120

CHILD_CODE = textwrap.dedent(
    """
    import json, os, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication
    from meeting_recorder.cli import main
    from meeting_recorder.ui.main_window import MainWindow

    out = sys.argv[1]
    seen = {}
    application = QApplication(sys.argv[:1])  # first: the timer below needs its event loop

    def shoot():
        app = QApplication.instance()
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows or not windows[0].windowHandle().isExposed():
            return
        window = windows[0]
        picture = app.primaryScreen().grabWindow(window.winId())  # read back from the X server
        picture.save(out)
        image = picture.toImage().convertToFormat(QImage.Format.Format_RGB32)
        step = max(1, image.width() // 64)
        colours = {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
        seen.update(platform=app.platformName(), title=window.windowTitle(), colours=len(colours),
                    picture=[picture.width(), picture.height()], window=[window.width(), window.height()])
        window.close()

    timer = QTimer(interval=200, timeout=shoot)
    timer.start()
    code = main([])  # the console script's path: no arguments opens the window
    print(json.dumps({"code": code, **seen}))
    """
)


@pytest.fixture
def xvfb_display(tmp_path):
    """A private Xvfb; yields its DISPLAY (":N") and stops it afterwards."""
    if shutil.which("Xvfb") is None:
        skip_or_fail("Xvfb is not installed (make test installs the xvfb package)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=open(tmp_path / "xvfb.log", "wb"),
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:  # Xvfb writes the display number once it is ready
            number = pipe.readline().strip()
        if not number:
            pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text(errors='replace')[-500:]}")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(XVFB_START_SECONDS)
    assert server.returncode is not None


def test_main_window_on_a_real_x_server(xvfb_display, tmp_path):
    picture = tmp_path / "window.png"
    env = {
        **os.environ,
        "DISPLAY": xvfb_display,
        "QT_QPA_PLATFORM": "xcb",
        "MEETING_RECORDER_HOME": str(tmp_path / "home"),
        "MEETING_RECORDER_LANG": "en",
        "MEETING_RECORDER_PRELOAD": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD_CODE, str(picture)],
        env=env, capture_output=True, text=True, timeout=CHILD_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0 and seen["platform"] == "xcb"
    assert seen["title"].startswith("Meeting Recorder")
    assert seen["picture"] == seen["window"] and seen["window"][0] >= 640
    assert seen["colours"] > 8, "the window read back from the X server is blank"
    assert picture.stat().st_size > 5000
