"""PySide6 desktop window; adapts ``meeting_recorder.core`` to Qt signals and threads."""
