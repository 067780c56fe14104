"""Files and folders only their owner can read: recordings, journals, transcripts, speaker
profiles and settings hold people's voices and words. Everything the app creates is 0600
in 0700 folders, set at creation (no window in which another account could open it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing folder is left as
    the user made it (it may be shared on purpose)."""
    missing = []
    current = Path(path)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    return Path(path)


def create_private(path: Path, *, exclusive: bool = True) -> int:
    """A new file at ``path``, mode 0600 from its first moment; returns the open descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # the umask may have removed bits, never added any
    return descriptor


def open_private(path: Path, mode: str = "a", encoding: str | None = "utf-8", newline: str | None = None):
    """``open(path, mode)`` for text or bytes, creating the file 0600 if it is new."""
    flags = {"a": os.O_WRONLY | os.O_CREAT | os.O_APPEND, "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC}[mode[0]]
    descriptor = os.open(path, flags, FILE_MODE)
    if "b" in mode:
        return os.fdopen(descriptor, mode)
    return os.fdopen(descriptor, mode, encoding=encoding, newline=newline)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a temp file in the same folder, fsynced,
    renamed): a crash leaves the old file or the new one, never half of one."""
    descriptor, temp = tempfile.mkstemp(prefix=f".{Path(path).name}.", suffix=".tmp", dir=Path(path).parent)
    try:
        os.fchmod(descriptor, FILE_MODE)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
