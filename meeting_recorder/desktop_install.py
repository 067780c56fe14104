"""Put the app into the desktop's menu (XDG): launcher, hicolor icons, AppStream metainfo.

``install()`` writes into ``$XDG_DATA_HOME`` (``~/.local/share``)::

    applications/<APP_ID>.desktop          the launcher; MimeType= gives "Open with"
    icons/hicolor/<N>x<N>/apps/<APP_ID>.png, icons/hicolor/scalable/apps/<APP_ID>.svg
    metainfo/<APP_ID>.metainfo.xml         software centres read it
    <APP_ID>/desktop-install.json          the manifest ``uninstall()`` reads

``uninstall()`` removes exactly those files, the folders ``install()`` created and the
desktop caches ``install()`` created; caches that existed before are refreshed instead.
No Qt here: the CLI calls it before any window exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from meeting_recorder.identity import APP_DISPLAY_NAME, APP_ID, EXECUTABLE, RESOURCES_DIR

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)  # the hicolor sizes desktops look up
# What the Files queue opens (PyAV/FFmpeg decodes them); canonical names and the aliases
# file managers still report, so "Open with" appears whichever one a system uses.
MIME_TYPES = (
    "audio/x-wav", "audio/wav", "audio/vnd.wave", "audio/mpeg", "audio/flac", "audio/x-flac",
    "audio/ogg", "audio/x-vorbis+ogg", "audio/x-opus+ogg", "audio/opus", "audio/mp4",
    "audio/x-m4a", "audio/aac", "audio/x-aac", "audio/webm", "audio/x-ms-wma",
    "audio/x-matroska", "audio/x-aiff",
    "video/mp4", "video/webm", "video/x-matroska", "video/quicktime", "video/x-msvideo",
    "video/x-ms-wmv", "video/ogg", "video/mpeg", "video/3gpp",
)
# Where the published project and its screenshots (docs/) would live, from the id.
PROJECT_URL = "https://github.com/meetingrecorder/MeetingRecorder"
SCREENSHOTS_URL = "https://raw.githubusercontent.com/meetingrecorder/MeetingRecorder/main/docs"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
MANIFEST_NAME = "desktop-install.json"
EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")  # desktop entry spec: these need quoting


@dataclass(frozen=True)
class Cache:
    """A desktop cache and the tool that rebuilds it from the files in ``folder``."""

    folder: str  # relative to data_home
    file: str
    command: tuple[str, ...]  # the folder's absolute path is appended
    create: bool  # False: only refresh a cache that is already there

    def tool(self) -> str | None:
        return shutil.which(self.command[0])


# The MIME database is not touched: the app adds no MIME types, it only opens known ones.
CACHES = (
    # What xdg-desktop-menu does too: some "Open with" lists read only this cache.
    Cache("applications", "mimeinfo.cache", ("update-desktop-database", "-q"), create=True),
    # A user's hicolor folder has no index.theme and normally no cache (GTK then reads the
    # folders, which is what we want); a cache that exists must not go stale, though.
    Cache("icons/hicolor", "icon-theme.cache",
          ("gtk-update-icon-cache", "-q", "-f", "-t", "--ignore-theme-index"), create=False),
)


def default_data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def default_exec_path() -> str:
    """The program the launcher runs: the frozen bundle itself, the console script next to
    this Python (a venv's bin/), or the one on PATH."""
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).resolve())
    beside = Path(sys.executable).parent / EXECUTABLE
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside.absolute())  # not resolve(): a venv's python is a symlink
    found = shutil.which(EXECUTABLE)
    if found:
        return str(Path(found).absolute())
    raise FileNotFoundError(f"{EXECUTABLE} not found beside {sys.executable} or on PATH")


def exec_argument(value: str) -> str:
    """One Exec= argument, quoted and escaped as the desktop entry spec says."""
    value = value.replace("%", "%%")
    if EXEC_RESERVED.intersection(value):
        inner = "".join("\\" + c if c in '"`$\\' else c for c in value)
        value = f'"{inner}"'
    return value.replace("\\", "\\\\")  # then the general string escape of the file format


def app_version() -> str:
    try:
        return metadata.version("meeting-recorder")
    except metadata.PackageNotFoundError:
        return "0"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every @KEY@ of the template; one without a value is a bug here."""
    unfilled = set(PLACEHOLDER.findall(template)) - set(values)
    if unfilled:
        raise ValueError(f"no value for {sorted(unfilled)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def desktop_entry(exec_path: str) -> str:
    template = (RESOURCES_DIR / "launcher.desktop.in").read_text(encoding="utf-8")
    return fill(template, {
        "NAME": APP_DISPLAY_NAME, "APP_ID": APP_ID, "EXEC": exec_argument(exec_path),
        "TRY_EXEC": exec_path.replace("\\", "\\\\"), "STARTUP_WM_CLASS": EXECUTABLE,
        "MIME_TYPES": "".join(f"{mime};" for mime in MIME_TYPES),
    })


def metainfo() -> str:
    template = (RESOURCES_DIR / "metainfo.xml.in").read_text(encoding="utf-8")
    return fill(template, {
        "NAME": APP_DISPLAY_NAME, "APP_ID": APP_ID, "EXECUTABLE": EXECUTABLE,
        "PROJECT_URL": PROJECT_URL, "SCREENSHOTS_URL": SCREENSHOTS_URL,
        "VERSION": app_version(),
    })


def planned_files(exec_path: str) -> dict[str, bytes]:
    """Relative path under data_home -> content, for everything ``install()`` writes."""
    files = {
        f"applications/{APP_ID}.desktop": desktop_entry(exec_path).encode("utf-8"),
        f"metainfo/{APP_ID}.metainfo.xml": metainfo().encode("utf-8"),
        f"icons/hicolor/scalable/apps/{APP_ID}.svg": (RESOURCES_DIR / "icon.svg").read_bytes(),
    }
    for size in ICON_SIZES:
        png = (RESOURCES_DIR / f"icon-{size}.png").read_bytes()
        files[f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"] = png
    return files


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def make_folders(folder: Path, created: list[str], data_home: Path) -> None:
    """mkdir -p that records the folders it made (relative to data_home, parents first),
    data_home itself included when it did not exist yet."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir()
        created.append(Path(os.path.relpath(made, data_home)).as_posix())


