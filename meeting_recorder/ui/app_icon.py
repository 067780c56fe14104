"""The application icon for the window, the tray and dialogs.

``resources/icon.svg`` is the source; ``scripts/render_icons.py`` renders the PNGs that
the window, the tray and the installed launcher (``desktop_install``) all use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap

from meeting_recorder.desktop_install import ICON_SIZES
from meeting_recorder.identity import RESOURCES_DIR

LARGE_SIZE = 512  # beyond the largest PNG, rendered from the SVG


def icon_svg_path() -> Path:
    return RESOURCES_DIR / "icon.svg"


def icon_png_path(size: int) -> Path:
    return RESOURCES_DIR / f"icon-{size}.png"


@cache
def app_icon() -> QIcon:
    """The app's icon (needs a QGuiApplication): the PNGs for the sizes desktops use and a
    large rendering of the SVG for big views (a dock, an alt-tab switcher on a HiDPI screen).

    Built on Qt's pixmap icon engine, which picks the nearest PNG per request: the SVG icon
    engine keeps a single added pixmap per mode, so it cannot hold one PNG per size.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        png = icon_png_path(size)
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    large = svg_image(LARGE_SIZE)
    if not large.isNull():
        icon.addPixmap(QPixmap.fromImage(large))
    return icon


def svg_image(size: int) -> QImage:
    reader = QImageReader(str(icon_svg_path()))
    reader.setScaledSize(QSize(size, size))
    return reader.read()  # a null image when the file or Qt's SVG plugin is missing
