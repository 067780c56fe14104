"""Files and folders only their owner can read: recordings, journals, transcripts, speaker
profiles and settings hold people's voices and words. Everything the app creates is 0600
in 0700 folders, set at creation (no window in which another account could open it).

Replacing a file is atomic (``atomic_write``): the new content goes to a temp file in the
same folder, is fsynced and renamed over the old one, so a crash or a kill -9 at any moment
leaves the old file or the new one, never half of one. The temp file's name carries the
writer's process id, so ``remove_stale_temps`` can tell a temp file left by a killed
process (removed) from one another process is writing right now (kept).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"
CORRUPT_SUFFIX = ".corrupt"


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


def _temp_prefix(name: str, pid: int | None = None) -> str:
    return f".{name}.{os.getpid() if pid is None else pid}."


def _kept_mode(path: Path) -> int:
    """0600 for a new file; an existing file keeps the mode its owner gave it."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return FILE_MODE


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a temp file in the same folder, fsynced,
    renamed): a crash leaves the old file or the new one, never half of one."""
    path = Path(path)
    descriptor, temp = tempfile.mkstemp(prefix=_temp_prefix(path.name), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(descriptor, _kept_mode(path))  # mkstemp made it 0600: never wider than the final file
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (a kill -9 needs nothing: the kernel
    has it). Not every system can open a folder; the rename is done either way."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process: alive
        return True
    return True


def temp_owner(path: Path) -> tuple[str, int] | None:
    """(target name, writer's pid) of an ``atomic_write`` temp file, else None."""
    name = Path(path).name
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
        return None
    parts = name[1 : -len(TEMP_SUFFIX)].rsplit(".", 2)  # target may hold dots; pid and random part do not
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def remove_stale_temps(folder: Path, stem: str | None = None) -> list[Path]:
    """Delete the temp files in ``folder`` left by writers that no longer run (killed in
    the middle of an ``atomic_write``); only those for ``stem.*`` targets if given. A temp
    file of a live process is its write in progress and is kept."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).glob(f".*{TEMP_SUFFIX}"):
        owner = temp_owner(path)
        if owner is None or (stem is not None and not owner[0].startswith(f"{stem}.")):
            continue
        if owner[1] == os.getpid() or _pid_alive(owner[1]):
            continue
        try:
            path.unlink()
        except FileNotFoundError:  # another recovery got there first
            continue
        removed.append(path)
    return removed


def set_aside(path: Path, suffix: str = CORRUPT_SUFFIX) -> Path:
    """Rename ``path`` to ``path<suffix>`` (``-2``, ``-3``… if taken) without ever replacing
    a file, and return the new name: a file the app cannot use is kept for its owner."""
    path = Path(path)
    for number in range(1, 1000):
        target = path.with_name(f"{path.name}{suffix}" + (f"-{number}" if number > 1 else ""))
        try:
            os.link(path, target)  # fails if target exists: no check-then-rename race
        except FileExistsError:
            continue
        except FileNotFoundError:  # gone: another process set it aside first
            raise
        except OSError:  # no hard links here (FAT, some network folders)
            if target.exists():
                continue
            os.rename(path, target)
            return target
        os.unlink(path)
        return target
    raise FileExistsError(f"{path}: too many files set aside already")
