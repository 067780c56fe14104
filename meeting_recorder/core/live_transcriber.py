"""The live transcription thread: ring buffer → VAD utterances → Whisper → segments.

With speaker labels on, each utterance that gave text is also embedded (the same audio
Whisper heard, in pieces cut at pauses: see ``LiveLabels.turns``) and its segments get
their speakers, split where the speaker changes, before they are emitted.

The ring holds the audio as captured. A ``LevelFollower`` brings each block read from it
to a normal speech level before the VAD scores it, and each utterance at the same gain
before Whisper and the speaker model hear it (quiet far-field rooms; see ``levels.py``).

It reads the ring at its own pace. If Whisper falls so far behind that the ring has
overwritten audio it had not read, it skips to the oldest audio still held and reports how
much it skipped; the recording on disk keeps everything regardless.

With ``on_partial``, the utterance in progress is transcribed again every half second while
it is spoken (a quick draft: ``partials.py``) and reported as ``PartialText``; ``None``
follows once it was committed (just before its segments) or dropped. Drafts only run when
the reader has caught up with the ring, so they never hold up the committed text by more
than one draft (~0.1 s with ``transcribe_draft``).

``before_whisper`` and ``after_whisper`` let the owner suppress echo: the first sees the
audio of each utterance (and draft) as read from the ring with its absolute start sample and
may skip it; the second filters Whisper's segments of that audio before speakers are labelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.errors import Cancelled
from meeting_recorder.core.levels import LevelFollower
from meeting_recorder.core.partials import LocalAgreement, PartialOptions, PartialText
from meeting_recorder.core.resources import trim_heap
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.segmenter import SAMPLE_RATE, Segmenter, SegmenterOptions, Utterance
from meeting_recorder.core.events import (
    Event,
    ModelLoading,
    RecordOnly,
    TranscribingLive,
    TranscriptionBehind,
    TranscriptionResumed,
    WorkerCrashed,
)
from meeting_recorder.core.speaker_assignment import assign_speakers
from meeting_recorder.core.worker import make_vad
from meeting_recorder.core.worker.client import WorkerDied
from meeting_recorder.core.transcript import Segment

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.live_labels import LiveLabels

# Audio is read from the ring in blocks of this size, always the same size (latency; and
# the transcript of an input then does not depend on scheduling). Catching up after falling
# behind works in these small blocks too: reading the whole backlog (up to the ring's
# 2 minutes) in one array raised the heap's high-water mark by ~40 MB for good.
READ_SECONDS = 0.25
# Further behind than this share of the ring, speaker labels take one embedding per
# utterance instead of one per piece (~30 % less CAM++ time), to catch up before the ring
# overwrites audio not yet transcribed. Real time never gets there; a loaded machine may.
SPLIT_BACKLOG_SHARE = 0.5
MAX_RESTARTS = 3  # worker processes that may die in one session before it goes record-only
TRIM_INTERVAL = 60.0  # seconds between heap trims during a long session

# Echo-suppression hooks: (audio as read from the ring, its absolute start sample at 16 kHz).
BeforeWhisper = Callable[[np.ndarray, int], bool]  # False: skip this audio, no Whisper call
AfterWhisper = Callable[[list[Segment], np.ndarray, int], list[Segment]]  # the segments to keep


class LiveTranscriber:
    def __init__(
        self,
        ring: RingBuffer,
        engine: TranscriptionEngine,
        options: TranscribeOptions,
        segmenter_options: SegmenterOptions,
        on_segment: Callable[[Segment], None],
        on_status: Callable[[Event], None],
        on_error: Callable[[Event], None],
        labels: "LiveLabels | None" = None,
        on_partial: Callable[[PartialText | None], None] | None = None,
        before_whisper: BeforeWhisper | None = None,
        after_whisper: AfterWhisper | None = None,
        partial_options: PartialOptions = PartialOptions(),
    ) -> None:
        self.ring = ring
        self.labels = labels
        self.engine = engine
        # Utterances are already speech: Whisper's own VAD pass would only cost time.
        self.options = replace(options, vad_filter=False)
        self.segmenter_options = segmenter_options
        self.on_segment = on_segment
        self.on_status = on_status
        self.on_error = on_error
        self.on_partial = on_partial
        self.before_whisper = before_whisper
        self.after_whisper = after_whisper
        self.partial_options = partial_options
        # Drafts through transcribe_samples (engines without transcribe_draft): its cheapest form.
        self._draft_options = replace(self.options, beam_size=1, word_timestamps=False, fix_repetitions=False)
        self._language: str | None = None  # what the last utterance was in (language "auto")
        self._agreement = LocalAgreement()
        self._drafting: int | None = None  # start sample of the utterance the drafts are of
        self._drafted_to = 0  # where the audio of its last draft ended (absolute sample)
        self._partial_shown = False  # a PartialText went out since the last None
        self.partials_emitted = 0
        self.skipped_seconds = 0.0
        self.restarts = 0  # worker processes that died under this session
        self._deaths_reported: set[int] = set()  # their generations (at most MAX_RESTARTS + 1)
        self._resume_pending = False
        self.segments_emitted = 0
        self._cursor = 0
        self._last_trim = time.monotonic()
        self._closing = threading.Event()  # no more audio will come: finish what is there
        self._cancel = threading.Event()  # stop now, even mid-utterance
        self._thread: threading.Thread | None = None
        self.segmenter: Segmenter | None = None
        self.level: LevelFollower | None = LevelFollower() if options.normalize_level else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="live-transcriber")
        self._thread.start()

    def finish(self, timeout: float) -> bool:
        """Transcribe what is left, then end; cancel if that takes over ``timeout``.
        True if everything was transcribed."""
        if self._thread is None:
            return True
        self._closing.set()
        self._thread.join(timeout)
        complete = not self._thread.is_alive()
        if not complete:
            self._cancel.set()
            self._thread.join()
        self._thread = None
        if self.segmenter is not None:
            close = getattr(self.segmenter.model, "close", None)
            if close is not None:
                close()  # the VAD in the worker (the worker ends once nothing else is held)
        self.segmenter = None
        return complete

    def _run(self) -> None:
        try:
            if not self.engine.loaded:
                self.on_status(ModelLoading("speech"))
                self.engine.load()
            if self.labels is not None:
                self.labels.load()
            self.segmenter = Segmenter(self.segmenter_options, make_vad())
            self.on_status(TranscribingLive())
            self._loop()
        except Cancelled:
            pass
        except Exception as error:  # transcription dies, the recording goes on
            self.on_error(RecordOnly(str(error) or type(error).__name__))
        finally:
            self._end_partial()  # no provisional words stay on screen once nothing follows

    def _loop(self) -> None:
        step = int(READ_SECONDS * SAMPLE_RATE)
        while not self._cancel.is_set():
            closing = self._closing.is_set()
            self.ring.wait_for(self._cursor + step, timeout=0.1)
            end = self._read_end(step, closing)
            if end > self._cursor:
                self._consume(end)
            elif closing:  # everything that was written has been read
                for utterance in self.segmenter.flush():
                    self._transcribe(utterance)
                self._end_partial()  # a last utterance too short to keep
                return

    def _read_end(self, step: int, closing: bool) -> int:
        """Where the next read ends: one whole step (the rest once closing). The VAD and the
        level follower then see the same blocks however the threads are scheduled, so the
        transcript of a given input does not depend on machine load (reading whatever had
        arrived made the level's glide, and so the utterances, differ from run to run)."""
        available = self.ring.written - self._cursor
        if available >= step:
            return self._cursor + step
        return self.ring.written if closing else self._cursor

    def _whisper(self, utterance: Utterance) -> tuple[list[Segment], np.ndarray, int] | None:
        """Whisper's segments for the utterance (and the audio it heard, from where). If the
        worker process dies, say so and try again in a new one with what the ring still
        holds of the utterance; after MAX_RESTARTS the session goes on without transcription."""
        while True:
            raw, start = self.ring.read(utterance.start, utterance.end)
            if len(raw) < SAMPLE_RATE // 4:
                return None
            if self.before_whisper is not None and not self.before_whisper(raw, start):
                return None
            # The gain the VAD used as the utterance ended.
            audio = self.level.apply(raw) if self.level is not None else raw
            try:
                segments, language = self.engine.transcribe_samples(
                    audio, self.options, offset=start / SAMPLE_RATE, cancel=self._cancel
                )
            except WorkerDied as died:
                self._worker_died(died)
                continue
            # In a new worker, what the ring lost meanwhile was not transcribed.
            self._resumed(max(0.0, (start - utterance.start) / SAMPLE_RATE))
            self._language = language
            segments = [segment for segment in segments if segment.text]
            if self.after_whisper is not None:
                segments = self.after_whisper(segments, raw, start)
            return segments, audio, start

    def _consume(self, end: int) -> None:
        samples, start = self.ring.read(self._cursor, end)
        if start > self._cursor:
            skipped = (start - self._cursor) / SAMPLE_RATE
            self.skipped_seconds += skipped
            self.on_status(TranscriptionBehind(round(skipped, 1)))
            self.segmenter.reset(start)
        self._cursor = start + len(samples)
        if self.level is not None:
            samples = self.level.process(samples)  # the VAD hears the normalized level
        try:
            utterances = self.segmenter.feed(samples)
        except WorkerDied as died:  # the VAD's worker: feed again from the ring in a new one
            self._worker_died(died)
            self._cursor = self.segmenter.restart_point()
            self.segmenter.reset(self._cursor)
            return
        self._resumed(0.0)
        for utterance in utterances:
            self._transcribe(utterance)
        if self.on_partial is not None:
            self._update_partial()

    def _worker_died(self, died: WorkerDied) -> None:
        """Say so (once per worker process: the engine and the VAD can both hear of one
        death); a new worker starts with the next call (the session goes record-only after
        MAX_RESTARTS)."""
        if died.generation is not None:  # None: a worker that did not start, each one counts
            if died.generation in self._deaths_reported:
                return
            self._deaths_reported.add(died.generation)
        self.restarts += 1
        self.on_error(died.event or WorkerCrashed(str(died)))
        if self.restarts > MAX_RESTARTS:
            raise died
        self._resume_pending = True

    def _resumed(self, lost: float) -> None:
        """The first call that works in a new worker: say transcription is back."""
        if self._resume_pending:
            self._resume_pending = False
            self.skipped_seconds += lost
            self.on_status(TranscriptionResumed(round(lost, 1)))

    def _transcribe(self, utterance: Utterance) -> None:
        heard = self._whisper(utterance)
        if heard is None:
            self._end_partial()
            return
        segments, audio, start = heard
        if segments and self.labels is not None:
            behind = self.ring.written - utterance.end > SPLIT_BACKLOG_SHARE * self.ring.capacity
            turns = self.labels.turns(audio, start / SAMPLE_RATE, segments, split=not behind)
            segments = assign_speakers(segments, turns)
        self._end_partial()  # the committed segments replace the provisional words
        for segment in segments:
            self.segments_emitted += 1
            self.on_segment(segment)
        if time.monotonic() - self._last_trim > TRIM_INTERVAL:
            self._last_trim = time.monotonic()
            trim_heap()

    # -- words while they are spoken -------------------------------------------------------
    def _update_partial(self) -> None:
        """A new draft of the utterance in progress, if one is due and nothing waits to be
        read (the VAD, and so the committed text, come first)."""
        start = self.segmenter.utterance_start
        if start != self._drafting:  # committed, dropped, reset, or a new one began
            self._end_partial()
            self._drafting, self._drafted_to = start, start or 0
        o = self.partial_options
        if start is None or self._closing.is_set():
            return
        first = self._drafted_to <= start
        due = start + o.min_seconds * SAMPLE_RATE if first else self._drafted_to + o.interval * SAMPLE_RATE
        if self._cursor < due or self.ring.written - self._cursor > o.max_backlog_seconds * SAMPLE_RATE:
            return
        self._drafted_to = self._cursor
        raw, at = self.ring.read(start, self._cursor)
        if self.before_whisper is not None and not self.before_whisper(raw, at):
            self._end_partial()
            return
        text = self._draft(raw, at)
        if text is None or not (text or self._partial_shown):
            return
        stable, tentative = self._agreement.update(text)
        self._partial_shown = True
        self.partials_emitted += 1
        self.on_partial(PartialText(start / SAMPLE_RATE, stable, tentative))

    def _draft(self, raw: np.ndarray, at: int) -> str | None:
        """Whisper's quick hypothesis of the audio so far ("" for none); None if the worker
        died (said; the committed text tries again in a new one)."""
        audio = self.level.apply(raw) if self.level is not None else raw
        offset = at / SAMPLE_RATE
        try:
            draft = getattr(self.engine, "transcribe_draft", None)
            if draft is not None:  # the encoder on this audio only: ~5x cheaper
                text = draft(audio, self.options, language=self._language)
                segments = [Segment(offset, offset + len(audio) / SAMPLE_RATE, text)] if text else []
            else:
                segments, _ = self.engine.transcribe_samples(
                    audio, self._draft_options, offset=offset, language=self._language, cancel=self._cancel)
        except WorkerDied as died:
            self._worker_died(died)
            return None
        segments = [segment for segment in segments if segment.text]
        if self.after_whisper is not None:
            segments = self.after_whisper(segments, raw, at)
        return " ".join(segment.text.strip() for segment in segments)

    def _end_partial(self) -> None:
        """The utterance shown is over: ``None`` to the owner, and its drafts forgotten."""
        self._agreement.reset()
        if self._partial_shown and self.on_partial is not None:
            self._partial_shown = False
            self.on_partial(None)
