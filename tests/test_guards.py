"""Quality guards (core/guards.py) and glossaries (core/glossary.py): the pure parts on
strings and segment lists, the engine's wiring on a scripted model, and the real tiny.en
and base models on silence, noise and synthetic music, and a glossary on espeak speech."""

from __future__ import annotations

import os
import types

import numpy as np
import pytest

from meeting_recorder.core import glossary, guards, levels
from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.transcript import Segment, Word
from tests.speech import JFK_TEXT, espeak

SR = 16000


# -- test signals (made at test time) -----------------------------------------------------
def silence(seconds: float = 60.0) -> np.ndarray:
    return np.zeros(int(seconds * SR), dtype=np.float32)


def noise(seconds: float = 60.0) -> np.ndarray:
    return (0.05 * np.random.default_rng(1).standard_normal(int(seconds * SR))).astype(np.float32)


def music(seconds: float = 60.0) -> np.ndarray:
    """Piano-like chords (C, Am, F, G; three harmonics, a bass note) on every beat."""
    t = np.arange(SR) / SR
    envelope = np.minimum(1, t / 0.02) * np.exp(-2.5 * t)
    chords = [(261.6, 329.6, 392.0), (220.0, 261.6, 329.6), (174.6, 220.0, 261.6), (196.0, 246.9, 293.7)]
    beats = []
    for beat in range(int(seconds)):
        chord = chords[(beat // 2) % 4]
        tone = sum(np.sin(2 * np.pi * f * h * t) / h for f in chord for h in (1, 2, 3))
        beats.append(0.08 * envelope * (tone + np.sin(np.pi * chord[0] * t)))
    return np.concatenate(beats).astype(np.float32)


# -- known phrases ------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "시청해주셔서 감사합니다.", "시청해 주셔서 감사합니다!", "구독과 좋아요 부탁드립니다", "MBC 뉴스 이덕영입니다.",
    "KBS 뉴스 김철수였습니다", "한글자막 by 한효정", "다음 영상에서 만나요~",
    " Thanks for watching!", "Thank you for watching. Please subscribe.", "Subtitles by the Amara.org community",
    "PLEASE SUBSCRIBE", "Don't forget to like and subscribe!",
])
def test_known_phrases_are_dropped(text):
    assert guards.is_known_hallucination(text)
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, text))) == "known phrase"


@pytest.mark.parametrize("text", [
    "Thank you everyone for joining the call today.", "Please send the report before Friday.",
    "오늘 회의를 시작하겠습니다.", "예산 검토 감사합니다. 다음 안건으로 넘어가죠.", "MBC 뉴스를 보셨어요?", JFK_TEXT,
])
def test_meeting_speech_is_kept(text):
    assert not guards.is_known_hallucination(text)
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, text), no_speech_prob=0.1, avg_logprob=-0.3)) is None


@pytest.mark.parametrize("text", ["[Music]", "(upbeat music)", "♪ ♪ ♪", "*applause*", "[BLANK_AUDIO]", "...", ""])
def test_annotations_and_empty_text_are_dropped(text):
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, text))) in ("annotation", "empty")


def test_no_speech_rule_per_segment_uses_the_words():
    sure = [Word(0, 1, " Hello", 0.9), Word(1, 2, " there", 0.8)]
    unsure = [Word(0, 1, " Hello", 0.2), Word(1, 2, " there", 0.3)]
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, "Hello there", sure), no_speech_prob=0.9)) is None
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, "Hello there", unsure), no_speech_prob=0.9)) == "no speech"
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, "Hello there", unsure), no_speech_prob=0.2)) is None
    # Without words, the chunk's average log-probability decides.
    assert guards.drop_reason(guards.Decoded(Segment(0, 2, "Hello"), 0.7, avg_logprob=-1.3)) == "no speech"


