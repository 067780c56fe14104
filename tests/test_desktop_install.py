"""The desktop launcher, icons and metainfo: valid for the desktop's own validators,
installed into a temporary XDG_DATA_HOME and removed again without a trace."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from meeting_recorder import desktop_install
from meeting_recorder.desktop_install import ICON_SIZES, MIME_TYPES, exec_line, install, uninstall
from meeting_recorder.identity import APP_DISPLAY_NAME, APP_ID, EXECUTABLE, RESOURCES_DIR
from tests.needs import needs

ROOT = Path(__file__).resolve().parent.parent
KO_TS = ROOT / "meeting_recorder" / "ui" / "translations" / "meeting_recorder_ko.ts"
SHARED_MIME_TYPES = Path("/usr/share/mime/types")
SHARED_MIME_ALIASES = Path("/usr/share/mime/aliases")
needs_desktop_file_validate = needs(shutil.which("desktop-file-validate") is None,
                                    "desktop-file-validate (Debian: desktop-file-utils)")
needs_appstreamcli = needs(shutil.which("appstreamcli") is None,
                           "appstreamcli (Debian: appstream)")


def desktop_path(data_home: Path) -> Path:
    return data_home / "applications" / f"{APP_ID}.desktop"


def metainfo_path(data_home: Path) -> Path:
    return data_home / "metainfo" / f"{APP_ID}.metainfo.xml"


def desktop_keys(data_home: Path) -> dict[str, str]:
    lines = desktop_path(data_home).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``folder``."""
    tree: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        tree[key] = path.read_bytes() if path.is_file() else None
    return tree


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """A temporary XDG_DATA_HOME that already holds someone else's launcher."""
    home = tmp_path / "share"
    (home / "applications").mkdir(parents=True)
    (home / "applications" / "org.example.Other.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Other\nExec=true\n", encoding="utf-8")
    (home / "icons" / "hicolor").mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@needs_desktop_file_validate
def test_desktop_file_validates(data_home):
    install(exec_path="/opt/Meeting Recorder/meeting-recorder")  # a space: Exec= quoting
    result = subprocess.run(["desktop-file-validate", str(desktop_path(data_home))],
                            capture_output=True, text=True, timeout=30)
    print(result.stdout, result.stderr)
    assert result.returncode == 0
    assert "error" not in result.stdout + result.stderr


@needs_appstreamcli
def test_metainfo_validates(data_home):
    install()
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain",
                             str(metainfo_path(data_home))],
                            capture_output=True, text=True, timeout=60)
    print(result.stdout, result.stderr)
    assert result.returncode == 0
    assert "Validation was successful" in result.stdout


def test_metainfo_names_the_app_and_its_screenshots(data_home):
    install()
    root = ElementTree.parse(metainfo_path(data_home)).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    names = {name.get(lang): name.text for name in root.findall("name")}
    assert names == {None: APP_DISPLAY_NAME, "ko": korean_app_name()}
    assert {s.get(lang) for s in root.findall("summary")} == {None, "ko"}
    images = [image.text for image in root.iter("image")]
    assert images and all(url.startswith("https://") for url in images)
    for url in images:  # each screenshot URL points at a picture the repository has
        assert (ROOT / "docs" / url.rsplit("/", 1)[1]).is_file(), url


