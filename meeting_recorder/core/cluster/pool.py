"""The worker actors of one job, as the driver keeps them: start, wait for their models,
replace one that died, release and kill them all at the end."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from meeting_recorder.core.cluster.actor import TranscriptionWorker, WorkerSettings
from meeting_recorder.core.cluster.options import ClusterOptions
from meeting_recorder.core.cluster.slots import Slot, WorkerInfo, kill, worker_failure
from meeting_recorder.core.errors import Cancelled, ClusterWorkersLost, MeetingRecorderError
from meeting_recorder.core.events import ClusterNoWorkers

LOCAL_WORKERS = 2
ACTOR_CONCURRENCY = 4  # transcribe + progress + cancel (+ release) at once
LOAD_TIMEOUT_S = 600.0  # workers loading their models (a cold GPU node is slow)
REPLACEMENT_TIMEOUT_S = 300.0  # a replacement that has not loaded by then is given up
RELEASE_TIMEOUT_S = 20.0
ABORT_CHECK_S = 0.25  # how often waiting for the models looks at an abort


def worker_count(options: ClusterOptions, local: bool, gpus: int, nodes: int) -> int:
    """As asked; else 2 for "local", one per GPU on a cluster with GPUs, else one per node."""
    if options.workers:
        return options.workers
    if local:
        return LOCAL_WORKERS
    return gpus if gpus and options.device != "cpu" else max(1, nodes)


class WorkerPool:
    """``refs`` is the job's map of ObjectRef -> (kind, slot): load() calls go in as "load"."""

    def __init__(self, ray: Any, options: ClusterOptions, address: str, local: bool, gpus: int, count: int,
                 refs: dict[Any, tuple[str, Slot]], work_dir: str | None = None) -> None:
        self.ray = ray
        self.address = address
        self.slots: list[Slot] = []
        self._refs = refs
        self._settings = WorkerSettings(options.model, options.device, options.language, options.speakers,
                                        tuple(options.glossary), options.allow_download, work_dir,
                                        # a local cluster's workers: as this process; a node: its default
                                        os.environ.get("OMP_NUM_THREADS") if local else None)
        resources: dict[str, Any] = {"num_cpus": 1}
        if gpus > 0 and options.device != "cpu":  # locally the GPUs are shared by the workers; on a cluster, one each
            resources["num_gpus"] = min(1.0, gpus / count) if local else 1
        self._actor_class = ray.remote(TranscriptionWorker)
        self._actor_options = dict(resources, max_concurrency=ACTOR_CONCURRENCY, max_restarts=0,
                                   scheduling_strategy="SPREAD")
        self.replacements_left = count * options.max_attempts
        self.closed = False

    def start(self) -> Slot:
        handle = self._actor_class.options(**self._actor_options).remote(self._settings)
        slot = Slot(handle=handle, started_at=time.monotonic())
        slot.load_ref = handle.load.remote()
        self._refs[slot.load_ref] = ("load", slot)
        self.slots.append(slot)
        return slot

    def wait_loaded(self, abort: threading.Event | None = None) -> None:
        """Every worker loaded, or the first model error raised; workers that could not
        start are dropped (none at all: ClusterWorkersLost). ``abort`` set: Cancelled."""
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while any(slot.load_ref is not None for slot in self.slots):
            if abort is not None and abort.is_set():
                raise Cancelled()
            refs = [slot.load_ref for slot in self.slots if slot.load_ref is not None]
            left = deadline - time.monotonic()
            if left <= 0:
                break
            # in short waits, so that an abort (the window quitting) is seen soon
            ready, _ = self.ray.wait(refs, num_returns=1, timeout=min(ABORT_CHECK_S, left))
            if not ready:
                continue
            failure = self.loaded(ready[0], self._refs.pop(ready[0])[1])
            if failure is not None and not isinstance(failure, ClusterWorkersLost):
                raise failure  # a ModelError: every worker would fail alike
        for slot in self.slots:
            if slot.load_ref is not None:  # never placed (no resources) or still loading
                self._refs.pop(slot.load_ref, None)
                slot.load_ref = None
                kill(self.ray, slot)
        self.slots = [slot for slot in self.slots if slot.ready]
        if not self.slots:
            raise ClusterWorkersLost(ClusterNoWorkers(self.address, "no worker started and loaded its models"))

    def loaded(self, ref: Any, slot: Slot) -> MeetingRecorderError | None:
        """A worker's load() ended: ready, or dead with the reason."""
        slot.load_ref = None
        try:
            info = self.ray.get(ref)
        except Exception as error:  # noqa: BLE001 — a model error, or the actor died
            kill(self.ray, slot)
            return worker_failure(error, self.address)
        slot.set_ready(info)
        return None

    def replacement_loaded(self, ref: Any, slot: Slot) -> None:
        if self.loaded(ref, slot) is not None and slot in self.slots:
            self.slots.remove(slot)  # no second replacement for a replacement that failed to load

    def replace(self, dead: Slot) -> None:
        """Kill ``dead`` and start one new worker for it (while replacements are left)."""
        kill(self.ray, dead)
        if dead in self.slots:
            self.slots.remove(dead)
        if self.replacements_left > 0 and not self.closed:
            self.replacements_left -= 1
            self.start()

    def drop_stuck_replacements(self) -> None:
        now = time.monotonic()
        for slot in list(self.slots):
            if slot.load_ref is not None and now - slot.started_at > REPLACEMENT_TIMEOUT_S:
                self._refs.pop(slot.load_ref, None)
                slot.load_ref = None
                kill(self.ray, slot)
                self.slots.remove(slot)

    def idle(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.ready and slot.file_id is None and not slot.dead]

    def running(self, file_id: int) -> Slot | None:
        return next((slot for slot in self.slots if slot.file_id == file_id), None)

    def infos(self) -> list[WorkerInfo]:
        return [slot.info() for slot in self.slots if slot.ready and not slot.dead]

    def close(self) -> None:
        """Every worker releases its models (engine, diarizer, memory, CUDA cache), then is killed."""
        self.closed = True
        live = [slot for slot in self.slots if not slot.dead]
        releases = [slot.handle.release.remote() for slot in live if slot.ready]
        if releases:
            self.ray.wait(releases, num_returns=len(releases), timeout=RELEASE_TIMEOUT_S)
        for slot in live:
            kill(self.ray, slot)
        self.slots.clear()