@pytest.mark.parametrize("text", ["Thank you.", "감사합니다.", "you"])
def test_short_phrases_people_say_are_dropped_only_when_whisper_doubts(text):
    assert guards.drop_reason(guards.Decoded(Segment(0, 1, text), no_speech_prob=0.05, avg_logprob=-0.2)) is None
    assert guards.drop_reason(guards.Decoded(Segment(0, 1, text), no_speech_prob=0.5, avg_logprob=-0.2))
    assert guards.drop_reason(guards.Decoded(Segment(0, 1, text), no_speech_prob=0.05, avg_logprob=-0.9))


# -- repetition loops -------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("I'm going to go. I'm going to go. I'm going to go. I'm going to go. I'm going to go. Then we stop.",
     "I'm going to go. Then we stop."),
    ("So the budget, the budget, the budget, the budget, the budget is fine.", "So the budget is fine."),
    ("Okay okay okay okay okay okay okay okay okay okay", "Okay"),
    ("감사합니다. 감사합니다. 감사합니다. 감사합니다. 감사합니다. 감사합니다.", "감사합니다."),
    ("그래서 우리는 그래서 우리는 그래서 우리는 그래서 우리는 다음 주에 출시합니다", "그래서 우리는 다음 주에 출시합니다"),
    ("네 알겠습니다네 알겠습니다네 알겠습니다네 알겠습니다", "네 알겠습니다"),
])
def test_loops_are_cut_to_one_occurrence(text, expected):
    cut, count, unit = guards.cut_loop(text)
    assert cut == expected and count >= 4 and unit and unit in guards.normalize(expected)


@pytest.mark.parametrize("text", [
    JFK_TEXT, "No, no, no, no.", "Very very good.", "네네네네", "하하하",
    "The meeting will start early tomorrow morning. The meeting will start early tomorrow morning.",
    "예산은 예산대로, 일정은 일정대로 가겠습니다.",
])
def test_ordinary_repetition_is_not_a_loop(text):
    assert guards.cut_loop(text) == (text, 0, "")


def test_a_loop_inside_a_segment_is_cut_with_its_words_and_flagged():
    phrase = [" We", " will", " ship", " it."]
    words = [Word(i * 0.3, i * 0.3 + 0.25, w, 0.9) for i, w in enumerate(phrase * 5 + [" Done."])]
    segment = Segment(0.0, words[-1].end, "".join(w.word for w in words).strip(), words)
    decoded = guards.guard_loop(guards.Decoded(segment))
    assert decoded.segment.text == "We will ship it. Done."
    assert [w.word for w in decoded.segment.words] == phrase + [" Done."]
    assert decoded.redecode == "repetition" and decoded.loop_count == 5
    assert decoded.originals == (segment,)


def test_a_run_of_identical_segments_becomes_one_flagged_segment():
    guard = guards.SegmentGuard()
    segments = [Segment(0, 1, "Hello everyone.")] + [Segment(1 + i, 2 + i, "I'm going to go.") for i in range(6)]
    segments.append(Segment(8, 9, "Next item."))
    out = [d for s in segments for d in guard.feed(guards.Decoded(s))] + guard.finish()
    assert [d.segment.text for d in out] == ["Hello everyone.", "I'm going to go.", "Next item."]
    looped = out[1]
    assert looped.redecode == "repeated segments" and looped.loop_count == 6
    assert (looped.segment.start, looped.segment.end) == (1, 7)
    # Three in a row can be real ("Yes. Yes. Yes."): kept.
    guard = guards.SegmentGuard()
    three = [d for i in range(3) for d in guard.feed(guards.Decoded(Segment(i, i + 1, "Yes.")))] + guard.finish()
    assert len(three) == 3 and not any(d.redecode for d in three)


def test_segment_guard_drops_hallucinations_unless_switched_off():
    phrase = guards.Decoded(Segment(0, 2, "시청해주셔서 감사합니다."))
    assert guards.SegmentGuard().feed(phrase) == []
    guard = guards.SegmentGuard(drop_hallucinations=False)
    assert guard.feed(phrase) + guard.finish() == [phrase]


