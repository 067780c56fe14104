"""User folders (platformdirs), overridable for tests and portable installs.

Each folder is created 0700 the first time it is asked for (``private_dir``): recordings,
transcripts, speaker profiles and the models' cache belong to one account. A folder that
already exists is left as its owner made it. Creating one can fail (a read-only home); the
path is returned anyway and whoever writes there reports the error.
"""

import os
from pathlib import Path

import platformdirs

from meeting_recorder.core.private_files import private_dir

APP_NAME = "meeting-recorder"
HOME_ENV = "MEETING_RECORDER_HOME"


def _base_override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def _private(path: Path, shared_parents: bool = False) -> Path:
    """``path`` created 0700 if missing; with ``shared_parents`` its missing parents (such as
    Documents) get the usual mode, as the user's own folders would."""
    try:
        if shared_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        private_dir(path)
    except OSError:
        pass
    return path


def user_cache_dir() -> Path:
    base = _base_override()
    return _private(base / "cache" if base else Path(platformdirs.user_cache_dir(APP_NAME)))


def user_data_dir() -> Path:
    base = _base_override()
    return _private(base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME)))


def recordings_dir() -> Path:
    """Where live recordings go by default (Documents/Meeting Recordings)."""
    base = _base_override()
    if base:
        return _private(base / "recordings")
    return _private(Path(platformdirs.user_documents_dir()) / "Meeting Recordings", shared_parents=True)


def library_path() -> Path:
    """The meeting library's database (``core.library``)."""
    return user_data_dir() / "library.sqlite3"
