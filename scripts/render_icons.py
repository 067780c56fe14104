"""Render meeting_recorder/resources/icon.svg to the PNG sizes desktops use.

Run after editing the SVG, then commit the PNGs:
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from meeting_recorder.desktop_install import ICON_SIZES  # noqa: E402
from meeting_recorder.ui.app_icon import icon_png_path, icon_svg_path  # noqa: E402


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter needs one
    renderer = QSvgRenderer(str(icon_svg_path()))
    if not renderer.isValid():
        print(f"not a valid SVG: {icon_svg_path()}", file=sys.stderr)
        return 1
    for size in ICON_SIZES:
        path = icon_png_path(size)
        # Converted to straight alpha and compressed hard: the PNGs are committed.
        if not render(renderer, size).convertToFormat(QImage.Format.Format_ARGB32).save(
            str(path), "PNG", 0
        ):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(path)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
