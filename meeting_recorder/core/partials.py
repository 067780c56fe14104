"""Words as they are spoken: provisional text of the utterance in progress.

While an utterance is spoken the live transcriber transcribes it again every half second
(``PartialOptions.interval``). Two successive hypotheses usually agree on their first words
and differ at the end, where the audio stops mid-word: ``LocalAgreement`` keeps the words
two hypotheses in a row agree on as ``stable`` (LocalAgreement-2, the policy of
whisper_streaming) and the rest of the latest one as ``tentative``. The committed text of
the utterance replaces both once it ends.

``draft_text`` is a cheap hypothesis for that: Whisper's encoder normally hears a whole
30 s window (zero-padded), which costs tiny.en ~0.45 s on 2 cores however short the audio;
the draft encodes only the audio heard so far plus a short silence, and decodes greedily
without timestamps (~0.05-0.2 s). Whisper was trained on full windows, so drafts are a
little less accurate at the edges; they are only shown until the committed text arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from meeting_recorder.core import guards
from meeting_recorder.core.audio import SAMPLE_RATE
from meeting_recorder.core.transcript import Segment


@dataclass(frozen=True)
class PartialText:
    """The utterance in progress as it stands: ``stable`` words (two hypotheses in a row
    agreed on them) then ``tentative`` ones (the rest of the latest hypothesis)."""

    start: float  # seconds on the session clock where the utterance starts
    stable: str
    tentative: str
    track: str = ""  # which capture it belongs to ("mic", "system"); set by the owner

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.stable, self.tentative) if part)


@dataclass(frozen=True)
class PartialOptions:
    interval: float = 0.5  # seconds of new audio between two hypotheses of one utterance
    min_seconds: float = 0.5  # audio an utterance needs before its first hypothesis
    # Behind by more than this (audio written, not yet read), a hypothesis is skipped: the
    # VAD and the committed text come first.
    max_backlog_seconds: float = 0.25


# -- LocalAgreement-2 ----------------------------------------------------------------------
def word_key(word: str) -> str:
    """What two hypotheses compare: case and punctuation do not count ("Friday." = "friday")."""
    return re.sub(r"[^\w']", "", word.casefold())


class LocalAgreement:
    """Stable words of one utterance from its successive hypotheses. The stable words only
    grow (what the user saw as settled does not flicker); state is the words of the last
    hypothesis and the stable ones, bounded by one utterance (the segmenter cuts at 18 s)."""

    # How far the stable words' end may have moved in a hypothesis that rewrote them.
    ALIGN_SLACK = 2

    def __init__(self) -> None:
        self._previous: list[str] = []
        self._stable: list[str] = []

    def reset(self) -> None:
        self._previous = []
        self._stable = []

    @property
    def stable_words(self) -> list[str]:
        return list(self._stable)

    def update(self, hypothesis: str) -> tuple[str, str]:
        """Take the latest hypothesis of the whole utterance; (stable, tentative) text."""
        words = hypothesis.split()
        keys = [word_key(w) for w in words]
        agreed = _common_prefix(keys, [word_key(w) for w in self._previous])
        stable_keys = [word_key(w) for w in self._stable]
        if keys[: len(stable_keys)] == stable_keys:
            if agreed > len(self._stable):
                self._stable = words[:agreed]  # the latest spelling ("Friday" -> "Friday.")
            else:
                self._stable = words[: len(self._stable)]
            rest = words[len(self._stable) :]
        else:  # the hypothesis rewrote settled words: keep them, show what follows them
            rest = words[self._resume_index(keys, stable_keys) :]
        self._previous = words
        return " ".join(self._stable), " ".join(rest)

    def _resume_index(self, keys: list[str], stable_keys: list[str]) -> int:
        """Where the hypothesis goes on after the stable words: just past the last stable
        word near its expected place, else at the same word count."""
        if not stable_keys:
            return 0
        expected = len(stable_keys)
        last = stable_keys[-1]
        for shift in sorted(range(-self.ALIGN_SLACK, self.ALIGN_SLACK + 1), key=abs):
            index = expected - 1 + shift
            if 0 <= index < len(keys) and keys[index] == last:
                return index + 1
        return min(expected, len(keys))


def _common_prefix(a: list[str], b: list[str]) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


# -- the draft hypothesis ------------------------------------------------------------------
DRAFT_TAIL_SECONDS = 1.0  # silence after the audio: the last word is heard as finished
DRAFT_MIN_SECONDS = 3.0  # shorter contexts make Whisper loop ("A meeting will. A meeting will.")
DRAFT_MAX_SECONDS = 30.0  # Whisper's window: only the newest 30 s
TOKENS_PER_SECOND = 6  # generous for speech (~3-4); bounds a loop's cost


def draft_text(model: Any, samples: np.ndarray, *, language: str | None = None,
               hotwords: str | None = None) -> str:
    """A quick hypothesis of ``samples`` (16 kHz mono float32, ≤ 30 s used) from a loaded
    ``faster_whisper.WhisperModel``: encoder on the audio's own length, greedy, no
    timestamps. ``language`` None: the model's (English-only) or detected from the audio.
    "" when Whisper heard no speech or only a subtitle phrase."""
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    audio = np.asarray(samples, dtype=np.float32)[-int(DRAFT_MAX_SECONDS * SAMPLE_RATE) :]
    seconds = len(audio) / SAMPLE_RATE
    total = min(DRAFT_MAX_SECONDS, max(DRAFT_MIN_SECONDS, seconds + DRAFT_TAIL_SECONDS))
    padded = np.zeros(int(total * SAMPLE_RATE), dtype=np.float32)
    padded[: len(audio)] = audio[: len(padded)]
    features = model.feature_extractor(padded)
    frames = min(features.shape[-1] // 2 * 2, model.feature_extractor.nb_max_frames)
    encoded = model.encode(np.ascontiguousarray(features[:, :frames]))
    multilingual = model.model.is_multilingual
    if multilingual and not language:
        language = model.model.detect_language(encoded)[0][0][0][2:-2]  # "<|en|>" -> "en"
    tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe",
                          language=language if multilingual else "en")
    prompt = _prompt(tokenizer, hotwords)
    result = model.model.generate(
        encoded, [prompt], beam_size=1, max_length=int(TOKENS_PER_SECOND * seconds) + 10,
        suppress_blank=True, suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        return_scores=True, return_no_speech_prob=True,
    )[0]
    tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
    text, _, _ = guards.cut_loop(tokenizer.decode(tokens).strip())
    avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else 0.0
    decoded = guards.Decoded(Segment(0.0, seconds, text), no_speech_prob=result.no_speech_prob,
                             avg_logprob=avg_logprob)
    return "" if guards.drop_reason(decoded) else text


def _prompt(tokenizer: Any, hotwords: str | None) -> list[int]:
    """Start-of-transcript tokens, after the glossary's terms as previous text (as
    faster-whisper passes hotwords), so drafts spell names as the committed text will."""
    prompt: list[int] = []
    if hotwords:
        prompt = [tokenizer.sot_prev] + tokenizer.encode(" " + hotwords.strip())[-223:]
    return prompt + list(tokenizer.sot_sequence) + [tokenizer.no_timestamps]
