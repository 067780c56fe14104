"""The driver's bookkeeping for a cluster job: one ``Slot`` per worker actor, one
``FileState`` per file not ended yet, and the few helpers around them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meeting_recorder.core.errors import ClusterWorkersLost, MeetingRecorderError
from meeting_recorder.core.events import ClusterNoWorkers


@dataclass(frozen=True)
class WorkerInfo:
    name: str  # node IP / actor short id, as in the events
    node_ip: str
    pid: int | None
    device: str  # "cpu" | "cuda" (what its Whisper model runs on)
    file_id: int | None  # the file it runs now


@dataclass
class Slot:
    """One worker actor as the driver sees it."""

    handle: Any
    started_at: float
    load_ref: Any = None  # while its models load
    ready: bool = False
    dead: bool = False
    name: str = "starting"  # node IP / actor short id, once loaded
    pid: int | None = None
    node_ip: str = ""
    device: str = ""
    file_id: int | None = None  # the file it runs
    progress_ref: Any = None
    progress_file: int | None = None
    progress_at: float = 0.0

    def info(self) -> WorkerInfo:
        return WorkerInfo(self.name, self.node_ip, self.pid, self.device, self.file_id)

    def set_ready(self, info: dict[str, Any]) -> None:
        self.ready = True
        self.pid = info.get("pid")
        self.node_ip = str(info.get("node_ip", ""))
        self.device = str(info.get("device", ""))
        self.name = f"{self.node_ip}/{str(info.get('actor_id', ''))[:8]}"


@dataclass
class FileState:
    """A submitted file until its final event."""

    file_id: int
    path: str
    attempt: int = 1
    size: int | None = None  # on the driver: a worker with the same size and mtime reads the path
    mtime_ns: int | None = None
    ref: Any = None  # the running transcribe() call
    shipped_ref: Any = None  # the audio in the object store, dropped when the file ends
    need_bytes: bool = False  # a worker did not see the file: ship it from now on
    cancel_at: float | None = None
    started_at: float | None = None
    last_progress: tuple | None = None


def read_shipment(path: str) -> list[tuple[str, bytes]]:
    """The file's name and bytes, and a recorded call's track files after it (the worker
    transcribes the call from its tracks, as here)."""
    from meeting_recorder.core.call_transcribe import call_tracks_for

    files = [Path(path)]
    tracks = call_tracks_for(path)
    if tracks is not None:
        files.extend(tracks)
    return [(file.name, file.read_bytes()) for file in files]


def worker_failure(error: BaseException, address: str) -> MeetingRecorderError:
    """Why a worker could not start: its own error (a ModelError), or ClusterWorkersLost."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, MeetingRecorderError):
        return cause
    return ClusterWorkersLost(ClusterNoWorkers(address, death_reason(cause or error)))


def kill(ray: Any, slot: Slot) -> None:
    slot.dead = True
    try:
        ray.kill(slot.handle, no_restart=True)
    except Exception:  # noqa: BLE001 — already gone
        pass


def is_system_error(ray: Any, error: BaseException) -> bool:
    """The worker (or its node) died, as opposed to the file failing on it."""
    exceptions = ray.exceptions
    return isinstance(error, (exceptions.RayActorError, exceptions.WorkerCrashedError, exceptions.ObjectLostError,
                              exceptions.NodeDiedError, exceptions.LocalRayletDiedError, exceptions.RaySystemError))


def death_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__
