"""The worker actor: one per node or GPU, it loads Whisper (and the speaker models) once, in
its own process, and transcribes the files the driver hands it.

A plain class: ``ray.remote`` is applied by the job at run time, so importing this module
needs no Ray. The models are held directly (``TranscriptionEngine``, ``Diarizer``,
``LanguageDetector``), never through ``core.worker.make_*``, which would start yet another
process. The actor is threaded (the job gives it ``max_concurrency`` > 1): ``progress`` and
``cancel`` run while ``transcribe`` does. Nothing is written but the shipped audio, in a
private temp folder removed when the file ends; the transcript goes back as the JSON dict
(``core.export.to_dict``) and the driver exports it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.progress import Progress

NEED_BYTES = "need_bytes"  # transcribe's answer when this node does not see the driver's file
DONE = "done"
# A worker's folder for shipped audio: "<prefix><pid>-<random>". A worker killed mid-file
# cannot remove its own; the next worker on that node removes those of ended processes.
WORK_PREFIX = "meeting-recorder-cluster-"


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker needs to know (ClusterOptions without the driver's parts)."""

    model: str
    device: str
    language: str
    speakers: Any  # SpeakerRequest | None (profiles travel with it)
    glossary: tuple[str, ...]
    allow_download: bool = False
    work_dir: str | None = None  # where shipped audio is unpacked (None: this node's temp folder)
    omp_threads: str | None = None  # OMP_NUM_THREADS as a local run has it here (None: unset)


@dataclass(frozen=True)
class AudioSource:
    """One file as the driver sends it: its path there, with size and mtime_ns to tell
    whether this node sees the same file, and how to read it (``ship``)."""

    path: str
    size: int | None
    mtime_ns: int | None
    ship: str  # "auto" | "always" | "never"


def use_local_thread_settings(omp_threads: str | None) -> None:
    """Ray starts an actor with OMP_NUM_THREADS=1 (its num_cpus). With one BLAS thread the
    sums in Whisper's features (numpy) come out a little different, and on some CPUs (AVX
    without AVX2) so does the transcript of the same file. The worker takes the local run's
    setting instead: the environment before ctranslate2 and torch read it (on import), and
    numpy's BLAS, loaded already with Ray, set to match."""
    from threadpoolctl import threadpool_limits

    if omp_threads is None:
        os.environ.pop("OMP_NUM_THREADS", None)
    else:
        os.environ["OMP_NUM_THREADS"] = omp_threads
    # The BLAS default when nothing (or nothing usable) is set: every core it may use.
    blas_threads = int(omp_threads) if omp_threads and omp_threads.isdigit() else usable_cores()
    threadpool_limits(limits=max(1, blas_threads), user_api="blas")


