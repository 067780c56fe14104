"""Who the app is to the desktop: one application id for the .desktop launcher, the
AppStream metainfo, the window's desktop file name, the tray and the single-instance
socket; the icon files ship in ``meeting_recorder/resources``."""

from pathlib import Path

APP_ID = "io.github.meetingrecorder.MeetingRecorder"  # reverse-DNS, as XDG and AppStream want
APP_DISPLAY_NAME = "Meeting Recorder"
EXECUTABLE = "meeting-recorder"  # the console script (pyproject.toml) a launcher runs
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
