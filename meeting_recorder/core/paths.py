"""User folders (platformdirs), overridable for tests and portable installs."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "meeting-recorder"
HOME_ENV = "MEETING_RECORDER_HOME"


def _base_override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def user_cache_dir() -> Path:
    base = _base_override()
    return base / "cache" if base else Path(platformdirs.user_cache_dir(APP_NAME))


def user_data_dir() -> Path:
    base = _base_override()
    return base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME))


def recordings_dir() -> Path:
    """Where live recordings go by default (Documents/Meeting Recordings)."""
    base = _base_override()
    if base:
        return base / "recordings"
    return Path(platformdirs.user_documents_dir()) / "Meeting Recordings"
