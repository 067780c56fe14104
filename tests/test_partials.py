"""Words as they are spoken: LocalAgreement, the draft hypothesis, the live transcriber's
partials (real tiny.en, real Silero VAD, audio written into the ring at real-time pace),
and the live transcript model's provisional rows on a real Qt event loop."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import threading
import time

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.events import TranscribingLive
from meeting_recorder.core.live_transcriber import LiveTranscriber
from meeting_recorder.core.partials import LocalAgreement, PartialText, draft_text, word_key
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.segmenter import SAMPLE_RATE, SegmenterOptions
from meeting_recorder.core.transcript import Segment
from tests.speech import espeak, wer, words

SENTENCE = "Please send the quarterly report to the finance team before Friday afternoon."
LEAD_SECONDS, TAIL_SECONDS = 1.0, 2.0
BLOCK = SAMPLE_RATE // 10  # written every 0.1 s, like a capture callback


class DraftEngine(TranscriptionEngine):
    """The engine with ``transcribe_draft`` (the cheap hypothesis for partials), as the
    lead adds it to ``TranscriptionEngine``; the subclass goes once the engine has it."""

    def transcribe_draft(self, samples, options=TranscribeOptions(), *, language=None) -> str:
        language = language if language is not None else self._check_language(options.language)
        if self._inference is not None:
            self._inference.wait_idle()
        return draft_text(self.model, samples, language=language, hotwords=self._hotwords(options))


# -- LocalAgreement -----------------------------------------------------------------------------
def test_words_two_hypotheses_agree_on_become_stable():
    agreement = LocalAgreement()
    assert agreement.update("The meeting") == ("", "The meeting")  # nothing to agree with yet
    assert agreement.update("The meeting will stop") == ("The meeting", "will stop")
    assert agreement.update("The meeting will start early.") == ("The meeting will", "start early.")
    # Case and punctuation do not count; the latest spelling is shown.
    assert agreement.update("the meeting will start early tomorrow") == ("the meeting will start early", "tomorrow")


def test_stable_words_never_go_back():
    agreement = LocalAgreement()
    agreement.update("We need to review the budget")
    agreement.update("We need to review the budget and")
    assert agreement.stable_words == ["We", "need", "to", "review", "the", "budget"]
    # A hypothesis that rewrites settled words: they stay, what follows them is tentative.
    stable, tentative = agreement.update("We need to view the budget and decide")
    assert stable == "We need to review the budget" and tentative == "and decide"
    stable, tentative = agreement.update("We'd need to review the budget and decide on")
    assert stable == "We need to review the budget" and tentative == "and decide on"
    agreement.update("")  # Whisper heard nothing this time: the stable words stay
    assert agreement.stable_words == ["We", "need", "to", "review", "the", "budget"]


def test_reset_forgets_the_utterance():
    agreement = LocalAgreement()
    agreement.update("Good morning")
    agreement.update("Good morning everyone")
    agreement.reset()
    assert agreement.stable_words == [] and agreement.update("Thank you") == ("", "Thank you")
    assert word_key("Friday.") == word_key("friday") == "friday" and word_key("don't") == "don't"


def test_partial_text_joins_its_parts():
    assert PartialText(1.0, "Good morning", "every").text == "Good morning every"
    assert PartialText(1.0, "", "Good").text == "Good" and PartialText(0.0, "", "").text == ""


# -- the draft hypothesis -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sentence(tmp_path_factory) -> np.ndarray:
    path = espeak(SENTENCE, tmp_path_factory.mktemp("partials") / "sentence.wav")
    audio, rate = sf.read(path, dtype="float32")
    assert rate == SAMPLE_RATE and 3.5 < len(audio) / rate < 7
    return audio


@pytest.fixture(scope="module")
def engine():
    engine = DraftEngine("tiny.en")
    engine.load()
    # Its inference thread starts now, not inside a test (the leak check would flag it).
    engine.transcribe_samples(np.zeros(8000, dtype=np.float32), TranscribeOptions(vad_filter=False))
    yield engine
    engine.close()


def test_draft_hears_the_words_so_far_and_no_words_in_silence(engine, sentence):
    half = draft_text(engine.model, sentence[: len(sentence) // 2], language="en")
    heard = words(half).split()
    assert len(heard) >= 3 and set(heard[:3]) <= set(words(SENTENCE).split()), half
    whole = draft_text(engine.model, sentence, language="en")
    assert wer(SENTENCE, whole) <= 0.3, whole
    assert draft_text(engine.model, np.zeros(2 * SAMPLE_RATE, dtype=np.float32), language="en") == ""


# -- live: partials while the sentence is spoken --------------------------------------------------
class Live:
    """A LiveTranscriber on a ring that the test writes into at real-time pace; every
    callback is kept with its wall time (list appends are atomic)."""

    def __init__(self, engine, **hooks) -> None:
        self.ring = RingBuffer(60 * SAMPLE_RATE)
        self.events: list[tuple[float, str, object]] = []
        self.started = threading.Event()
        self.transcriber = LiveTranscriber(
            self.ring, engine, TranscribeOptions(language="en"), SegmenterOptions(),
            on_segment=lambda s: self.events.append((time.monotonic(), "segment", s)),
            on_status=self._status, on_error=lambda e: self.events.append((time.monotonic(), "error", e)),
            on_partial=lambda p: self.events.append((time.monotonic(), "partial", p)),
            **hooks,
        )

    def _status(self, event) -> None:
        self.events.append((time.monotonic(), "status", event))
        if isinstance(event, TranscribingLive):
            self.started.set()

    def play(self, audio: np.ndarray, real_time: bool = True) -> float:
        """Write ``audio`` block by block, each at the moment its last sample was "heard";
        returns the wall time of audio time 0."""
        self.transcriber.start()
        assert self.started.wait(60), self.events
        t0 = time.monotonic()
        for n, offset in enumerate(range(0, len(audio), BLOCK), 1):
            if real_time:
                time.sleep(max(0.0, t0 + n * BLOCK / SAMPLE_RATE - time.monotonic()))
            self.ring.write(audio[offset : offset + BLOCK])
        assert self.transcriber.finish(timeout=120)
        return t0

    def of(self, kind: str) -> list:
        return [value for _, k, value in self.events if k == kind]


def spoken(sentence: np.ndarray) -> np.ndarray:
    silence = np.zeros(int(LEAD_SECONDS * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([silence, sentence, np.zeros(int(TAIL_SECONDS * SAMPLE_RATE), dtype=np.float32)])


@pytest.mark.parametrize("draft", ["transcribe_draft", "transcribe_samples"])
def test_words_appear_while_spoken_then_the_committed_text_replaces_them(engine, sentence, monkeypatch, draft):
    monkeypatch.setenv("MEETING_RECORDER_IN_PROCESS", "1")  # the VAD here too: wall times are the test
    if draft == "transcribe_samples":  # an engine without transcribe_draft (the worker's, until wired)
        monkeypatch.setattr(engine, "transcribe_draft", None, raising=False)
    heard: list[tuple[int, int]] = []

    def before_whisper(audio: np.ndarray, start: int) -> bool:
        heard.append((start, len(audio)))
        return True

    live = Live(engine, before_whisper=before_whisper, after_whisper=lambda segments, audio, start: segments)
    t0 = live.play(spoken(sentence))
    speech_end = t0 + LEAD_SECONDS + len(sentence) / SAMPLE_RATE
    assert live.of("error") == []
    partials = [(wall, p) for wall, kind, p in live.events if kind == "partial" and p is not None]
    early = [p for wall, p in partials if wall < speech_end and p.text]
    assert early, f"no words shown while the sentence was spoken: {live.events}"
    reference = set(words(SENTENCE).split())
    assert any(set(words(p.text).split()) & reference for p in early), early
    # Updated while spoken: at least every 0.5 s of new audio when the machine keeps up;
    # a loaded machine skips drafts rather than delay the committed text.
    assert len(partials) >= 3
    [segment, *more] = live.of("segment")
    kinds = [kind for _, kind, value in live.events if kind == "segment" or kind == "partial"]
    first_segment = kinds.index("segment")
    assert kinds[first_segment - 1] == "partial" and live.of("partial")[-1] is None
    assert [k for k in kinds[first_segment:] if k == "partial"] == [], "nothing provisional after the commit"
    assert wer(SENTENCE, " ".join(s.text for s in [segment, *more])) <= 0.3
    assert all(abs(p.start - segment.start) < 1.0 for _, p in partials), "partials are stamped with the utterance start"
    # The hook saw every draft and the committed utterance, as read from the ring.
    assert len(heard) >= len(partials) + 1 and all(start >= 0 and length > 0 for start, length in heard)
    assert live.transcriber.partials_emitted == len(partials)


def test_before_whisper_false_skips_the_utterance_without_whisper(engine, sentence, monkeypatch):
    monkeypatch.setenv("MEETING_RECORDER_IN_PROCESS", "1")
    calls: list[str] = []
    for name in ("transcribe_samples", "transcribe_draft"):
        original = getattr(engine, name)
        monkeypatch.setattr(engine, name, lambda *a, _o=original, _n=name, **k: (calls.append(_n), _o(*a, **k))[1])
    live = Live(engine, before_whisper=lambda audio, start: False)
    live.play(spoken(sentence))  # at real time: drafts would run too
    assert live.of("segment") == [] and live.of("partial") == [] and calls == []


def test_after_whisper_filters_segments_and_drafts(engine, sentence, monkeypatch):
    monkeypatch.setenv("MEETING_RECORDER_IN_PROCESS", "1")
    seen: list[tuple[list[Segment], int, int]] = []

    def after_whisper(segments: list[Segment], audio: np.ndarray, start: int) -> list[Segment]:
        seen.append((segments, len(audio), start))
        return []  # all echo

    live = Live(engine, after_whisper=after_whisper)
    live.play(spoken(sentence), real_time=False)  # all at once: the commit only, no drafts
    assert live.of("segment") == [] and live.of("partial") == []
    [(segments, length, start)] = seen
    assert segments and length >= 0.8 * len(sentence) and 0 <= start <= LEAD_SECONDS * SAMPLE_RATE


def test_a_worker_killed_mid_utterance_is_reported_once_and_transcription_resumes(sentence, monkeypatch):
    """Models in the worker process (the app's default): the worker dies while a sentence
    is being drafted; the death is said once, the next utterance is drafted and committed
    by a new worker, and no provisional words are left over."""
    import os
    import signal

    import psutil

    from meeting_recorder.core.events import TranscriptionResumed
    from meeting_recorder.core.worker import IN_PROCESS_ENV
    from meeting_recorder.core.worker.client import shared_client
    from meeting_recorder.core.worker.remote import RemoteEngine

    monkeypatch.delenv(IN_PROCESS_ENV, raising=False)
    engine = RemoteEngine("tiny.en")
    killed: list[float] = []

    def kill_at_first_partial(partial) -> None:
        if partial is not None and not killed:
            killed.append(time.monotonic())
            os.kill(shared_client().pid, signal.SIGKILL)

    try:
        engine.load()
        live = Live(engine)
        on_partial = live.transcriber.on_partial
        live.transcriber.on_partial = lambda p: (on_partial(p), kill_at_first_partial(p))
        pause = np.zeros(int(1.5 * SAMPLE_RATE), dtype=np.float32)
        live.play(np.concatenate([pause, sentence, pause, sentence, pause]))
    finally:
        engine.close()
        shared_client().shutdown()
    assert killed, "a partial arrived"
    assert [e.code for e in live.of("error")] == ["WorkerCrashed"]
    assert any(isinstance(e, TranscriptionResumed) for e in live.of("status"))
    after = [(wall, p) for wall, kind, p in live.events if kind == "partial" and wall > killed[0] + 1]
    assert any(p is not None and p.text for _, p in after), "drafted again in the new worker"
    second = [s.text for s in live.of("segment") if s.start > 2 * 1.5 + len(sentence) / SAMPLE_RATE - 0.5]
    assert wer(SENTENCE, " ".join(second)) <= 0.3, live.of("segment")
    assert live.of("partial")[-1] is None
    assert [c for c in psutil.Process().children(recursive=True) if c.status() != "zombie"] == []


# -- the live transcript model ----------------------------------------------------------------------
def test_provisional_rows_update_in_place_and_give_way_to_committed_text(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from meeting_recorder.ui.live_transcript_model import (
        PROVISIONAL_ROLE, STABLE_ROLE, TENTATIVE_ROLE, LiveTranscriptModel, PartialTextDelegate)

    model = LiveTranscriptModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(LiveTranscriptModel.TEXT, PartialTextDelegate(view))
    view.resize(600, 300)
    view.show()
    model.add_segment(Segment(0.5, 2.0, "Good morning everyone.", speaker="Speaker 1"))
    model.show_partial(PartialText(3.0, "", "Please"), track="mic")
    model.show_partial(PartialText(4.0, "", "Hello"), track="system")
    assert model.rowCount() == 3 and len(model.segments) == 1
    mic_text = model.index(1, LiveTranscriptModel.TEXT)
    assert mic_text.data() == "Please" and mic_text.data(PROVISIONAL_ROLE) is True
    assert model.index(0, LiveTranscriptModel.TEXT).data(PROVISIONAL_ROLE) is False
    changed = []
    model.dataChanged.connect(lambda first, last: changed.append(first.row()))
    model.show_partial(PartialText(3.0, "Please send", "the report"), track="mic")  # in place
    assert changed == [1] and model.rowCount() == 3
    assert (mic_text.data(STABLE_ROLE), mic_text.data(TENTATIVE_ROLE)) == ("Please send", "the report")
    assert mic_text.data() == "Please send the report"
    assert mic_text.data(Qt.ItemDataRole.ForegroundRole).name() != "#000000"
    assert mic_text.data(Qt.ItemDataRole.FontRole).italic()
    view.resizeRowsToContents()
    qtbot.waitExposed(view)
    view.grab()  # the delegate paints the two parts
    # The committed segment goes before the provisional rows; None removes the track's row.
    model.show_partial(None, track="mic")
    model.add_segment(Segment(3.0, 5.0, "Please send the report.", speaker="Speaker 1"))
    assert model.rowCount() == 3 and [s.text for s in model.segments][-1] == "Please send the report."
    assert model.index(2, LiveTranscriptModel.TEXT).data() == "Hello" and model.partial("mic") is None
    model.show_partial(None, track="mic")  # nothing to remove: no change
    assert model.rowCount() == 3
    model.clear()
    assert model.rowCount() == 0 and model.partial("system") is None


def test_a_segment_naming_its_track_replaces_that_tracks_row(qtbot):
    from dataclasses import dataclass

    from meeting_recorder.ui.live_transcript_model import LiveTranscriptModel

    @dataclass
    class TrackSegment(Segment):
        track: str = ""

    model = LiveTranscriptModel()
    model.show_partial(PartialText(1.0, "Good", "morning", track="mic"))  # the partial's own track
    model.show_partial(PartialText(1.5, "", "Hi", track="system"))
    model.add_segment(TrackSegment(1.0, 2.0, "Good morning.", track="mic"))
    assert model.rowCount() == 2 and model.partial("mic") is None and model.partial("system").text == "Hi"
    assert model.segments[0].text == "Good morning."