def test_choose_redecoded():
    original = Segment(0, 5, "go go go go go go go go go")
    flagged = guards.guard_loop(guards.Decoded(original))
    clean = [guards.Decoded(Segment(0, 5, "Let's go then."))]
    assert guards.choose_redecoded(flagged, clean) == [clean[0].segment]  # loop gone: the new text
    assert guards.choose_redecoded(flagged, []) == [flagged.segment]  # nothing heard: one occurrence
    looping_again = [guards.guard_loop(guards.Decoded(Segment(0, 5, "go " * 8)))]
    assert guards.choose_redecoded(flagged, looping_again) == [original]  # the speaker did repeat it
    worse = [guards.guard_loop(guards.Decoded(Segment(0, 5, "ha " * 20)))]
    assert guards.choose_redecoded(flagged, worse) == [flagged.segment]


# -- glossary -------------------------------------------------------------------------
def test_glossary_file_terms_comments_and_blank_lines(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("\ufeff# team names\nKubernetes\n\n  김민수   팀장 \n# later\nGrafana\n", encoding="utf-8")
    assert glossary.load(path) == ["Kubernetes", "김민수 팀장", "Grafana"]


def test_glossary_errors_are_clear(tmp_path):
    with pytest.raises(glossary.GlossaryError, match="not found.*missing.txt"):
        glossary.load(tmp_path / "missing.txt")
    with pytest.raises(glossary.GlossaryError, match="folder"):
        glossary.load(tmp_path)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Müller\n".encode("latin-1"))
    with pytest.raises(glossary.GlossaryError, match="not UTF-8"):
        glossary.load(latin1)
    locked = tmp_path / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: no unreadable file")
        with pytest.raises(glossary.GlossaryError, match="Cannot read"):
            glossary.load(locked)
    finally:
        locked.chmod(0o600)


def test_meeting_terms_come_first_and_duplicates_go():
    merged = glossary.merge(["Zorblax", "grafana"], ["Grafana", "Kubernetes", "  zorblax "])
    assert merged == ["Zorblax", "grafana", "Kubernetes"]


def test_hotwords_stay_within_the_prompt_room():
    terms = [f"Term{i:03d}" for i in range(200)]
    result = glossary.hotwords(terms, max_tokens=60)
    assert result.text is not None and glossary.estimate_tokens(" " + result.text) <= 60
    assert result.kept == tuple(terms[: len(result.kept)])  # the first (most important) ones
    assert result.dropped and len(result.kept) + len(result.dropped) == 200
    assert glossary.hotwords([]).text is None
    # With the model's own tokenizer count.
    counted = glossary.hotwords(["a", "b", "c"], max_tokens=3, count_tokens=lambda s: len(s.split(",")) + 1)
    assert counted.text == "a, b" and counted.dropped == ("c",)


# -- the engine's wiring, on a scripted model ---------------------------------------------
def _raw(start, end, text, no_speech_prob=0.01, avg_logprob=-0.2):
    words = [types.SimpleNamespace(start=start, end=end, word=" " + text, probability=0.9)]
    return types.SimpleNamespace(start=start, end=end, text=" " + text, words=words, no_speech_prob=no_speech_prob,
                                 avg_logprob=avg_logprob, compression_ratio=1.5)


class ScriptedWhisper:
    """Stands in for faster_whisper.WhisperModel: a loop and a subtitle phrase at first,
    clean text when decoded again without the previous text."""

    def __init__(self, first, again):
        self.first, self.again, self.calls = first, again, []
        self.model = types.SimpleNamespace(is_multilingual=True, unload_model=lambda: None)
        self.hf_tokenizer = None

    def transcribe(self, samples, **options):
        self.calls.append((len(samples), options))
        segments = self.again if options.get("condition_on_previous_text") is False else self.first

        def generate():
            yield from segments

        return generate(), types.SimpleNamespace(language="ko")


def _scripted_engine(first, again):
    engine = TranscriptionEngine("base")
    engine._model = ScriptedWhisper(first, again)
    return engine


def test_engine_cuts_a_loop_decodes_it_again_and_keeps_the_better_text():
    looped = "출시 일정은 " * 12
    engine = _scripted_engine(
        [_raw(0.0, 2.0, "안녕하세요 여러분."), _raw(2.0, 9.0, looped), _raw(9.0, 12.0, "시청해주셔서 감사합니다.")],
        [_raw(0.0, 6.5, "출시 일정은 다음 주 금요일입니다.")],
    )
    model = engine._model
    try:
        seen = []
        segments, language = engine.transcribe_samples(
            silence(12), TranscribeOptions(language="ko", glossary=("김민수",)), offset=100.0, on_segment=seen.append)
    finally:
        engine.close()
    assert [s.text for s in segments] == ["안녕하세요 여러분.", "출시 일정은 다음 주 금요일입니다."]
    assert segments[1].start == pytest.approx(102.0)  # the stretch's place, then the offset
    assert seen == segments and language == "ko"
    (first_len, first), (again_len, again) = model.calls
    assert first["hotwords"] == "김민수" and again["hotwords"] == "김민수"
    assert again["condition_on_previous_text"] is False and len(again["temperature"]) > 1
    assert again_len == 7 * SR and first_len == 12 * SR


def test_engine_guards_can_be_switched_off():
    first = [_raw(0.0, 2.0, "시청해주셔서 감사합니다."), _raw(2.0, 9.0, "go " * 12)]
    engine = _scripted_engine(first, [])
    try:
        segments, _ = engine.transcribe_samples(
            silence(9), TranscribeOptions(drop_hallucinations=False, fix_repetitions=False))
        calls = list(engine._model.calls)
    finally:
        engine.close()
    assert [s.text for s in segments] == [r.text.strip() for r in first]
    assert len(calls) == 1 and calls[0][1]["hotwords"] is None


# -- the real models ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_engine():
    engine = TranscriptionEngine("base")
    engine.load()
    # Start its inference thread now, so no test sees it as a thread it leaked.
    engine.transcribe_samples(np.zeros(8000, dtype=np.float32), TranscribeOptions(vad_filter=False))
    yield engine
    engine.close()


@pytest.fixture(scope="module", params=["tiny.en", "base"])
def engine_and_language(request, tiny_engine):
    if request.param == "tiny.en":
        return tiny_engine, "en"
    return request.getfixturevalue("base_engine"), "ko"


@pytest.mark.parametrize("signal", [silence, noise, music], ids=lambda f: f.__name__)
def test_no_text_from_silence_noise_or_music(engine_and_language, signal):
    """60 s as a file window would hear it (level-normalized); with the VAD (default) and,
    so the guards themselves are tested, without it."""
    engine, language = engine_and_language
    samples = levels.normalize(signal())
    for vad in (True, False):
        segments, _ = engine.transcribe_samples(samples, TranscribeOptions(language=language, vad_filter=vad))
        assert guards.text_of(segments) == "", (vad, [s.text for s in segments])


@pytest.mark.parametrize("term, sentence", [
    ("Quixotel", "Our new client Quixotel signed the contract today."),
    ("Kubernetes", "We will move the service to Kubernetes next week."),
])
def test_a_glossary_term_is_spelled_as_written(tiny_engine, tmp_path, term, sentence):
    """tiny.en writes "quick, so we'll" and "Qmer needs" for these without the glossary."""
    path = espeak(sentence, tmp_path / "sentence.wav")
    without = tiny_engine.transcribe_file(path, TranscribeOptions(language="en")).text
    glossary_file = tmp_path / "glossary.txt"
    glossary_file.write_text(f"# our clients and tools\n{term}\nGrafana\n", encoding="utf-8")
    terms = tuple(glossary.merge(glossary.load(glossary_file)))
    with_glossary = tiny_engine.transcribe_file(path, TranscribeOptions(language="en", glossary=terms)).text
    assert term not in without
    assert term in with_glossary