def manifest_path(data_home: Path) -> Path:
    return data_home / APP_ID / MANIFEST_NAME


def read_manifest(data_home: Path) -> dict:
    try:
        return json.loads(manifest_path(data_home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def refresh_caches(data_home: Path, only_existing: bool) -> None:
    """Run the cache tools that are installed; never fail because one is missing or fails."""
    for cache in CACHES:
        folder = data_home / cache.folder
        tool = cache.tool()
        if tool is None or not folder.is_dir():
            continue
        if (only_existing or not cache.create) and not (folder / cache.file).exists():
            continue
        try:
            subprocess.run([tool, *cache.command[1:], str(folder)], check=False, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            pass  # a stale cache only delays the menu entry; the files are in place


def install(data_home: Path | None = None, exec_path: str | None = None) -> list[Path]:
    """Install the launcher, icons and metainfo; return the files written.

    Installing again replaces the files (a moved venv gets the new Exec= path) and keeps
    the first manifest's record of which folders and caches existed before.
    """
    data_home = Path(data_home) if data_home else default_data_home()
    exec_path = exec_path or default_exec_path()
    previous = read_manifest(data_home)
    created: list[str] = list(previous.get("created_folders", []))
    caches_before = previous.get("caches_before")
    if caches_before is None:
        caches_before = [c.folder + "/" + c.file for c in CACHES
                         if (data_home / c.folder / c.file).exists()]
    written: list[Path] = []
    for relative, data in planned_files(exec_path).items():
        target = data_home / relative
        make_folders(target.parent, created, data_home)
        write_atomic(target, data)
        written.append(target)
    refresh_caches(data_home, only_existing=False)
    manifest = manifest_path(data_home)
    make_folders(manifest.parent, created, data_home)
    record = {"files": [p.relative_to(data_home).as_posix() for p in written],
              "created_folders": created, "caches_before": caches_before,
              "exec": exec_path}
    write_atomic(manifest, json.dumps(record, indent=1).encode("utf-8"))
    return [*written, manifest]


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what ``install()`` wrote; return the files removed. Safe to run twice."""
    data_home = Path(data_home) if data_home else default_data_home()
    record = read_manifest(data_home)
    # Without a manifest (never installed, or it was deleted) remove only our own files.
    relatives = record.get("files") or list(planned_files("/").keys())
    removed: list[Path] = []
    for relative in relatives:
        path = data_home / relative
        if path.is_file():
            path.unlink()
            removed.append(path)
    if manifest_path(data_home).is_file():
        manifest_path(data_home).unlink()
        removed.append(manifest_path(data_home))
    caches_before = set(record.get("caches_before", [c.folder + "/" + c.file for c in CACHES]))
    for cache in CACHES:  # a cache install() created goes; one that was there is refreshed
        cache_file = data_home / cache.folder / cache.file
        if f"{cache.folder}/{cache.file}" not in caches_before and cache_file.is_file():
            cache_file.unlink()
            removed.append(cache_file)
    refresh_caches(data_home, only_existing=True)
    for relative in reversed(record.get("created_folders", [])):  # children first
        folder = Path(os.path.normpath(data_home / relative))
        try:
            folder.rmdir()  # only if empty: something else may have moved in since
        except OSError:
            pass
    return removed


def exec_line(desktop_text: str) -> list[str]:
    """The Exec= command of a desktop entry as argv, unquoted as the spec says (the inverse
    of ``exec_argument``; for tests and diagnostics)."""
    line = next((ln for ln in desktop_text.splitlines() if ln.startswith("Exec=")), "")
    value = unescape_string(line[len("Exec="):])
    argv: list[str] = []
    word: list[str] | None = None  # None between arguments
    quoted = False
    chars = iter(value)
    for char in chars:
        if char == '"':
            quoted = not quoted
            word = [] if word is None else word
            continue
        if quoted and char == "\\":
            char = next(chars, "")  # one of " ` $ \\ taken literally
        elif not quoted and char == " ":
            if word is not None:
                argv.append("".join(word))
            word = None
            continue
        word = [] if word is None else word
        word.append(char)
    if word is not None:
        argv.append("".join(word))
    return [arg.replace("%%", "%") for arg in argv]


def unescape_string(value: str) -> str:
    """The desktop file format's string escapes: \\s \\n \\t \\r \\\\."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    out, chars = [], iter(value)
    for char in chars:
        out.append(escapes.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)
