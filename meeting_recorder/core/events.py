"""What core reports, as data: each event is a frozen dataclass whose class name is its code
and whose fields are its parameters. Core never writes sentences for people; the CLI
(``meeting_recorder.messages``, English) and the window (``ui.core_messages``, English or
Korean) each render an event in their own words.

``severity`` says how a front end should show it: ``info`` (status line), ``warning``
(status line, highlighted) or ``error`` (a dialog in the window, ``error:`` in the CLI).
Errors raised to a caller carry their event too (``MeetingRecorderError.event``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Event:
    severity: ClassVar[Severity] = "info"

    @property
    def code(self) -> str:
        return type(self).__name__

    def fields(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


@dataclass(frozen=True)
class Warning_(Event):
    severity: ClassVar[Severity] = "warning"


@dataclass(frozen=True)
class Error(Event):
    severity: ClassVar[Severity] = "error"


# -- a live recording (core/live_session.py) ---------------------------------------------
@dataclass(frozen=True)
class RecordingStarted(Event):
    path: str


@dataclass(frozen=True)
class RecordingRecovered(Event):
    path: str
    seconds: float


@dataclass(frozen=True)
class RecoveryFailed(Error):
    reason: str


@dataclass(frozen=True)
class Stopping(Event):
    pass


@dataclass(frozen=True)
class Stopped(Event):
    pass


@dataclass(frozen=True)
class TranscribingLastWords(Event):
    pass


@dataclass(frozen=True)
class LastWordsTimedOut(Warning_):
    pass


@dataclass(frozen=True)
class RecordingSaved(Event):
    path: str
    seconds: float


@dataclass(frozen=True)
class TranscriptSaved(Event):
    files: tuple[str, ...]


@dataclass(frozen=True)
class ModelReleased(Event):
    model: Literal["speech", "speaker"]


@dataclass(frozen=True)
class MemoryReleased(Event):
    pass


@dataclass(frozen=True)
class DiskLow(Warning_):
    """Free space where the recording is written is under the warning threshold."""

    path: str
    free_bytes: int
    minutes_left: float  # of recording at the current rate, before the session stops itself


@dataclass(frozen=True)
class DiskFull(Error):
    """Free space fell to the reserve: the session stopped and finalized the file."""

    path: str
    free_bytes: int


@dataclass(frozen=True)
class FolderNotWritable(Error):
    """A recording was not started: its folder cannot be created or written."""

    path: str
    reason: str


@dataclass(frozen=True)
class NoRoomToRecord(Error):
    """A recording was not started: free space is already down to the reserve."""

    path: str
    free_bytes: int


@dataclass(frozen=True)
class WriterFailed(Error):
    """Appending to the recording failed: the session stopped; the file holds what came before."""

    path: str
    reason: str


@dataclass(frozen=True)
class JournalFailed(Error):
    """The live transcript journal cannot be written (the recording goes on)."""

    path: str
    reason: str


@dataclass(frozen=True)
class ExportFailed(Error):
    """A transcript file could not be written at stop (the recording is saved)."""

    path: str
    reason: str


@dataclass(frozen=True)
class FinalizeFailed(Error):
    """The finished recording could not be renamed from .partial (``recover`` will)."""

    path: str
    reason: str


# -- live transcription and speaker labels -------------------------------------------------
@dataclass(frozen=True)
class ModelLoading(Event):
    model: Literal["speech", "speaker"]


@dataclass(frozen=True)
class ModelChosen(Event):
    """Which Whisper model a file gets and why (``core/language_choice.py``)."""

    file: str
    model_name: str
    why: Literal["chosen", "language", "detected", "no_speech"]
    language: str  # the language detected or asked for ("auto" when none was found)
    probability: float  # of the detected language (0 when not detected)


@dataclass(frozen=True)
class TranscribingLive(Event):
    pass


@dataclass(frozen=True)
class RecordOnly(Error):
    """Live transcription is off for the rest of the session (model missing or corrupt,
    Whisper crashed, analysis failed); the recording goes on and can be transcribed later."""

    reason: str


@dataclass(frozen=True)
class WorkerCrashed(Error):
    """The process running the models ended in the middle of a job (killed, crashed, out
    of memory); the recording is untouched and a new worker takes over."""

    reason: str


@dataclass(frozen=True)
class TranscriptionResumed(Warning_):
    """Live transcription goes on in a new worker; ``skipped`` seconds were not transcribed
    (they are in the recording)."""

    skipped: float


@dataclass(frozen=True)
class TranscriptionBehind(Warning_):
    seconds: float


@dataclass(frozen=True)
class SpeakerLabelsOff(Warning_):
    reason: str


@dataclass(frozen=True)
class SpeakerLabelMissed(Warning_):
    reason: str


# -- enrolling a voice (core/speakers/enrollment.py): raised as EnrollmentError(event) ----
@dataclass(frozen=True)
class NoSpeech(Error):
    where: str


@dataclass(frozen=True)
class TooLittleSpeech(Error):
    where: str
    seconds: str  # rounded down to 0.1 s: 1.97 s must not read as "2.0 s, at least 2 s"
    needed: float


@dataclass(frozen=True)
class SpanAfterEnd(Error):
    path: str
    length: float
    start: float


@dataclass(frozen=True)
class NoVoicePrint(Error):
    where: str
    reason: str


# -- audio devices and file playback (core/sources.py) ------------------------------------
@dataclass(frozen=True)
class NoInputDevice(Error):
    pass


@dataclass(frozen=True)
class DeviceAmbiguous(Error):
    name: str
    names: str


@dataclass(frozen=True)
class DeviceNotFound(Error):
    name: str
    names: str


@dataclass(frozen=True)
class DeviceOpenFailed(Error):
    name: str
    reason: str


@dataclass(frozen=True)
class DeviceStopped(Error):
    name: str


@dataclass(frozen=True)
class DeviceSilent(Error):
    name: str


@dataclass(frozen=True)
class PlaybackFailed(Error):
    path: str
    reason: str


# -- input files (core/audio.py): raised as AudioDecodeError(event) --------------------------
@dataclass(frozen=True)
class FileNotFound(Error):
    path: str


@dataclass(frozen=True)
class IsFolder(Error):
    path: str


@dataclass(frozen=True)
class EmptyFile(Error):
    path: str


@dataclass(frozen=True)
class NoAudioTrack(Error):
    path: str


@dataclass(frozen=True)
class NotAudio(Error):
    path: str
    reason: str


@dataclass(frozen=True)
class Unreadable(Error):
    path: str
    reason: str


@dataclass(frozen=True)
class DecodeFailed(Error):
    path: str
    reason: str


@dataclass(frozen=True)
class TruncatedWav(Error):
    path: str
    declared: int
    actual: int


@dataclass(frozen=True)
class NotAFile(Error):
    """A named pipe, socket or device: reading it could wait forever, so it is refused."""

    path: str


@dataclass(frozen=True)
class EmptyAudio(Error):
    """The file has an audio track, but decoding it gives no samples at all."""

    path: str


@dataclass(frozen=True)
class Truncated(Error):
    """Decoding ended well before the length the file's own header declares (FLAC
    STREAMINFO, MP4 track, MP3 Info/Xing/VBRI): the file was cut short."""

    path: str
    declared: float  # seconds, rounded to 0.1 s
    decoded: float  # seconds, rounded to 0.1 s


# -- files the app keeps (profiles, settings) ---------------------------------------------
@dataclass(frozen=True)
class ProfilesSetAside(Error):
    """The speaker-profiles file could not be used: it was renamed (kept, never overwritten)
    and the store starts empty. Raised once, as ProfileStoreError(event)."""

    path: str
    kept_as: str
    problem: str


@dataclass(frozen=True)
class ProfilesUnreadable(Error):
    """The speaker-profiles file cannot be read (or an unusable one cannot be set aside)."""

    path: str
    reason: str


@dataclass(frozen=True)
class ProfilesNotSaved(Error):
    path: str
    reason: str


@dataclass(frozen=True)
class SettingsSetAside(Error):
    """The settings file could not be read: it was renamed and the defaults are used."""

    path: str
    kept_as: str


@dataclass(frozen=True)
class SettingsUnreadable(Error):
    """The settings file could not be read nor set aside: the defaults are used for now."""

    path: str
    reason: str


# issue 14: system audio (core/system_audio.py)
@dataclass(frozen=True)
class NoSystemAudio(Error):
    """No source of system audio: no sound server, its client library missing, no output."""

    reason: str


@dataclass(frozen=True)
class SystemAudioNotFound(Error):
    name: str
    names: str


# issue 15: recordings added to the meeting library (core/auto_library.py)
@dataclass(frozen=True)
class LibraryAddFailed(Warning_):
    """A recording is saved but could not be added to the meeting library; the library's
    next sync or rebuild finds it in the folder."""

    path: str
    reason: str


# issue 15: meeting library (core/library.py; LibraryError carries one of these)
@dataclass(frozen=True)
class LibraryMeetingNotFound(Error):
    meeting_id: int


@dataclass(frozen=True)
class LibraryLocked(Error):
    """Another writer held the library's database longer than we waited."""

    path: str


