"""One live recording: source → pool → writer (disk) → ring → live transcriber (Whisper, and
speaker labels from ``core.speakers.live_labels`` unless ``speakers`` is off) → journal.

A call records two tracks (``system_source``: the microphone is "You", the system audio is
diarized into the remote speakers; ``core/track.py``, ``core/call_tracks.py``): each has its
own crash-safe file, ring and transcriber, one journal holds both, the microphone's
utterances that are only the speakers' echo are dropped (``core/echo.py``), and at stop the
tracks are mixed into the file players open.

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

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from meeting_recorder.core import events
from meeting_recorder.core.call_tracks import new_recording_base
from meeting_recorder.core.disk_space import DiskGuard
from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.errors import DiskSpaceError, FolderError, reason_of
from meeting_recorder.core.language_choice import live_model
from meeting_recorder.core.live_transcriber import LiveTranscriber
from meeting_recorder.core.live_types import LiveCallbacks, LiveSettings, SessionResult
from meeting_recorder.core.private_files import private_dir
from meeting_recorder.core.recovery import PARTIAL_SUFFIX, final_path, journal_path, recover_folder
from meeting_recorder.core.resources import release_memory
from meeting_recorder.core.sources import AudioSource
from meeting_recorder.core.track import FixedSpeaker, SerialEngine, Track
from meeting_recorder.core.transcript import Segment
from meeting_recorder.core.transcript_log import TranscriptLog, export_journal
from meeting_recorder.core.worker import make_engine

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.embedding import Embedder
    from meeting_recorder.core.speakers.live_labels import LiveLabels

__all__ = ["LiveCallbacks", "LiveSession", "LiveSettings", "SessionResult"]

ECHO_WAIT_SECONDS = 10.0  # > the ~6 s the aligner holds the start of the system track


def _track_kind(source: AudioSource) -> str:
    return getattr(source, "kind", "mic")


class LiveSession:
    def __init__(
        self,
        source: AudioSource,
        settings: LiveSettings,
        callbacks: LiveCallbacks | None = None,
        engine: TranscriptionEngine | None = None,
        embedder: "Embedder | None" = None,
        system_source: AudioSource | None = None,
    ) -> None:
        self.source = source  # the microphone of a call
        self.system_source = system_source  # a call: the other side (what the speakers play)
        self.settings = settings
        self.callbacks = callbacks or LiveCallbacks()
        self.engine = engine or make_engine(live_model(settings.model, settings.language))
        self.embedder = embedder  # the speaker model, made at start when labels are on
        self.partial_path: Path | None = None  # the (first) track's file while recording
        self.result: SessionResult | None = None
        # The session ended by itself (source over or failed, disk full, writer failed): call stop().
        self.ended = threading.Event()
        self.source_ended = self.ended  # the older name
        self.tracks: list[Track] = []
        self._base: Path | None = None
        self._errors: list[events.Event] = []
        self._disk: DiskGuard | None = None
        self._lock = threading.Lock()
        self._running = False
        self._log: TranscriptLog | None = None
        self._echo = None  # core.echo.EchoFilter of a call's microphone track
        self._captured_frames = 0  # by the first track: the session clock for marks and notes
        self.aligner = None  # a call: core.track_clock.TrackAligner (the system track's clock)

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def is_call(self) -> bool:
        return self.system_source is not None

    @property
    def sources(self) -> list[AudioSource]:
        return [self.source] + ([self.system_source] if self.system_source is not None else [])

    def start(self) -> Path:
        """Recover leftovers, open the recording, start every thread; returns its path."""
        with self._lock:
            if self._running:
                assert self.partial_path is not None
                return self.partial_path
            folder = self.settings.out_dir
            rate = sum(s.samplerate * s.channels * 2 for s in self.sources)
            try:
                private_dir(folder)
                self._recover_leftovers(folder)
                self._disk = DiskGuard(folder, rate, self.settings.disk)
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
            started: list[AudioSource] = []
            try:
                for track in self.tracks:  # the microphone first: it is the clock
                    track.source.start(lambda data, t=track: self._capture(t, data), self._on_source_end)
                    started.append(track.source)
            except BaseException:
                self._running = False
                for source in started:
                    source.stop()
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
        labels = self._speaker_labels()  # first: a bad enrolled voice fails before any file exists
        self._base = new_recording_base(folder)
        if self.is_call:
            from meeting_recorder.core.call_tracks import track_partial

            assert self.system_source is not None
            self.tracks = [
                Track("mic", self.source, track_partial(self._base, "mic")),
                Track("system", self.system_source, track_partial(self._base, "system")),
            ]
            self._align_tracks()
        else:
            self.tracks = [Track("", self.source, self._base.with_name(self._base.name + PARTIAL_SUFFIX))]
        self.partial_path = self.tracks[0].partial_path
        for track in self.tracks:
            self._build_recorder(track)
        self._log = TranscriptLog(self._journal(), self.engine.model_name, self.settings.language)
        engine = SerialEngine(self.engine) if self.is_call else self.engine
        for track in self.tracks:
            if self.is_call and track.name == "mic":
                track_labels = FixedSpeaker(self.settings.self_name) if self.settings.speakers else None
            else:
                track_labels = labels
            track.transcriber = self._transcriber(track, engine, track_labels)
        for track in self.tracks:
            assert track.writer is not None and track.transcriber is not None
            track.writer.start()
            track.transcriber.start()

    def _journal(self) -> Path:
        assert self._base is not None
        return journal_path(self._base.with_name(self._base.name + ".wav"))

    def _align_tracks(self) -> None:
        from meeting_recorder.core.track_clock import TrackAligner

        mic, system = self.tracks
        aligner = TrackAligner(mic.source.samplerate, system.source.samplerate, mic.source.block_frames)
        mic.on_captured = aligner.reference_arrived
        system.adjust = aligner.align
        self.aligner = aligner

    def _build_recorder(self, track: Track) -> None:
        """The track's pool, ring, analysis and writer (not started)."""
        kind = track.name or _track_kind(track.source)
        first = track is self.tracks[0]

        def on_level(rms: float) -> None:
            if first:
                self.callbacks.level(rms)
            self.callbacks.source_level(kind, rms)

        track.build(
            self.settings.pool_seconds, self.settings.ring_seconds, on_level,
            on_write_error=lambda error, t=track: self._on_write_error(t, error),
            on_analysis_error=self._on_analysis_error,
            on_appended=self._check_disk if first else None,
        )

    def _transcriber(self, track: Track, engine: TranscriptionEngine, labels) -> LiveTranscriber:
        kind = track.name or _track_kind(track.source)
        hooks: dict = {}
        if self.settings.partials:
            hooks["on_partial"] = lambda partial: self.callbacks.partial(kind, partial)
        if self.is_call and track.name == "mic" and self.settings.echo_suppression:
            from meeting_recorder.core.echo import EchoFilter

            assert self.tracks[1].ring is not None
            # The system track's first seconds come late (the aligner holds them while it
            # measures the start offset): the mic's first utterances wait for them, once.
            self._echo = EchoFilter(self.tracks[1].ring, wait_seconds=ECHO_WAIT_SECONDS)
            hooks["before_whisper"] = self._echo.keep_utterance
            hooks["after_whisper"] = self._echo.keep_segments
        assert track.ring is not None
        return LiveTranscriber(
            track.ring,
            engine,
            TranscribeOptions(language=self.settings.language, glossary=tuple(self.settings.glossary)),
            self.settings.segmenter,
            on_segment=self._commit,
            on_status=self.callbacks.status,
            on_error=lambda event, t=track: self._on_transcriber_error(t, event),
            labels=labels,
            **hooks,
        )

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
            for source in self.sources:
                try:
                    source.stop()
                except Exception as error:  # a device that fails to close must not keep the file open
                    self._report(events.DeviceOpenFailed(source.name, str(error)))
            self.result = self._teardown(self.settings.finish_timeout if finish_timeout is None else finish_timeout)
            say(events.Stopped())
            return self.result

    def _teardown(self, finish_timeout: float) -> SessionResult:
        """Each step reports its own failure and the next still runs; models and memory are
        released whatever happened."""
        say = self.callbacks.status
        log, first = self._log, self.tracks[0]
        assert log is not None and first.writer is not None and first.transcriber is not None
        recording, files, finals = first.partial_path, [], []
        try:
            for track in self.tracks:
                assert track.writer is not None
                track.writer.close()
                if track.writer.error is not None and not self._has(events.WriterFailed):
                    self._report(events.WriterFailed(str(track.partial_path), reason_of(track.writer.error)))
            say(events.TranscribingLastWords())
            if not self._finish_transcribers(finish_timeout):
                say(events.LastWordsTimedOut())
            log.close()
            finals = [self._finalize(track.partial_path) for track in self.tracks]
            recording = self._recording(finals)
            if recording is not None:
                say(events.RecordingSaved(str(recording), first.writer.seconds_written))
                files = self._export(recording, first.writer.seconds_written)
            else:
                recording = finals[0]
        finally:
            result = SessionResult(
                recording=recording,
                seconds=first.writer.seconds_written,
                transcript_files=files,
                segments=sum(t.transcriber.segments_emitted for t in self.tracks if t.transcriber),
                skipped_seconds=max(t.transcriber.skipped_seconds for t in self.tracks if t.transcriber),
                dropped_frames=sum(t.pool.dropped_frames for t in self.tracks if t.pool),
                error=self._errors[0].code if self._errors else None,
                errors=tuple(self._errors),
                tracks=tuple(finals) if self.is_call else (),
                echo_dropped=self._echo_dropped(),
            )
            for track in self.tracks:
                track.release()
            self._log = self._echo = None
            self._release_models(say)
            release_memory()
            say(events.MemoryReleased())
        return result

    def _echo_dropped(self) -> int:
        if self._echo is None:
            return 0
        stats = self._echo.stats()
        return stats.utterances_dropped + stats.segments_dropped

    def _finish_transcribers(self, timeout: float) -> bool:
        """The last words of every track, within one shared ``timeout``."""
        deadline = time.monotonic() + timeout
        complete = True
        if self._echo is not None:
            self._echo.system_ended()  # its writer is closed: the ring gets nothing more
        for track in self.tracks:
            assert track.transcriber is not None
            complete &= track.transcriber.finish(max(0.0, deadline - time.monotonic()))
        return complete

    def _recording(self, finals: list[Path]) -> Path | None:
        """The file players open: the only track, or a call's mix (None if it failed)."""
        if any(path.name.endswith(PARTIAL_SUFFIX) for path in finals):
            return None  # a track could not be finalized: ``recover`` finishes it later
        if not self.is_call:
            return finals[0]
        from meeting_recorder.core.call_tracks import mix_path, mix_tracks

        assert self._base is not None
        mix = mix_path(self._base)
        try:
            mix_tracks(finals[0], finals[1], mix)
        except (OSError, RuntimeError, ValueError) as error:
            self._report(events.FinalizeFailed(str(mix), reason_of(error)))
            return None
        return mix

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
        journal = self._journal() if self._base is not None else None
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
            for track in self.tracks:
                if track.writer is not None:
                    track.writer.close()
                if track.transcriber is not None:
                    track.transcriber.finish(timeout=0)
            if self._log is not None:
                self._log.close()
        finally:
            paths = [track.partial_path for track in self.tracks]
            if self._base is not None:
                paths.append(self._journal())
            for path in paths:
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # a read-only folder: nothing was created there anyway
                    pass
            for track in self.tracks:
                track.release()
            self._log = self._echo = None
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

    # -- marks and notes (any thread) -------------------------------------------------------
    @property
    def seconds_captured(self) -> float:
        """The session clock: audio captured so far by the first track."""
        return self._captured_frames / self.source.samplerate

    def add_mark(self, label: str = "") -> float | None:
        """Mark this moment in the journal (crash-safe); its time, or None if not recording."""
        return self._annotate(lambda log, at: log.add_mark(at, label))

    def add_note(self, text: str) -> float | None:
        """A note stamped with this moment, kept in the journal; its time, or None."""
        return self._annotate(lambda log, at: log.add_note(at, text))

    def _annotate(self, write: Callable[[TranscriptLog, float], None]) -> float | None:
        log = self._log
        if log is None or not self._running:
            return None
        at = round(self.seconds_captured, 3)
        try:
            write(log, at)
        except OSError as error:
            self._report(events.JournalFailed(str(log.path), reason_of(error)))
            return None
        except ValueError:  # stopped meanwhile (the journal is closed), or an empty note
            return None
        return at

    # -- capture path (source threads) ------------------------------------------------------
    def _capture(self, track: Track, data: np.ndarray) -> None:
        pool, writer = track.pool, track.writer
        if pool is None or writer is None:
            return
        if track.on_captured is not None:
            track.on_captured(len(data))
        if track.adjust is not None:
            data = track.adjust(data)
        if track is self.tracks[0]:
            self._captured_frames += len(data)
        if not getattr(track.source, "realtime", True) or len(data) > pool.frames:
            # A file source can wait; a device never does, except for the aligner's one long
            # first block (the start offset's silence and the audio held while measuring it).
            while pool.free_blocks * pool.frames < len(data) and self._running:
                time.sleep(0.002)
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
    def _on_write_error(self, track: Track, error: BaseException) -> None:
        """The disk refused a block: say so now and end the session (the file is finalized
        up to here at stop)."""
        self._report(events.WriterFailed(str(track.partial_path), reason_of(error)))
        self.ended.set()

    def _on_analysis_error(self, error: BaseException) -> None:
        """Level/resampling/ring failed: live transcription is over, recording goes on."""
        self._report(events.RecordOnly(reason_of(error)))

    def _on_transcriber_error(self, track: Track, event: events.Event) -> None:
        if isinstance(event, events.RecordOnly) and track.analysis is not None:
            track.analysis.stop_feeding()  # nobody reads the ring any more
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
            for track in self.tracks:  # not one block more on any track
                if track.writer is not None:
                    track.writer.halt()
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