def test_install_then_uninstall_leaves_nothing_behind(data_home):
    before = snapshot(data_home)
    written = install()
    assert all(path.is_file() and data_home in path.parents for path in written)
    assert desktop_path(data_home) in written and metainfo_path(data_home) in written
    if shutil.which("update-desktop-database"):  # the MIME cache names the launcher
        cache = (data_home / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
        assert f"audio/x-wav={APP_ID}.desktop;" in cache
        assert f"video/mp4={APP_ID}.desktop;" in cache
    removed = uninstall()
    assert set(written) <= set(removed)
    assert snapshot(data_home) == before
    assert uninstall() == []  # twice is harmless


def test_reinstall_then_uninstall_leaves_nothing_behind(data_home):
    before = snapshot(data_home)
    install(exec_path="/old/venv/bin/meeting-recorder")
    install(exec_path="/new/venv/bin/meeting-recorder")  # a moved venv: the new path wins
    assert exec_line(desktop_path(data_home).read_text(encoding="utf-8"))[0] == \
        "/new/venv/bin/meeting-recorder"
    uninstall()
    assert snapshot(data_home) == before


def test_install_into_a_missing_folder_removes_it_again(tmp_path):
    home = tmp_path / "new" / "share"
    install(home, exec_path="/usr/bin/meeting-recorder")
    assert desktop_path(home).is_file()
    uninstall(home)
    assert list(tmp_path.iterdir()) == []


def test_existing_caches_are_kept_and_other_files_untouched(data_home):
    """A cache that was there before install() stays (refreshed), a file that moved into
    one of our folders meanwhile keeps that folder."""
    (data_home / "applications" / "mimeinfo.cache").write_text("[MIME Cache]\n")
    install(exec_path="/usr/bin/meeting-recorder")
    stranger = data_home / "metainfo" / "org.example.Other.metainfo.xml"
    stranger.write_text("<component/>")
    uninstall()
    assert (data_home / "applications" / "mimeinfo.cache").is_file()
    assert stranger.is_file()
    assert not desktop_path(data_home).exists() and not metainfo_path(data_home).exists()
    assert not (data_home / "icons" / "hicolor" / "16x16").exists()


def test_exec_runs_the_installed_executable_with_files(data_home):
    install()  # the default: the console script of the Python running this
    keys = desktop_keys(data_home)
    argv = exec_line(desktop_path(data_home).read_text(encoding="utf-8"))
    expected = Path(sys.executable).parent / EXECUTABLE
    assert argv == [str(expected.absolute()), "%F"]
    assert keys["TryExec"] == argv[0]
    assert os.access(argv[0], os.X_OK)
    result = subprocess.run([argv[0], "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert EXECUTABLE in result.stdout


@pytest.mark.parametrize("path", ["/opt/Meeting Recorder/meeting-recorder",
                                  '/tmp/odd "quote" $HOME 100%/meeting-recorder',
                                  "/tmp/back\\slash/meeting-recorder"])
def test_exec_line_round_trips_odd_paths(data_home, path):
    install(exec_path=path)
    assert exec_line(desktop_path(data_home).read_text(encoding="utf-8")) == [path, "%F"]


def test_launcher_lists_audio_and_video_types(data_home):
    install(exec_path="/usr/bin/meeting-recorder")
    listed = desktop_keys(data_home)["MimeType"].rstrip(";").split(";")
    assert listed == list(MIME_TYPES)
    for mime in ("audio/x-wav", "audio/wav", "audio/mpeg", "audio/flac", "audio/ogg",
                 "audio/mp4", "audio/x-m4a", "audio/webm", "audio/aac", "video/mp4",
                 "video/webm", "video/x-matroska", "video/quicktime"):
        assert mime in listed
    assert all(mime.split("/")[0] in ("audio", "video") for mime in listed)


@needs(not SHARED_MIME_TYPES.is_file(), "shared-mime-info database (/usr/share/mime)")
def test_every_listed_type_is_known_to_shared_mime_info():
    known = set(SHARED_MIME_TYPES.read_text().split())
    known |= {line.split()[0] for line in SHARED_MIME_ALIASES.read_text().splitlines() if line}
    known.add("audio/opus")  # the IANA name; shared-mime-info says audio/x-opus+ogg
    assert set(MIME_TYPES) <= known, set(MIME_TYPES) - known


def korean_app_name() -> str:
    for message in ElementTree.parse(KO_TS).getroot().iter("message"):
        if message.findtext("source") == APP_DISPLAY_NAME:
            return message.findtext("translation")
    raise AssertionError(f"no Korean translation of {APP_DISPLAY_NAME!r} in {KO_TS}")


def test_launcher_is_korean_too(data_home):
    install(exec_path="/usr/bin/meeting-recorder")
    keys = desktop_keys(data_home)
    assert keys["Name"] == APP_DISPLAY_NAME
    assert keys["Name[ko]"] == korean_app_name() == "회의 녹음기"
    for key in ("Comment[ko]", "GenericName[ko]", "Keywords[ko]"):
        assert keys[key] and all("\uac00" <= c <= "\ud7a3" for c in keys[key] if c.isalpha())
    assert keys["Icon"] == APP_ID


def test_icons_have_the_sizes_desktops_look_up(data_home):
    install(exec_path="/usr/bin/meeting-recorder")
    for size in ICON_SIZES:
        bundled = RESOURCES_DIR / f"icon-{size}.png"
        installed = data_home / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert png_size(bundled) == png_size(installed) == (size, size)
        assert installed.read_bytes() == bundled.read_bytes()
    svg = data_home / f"icons/hicolor/scalable/apps/{APP_ID}.svg"
    assert ElementTree.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_app_icon_offers_every_size(qapp):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from meeting_recorder.ui.app_icon import app_icon

    icon = app_icon()
    assert isinstance(icon, QIcon) and not icon.isNull()
    available = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(size, size) for size in ICON_SIZES} <= available
    for size in (16, 20, 48, 512):  # exact PNGs, a scaled one, the SVG rendering
        pixmap = icon.pixmap(QSize(size, size))
        assert pixmap.width() == size
        image = pixmap.toImage()
        assert image.pixelColor(0, 0).alpha() == 0  # the rounded corner is transparent
        assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_templates_have_no_unfilled_placeholders():
    with pytest.raises(ValueError, match="MISSING"):
        desktop_install.fill("a @MISSING@ b", {})
    assert "@" not in desktop_install.desktop_entry("/usr/bin/meeting-recorder")
    assert "@" not in desktop_install.metainfo()


@needs(shutil.which("gio") is None, "gio (Debian: libglib2.0-bin)")
def test_file_manager_offers_open_with(data_home):
    """GLib (what GNOME Files and most GTK apps ask) lists the launcher for audio/video.
    The real executable: GLib hides a launcher whose TryExec= program is missing."""
    install()
    for mime in ("audio/x-wav", "audio/mpeg", "video/mp4"):
        result = subprocess.run(["gio", "mime", mime], capture_output=True, text=True,
                                timeout=30, env={**os.environ, "XDG_DATA_HOME": str(data_home)})
        registered = result.stdout.split("Registered applications:", 1)[-1]
        assert f"{APP_ID}.desktop" in registered, result.stdout + result.stderr


def test_command_line_installs_and_uninstalls(data_home):
    """`meeting-recorder --install-desktop` (what `make install-desktop` runs) and back."""
    before = snapshot(data_home)
    program = str(Path(sys.executable).parent / EXECUTABLE)
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    installed = subprocess.run([program, "--install-desktop"], capture_output=True,
                               text=True, timeout=120, env=env)
    assert installed.returncode == 0, installed.stderr
    printed = [Path(line) for line in installed.stdout.splitlines()]
    assert desktop_path(data_home) in printed and all(p.is_file() for p in printed)
    removed = subprocess.run([program, "--uninstall-desktop"], capture_output=True,
                             text=True, timeout=120, env=env)
    assert removed.returncode == 0, removed.stderr
    assert snapshot(data_home) == before


def test_uninstall_without_manifest_removes_only_our_files(data_home):
    """An install whose manifest was deleted: our files go, everything else stays."""
    install(exec_path="/usr/bin/meeting-recorder")
    (data_home / APP_ID / desktop_install.MANIFEST_NAME).unlink()
    removed = uninstall()
    assert desktop_path(data_home) in removed and metainfo_path(data_home) in removed
    assert not any(data_home.rglob(f"{APP_ID}.*"))
    assert (data_home / "applications" / "org.example.Other.desktop").is_file()
