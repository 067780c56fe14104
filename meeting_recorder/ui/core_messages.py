"""The user's language for the messages ``core/`` reports in English.

``core/`` has no Qt, so its status and error messages are plain English text. Each
template below is one of them with its variable parts as ``{name}``; a message that matches
a template is shown translated with the same parts filled in. Anything else (a library's
own error text, a message added later) is shown as it came. ``QT_TRANSLATE_NOOP`` marks the
templates for ``pyside6-lupdate``; keep them in step with the strings in ``core/``.
"""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "CoreMessages"

TEMPLATES = (
    # live session (core/live_session.py)
    QT_TRANSLATE_NOOP("CoreMessages", "Recording to {path}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Recovered an interrupted recording: {path} ({seconds} s)"),
    QT_TRANSLATE_NOOP("CoreMessages", "Could not recover a recording: {message}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Stopping capture…"),
    QT_TRANSLATE_NOOP("CoreMessages", "Stopped"),
    QT_TRANSLATE_NOOP("CoreMessages", "Writing the recording failed: {error}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Transcribing the last words…"),
    QT_TRANSLATE_NOOP(
        "CoreMessages", "The last words were not transcribed in time; the recording is complete."
    ),
    QT_TRANSLATE_NOOP("CoreMessages", "Recording saved: {path}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Transcript saved: {files}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Speech model released"),
    QT_TRANSLATE_NOOP("CoreMessages", "Speaker model released"),
    QT_TRANSLATE_NOOP("CoreMessages", "Memory released"),
    # live transcription and speaker labels (core/live_transcriber.py, core/speakers/live_labels.py)
    QT_TRANSLATE_NOOP("CoreMessages", "Loading the speech model…"),
    QT_TRANSLATE_NOOP("CoreMessages", "Transcribing live"),
    QT_TRANSLATE_NOOP("CoreMessages", "Live transcription stopped: {error}"),
    QT_TRANSLATE_NOOP(
        "CoreMessages", "Transcription fell behind and skipped {seconds} s (the recording keeps every sample)."
    ),
    QT_TRANSLATE_NOOP("CoreMessages", "Loading the speaker model…"),
    QT_TRANSLATE_NOOP("CoreMessages", "Speaker labels are off: {error}"),
    QT_TRANSLATE_NOOP(
        "CoreMessages", "No speaker label for an utterance ({error}); further such misses are not reported."
    ),
    # audio devices and file playback (core/sources.py)
    QT_TRANSLATE_NOOP("CoreMessages", "No audio input device found (is a microphone connected?)."),
    QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' matches several devices; available: {names}."),
    QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' matches no input device; available: {names}."),
    QT_TRANSLATE_NOOP("CoreMessages", "Could not open audio device '{name}': {error}"),
    QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' stopped unexpectedly (unplugged?)."),
    QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' stopped delivering audio (unplugged?)."),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: playback failed ({error})"),
    # files that cannot be decoded (core/audio.py)
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: file not found"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: is a folder, not an audio or video file"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: the file is empty (0 bytes)"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: has no audio track"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: not a readable audio or video file ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: cannot be read ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{path}: decoding failed ({error})"),
    QT_TRANSLATE_NOOP(
        "CoreMessages",
        "{path}: the WAV file is truncated (its header declares {declared} bytes, the file holds {actual})",
    ),
)

_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    """"Recording to {path}" -> ^Recording\\ to\\ (?P<path>.+?)$ (fields match any text)."""
    parts = _FIELD.split(template)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_pattern(template), template) for template in TEMPLATES)


def translate_core_message(message: str) -> str:
    """``message`` in the installed UI language when it is one of core's known messages."""
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match is not None:
            return QCoreApplication.translate(CONTEXT, template).format(**match.groupdict())
    return message
