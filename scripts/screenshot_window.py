"""Screenshots of the main views of the real window (for the README), one PNG per view.

Run it under a real X server, e.g. Xvfb (it takes a few minutes: real models, real audio):

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \\
        nice -n 19 .venv/bin/python scripts/screenshot_window.py [--lang ko] [--out-dir docs]

What it does, in a throw-away MEETING_RECORDER_HOME (settings, recordings, speakers):
enrolls two synthetic voices as "Alice" and "Bob" (Speakers), records a synthetic
two-voice conversation played as if live (Record), transcribes jfk.flac and a three-voice
conversation (Files), opens that conversation's transcript (Transcript), and shows the
resource dashboard (Resources). Each picture is read back from the X server
(QScreen.grabWindow), so it shows what a user sees, fonts and all. Files are named
``screenshot-<view>[-ko].png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_AUDIO = REPO.parent / "shared" / "data" / "jfk.flac"

Check = Callable[[], bool]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO, help="a speech file for the Files view")
    parser.add_argument("--out-dir", type=Path, default=REPO / "docs")
    parser.add_argument("--lang", choices=["en", "ko"], default="en")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed for each step")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="mr-screens-"))
    os.environ["MEETING_RECORDER_HOME"] = str(home)  # before the app reads any folder
    os.environ["MEETING_RECORDER_LANG"] = args.lang
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from meeting_recorder.ui.app import configure_application, install_translators
    from meeting_recorder.ui.main_window import MainWindow
    from meeting_recorder.ui.settings import AppSettings
    from tests.conversations import make_conversation, voice_sample

    media = home / "media"
    media.mkdir()
    print("making the synthetic voices…", flush=True)
    samples = {name: voice_sample(media / f"{name}.wav", voice) for name, voice in (("Alice", "A"), ("Bob", "B"))}
    live = make_conversation(media / "standup.wav", "AB", 40, seed=3).path
    meeting = make_conversation(media / "planning-meeting.wav", "ABC", 45, seed=7).path

    app = QApplication(sys.argv[:1])
    configure_application(app)
    translators = install_translators(app)
    settings = AppSettings()
    settings.model, settings.speakers_enabled = "tiny.en", True
    window = MainWindow(settings)
    window.resize(1180, 740)
    window.move(0, 0)
    window.show()
    suffix = "" if args.lang == "en" else f"-{args.lang}"
    result = {"code": 1}

    def grab(view: str) -> None:
        window.show_view(view)
        window.raise_()
        app.processEvents()
        pixmap = window.screen().grabWindow(window.winId())
        target = args.out_dir / f"screenshot-{view}{suffix}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not pixmap.save(str(target)):
            raise RuntimeError(f"could not write {target}")
        print(f"{target}: {pixmap.width()}x{pixmap.height()} — {window.status_text()}", flush=True)

    def tour() -> Iterator[Check]:
        """Each yield waits until its check is true (or the step times out)."""
        speakers, record, files, editor = window.speakers_view, window.record_view, window.files_view, window.editor
        yield lambda: window.isVisible()
        for name, sample in samples.items():
            speakers.enroll_file(name, sample, replace=True)
            yield lambda: not speakers.is_busy()
        record.source_file, record.source_speed = str(live), 1.0
        window.show_view("record")
        record.start_recording()
        yield lambda: record.model.rowCount() >= 5
        yield from pause(800)
        grab("record")
        record.stop_recording(wait=False)
        yield lambda: not record.is_recording()
        window.add_files([str(args.audio), str(meeting)])
        yield lambda: [state for _, state in files.job_states()] == ["done", "done"]
        yield from pause(800)
        grab("files")
        files.open_result(1)
        yield lambda: editor.path is not None and editor.path.name.startswith("planning-meeting")
        editor.table.selectRow(2)
        yield from pause(800)
        grab("transcript")
        window.show_view("speakers")
        yield from pause(800)
        grab("speakers")
        window.show_view("resources")
        yield from pause(2500)  # a few more points on the memory plot
        grab("resources")
        result["code"] = 0

    def pause(ms: int) -> Iterator[Check]:
        done: list[bool] = []
        QTimer.singleShot(ms, lambda: done.append(True))
        yield lambda: bool(done)

    steps = tour()
    state: dict[str, Check | None] = {"check": None, "left": 0}

    def poll() -> None:
        check = state["check"]
        try:
            if check is None or check():
                state["check"], state["left"] = next(steps), int(args.timeout * 5)
            elif (left := state["left"] - 1) <= 0:
                print(f"a step timed out after {args.timeout:.0f} s; status: {window.status_text()}", flush=True)
                app.quit()
            else:
                state["left"] = left
        except StopIteration:
            app.quit()
        except Exception as error:  # noqa: BLE001 — say what failed, then leave cleanly
            print(f"failed: {error!r}", flush=True)
            app.quit()

    poller = QTimer(interval=200, timeout=poll)
    poller.start()
    try:
        app.exec()
    finally:
        poller.stop()
        window.close_for_signal()
        del translators
        shutil.rmtree(home, ignore_errors=True)  # the throw-away home: settings, recordings, media
    return result["code"]


if __name__ == "__main__":
    raise SystemExit(main())
