"""The driver side of a cluster job: connect (or start a local Ray), start the worker actors,
hand them files, collect results, retry files whose worker died, cancel, release.

One thread calls Ray: the one that calls ``pump`` (``run_all`` does it in a loop). ``submit``,
``cancel``, ``cancel_all`` and ``pending`` may be called from any thread: they only touch a
queue and a locked set. Nothing is written here: ClusterFileDone carries the transcript and
the caller exports it, once, so a worker that dies mid-file leaves nothing half-written.

    with ClusterJob(ClusterOptions("local", workers=2, model="tiny.en")) as job:
        for event in job.run_all(paths):
            if isinstance(event, ClusterFileDone):
                export(exportable(event.transcript), out, formats, stem=output_stem(event.path))
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from meeting_recorder.core.cluster.actor import NEED_BYTES, AudioSource
from meeting_recorder.core.cluster.connection import Connection, import_ray
from meeting_recorder.core.cluster.events import (
    FINAL_EVENTS,
    ClusterFileCancelled,
    ClusterFileDone,
    ClusterFileFailed,
    ClusterFileProgress,
    ClusterFileRetried,
    ClusterFileStarted,
    ClusterReady,
)
from meeting_recorder.core.cluster.options import ClusterOptions, parse_address
from meeting_recorder.core.cluster.pool import LOCAL_WORKERS, WorkerPool, worker_count
from meeting_recorder.core.cluster.slots import FileState, Slot, WorkerInfo, death_reason, is_system_error, read_shipment
from meeting_recorder.core.errors import Cancelled, ClusterWorkersLost, MeetingRecorderError
from meeting_recorder.core.events import ClusterFileLost, ClusterNoWorkers

PROGRESS_EVERY_S = 0.5


class ClusterJob:
    def __init__(self, options: ClusterOptions, on_event: Callable[[object], None] | None = None) -> None:
        self.options = options
        self.on_event = on_event
        self.address = parse_address(options.address)
        self._ray: Any = None
        self._connection: Connection | None = None
        self._pool: WorkerPool | None = None
        self._ids = itertools.count(1)
        self._inbox: queue.Queue[tuple] = queue.Queue()
        self._open_ids: set[int] = set()
        self._open_lock = threading.Lock()
        self._files: dict[int, FileState] = {}
        self._waiting: deque[int] = deque()
        self._refs: dict[Any, tuple[str, Slot]] = {}  # ObjectRef -> (kind, slot): "file" | "progress" | "load"
        self._events: list[object] = []
        self._closed = False
        self._opened = False
        self._abort = threading.Event()  # set by abort(): open() stops waiting for the workers

    # -- lifecycle ---------------------------------------------------------------------
    def open(self) -> None:
        """Connect, start the workers and load their models. Raises ClusterUnreachable,
        ClusterUnavailable, ModelError, ClusterWorkersLost. Emits ClusterReady."""
        ray = self._ray = import_ray()
        self._connection = Connection(self.address, self.options.connect_timeout_s)
        try:
            count = self.options.workers or LOCAL_WORKERS
            self._connection.open(ray, local_cpus=count, local_gpus=None)
            gpus = int(ray.cluster_resources().get("GPU", 0))
            nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
            count = worker_count(self.options, self.address.local, gpus, nodes)
            self._pool = WorkerPool(ray, self.options, self.address.text, self.address.local, gpus, count, self._refs,
                                    self._connection.work_dir())
            for _ in range(count):
                self._pool.start()
            self._pool.wait_loaded(self._abort)
        except BaseException:
            self.close()
            raise
        self._opened = True
        self._emit(ClusterReady(self.address.text, len(self._pool.infos()), nodes, gpus))

    def close(self) -> None:
        """Every worker releases its models and is killed; disconnect (a local Ray is shut
        down). Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        ray = self._ray
        if self._pool is not None and ray.is_initialized():
            self._pool.close()
        self._refs.clear()
        for state in self._files.values():
            state.shipped_ref = None
        if self._connection is not None:
            self._connection.close(ray)

    def __enter__(self) -> "ClusterJob":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- thread-safe requests ----------------------------------------------------------
    def submit(self, path: str | Path) -> int:
        file_id = next(self._ids)
        with self._open_lock:
            self._open_ids.add(file_id)
        self._inbox.put(("submit", file_id, str(path)))
        return file_id

    def cancel(self, file_id: int) -> bool:
        with self._open_lock:
            known = file_id in self._open_ids
        if known:
            self._inbox.put(("cancel", file_id))
        return known

    def cancel_all(self) -> None:
        self._inbox.put(("cancel_all",))

    def abort(self) -> None:
        """From any thread: an ``open()`` still waiting for the workers' models raises
        Cancelled within a fraction of a second (it undoes what it started); every file is
        cancelled. For a window quitting while the cluster job is still starting."""
        self._abort.set()
        self.cancel_all()

    def pending(self) -> int:
        with self._open_lock:
            return len(self._open_ids)

    def workers(self) -> list[WorkerInfo]:
        """The workers that are ready now (call it on the driver thread, e.g. in on_event)."""
        return self._pool.infos() if self._pool is not None else []

    # -- the driver thread -------------------------------------------------------------
    def pump(self, timeout_s: float = 0.5) -> list[object]:
        """Take requests, hand waiting files to idle workers, collect what is ready (up to
        ``timeout_s``), ask for progress, enforce cancel grace; the new events."""
        if not self._opened or self._closed:
            raise RuntimeError("ClusterJob.pump() needs an open job")
        self._take_requests()
        self._dispatch()
        self._collect(timeout_s)
        self._take_requests()  # a cancel that came while waiting acts now
        self._poll_progress()
        self._enforce_cancel_grace()
        self._pool.drop_stuck_replacements()
        self._check_workers_left()
        self._dispatch()
        events, self._events = self._events, []
        return events

    def run_all(self, paths: Iterable[str | Path], cancel: threading.Event | None = None) -> list[object]:
        """Submit every path and pump until each has ended; ``cancel.set()`` cancels all.
        The final event per file (Done, Failed or Cancelled), in submit order."""
        ids = [self.submit(path) for path in paths]
        finals: dict[int, object] = {}
        cancelling = False
        while len(finals) < len(ids):
            if cancel is not None and cancel.is_set() and not cancelling:
                self.cancel_all()
                cancelling = True
            for event in self.pump(0.2):
                if isinstance(event, FINAL_EVENTS) and event.file_id in ids:
                    finals[event.file_id] = event
        return [finals[file_id] for file_id in ids]

    # -- workers -----------------------------------------------------------------------
    def _slot_died(self, slot: Slot, reason: str) -> None:
        """A worker died (or was killed): a replacement starts; its file runs again elsewhere."""
        file_id = slot.file_id
        slot.file_id = None
        self._pool.replace(slot)
        if file_id is None or file_id not in self._files:
            return
        state = self._files[file_id]
        state.ref = None
        if state.cancel_at is not None:
            self._finish(file_id, ClusterFileCancelled(file_id, state.path))
        elif state.attempt >= self.options.max_attempts:
            error = ClusterWorkersLost(ClusterFileLost(state.path, state.attempt, reason))
            self._finish(file_id, ClusterFileFailed(file_id, state.path, error))
        else:
            state.attempt += 1
            self._waiting.appendleft(file_id)  # first in line: it waited longest
            self._emit(ClusterFileRetried(file_id, state.path, slot.name, state.attempt, reason))

    def _check_workers_left(self) -> None:
        """Every worker dead and none starting: the waiting files cannot run."""
        if self._pool.slots or not self._waiting:
            return
        error = ClusterWorkersLost(ClusterNoWorkers(self.address.text, "every worker stopped and none could be started"))
        while self._waiting:
            file_id = self._waiting.popleft()
            self._finish(file_id, ClusterFileFailed(file_id, self._files[file_id].path, error))

    # -- files -------------------------------------------------------------------------
    def _take_requests(self) -> None:
        while True:
            try:
                request = self._inbox.get_nowait()
            except queue.Empty:
                return
            if request[0] == "submit":
                self._accept(request[1], request[2])
            elif request[0] == "cancel":
                self._cancel_file(request[1])
            else:
                for file_id in [*self._waiting, *self._files]:
                    self._cancel_file(file_id)

    def _accept(self, file_id: int, path: str) -> None:
        """Probe the file here when this computer sees it: a bad file fails at once."""
        from meeting_recorder.core.audio import probe

        state = FileState(file_id, path)
        self._files[file_id] = state
        if os.path.lexists(path) or self.options.ship_audio != "never":
            try:
                probe(path)
                info = os.stat(path)
                state.size, state.mtime_ns = info.st_size, info.st_mtime_ns
            except MeetingRecorderError as error:
                self._finish(file_id, ClusterFileFailed(file_id, path, error))
                return
            except OSError as error:
                self._finish(file_id, ClusterFileFailed(file_id, path, MeetingRecorderError(f"{path}: {error}")))
                return
        self._waiting.append(file_id)

    def _cancel_file(self, file_id: int) -> None:
        state = self._files.get(file_id)
        if state is None or state.cancel_at is not None:
            return
        if file_id in self._waiting:
            self._waiting.remove(file_id)
            self._finish(file_id, ClusterFileCancelled(file_id, state.path))
            return
        state.cancel_at = time.monotonic()
        slot = self._slot_running(file_id)
        if slot is not None:
            slot.handle.cancel.remote(file_id)  # the worker stops within about a second

    def _dispatch(self) -> None:
        idle = self._pool.idle()
        while self._waiting and idle:
            slot = idle.pop(0)
            file_id = self._waiting.popleft()
            if self._send(slot, file_id):
                self._emit(ClusterFileStarted(file_id, self._files[file_id].path, slot.name))

    def _send(self, slot: Slot, file_id: int) -> bool:
        """Hand ``file_id`` to ``slot``: the path, or its bytes through the object store."""
        state = self._files[file_id]
        ship = self.options.ship_audio
        if ship == "always" or state.need_bytes:
            if state.shipped_ref is None:
                try:
                    state.shipped_ref = self._ray.put(read_shipment(state.path))
                except OSError as error:
                    failure = MeetingRecorderError(f"{state.path}: could not read it to send it ({error.strerror or error})")
                    self._finish(file_id, ClusterFileFailed(file_id, state.path, failure))
                    return False
            ship = "always"
        source = AudioSource(state.path, state.size, state.mtime_ns, ship)
        state.ref = slot.handle.transcribe.remote(file_id, source, state.shipped_ref)
        state.started_at = state.started_at or time.monotonic()
        slot.file_id = file_id
        self._refs[state.ref] = ("file", slot)
        return True

    def _collect(self, timeout_s: float) -> None:
        ray = self._ray
        refs = list(self._refs)
        if not refs:
            time.sleep(min(timeout_s, 0.05))  # nothing in flight: let requests arrive
            return
        ready, _ = ray.wait(refs, num_returns=1, timeout=timeout_s)
        if ready:
            ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        for ref in ready:
            kind, slot = self._refs.pop(ref)
            if kind == "file":
                self._file_result(ref, slot)
            elif kind == "progress":
                self._progress_result(ref, slot)
            else:
                self._pool.replacement_loaded(ref, slot)

    def _file_result(self, ref: Any, slot: Slot) -> None:
        file_id = slot.file_id
        state = self._files.get(file_id) if file_id is not None else None
        if state is None or state.ref != ref:
            return
        try:
            result = self._ray.get(ref)
        except Exception as error:  # noqa: BLE001 — sorted below
            cause = getattr(error, "cause", None)
            if isinstance(cause, BaseException) and not is_system_error(self._ray, error):
                slot.file_id, state.ref = None, None
                self._file_error(file_id, cause)
            else:
                self._slot_died(slot, death_reason(error))
            return
        if result.get("status") == NEED_BYTES:  # this node does not see the file: send it
            state.need_bytes = True
            self._refs.pop(state.ref, None)
            self._send(slot, file_id)
            return
        slot.file_id, state.ref = None, None
        if state.cancel_at is not None:  # finished just as it was cancelled: still cancelled
            self._finish(file_id, ClusterFileCancelled(file_id, state.path))
            return
        self._done(file_id, result, slot)

    def _done(self, file_id: int, result: dict, slot: Slot) -> None:
        from meeting_recorder.core.export import from_dict
        from meeting_recorder.core.language_choice import ModelChoice, as_event

        state = self._files[file_id]
        transcript = from_dict(result["transcript"])
        transcript.file = str(Path(state.path))  # the driver's path, as the local job writes it
        if result.get("choice"):
            self._emit(as_event(state.path, ModelChoice(**result["choice"])))
        self._finish(file_id, ClusterFileDone(file_id, state.path, transcript, slot.name, float(result["seconds"])))

    def _file_error(self, file_id: int, cause: BaseException) -> None:
        state = self._files[file_id]
        if isinstance(cause, Cancelled) or state.cancel_at is not None:
            self._finish(file_id, ClusterFileCancelled(file_id, state.path))
            return
        error = cause if isinstance(cause, MeetingRecorderError) else MeetingRecorderError(
            f"{state.path}: {type(cause).__name__}: {cause}")
        self._finish(file_id, ClusterFileFailed(file_id, state.path, error))

    def _finish(self, file_id: int, event: object) -> None:
        state = self._files.pop(file_id, None)
        if state is not None:
            state.shipped_ref = None  # the object store frees the audio
            state.ref = None
        with self._open_lock:
            self._open_ids.discard(file_id)
        self._emit(event)

    def _slot_running(self, file_id: int) -> Slot | None:
        return self._pool.running(file_id)

    # -- progress, cancel grace, replacements ------------------------------------------
    def _poll_progress(self) -> None:
        now = time.monotonic()
        for slot in self._pool.slots:
            if slot.file_id is None or slot.progress_ref is not None or now - slot.progress_at < PROGRESS_EVERY_S:
                continue
            slot.progress_at = now
            slot.progress_ref = slot.handle.progress.remote(slot.file_id)
            slot.progress_file = slot.file_id
            self._refs[slot.progress_ref] = ("progress", slot)

    def _progress_result(self, ref: Any, slot: Slot) -> None:
        slot.progress_ref = None
        try:
            step = self._ray.get(ref)
        except Exception:  # noqa: BLE001 — a dead worker is noticed by its file's result
            return
        state = self._files.get(slot.progress_file)
        if step is None or state is None or slot.file_id != state.file_id or state.cancel_at is not None:
            return
        if step != state.last_progress:
            state.last_progress = step
            self._emit(ClusterFileProgress(state.file_id, state.path, step[0], step[1]))

    def _enforce_cancel_grace(self) -> None:
        """A worker that has not stopped ``cancel_grace_s`` after cancel is killed (and replaced)."""
        now = time.monotonic()
        for slot in list(self._pool.slots):
            state = self._files.get(slot.file_id) if slot.file_id is not None else None
            if state is not None and state.cancel_at is not None and now - state.cancel_at > self.options.cancel_grace_s:
                self._refs.pop(state.ref, None)
                self._slot_died(slot, "did not stop after cancel")

    # -- events ------------------------------------------------------------------------
    def _emit(self, event: object) -> None:
        self._events.append(event)
        if self.on_event is not None:
            self.on_event(event)

