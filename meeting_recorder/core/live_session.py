"""One live recording: source → pool → writer (disk) → ring → live transcriber (Whisper, and
speaker labels from ``core.speakers.live_labels`` unless ``speakers`` is off) → journal.

``LiveSession`` owns every piece, starts them in order and stops them in reverse:
capture → writer (file finalized, renamed) → transcriber (last words) → export → release
models → garbage / CUDA cache → temp files. Every step is reported as an event
(``core/events.py``); a step that fails is reported and the later ones still run, models
are released whatever failed. ``start()`` and ``stop()`` are idempotent and may be called
from any thread.

Recording comes first: the disk append never waits for analysis or transcription. Analysis
or transcription that fails turns live transcription off (``RecordOnly``) and the file keeps
growing. A failing append (``WriterFailed``) or free space down to the reserve
(``DiskFull``; ``DiskLow`` warns before) ends the session by itself: ``ended`` is set and
the owner calls ``stop()``, which finalizes the file up to that moment.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from meeting_recorder.core import events
from meeting_recorder.core.block_pool import BlockPool
from meeting_recorder.core.disk_space import DiskGuard, DiskLimits
from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.errors import DiskSpaceError, FolderError, reason_of
from meeting_recorder.core.export import FORMATS
from meeting_recorder.core.live_analysis import LiveAnalysis
from meeting_recorder.core.live_transcriber import LiveTranscriber
from meeting_recorder.core.private_files import private_dir
from meeting_recorder.core.models import DEFAULT_MODEL
from meeting_recorder.core.recovery import PARTIAL_SUFFIX, RecoveredRecording, final_path, journal_path, recover_folder
from meeting_recorder.core.resources import release_memory
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.segmenter import SAMPLE_RATE, SegmenterOptions
from meeting_recorder.core.sources import AudioSource
from meeting_recorder.core.transcript import Segment
from meeting_recorder.core.transcript_log import TranscriptLog, export_journal
from meeting_recorder.core.language_choice import live_model
from meeting_recorder.core.worker import make_engine
from meeting_recorder.core.writer import RecordingWriter

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.embedding import Embedder
    from meeting_recorder.core.speakers.live_labels import LiveLabels



@dataclass
class LiveSettings:
    out_dir: Path
    model: str = DEFAULT_MODEL
    language: str = "auto"
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    keep_models_loaded: bool = False  # keep Whisper (and the speaker model) warm between recordings
    ring_seconds: float = 120.0
    pool_seconds: float = 20.0
    finish_timeout: float = 120.0  # transcribing the last words at stop
    disk: DiskLimits = field(default_factory=DiskLimits)
    segmenter: SegmenterOptions = field(default_factory=SegmenterOptions)
    speakers: bool = True  # label each utterance "Speaker 1", "Speaker 2", … (or an enrolled name)
    max_speakers: int = 8
    known_speakers: dict[str, np.ndarray] = field(default_factory=dict)  # name -> unit CAM++ vector
    glossary: tuple[str, ...] = ()  # names and terms to spell as written (core/glossary.py)


@dataclass
class LiveCallbacks:
    status: Callable[[events.Event], None] = lambda event: None
    segment: Callable[[Segment], None] = lambda segment: None
    level: Callable[[float], None] = lambda rms: None
    error: Callable[[events.Event], None] = lambda event: None
    recovered: Callable[[RecoveredRecording], None] = lambda recording: None


@dataclass(frozen=True)
class SessionResult:
    recording: Path
    seconds: float
    transcript_files: list[Path]
    segments: int
    skipped_seconds: float
    dropped_frames: int
    error: str | None  # the first error's code (``events``), None when all went well
    errors: tuple[events.Event, ...] = ()


def _new_recording_path(folder: Path) -> Path:
    stamp = _dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    candidate, n = folder / f"{stamp}{PARTIAL_SUFFIX}", 1
    while candidate.exists() or final_path(candidate).exists():
        n += 1
        candidate = folder / f"{stamp}-{n}{PARTIAL_SUFFIX}"
    return candidate


class LiveSession:
    def __init__(
        self,
        source: AudioSource,
        settings: LiveSettings,
        callbacks: LiveCallbacks | None = None,
        engine: TranscriptionEngine | None = None,
        embedder: "Embedder | None" = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self.callbacks = callbacks or LiveCallbacks()
        self.engine = engine or make_engine(live_model(settings.model, settings.language))
        self.embedder = embedder  # the speaker model, made at start when labels are on
        self.partial_path: Path | None = None
        self.result: SessionResult | None = None
        # The session ended by itself (source over or failed, disk full, writer failed): call stop().
        self.ended = threading.Event()
        self.source_ended = self.ended  # the older name
        self._errors: list[events.Event] = []
        self._disk: DiskGuard | None = None
        self._lock = threading.Lock()
        self._running = False
        self._pool: BlockPool | None = None
        self._writer: RecordingWriter | None = None
        self._transcriber: LiveTranscriber | None = None
        self._log: TranscriptLog | None = None
        self._analysis: LiveAnalysis | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> Path:
        """Recover leftovers, open the recording, start every thread; returns its path."""
        with self._lock:
            if self._running:
                assert self.partial_path is not None
                return self.partial_path
            folder = self.settings.out_dir
            try:
                private_dir(folder)
                self._recover_leftovers(folder)
                self._disk = DiskGuard(folder, self.source.samplerate * self.source.channels * 2, self.settings.disk)
            except OSError as error:
                raise FolderError(events.FolderNotWritable(str(folder), reason_of(error))) from error
            if not self._disk.room_to_start():
                raise DiskSpaceError(events.NoRoomToRecord(str(folder), self._disk.free))
            try:
                self._build(folder)
            except OSError as error:  # the folder is read-only, gone, or the disk refused
                self._discard()
                raise FolderError(events.FolderNotWritable(str(folder), reason_of(error))) from error
            except BaseException:
                self._discard()
                raise
            self._running = True
            try:
                self.source.start(self._capture, self._on_source_end)
            except BaseException:
                self._running = False
                self._discard()
                raise
            self.callbacks.status(events.RecordingStarted(str(self.partial_path)))
            return self.partial_path

    def _recover_leftovers(self, folder: Path) -> None:
        recovered, errors = recover_folder(folder, self.settings.formats)
        for recording in recovered:
            self.callbacks.status(events.RecordingRecovered(str(recording.path), recording.seconds))
            self.callbacks.recovered(recording)
        for message in errors:
            self.callbacks.error(events.RecoveryFailed(str(message)))

    def _build(self, folder: Path) -> None:
        source = self.source
        labels = self._speaker_labels()  # first: a bad enrolled voice fails before any file exists
        self.partial_path = _new_recording_path(folder)
        self._pool = BlockPool(
            max(8, int(self.settings.pool_seconds / 0.1)), source.block_frames, source.channels
        )
        ring = RingBuffer(int(self.settings.ring_seconds * SAMPLE_RATE))
        self._analysis = LiveAnalysis(source.samplerate, ring, self.callbacks.level)
        self._writer = RecordingWriter(
            self.partial_path, source.samplerate, source.channels, self._pool, on_block=self._analysis.process,
            on_write_error=self._on_write_error, on_analysis_error=self._on_analysis_error,
            on_appended=self._check_disk,
        )
        self._log = TranscriptLog(journal_path(self.partial_path), self.engine.model_name, self.settings.language)
        self._transcriber = LiveTranscriber(
            ring,
            self.engine,
            TranscribeOptions(language=self.settings.language, glossary=tuple(self.settings.glossary)),
            self.settings.segmenter,
            on_segment=self._commit,
            on_status=self.callbacks.status,
            on_error=self._on_transcriber_error,
            labels=labels,
        )
        self._writer.start()
        self._transcriber.start()

    def _speaker_labels(self) -> "LiveLabels | None":
        """Fresh labels for this recording (the model itself may be kept warm), or None."""
        if not self.settings.speakers:
            return None
        from meeting_recorder.core.worker import make_embedder
        from meeting_recorder.core.speakers.live_labels import LiveLabels

        if self.embedder is None:
            self.embedder = make_embedder(num_threads=1)  # 1 thread: Whisper has the other cores
        return LiveLabels(
            self.embedder,
            self.callbacks.status,
            max_speakers=self.settings.max_speakers,
            known=self.settings.known_speakers,
        )

    def _release_models(self, say: Callable[[events.Event], None] | None = None) -> None:
        if self.settings.keep_models_loaded:
            return
        self.engine.close()
        if say:
            say(events.ModelReleased("speech"))
        if self.embedder is not None:  # even if not loaded now: a worker's holder counts as kept
            was_loaded = self.embedder.loaded
            self.embedder.close()
            if say and was_loaded:
                say(events.ModelReleased("speaker"))

    def stop(self, finish_timeout: float | None = None) -> SessionResult | None:
        """Stop everything in reverse order; returns the result (None if never started).
        ``finish_timeout``: seconds for the last words (default: the settings'; quitting
        gives a few), after which transcription is cancelled; the recording is whole anyway."""
        with self._lock:
            if not self._running:
                return self.result
            self._running = False
            say = self.callbacks.status
            say(events.Stopping())
            try:
                self.source.stop()
            except Exception as error:  # a device that fails to close must not keep the file open
                self._report(events.DeviceOpenFailed(self.source.name, str(error)))
            self.result = self._teardown(self.settings.finish_timeout if finish_timeout is None else finish_timeout)
            say(events.Stopped())
            return self.result

    def _teardown(self, finish_timeout: float) -> SessionResult:
        """Each step reports its own failure and the next still runs; models and memory are
        released whatever happened."""
        say = self.callbacks.status
        writer, transcriber, log = self._writer, self._transcriber, self._log
        assert writer is not None and transcriber is not None and log is not None and self.partial_path
        recording, files = self.partial_path, []
        try:
            writer.close()
            if writer.error is not None and not self._has(events.WriterFailed):
                self._report(events.WriterFailed(str(self.partial_path), reason_of(writer.error)))
            say(events.TranscribingLastWords())
            if not transcriber.finish(finish_timeout):
                say(events.LastWordsTimedOut())
            log.close()
            recording = self._finalize(self.partial_path)
            if recording != self.partial_path:
                say(events.RecordingSaved(str(recording), writer.seconds_written))
                files = self._export(recording, writer.seconds_written)
        finally:
            result = SessionResult(
                recording=recording,
                seconds=writer.seconds_written,
                transcript_files=files,
                segments=transcriber.segments_emitted,
                skipped_seconds=transcriber.skipped_seconds,
                dropped_frames=self._pool.dropped_frames if self._pool else 0,
                error=self._errors[0].code if self._errors else None,
                errors=tuple(self._errors),
            )
            self._writer = self._transcriber = self._log = None
            self._pool = self._analysis = None
            self._release_models(say)
            release_memory()
            say(events.MemoryReleased())
        return result

    def _finalize(self, partial: Path) -> Path:
        """``x.wav.partial`` -> ``x.wav``; on failure the partial stays for ``recover``."""
        final = final_path(partial)
        try:
            os.replace(partial, final)
        except OSError as error:
            self._report(events.FinalizeFailed(str(partial), reason_of(error)))
            return partial
        return final

    def _export(self, recording: Path, seconds: float) -> list[Path]:
        journal = journal_path(self.partial_path) if self.partial_path else None
        if journal is None or not journal.exists():
            return []
        try:
            files = export_journal(journal, recording, seconds, self.settings.formats)
        except (OSError, ValueError) as error:  # the journal stays: nothing said is lost
            self._report(events.ExportFailed(str(recording.with_suffix(".json")), reason_of(error)))
            return []
        self.callbacks.status(events.TranscriptSaved(tuple(p.name for p in files)))
        return files

    def _discard(self) -> None:
        """Capture never began (or building failed half-way): close what exists and delete
        the empty files; models are released whatever fails."""
        try:
            if self._writer is not None:
                self._writer.close()
            if self._transcriber is not None:
                self._transcriber.finish(timeout=0)
            if self._log is not None:
                self._log.close()
        finally:
            if self.partial_path is not None:
                for path in (self.partial_path, journal_path(self.partial_path)):
                    try:
                        path.unlink(missing_ok=True)
                    except OSError:  # a read-only folder: nothing was created there anyway
                        pass
            self._writer = self._transcriber = self._log = None
            self._pool = self._analysis = None
            self._release_models()
            release_memory()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the source ends by itself (file over, device error)."""
        return self.source_ended.wait(timeout)

    def close(self) -> None:
        """Stop, and release the models even if they were kept loaded."""
        self.stop()
        self.engine.close()
        if self.embedder is not None:
            self.embedder.close()

    # -- capture path (source thread) ------------------------------------------------------
    def _capture(self, data: np.ndarray) -> None:
        pool, writer = self._pool, self._writer
        if pool is None or writer is None:
            return
        if not getattr(self.source, "realtime", True):
            while pool.free_blocks * pool.frames < len(data) and self._running:
                time.sleep(0.002)  # a file source can wait; a microphone never does
        writer.submit(pool.fill(data))

    def _on_source_end(self, problem: events.Event | None) -> None:
        if problem is not None:
            self._report(problem)
        self.ended.set()

    def _report(self, event: events.Event) -> None:
        """An error: kept for the result and reported at once."""
        self._errors.append(event)
        self.callbacks.error(event)

    def _has(self, kind: type[events.Event]) -> bool:
        return any(isinstance(event, kind) for event in self._errors)

    # -- faults (writer and transcriber threads) --------------------------------------------
    def _on_write_error(self, error: BaseException) -> None:
        """The disk refused a block: say so now and end the session (the file is finalized
        up to here at stop)."""
        self._report(events.WriterFailed(str(self.partial_path), reason_of(error)))
        self.ended.set()

    def _on_analysis_error(self, error: BaseException) -> None:
        """Level/resampling/ring failed: live transcription is over, recording goes on."""
        self._report(events.RecordOnly(reason_of(error)))

    def _on_transcriber_error(self, event: events.Event) -> None:
        if isinstance(event, events.RecordOnly) and self._analysis is not None:
            self._analysis.stop_feeding()  # nobody reads the ring any more
        self._report(event)

    def _check_disk(self, seconds_written: float) -> None:
        disk = self._disk
        if disk is None or self.ended.is_set():
            return
        try:
            state = disk.check(seconds_written)
        except OSError:  # the folder vanished: the next append says so
            return
        if state == "low":
            self.callbacks.status(events.DiskLow(str(disk.folder), disk.free, round(disk.seconds_left() / 60, 1)))
        elif state == "full":
            if self._writer is not None:
                self._writer.halt()  # here, on the writer thread: not one block more
            self._report(events.DiskFull(str(disk.folder), disk.free))
            self.ended.set()

    def _commit(self, segment: Segment) -> None:
        log = self._log
        if log is not None and not self._has(events.JournalFailed):
            try:
                log.append(segment)
            except OSError as error:  # shown live; the recording can be transcribed again later
                self._report(events.JournalFailed(str(log.path), reason_of(error)))
        self.callbacks.segment(segment)