def usable_cores() -> int:
    """Cores this process may run on (its affinity where the OS has one, as BLAS counts)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only; macOS and Windows: all cores
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def blas_thread_counts() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


class TranscriptionWorker:
    def __init__(self, settings: WorkerSettings) -> None:
        use_local_thread_settings(settings.omp_threads)
        from meeting_recorder.core.privacy import configure_network

        configure_network(settings.allow_download)  # offline unless the user allowed downloads
        self.settings = settings
        remove_stale_work_folders(settings.work_dir or tempfile.gettempdir())
        self._engines: dict[str, Any] = {}
        self._detector: Any = None
        self._diarizer: Any = None
        self._models_lock = threading.Lock()
        self._jobs_lock = threading.Lock()
        self._cancels: dict[int, threading.Event] = {}
        self._progress: dict[int, Progress] = {}
        self._cancelled_early: set[int] = set()

    # -- lifecycle ---------------------------------------------------------------------
    def load(self) -> dict[str, Any]:
        """Load the models this job will need now (a ModelError says what is missing);
        returns ``info()``."""
        from meeting_recorder.core.language_choice import model_for

        choice = model_for(self.settings.model, self.settings.language)
        with self._models_lock:
            if choice is not None:
                self._engine_locked(choice.model)
            else:  # "auto" with language "auto": each file's language is identified first
                self._detector_locked().load()
            if self.settings.speakers is not None:
                self._diarizer_locked().load()
        return self.info()

    def info(self) -> dict[str, Any]:
        import ray

        engine = next(iter(self._engines.values()), None)
        return {
            "node_ip": ray.util.get_node_ip_address(),
            "actor_id": ray.get_runtime_context().get_actor_id() or "",
            "pid": os.getpid(),
            "device": getattr(engine, "device_used", "") if engine is not None else "",
            "gpus": [str(gpu) for gpu in ray.get_gpu_ids()],
            "omp_threads": os.environ.get("OMP_NUM_THREADS"),
            "blas_threads": blas_thread_counts(),
        }

    def pid(self) -> int:
        return os.getpid()

    def loaded_models(self) -> list[str]:
        """What is held now (the tests check that models stay loaded, and are released)."""
        held = [name for name, engine in self._engines.items() if engine.loaded]
        if self._detector is not None and self._detector.loaded:
            held.append("detector")
        if self._diarizer is not None and self._diarizer.loaded:
            held.append("diarizer")
        return held

    def busy(self) -> list[int]:
        with self._jobs_lock:
            return sorted(self._cancels)

    def release(self) -> bool:
        """Close every model and hand the memory back (CUDA cache too); the actor is
        killed after this."""
        for cancel in list(self._cancels.values()):
            cancel.set()
        from meeting_recorder.core.resources import release_memory

        with self._models_lock:
            holders = [*self._engines.values(), self._detector, self._diarizer]
            self._engines, self._detector, self._diarizer = {}, None, None
            for holder in holders:
                if holder is not None:
                    holder.close()
        release_memory()
        return True

    # -- work --------------------------------------------------------------------------
    def transcribe(self, file_id: int, source: AudioSource, shipped: list[tuple[str, bytes]] | None = None) -> dict:
        """``{"status": "done", "transcript": <JSON dict>, "choice": …, "seconds": s}``, or
        ``{"status": "need_bytes"}`` when ``source.ship`` is "auto" and this node does not see
        the file. Raises Cancelled, AudioDecodeError, ModelError (Ray hands them back)."""
        started = time.monotonic()
        cancel = self._start(file_id)
        folder: Path | None = None
        try:
            if shipped:
                folder = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=self.settings.work_dir))
                path = _unpack(shipped, folder)
            elif source.ship == "auto" and not _same_file(source):
                return {"status": NEED_BYTES}
            else:
                path = Path(source.path)
            try:
                transcript, choice = self._transcribe_path(file_id, path, cancel)
            except MeetingRecorderError as error:
                raise _with_path(error, path, source.path) from None
            from meeting_recorder.core.export import to_dict

            return {"status": DONE, "transcript": to_dict(transcript), "choice": choice,
                    "seconds": time.monotonic() - started}
        finally:
            self._end(file_id)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def progress(self, file_id: int) -> tuple[float | None, float | None] | None:
        """(fraction, eta_seconds) of a running file; None when none was reported yet."""
        with self._jobs_lock:
            step = self._progress.get(file_id)
        return None if step is None else (step.fraction, step.eta_seconds)

    def cancel(self, file_id: int) -> bool:
        """Stop ``file_id`` (within about a second; it then raises Cancelled). True when it
        ran here; a file not started yet is stopped as it starts."""
        with self._jobs_lock:
            event = self._cancels.get(file_id)
            if event is None:
                self._cancelled_early.add(file_id)
                return False
        event.set()
        return True

    def _start(self, file_id: int) -> threading.Event:
        cancel = threading.Event()
        with self._jobs_lock:
            if file_id in self._cancelled_early:
                self._cancelled_early.discard(file_id)
                cancel.set()
            self._cancels[file_id] = cancel
        return cancel

    def _end(self, file_id: int) -> None:
        with self._jobs_lock:
            self._cancels.pop(file_id, None)
            self._progress.pop(file_id, None)

    def _transcribe_path(self, file_id: int, path: Path, cancel: threading.Event) -> tuple[Any, dict | None]:
        from meeting_recorder.core.audio import probe
        from meeting_recorder.core.engine import TranscribeOptions
        from meeting_recorder.core.errors import Cancelled
        from meeting_recorder.core.language_choice import after_detection, model_for
        from meeting_recorder.core.transcribe_job import transcribe_with_speakers

        probe(path)  # a bad file fails with its own reason, before any model works on it
        choice = model_for(self.settings.model, self.settings.language)
        detected = choice is None
        with self._models_lock:
            if choice is None:
                choice = after_detection(*self._detector_locked().detect_file(path))
            engine = self._engine_locked(choice.model)
            diarizer = self._diarizer_locked() if self.settings.speakers is not None else None
        if cancel.is_set():
            raise Cancelled()

        def on_progress(step: Progress) -> None:
            with self._jobs_lock:
                self._progress[file_id] = step

        options = TranscribeOptions(language=choice.language, glossary=tuple(self.settings.glossary))
        transcript = transcribe_with_speakers(engine, diarizer, path, options, self.settings.speakers,
                                              progress=on_progress, cancel=cancel)
        shown = dataclasses.asdict(choice) if detected or self.settings.model == "auto" else None
        return transcript, shown

    # -- models (under _models_lock) ---------------------------------------------------
    def _engine_locked(self, model: str) -> Any:
        if model not in self._engines:
            from meeting_recorder.core.engine import TranscriptionEngine

            engine = TranscriptionEngine(model, device=self.settings.device,
                                         allow_download=self.settings.allow_download)
            engine.load()
            self._engines[model] = engine
        return self._engines[model]

    def _detector_locked(self) -> Any:
        if self._detector is None:
            from meeting_recorder.core.language_choice import LanguageDetector

            self._detector = LanguageDetector(device=self.settings.device)
        return self._detector

    def _diarizer_locked(self) -> Any:
        if self._diarizer is None:
            from meeting_recorder.core.speakers.diarizer import Diarizer

            self._diarizer = Diarizer()
        return self._diarizer


def _same_file(source: AudioSource) -> bool:
    """This node sees the driver's file: same path, size and modification time (a path
    the driver could not see itself: when it is a file here)."""
    if source.size is None:
        return os.path.isfile(source.path)
    try:
        info = os.stat(source.path)
    except OSError:
        return False
    return info.st_size == source.size and info.st_mtime_ns == source.mtime_ns


def _unpack(shipped: list[tuple[str, bytes]], folder: Path) -> Path:
    """Write the shipped files (the audio first, then a call's track files) under their own
    names; the audio's path."""
    for name, data in shipped:
        target = folder / Path(name).name  # a name only: nothing is written outside the folder
        with open(target, "wb") as handle:
            handle.write(data)
    return folder / Path(shipped[0][0]).name


def _with_path(error: MeetingRecorderError, local: Path, driver_path: str) -> MeetingRecorderError:
    """``error`` naming the driver's path instead of this worker's copy of the file."""
    event = error.event
    if event is None or getattr(event, "path", None) != str(local) or str(local) == driver_path:
        return error
    try:
        return type(error)(dataclasses.replace(event, path=driver_path))
    except TypeError:  # an error class built otherwise: keep it as it was
        return error


def remove_stale_work_folders(parent: str) -> list[str]:
    """Remove the shipped-audio folders of workers that are no longer running (killed
    mid-file: their ``finally`` never ran); the folders removed."""
    removed = []
    try:
        entries = [entry for entry in os.scandir(parent) if entry.name.startswith(WORK_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        pid_text = entry.name[len(WORK_PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit() or not entry.is_dir(follow_symlinks=False) or _running(int(pid_text)):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # not ours to look at: leave its folder alone
        return True
