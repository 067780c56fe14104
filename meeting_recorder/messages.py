"""Words for core's events (``core/events.py``): one English template per event code,
shared by the CLI (``render``) and the window (``ui/core_messages.py`` translates the same
templates). Fields fill ``{name}`` (numbers with a format spec, ``{seconds:.1f}``); a few
derived fields help people read them (``{free_mb}`` from ``free_bytes``, ``{files}`` joined).

``QT_TRANSLATE_NOOP`` (a plain function here: no Qt in the CLI) marks each template for
``pyside6-lupdate``, which reads this file along with ``ui/*.py``.
"""

from __future__ import annotations

from typing import Any

from meeting_recorder.core.events import Event

CONTEXT = "CoreMessages"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (lupdate looks for this name)
    return text


TEMPLATES: dict[str, str] = {
    # a live recording
    "RecordingStarted": QT_TRANSLATE_NOOP("CoreMessages", "Recording to {path}"),
    "RecordingRecovered": QT_TRANSLATE_NOOP("CoreMessages", "Recovered an interrupted recording: {path} ({seconds:.0f} s)"),
    "RecoveryFailed": QT_TRANSLATE_NOOP("CoreMessages", "Could not recover a recording: {reason}"),
    "Stopping": QT_TRANSLATE_NOOP("CoreMessages", "Stopping capture…"),
    "Stopped": QT_TRANSLATE_NOOP("CoreMessages", "Stopped"),
    "TranscribingLastWords": QT_TRANSLATE_NOOP("CoreMessages", "Transcribing the last words…"),
    "LastWordsTimedOut": QT_TRANSLATE_NOOP(
        "CoreMessages", "The last words were not transcribed in time; the recording is complete."
    ),
    "RecordingSaved": QT_TRANSLATE_NOOP("CoreMessages", "Recording saved: {path}"),
    "TranscriptSaved": QT_TRANSLATE_NOOP("CoreMessages", "Transcript saved: {files}"),
    "ModelReleased:speech": QT_TRANSLATE_NOOP("CoreMessages", "Speech model released"),
    "ModelReleased:speaker": QT_TRANSLATE_NOOP("CoreMessages", "Speaker model released"),
    "MemoryReleased": QT_TRANSLATE_NOOP("CoreMessages", "Memory released"),
    "DiskLow": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "Low disk space: {free_mb} MB free where the recording is written; recording stops by itself in about {minutes_left:.0f} min.",
    ),
    "DiskFull": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "The disk is almost full ({free_mb} MB free): recording stopped and saved up to this moment.",
    ),
    "FolderNotWritable": QT_TRANSLATE_NOOP("CoreMessages", "Cannot record in {path}: {reason}"),
    "NoRoomToRecord": QT_TRANSLATE_NOOP(
        "CoreMessages", "Not enough free space to record in {path} ({free_mb} MB free)."
    ),
    "WriterFailed": QT_TRANSLATE_NOOP(
        "CoreMessages", "Writing the recording failed: {reason}. Recording stopped; {path} keeps the audio up to here."
    ),
    "JournalFailed": QT_TRANSLATE_NOOP(
        "CoreMessages", "The live transcript cannot be saved ({reason}); the recording goes on."
    ),
    "ExportFailed": QT_TRANSLATE_NOOP("CoreMessages", "Could not write the transcript {path}: {reason}"),
    "FinalizeFailed": QT_TRANSLATE_NOOP(
        "CoreMessages", "Could not finish {path} ({reason}); it is recovered on the next start."
    ),
    # live transcription and speaker labels
    "ModelLoading:speech": QT_TRANSLATE_NOOP("CoreMessages", "Loading the speech model…"),
    "ModelLoading:speaker": QT_TRANSLATE_NOOP("CoreMessages", "Loading the speaker model…"),
    "TranscribingLive": QT_TRANSLATE_NOOP("CoreMessages", "Transcribing live"),
    "ModelChosen:chosen": QT_TRANSLATE_NOOP("CoreMessages", "{file}: model {model_name} (your choice)"),
    "ModelChosen:language": QT_TRANSLATE_NOOP("CoreMessages", "{file}: model {model_name} for language '{language}'"),
    "ModelChosen:detected": QT_TRANSLATE_NOOP(
        "CoreMessages", "{file}: language detected: '{language}' ({probability:.0%}), model {model_name}"
    ),
    "ModelChosen:no_speech": QT_TRANSLATE_NOOP(
        "CoreMessages", "{file}: no speech found to identify the language; model {model_name}"
    ),
    "RecordOnly": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "Live transcription stopped ({reason}); recording goes on. Transcribe the file afterwards.",
    ),
    "WorkerCrashed": QT_TRANSLATE_NOOP(
        "CoreMessages", "Transcription stopped: {reason}. Recordings are not affected; the models are started again."
    ),
    "TranscriptionResumed": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "Live transcription resumed; {skipped:.1f} s were not transcribed (they are in the recording).",
    ),
    "TranscriptionBehind": QT_TRANSLATE_NOOP(
        "CoreMessages", "Transcription fell behind and skipped {seconds:.1f} s (the recording keeps every sample)."
    ),
    "SpeakerLabelsOff": QT_TRANSLATE_NOOP("CoreMessages", "Speaker labels are off: {reason}"),
    "SpeakerLabelMissed": QT_TRANSLATE_NOOP(
        "CoreMessages", "No speaker label for an utterance ({reason}); further such misses are not reported."
    ),
    # enrolling a voice
    "NoSpeech": QT_TRANSLATE_NOOP("CoreMessages", "no speech found in {where} (silent or only noise)"),
    "TooLittleSpeech": QT_TRANSLATE_NOOP(
        "CoreMessages", "only {seconds} s of speech in {where}; at least {needed:g} s is needed"
    ),
    "SpanAfterEnd": QT_TRANSLATE_NOOP("CoreMessages", "{path} is only {length:.1f} s long; the span starts at {start:.1f} s"),
    "NoVoicePrint": QT_TRANSLATE_NOOP("CoreMessages", "no usable voice print from the speech in {where} ({reason})"),
    # audio devices and file playback
    "NoInputDevice": QT_TRANSLATE_NOOP("CoreMessages", "No audio input device found (is a microphone connected?)."),
    "DeviceAmbiguous": QT_TRANSLATE_NOOP(
        "CoreMessages", "Audio device '{name}' matches several devices; available: {names}."
    ),
    "DeviceNotFound": QT_TRANSLATE_NOOP(
        "CoreMessages", "Audio device '{name}' matches no input device; available: {names}."
    ),
    "DeviceOpenFailed": QT_TRANSLATE_NOOP("CoreMessages", "Could not open audio device '{name}': {reason}"),
    "DeviceStopped": QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' stopped unexpectedly (unplugged?)."),
    "DeviceSilent": QT_TRANSLATE_NOOP("CoreMessages", "Audio device '{name}' stopped delivering audio (unplugged?)."),
    "PlaybackFailed": QT_TRANSLATE_NOOP("CoreMessages", "{path}: playback failed ({reason})"),
    # input files (raised as AudioDecodeError)
    "FileNotFound": QT_TRANSLATE_NOOP("CoreMessages", "{path}: file not found"),
    "IsFolder": QT_TRANSLATE_NOOP("CoreMessages", "{path}: is a folder, not an audio or video file"),
    "EmptyFile": QT_TRANSLATE_NOOP("CoreMessages", "{path}: the file is empty (0 bytes)"),
    "NoAudioTrack": QT_TRANSLATE_NOOP("CoreMessages", "{path}: has no audio track"),
    "NotAudio": QT_TRANSLATE_NOOP("CoreMessages", "{path}: not a readable audio or video file ({reason})"),
    "Unreadable": QT_TRANSLATE_NOOP("CoreMessages", "{path}: cannot be read ({reason})"),
    "DecodeFailed": QT_TRANSLATE_NOOP("CoreMessages", "{path}: decoding failed ({reason})"),
    "TruncatedWav": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "{path}: the WAV file is truncated (its header declares {declared} bytes, the file holds {actual})",
    ),
    "NotAFile": QT_TRANSLATE_NOOP("CoreMessages", "{path}: is not a regular file (a pipe, socket or device)"),
    "EmptyAudio": QT_TRANSLATE_NOOP("CoreMessages", "{path}: the audio track is empty (no samples to transcribe)"),
    "Truncated": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "{path}: the file is truncated (it declares {declared} s of audio, only {decoded} s could be read)",
    ),
    # files the app keeps (profiles, settings)
    "ProfilesSetAside": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "The speaker profiles file {path} cannot be used ({problem}). It was renamed to {kept_as} and "
        "no speakers are enrolled now.",
    ),
    "ProfilesUnreadable": QT_TRANSLATE_NOOP("CoreMessages", "Cannot read the speaker profiles file {path} ({reason})."),
    "ProfilesNotSaved": QT_TRANSLATE_NOOP("CoreMessages", "Could not save the speaker profiles to {path} ({reason})."),
    "SettingsSetAside": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "The settings file {path} could not be read. It was renamed to {kept_as} and the default settings are used.",
    ),
    "SettingsUnreadable": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "The settings file {path} could not be read ({reason}); the default settings are used for now.",
    ),
    # issue 14: system audio (core/system_audio.py)
    "NoSystemAudio": QT_TRANSLATE_NOOP(
        "CoreMessages",
        "System audio cannot be recorded ({reason}). On Linux it needs a PulseAudio or PipeWire sound server; on Windows, an output device.",
    ),
    "SystemAudioNotFound": QT_TRANSLATE_NOOP(
        "CoreMessages", "'{name}' matches no system audio source; available: {names}."
    ),
    # issue 15: recordings added to the meeting library
    "LibraryAddFailed": QT_TRANSLATE_NOOP(
        "CoreMessages", "{path} is saved but was not added to the library ({reason}); it is added at the library's next rebuild."
    ),
    # issue 15: meeting library (core/library.py)
    "LibraryMeetingNotFound": QT_TRANSLATE_NOOP("CoreMessages", "Meeting {meeting_id} is not in the library."),
    "LibraryLocked": QT_TRANSLATE_NOOP(
        "CoreMessages", "The library is busy (another program is writing to {path}); try again in a moment."
    ),
    "LibraryFileError": QT_TRANSLATE_NOOP("CoreMessages", "Library: could not use {path}: {reason}"),
    "LibraryNotATranscript": QT_TRANSLATE_NOOP("CoreMessages", "{path} is not a transcript: {reason}"),
    "LibraryCorrupt": QT_TRANSLATE_NOOP(
        "CoreMessages", "The library {path} is damaged and could not be rebuilt: {reason}"
    ),
    "LibraryTooNew": QT_TRANSLATE_NOOP(
        "CoreMessages", "The library {path} was made by a newer version of Meeting Recorder; update the app."
    ),
    "LibraryRebuilt": QT_TRANSLATE_NOOP(
        "CoreMessages", "The library was damaged and has been rebuilt from your files (the old one is kept as {kept_as})."
    ),
    # issue 17: Ray cluster (core/cluster)
    "ClusterNotReachable": QT_TRANSLATE_NOOP("CoreMessages", "Cannot reach the Ray cluster at {address} ({reason})."),
    "ClusterNotInstalled": QT_TRANSLATE_NOOP(
        "CoreMessages", "Ray is not installed; install it with: pip install 'meeting-recorder[cluster]'."
    ),
    "ClusterNoWorkers": QT_TRANSLATE_NOOP("CoreMessages", "No worker could run on the Ray cluster at {address} ({reason})."),
    "ClusterFileLost": QT_TRANSLATE_NOOP(
        "CoreMessages", "{path}: the cluster's workers running it stopped {attempts} time(s) ({reason})."
    ),
    "ClusterReady": QT_TRANSLATE_NOOP(
        "CoreMessages", "Ray cluster at {address}: {workers} worker(s) ready on {nodes} machine(s), {gpus} GPU(s)."
    ),
    "ClusterFileRetried": QT_TRANSLATE_NOOP(
        "CoreMessages", "{path}: worker {worker} stopped ({reason}); trying again elsewhere (attempt {attempt})."
    ),
}


def template_fields(event: Event) -> dict[str, Any]:
    """The event's fields plus the derived ones the templates use."""
    fields = event.fields()
    for name, value in list(fields.items()):
        if name.endswith("_bytes") and isinstance(value, int):
            fields[name[: -len("_bytes")] + "_mb"] = f"{value / 1e6:.0f}"
        elif isinstance(value, tuple):
            fields[name] = ", ".join(str(item) for item in value)
    return fields


def template_for(event: Event) -> str | None:
    """The English template of ``event``: by its code, or code:model for the events that
    name a model or a reason (their sentences differ by more than one word)."""
    variant = getattr(event, "model", None) or getattr(event, "why", None)
    return TEMPLATES.get(f"{event.code}:{variant}" if variant else event.code)


def render(event: Event) -> str:
    """The event in English (the CLI's words, and the window's before translation)."""
    template = template_for(event)
    if template is None:  # an event without words yet: its code and fields, never nothing
        return f"{event.code} {event.fields()}"
    return template.format(**template_fields(event))
