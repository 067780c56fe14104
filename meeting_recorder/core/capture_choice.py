"""Which inputs a recording captures: the microphone, the system audio (what the speakers
play: the other side of a call), or both on two tracks.

"auto" records both when the system audio can be captured and is not itself what the
microphone hears (an input set to a monitor source is already the system audio: two
tracks of one signal would only make every line an echo), else the microphone alone.
"""

from __future__ import annotations

from typing import Literal

from meeting_recorder.core.sources import AudioSource, MicrophoneSource

SourceChoice = Literal["auto", "mic", "system", "both"]
CHOICES: tuple[str, ...] = ("auto", "mic", "system", "both")


def system_audio_available() -> bool:
    """A system-audio source exists that is not the microphone's own input."""
    try:
        from meeting_recorder.core.system_audio import default_system_device

        system = default_system_device()
        return system is not None and not _input_is(system.id)
    except Exception:  # no sound server, no library: the microphone alone
        return False


def _input_is(source_id: str) -> bool:
    """The default input is that source (the default output's monitor made the input)."""
    from meeting_recorder.core.system_audio import default_input_id

    return default_input_id() == source_id


def resolve_choice(choice: str) -> str:
    """"auto" → "both" or "mic"; the others as they are (ValueError for anything else)."""
    if choice not in CHOICES:
        raise ValueError(f"unknown audio source {choice!r}: choose one of {', '.join(CHOICES)}")
    if choice == "auto":
        return "both" if system_audio_available() else "mic"
    return choice


def open_sources(
    choice: str, mic_device: str | int | None = None, system_device: str | None = None
) -> tuple[AudioSource, AudioSource | None]:
    """(first source, a call's system source or None). Devices are opened, not started:
    a missing device fails here with a clear ``DeviceError``."""
    resolved = resolve_choice(choice)
    if resolved == "mic":
        return MicrophoneSource(mic_device), None
    from meeting_recorder.core.system_audio import SystemAudioSource

    if resolved == "system":
        return SystemAudioSource(system_device or None), None
    return MicrophoneSource(mic_device), SystemAudioSource(system_device or None)
