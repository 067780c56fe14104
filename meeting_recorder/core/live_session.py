"""One live recording: source → pool → writer (disk) → ring → live transcriber (Whisper, and
speaker labels from ``core.speakers.live_labels`` unless ``speakers`` is off) → journal.

``LiveSession`` owns every piece, starts them in order and stops them in reverse:
capture → writer (file finalized, renamed) → transcriber (last words) → export → release
models → garbage / CUDA cache → temp files. Every step is reported as a status message.
``start()`` and ``stop()`` are idempotent and may be called from any thread.
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

from meeting_recorder.core.block_pool import BlockPool
from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.export import FORMATS
from meeting_recorder.core.live_transcriber import LiveTranscriber
from meeting_recorder.core.models import DEFAULT_MODEL
from meeting_recorder.core.recovery import PARTIAL_SUFFIX, RecoveredRecording, journal_path, recover_folder
from meeting_recorder.core.resources import release_memory
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.segmenter import SAMPLE_RATE, SegmenterOptions
from meeting_recorder.core.sources import AudioSource
from meeting_recorder.core.transcript import Segment
from meeting_recorder.core.transcript_log import TranscriptLog, export_journal
from meeting_recorder.core.writer import RecordingWriter

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.embedding import Embedder
    from meeting_recorder.core.speakers.live_labels import LiveLabels

LEVEL_INTERVAL = 0.1  # seconds of audio between level reports


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
    segmenter: SegmenterOptions = field(default_factory=SegmenterOptions)
    speakers: bool = True  # label each utterance "Speaker 1", "Speaker 2", … (or an enrolled name)
    max_speakers: int = 8
    known_speakers: dict[str, np.ndarray] = field(default_factory=dict)  # name -> unit CAM++ vector


@dataclass
class LiveCallbacks:
    status: Callable[[str], None] = lambda message: None
    segment: Callable[[Segment], None] = lambda segment: None
    level: Callable[[float], None] = lambda rms: None
    error: Callable[[str], None] = lambda message: None
    recovered: Callable[[RecoveredRecording], None] = lambda recording: None


@dataclass(frozen=True)
class SessionResult:
    recording: Path
    seconds: float
    transcript_files: list[Path]
    segments: int
    skipped_seconds: float
    dropped_frames: int
    error: str | None


def _new_recording_path(folder: Path) -> Path:
    stamp = _dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    candidate, n = folder / f"{stamp}{PARTIAL_SUFFIX}", 1
    while candidate.exists() or candidate.with_name(candidate.name[: -len(".partial")]).exists():
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
        self.engine = engine or TranscriptionEngine(settings.model)
        self.embedder = embedder  # the speaker model, made at start when labels are on
        self.partial_path: Path | None = None
        self.result: SessionResult | None = None
        self.source_ended = threading.Event()  # the source ran out or failed: call stop()
        self._error: str | None = None
        self._lock = threading.Lock()
        self._running = False
        self._pool: BlockPool | None = None
        self._writer: RecordingWriter | None = None
        self._transcriber: LiveTranscriber | None = None
        self._log: TranscriptLog | None = None
        self._resampler = None
        self._frames_since_level = 0

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
            folder.mkdir(parents=True, exist_ok=True)
            self._recover_leftovers(folder)
            self._build(folder)
            self._running = True
            try:
                self.source.start(self._capture, self._on_source_end)
            except BaseException:
                self._running = False
                self._discard()
                raise
            self.callbacks.status(f"Recording to {self.partial_path}")
            return self.partial_path

    def _recover_leftovers(self, folder: Path) -> None:
        recovered, errors = recover_folder(folder, self.settings.formats)
        for recording in recovered:
            self.callbacks.status(f"Recovered an interrupted recording: {recording.path} ({recording.seconds:.0f} s)")
            self.callbacks.recovered(recording)
        for message in errors:
            self.callbacks.error(f"Could not recover a recording: {message}")

    def _build(self, folder: Path) -> None:
        source = self.source
        labels = self._speaker_labels()  # first: a bad enrolled voice fails before any file exists
        self.partial_path = _new_recording_path(folder)
        self._pool = BlockPool(
            max(8, int(self.settings.pool_seconds / 0.1)), source.block_frames, source.channels
        )
        self._writer = RecordingWriter(
            self.partial_path, source.samplerate, source.channels, self._pool, on_block=self._analyse
        )
        self._log = TranscriptLog(journal_path(self.partial_path), self.settings.model, self.settings.language)
        ring = RingBuffer(int(self.settings.ring_seconds * SAMPLE_RATE))
        self._transcriber = LiveTranscriber(
            ring,
            self.engine,
            TranscribeOptions(language=self.settings.language),
            self.settings.segmenter,
            on_segment=self._commit,
            on_status=self.callbacks.status,
            on_error=self.callbacks.error,
            labels=labels,
        )
        self._ring = ring
        self._writer.start()
        self._transcriber.start()

    def _speaker_labels(self) -> "LiveLabels | None":
        """Fresh labels for this recording (the model itself may be kept warm), or None."""
        if not self.settings.speakers:
            return None
        from meeting_recorder.core.speakers.embedding import Embedder
        from meeting_recorder.core.speakers.live_labels import LiveLabels

        if self.embedder is None:
            self.embedder = Embedder(num_threads=1)  # 1 thread: Whisper has the other cores
        return LiveLabels(
            self.embedder,
            self.callbacks.status,
            max_speakers=self.settings.max_speakers,
            known=self.settings.known_speakers,
        )

    def _release_models(self, say: Callable[[str], None] | None = None) -> None:
        if self.settings.keep_models_loaded:
            return
        self.engine.close()
        if say:
            say("Speech model released")
        if self.embedder is not None and self.embedder.loaded:
            self.embedder.close()
            if say:
                say("Speaker model released")

    def stop(self) -> SessionResult | None:
        """Stop everything in reverse order; returns the result (None if never started)."""
        with self._lock:
            if not self._running:
                return self.result
            self._running = False
            say = self.callbacks.status
            say("Stopping capture…")
            self.source.stop()
            self.result = self._teardown()
            say("Stopped")
            return self.result

    def _teardown(self) -> SessionResult:
        say = self.callbacks.status
        assert self._writer is not None and self._transcriber is not None and self._log is not None
        self._writer.close()
        if self._writer.error is not None:
            self._fail(f"Writing the recording failed: {self._writer.error}")
        say("Transcribing the last words…")
        complete = self._transcriber.finish(self.settings.finish_timeout)
        if not complete:
            say("The last words were not transcribed in time; the recording is complete.")
        self._log.close()
        partial = self.partial_path
        assert partial is not None
        final = partial.with_name(partial.name[: -len(".partial")])
        os.replace(partial, final)
        seconds = self._writer.seconds_written
        say(f"Recording saved: {final}")
        files = export_journal(journal_path(partial), final, seconds, self.settings.formats)
        say(f"Transcript saved: {', '.join(p.name for p in files)}")
        result = SessionResult(
            recording=final,
            seconds=seconds,
            transcript_files=files,
            segments=self._transcriber.segments_emitted,
            skipped_seconds=self._transcriber.skipped_seconds,
            dropped_frames=self._pool.dropped_frames if self._pool else 0,
            error=self._error,
        )
        self._writer = self._transcriber = self._log = None
        self._pool = None
        self._ring = None
        self._resampler = None
        self._release_models(say)
        release_memory()
        say("Memory released")
        return result

    def _discard(self) -> None:
        """Capture never began: close every piece and delete the empty files."""
        assert self._writer is not None and self._transcriber is not None and self._log is not None
        self._writer.close()
        self._transcriber.finish(timeout=0)
        self._log.close()
        assert self.partial_path is not None
        for path in (self.partial_path, journal_path(self.partial_path)):
            path.unlink(missing_ok=True)
        self._writer = self._transcriber = self._log = None
        self._pool = self._ring = self._resampler = None
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

    def _on_source_end(self, message: str | None) -> None:
        if message:
            self._fail(message)
        self.source_ended.set()

    def _fail(self, message: str) -> None:
        self._error = self._error or message
        self.callbacks.error(message)

    # -- analysis path (writer thread) ------------------------------------------------------
    def _analyse(self, block: np.ndarray) -> None:
        """Resample each written block to 16 kHz mono for the ring; report the level."""
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        layout = "mono" if block.shape[1] == 1 else "stereo"
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block).reshape(1, -1), format="s16", layout=layout)
        frame.sample_rate = self.source.samplerate
        for out in self._resampler.resample(frame):
            if self._ring is not None:
                self._ring.write(out.to_ndarray().reshape(-1))
        self._frames_since_level += len(block)  # audio time, so fast file playback reports too
        if self._frames_since_level >= LEVEL_INTERVAL * self.source.samplerate:
            self._frames_since_level = 0
            self.callbacks.level(float(np.sqrt(np.mean(np.square(block, dtype=np.float32)))) / 32768.0)

    def _commit(self, segment: Segment) -> None:
        if self._log is not None:
            self._log.append(segment)
        self.callbacks.segment(segment)
