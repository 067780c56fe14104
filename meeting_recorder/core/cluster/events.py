"""What a ClusterJob reports, as data (frozen dataclasses; words in messages.py / the UI).

``file_id`` is what ``ClusterJob.submit`` returned; ``path`` is the driver's path as given;
``worker`` names one worker actor: its node's IP and the actor's short id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from meeting_recorder.core.events import Event, Severity

if TYPE_CHECKING:
    from meeting_recorder.core.errors import MeetingRecorderError
    from meeting_recorder.core.transcript import Transcript


@dataclass(frozen=True)
class ClusterReady(Event):
    address: str
    workers: int
    nodes: int
    gpus: int


@dataclass(frozen=True)
class ClusterFileStarted(Event):
    file_id: int
    path: str
    worker: str


@dataclass(frozen=True)
class ClusterFileProgress(Event):
    file_id: int
    path: str
    fraction: float | None
    eta_seconds: float | None


@dataclass(frozen=True)
class ClusterFileRetried(Event):
    """The worker running the file died; the file waits for another one."""

    severity: ClassVar[Severity] = "warning"
    file_id: int
    path: str
    worker: str
    attempt: int  # the attempt about to start (2 = first retry)
    reason: str


@dataclass(frozen=True)
class ClusterFileDone(Event):
    """``transcript.file`` is the driver's path; the caller exports it (nothing was written)."""

    file_id: int
    path: str
    transcript: Transcript
    worker: str
    seconds: float  # on the worker, from start to result


@dataclass(frozen=True)
class ClusterFileFailed(Event):
    severity: ClassVar[Severity] = "error"
    file_id: int
    path: str
    error: MeetingRecorderError


@dataclass(frozen=True)
class ClusterFileCancelled(Event):
    file_id: int
    path: str


FINAL_EVENTS = (ClusterFileDone, ClusterFileFailed, ClusterFileCancelled)
