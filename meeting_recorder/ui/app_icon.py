"""The application icon for the window, the tray and dialogs.

The SVG scales to any size; the PNGs rendered from it (``scripts/render_icons.py``) are
used where they exist so small sizes look the same as the installed launcher icon.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from meeting_recorder.desktop_install import ICON_SIZES
from meeting_recorder.identity import RESOURCES_DIR



def icon_svg_path() -> Path:
    return RESOURCES_DIR / "icon.svg"


def icon_png_path(size: int) -> Path:
    return RESOURCES_DIR / f"icon-{size}.png"


@cache
def app_icon() -> QIcon:
    """The app's icon (needs a QGuiApplication). The SVG goes first so Qt picks its SVG
    icon engine, which then prefers the exact-size PNGs added after it."""
    icon = QIcon()
    if icon_svg_path().is_file():
        icon.addFile(str(icon_svg_path()))
    for size in ICON_SIZES:
        png = icon_png_path(size)
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    return icon
