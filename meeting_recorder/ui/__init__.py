"""PySide6 desktop window; adapts ``meeting_recorder.core`` to Qt signals and threads."""

from meeting_recorder.ui.pyside_fix import immortalize_none

# Before any Qt call: the pinned PySide6 drops a reference to None on many calls (3.11).
immortalize_none()