@dataclass(frozen=True)
class LibraryFileError(Error):
    """A file (the database, a transcript, an audio file) could not be read, written or removed."""

    path: str
    reason: str


@dataclass(frozen=True)
class LibraryNotATranscript(Error):
    path: str
    reason: str


@dataclass(frozen=True)
class LibraryCorrupt(Error):
    """The database is damaged and setting it aside and rebuilding it failed too."""

    path: str
    reason: str


@dataclass(frozen=True)
class LibraryTooNew(Error):
    """The database was made by a newer version of the app (left as it is)."""

    path: str


@dataclass(frozen=True)
class LibraryRebuilt(Warning_):
    """The database was damaged: it was set aside as ``kept_as`` and rebuilt from the files."""

    path: str
    kept_as: str


# issue 17: Ray cluster (core/cluster; the errors ClusterUnreachable, ClusterUnavailable and
# ClusterWorkersLost carry these; the job's own progress events are in core/cluster/events.py)
@dataclass(frozen=True)
class ClusterNotReachable(Error):
    """Nothing answered at the cluster's address, or Ray refused the connection."""

    address: str
    reason: str


@dataclass(frozen=True)
class ClusterNotInstalled(Error):
    """Ray (the ``cluster`` extra) is not installed here."""


@dataclass(frozen=True)
class ClusterNoWorkers(Error):
    """No worker could be started on the cluster (or every one died and none came back)."""

    address: str
    reason: str


@dataclass(frozen=True)
class ClusterFileLost(Error):
    """The workers running ``path`` died ``attempts`` times (or none was left to run it)."""

    path: str
    attempts: int
    reason: str
