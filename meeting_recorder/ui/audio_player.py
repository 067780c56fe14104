"""Audio playback for the transcript editor: play a file from a given time, pause, resume.

Wraps QtMultimedia's ``QMediaPlayer`` + ``QAudioOutput`` (created on first use, so an
editor that never plays loads no multimedia backend). QtMultimedia ships in the
PySide6-Addons wheel; without it ``available`` is False and playing only says so through
``error``. A seek asked for before the media has loaded is kept and applied once it has
(QMediaPlayer ignores ``setPosition`` until then).

Public API: ``AudioPlayer(parent=None)``; signals ``position_changed(float seconds)``,
``playing_changed(bool)``, ``error(str)``; ``available``, ``source()``, ``set_source(path)``,
``play_from(seconds)``, ``toggle()``, ``pause()``, ``stop()``, ``position()``, ``close()``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QUrl, Signal



def _multimedia_installed() -> bool:
    # Looked up, not imported: importing loads the multimedia backend and logs about
    # missing sound systems, which an app start that never plays need not do.
    try:
        return importlib.util.find_spec("PySide6.QtMultimedia") is not None
    except (ImportError, ValueError):  # PySide6-Essentials alone has no QtMultimedia
        return False


def _multimedia() -> Any:
    from PySide6 import QtMultimedia

    return QtMultimedia


class AudioPlayer(QObject):
    position_changed = Signal(float)
    playing_changed = Signal(bool)
    error = Signal(str)

    available = _multimedia_installed()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player: Any = None
        self._output: Any = None
        self._source: Path | None = None
        self._pending: float | None = None  # seconds to seek to once the media has loaded

    def _ensure_player(self) -> Any:
        if self._player is None:
            QtMultimedia = _multimedia()
            self._player = QtMultimedia.QMediaPlayer(self)
            self._output = QtMultimedia.QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            self._player.positionChanged.connect(lambda ms: self.position_changed.emit(ms / 1000.0))
            self._player.playbackStateChanged.connect(self._on_state)
            self._player.mediaStatusChanged.connect(self._on_media_status)
            self._player.errorOccurred.connect(self._on_error)
        return self._player

    # -- requests --------------------------------------------------------------------------
    def source(self) -> Path | None:
        return self._source

    def set_source(self, path: str | Path | None) -> None:
        """The file to play (None: nothing); does not start playing."""
        self._source = Path(path) if path else None
        self._pending = None
        if self._player is not None:
            url = QUrl.fromLocalFile(str(self._source)) if self._source else QUrl()
            _from_event_loop(self._player, "stop")
            _from_event_loop(self._player, "setSource", Q_ARG(QUrl, url))

    def play_from(self, seconds: float) -> bool:
        """Play the source from ``seconds``; False (and ``error``) when it cannot."""
        if not self._can_play():
            return False
        player = self._ensure_player()
        wanted = QUrl.fromLocalFile(str(self._source))
        if player.source() != wanted:
            player.setSource(wanted)
        if self._loaded():
            player.setPosition(round(seconds * 1000))
        else:
            self._pending = seconds
        player.play()
        return True

    def toggle(self) -> bool:
        """Pause while playing, else play on from where it stopped. Returns "now playing"."""
        if self.is_playing():
            self.pause()
            return False
        if self._player is None or self._player.source().isEmpty():
            return self.play_from(0.0)
        if not self._can_play():
            return False
        self._player.play()
        return True

    def pause(self) -> None:
        if self._player is not None:
            self._player.pause()

    def stop(self) -> None:
        if self._player is not None:
            _from_event_loop(self._player, "stop")

    def is_playing(self) -> bool:
        if self._player is None:
            return False
        return self._player.playbackState() == _multimedia().QMediaPlayer.PlaybackState.PlayingState

    def position(self) -> float:
        """Seconds; a seek still waiting for the media counts as the position."""
        if self._pending is not None:
            return self._pending
        return self._player.position() / 1000.0 if self._player is not None else 0.0

    def close(self) -> None:
        """Stop and free the backend (the next play creates it again)."""
        if self._player is not None:
            _from_event_loop(self._player, "stop")
            _from_event_loop(self._player, "setSource", Q_ARG(QUrl, QUrl()))
            self._player.deleteLater()  # after the two calls above: the same queue
            self._output.deleteLater()
            self._player = self._output = None
        self._pending = None

    # -- helpers ---------------------------------------------------------------------------
    def _can_play(self) -> bool:
        if not self.available:
            self.error.emit(self.tr("Audio playback is not available: QtMultimedia (PySide6-Addons) is not installed."))
            return False
        if self._source is None or not self._source.is_file():
            self.error.emit(self.tr("The audio of this transcript was not found."))
            return False
        return True

    def _loaded(self) -> bool:
        status = self._player.mediaStatus()
        statuses = _multimedia().QMediaPlayer.MediaStatus
        return status in (statuses.LoadedMedia, statuses.BufferingMedia, statuses.BufferedMedia, statuses.EndOfMedia)

    def _on_media_status(self, status: Any) -> None:
        if self._pending is not None and self._loaded():
            seconds, self._pending = self._pending, None
            self._player.setPosition(round(seconds * 1000))

    def _on_state(self, state: Any) -> None:
        self.playing_changed.emit(state == _multimedia().QMediaPlayer.PlaybackState.PlayingState)

    def _on_error(self, _error: Any, message: str) -> None:
        self.error.emit(self.tr("Could not play the audio: {message}").format(message=message))


def _from_event_loop(player: Any, slot: str, *args: Any) -> None:
    """Call a QMediaPlayer slot that tears playback down (stop, a new source) from the event
    loop rather than from Python: Python holds the GIL through a direct call while Qt waits
    for the audio thread, and that thread may be waiting for the GIL (PySide's wrapper asks
    Python about overrides), which deadlocked the window on close. From the event loop the
    slot runs in C++ with the GIL free."""
    QMetaObject.invokeMethod(player, slot, Qt.ConnectionType.QueuedConnection, *args)
