"""Quality guards on Whisper's segments: no text from silence, noise or music, and no
repetition loops.

Whisper was trained on subtitles, so on silence, noise or music it tends to write what
subtitles say there: "시청해주셔서 감사합니다", "MBC 뉴스 …입니다", "Thanks for watching!",
"[Music]". On long audio it can also fall into a loop and write the same phrase again and
again. The functions here are pure (text and numbers in, decisions out) so they are
tested without a model; ``engine.py`` applies them to each segment it produces:

* ``drop_reason``: a segment that is only a known subtitle phrase, only an annotation
  ("[Music]", "♪"), or that Whisper itself found to be probably no speech (faster-whisper's
  own rule, no-speech probability > 0.6 with average log-probability < -1.0, applied per
  segment with the segment's own word probabilities) is dropped. Short phrases that are
  also said in meetings ("Thank you.", "감사합니다") are dropped only when Whisper was
  unsure there was speech.
* ``find_loop`` / ``cut_loop``: a phrase repeated many times in a row (word n-grams for
  English and other spaced scripts, characters for Korean, Chinese and Japanese) is cut
  to one occurrence; ``SegmentGuard`` also catches a run of identical segments. Both are
  flagged so the engine decodes that stretch again without the previous text as a prompt
  and keeps the better result (``choose_redecoded``).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from meeting_recorder.core.transcript import Segment

# -- known phrases ---------------------------------------------------------------------
# Said by subtitles, never by a meeting: a segment that is only these is dropped.
KNOWN_HALLUCINATIONS: tuple[str, ...] = (
    # Korean
    "시청해주셔서 감사합니다", "시청해 주셔서 감사합니다", "시청 감사합니다", "끝까지 시청해주셔서 감사합니다",
    "오늘도 시청해주셔서 감사합니다", "영상 시청해주셔서 감사합니다", "시청해주셔서 고맙습니다",
    "구독과 좋아요", "구독과 좋아요 부탁드립니다", "구독 좋아요 부탁드립니다", "좋아요와 구독 부탁드립니다",
    "구독과 좋아요 알림설정 부탁드립니다", "구독 좋아요 알림설정", "구독 부탁드립니다", "구독해주세요",
    "다음 영상에서 만나요", "다음 영상에서 뵙겠습니다", "다음 시간에 만나요", "다음 주에 만나요",
    "MBC 뉴스", "KBS 뉴스", "SBS 뉴스", "YTN 뉴스", "JTBC 뉴스", "한글자막", "자막 제공", "한국어 자막",
    # English
    "Thanks for watching", "Thank you for watching", "Thanks for watching and see you next time",
    "Thank you so much for watching", "Please subscribe", "Please subscribe to my channel",
    "Like and subscribe", "Don't forget to like and subscribe", "Please like and subscribe",
    "See you in the next video", "I'll see you in the next video", "See you next time",
    "Subtitles by the Amara.org community", "Subtitles by", "Subtitled by", "Captions by",
    "Transcription by CastingWords", "Translated by", "www.mooji.org",
)
# Also said in meetings: dropped only when Whisper doubted there was speech at all.
WEAK_HALLUCINATIONS: tuple[str, ...] = (
    "감사합니다", "고맙습니다", "안녕히 계세요",
    "you", "Thank you", "Thank you very much", "Thanks", "Bye", "Bye bye",
)
# A news sign-off with the reporter's name, a subtitler's credit with theirs.
_PATTERNS = tuple(re.compile(p) for p in (
    r"(mbc|kbs|sbs|ytn|jtbc|obs)뉴스\w{0,8}(입니다|였습니다)",
    r"(한글|한국어)?자막(제작|제공|편집)?(by|은|는)?\w{0,12}",
    r"(subtitles|subtitled|captions|captioned|transcribed|transcription|translated)by\w{0,30}",
))

# faster-whisper's own no-speech rule, here per segment.
NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
# Weak phrases need less doubt.
WEAK_NO_SPEECH = 0.3
WEAK_LOG_PROB = -0.7
# A loop: an n-gram repeated at least MIN_REPEATS times in a row, covering at least
# MIN_WORDS words (spaced scripts) or MIN_CHARS characters (Korean, Chinese, Japanese).
MIN_REPEATS = 4
MIN_WORDS = 8
MIN_CHARS = 12
MIN_SEGMENT_REPEATS = 4  # identical segments in a row
COMPRESSION_RATIO_LIMIT = 2.4  # faster-whisper's "too repetitive" threshold, per segment
_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫♬♩🎵🎶]")


def normalize(text: str) -> str:
    """Letters and digits only, case-folded: what phrase matching compares."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if c.isalnum())


_KNOWN = frozenset(normalize(p) for p in KNOWN_HALLUCINATIONS)
_WEAK = frozenset(normalize(p) for p in WEAK_HALLUCINATIONS)


def _covered_by(text: str, phrases: frozenset[str], patterns: tuple[re.Pattern, ...] = ()) -> bool:
    """``text`` (normalized, non-empty) is one or more of ``phrases``/``patterns`` in a row."""
    if not text:
        return False
    reachable = [True] + [False] * len(text)
    for start in range(len(text)):
        if not reachable[start]:
            continue
        rest = text[start:]
        for phrase in phrases:
            if rest.startswith(phrase):
                reachable[start + len(phrase)] = True
        for pattern in patterns:
            match = pattern.match(rest)
            if match and match.end() > 0:
                reachable[start + match.end()] = True
    return reachable[-1]


def is_annotation(text: str) -> bool:
    """Only bracketed notes and music symbols ("[Music]", "(upbeat music)", "♪ ♪")."""
    return bool(text.strip()) and not normalize(_ANNOTATION.sub("", text))


def is_known_hallucination(text: str) -> bool:
    """Only known subtitle phrases (punctuation, spaces and case do not matter)."""
    return _covered_by(normalize(text), _KNOWN, _PATTERNS)


def is_weak_hallucination(text: str) -> bool:
    """Only short phrases that Whisper writes on silence but people also say."""
    return _covered_by(normalize(text), _KNOWN | _WEAK, _PATTERNS)


# -- per-segment evidence ----------------------------------------------------------------
@dataclass
class Decoded:
    """A segment with what Whisper said about it (its 30 s chunk's figures)."""

    segment: Segment
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 1.0
    redecode: str | None = None  # why this stretch should be decoded again (None: fine)
    loop_count: int = 0  # occurrences of the loop that was cut (0: none)
    loop_unit: str = ""  # its phrase, normalized
    originals: tuple[Segment, ...] = ()  # what Whisper wrote before a loop was cut


def segment_logprob(decoded: Decoded) -> float:
    """The segment's own average log-probability (from its words), else the chunk's."""
    words = decoded.segment.words
    if not words:
        return decoded.avg_logprob
    return sum(math.log(max(w.probability, 1e-6)) for w in words) / len(words)


def drop_reason(decoded: Decoded) -> str | None:
    """Why the segment should be dropped, or None to keep it."""
    text = decoded.segment.text
    if not normalize(text):
        return "annotation" if is_annotation(text) else "empty"
    if is_annotation(text):
        return "annotation"
    if is_known_hallucination(text):
        return "known phrase"
    logprob = segment_logprob(decoded)
    if decoded.no_speech_prob > NO_SPEECH_THRESHOLD and logprob < LOG_PROB_THRESHOLD:
        return "no speech"
    if is_weak_hallucination(text) and (decoded.no_speech_prob > WEAK_NO_SPEECH or logprob < WEAK_LOG_PROB):
        return "unsure short phrase"
    return None


# -- repetition loops ----------------------------------------------------------------------
def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F  # Hangul
            or 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF)


def uses_characters(text: str) -> bool:
    """True for Korean, Chinese, Japanese text: loops are found per character."""
    letters = [c for c in text if c.isalnum()]
    return bool(letters) and sum(map(_is_cjk, letters)) >= 0.3 * len(letters)


@dataclass(frozen=True)
class Token:
    key: str  # what is compared (case-folded)
    start: int  # its span in the text
    end: int


def tokens(text: str) -> list[Token]:
    """Characters (Korean, Chinese, Japanese) or words, punctuation left out."""
    pattern = r"\w" if uses_characters(text) else r"\w+(?:['’]\w+)*"
    return [Token(m.group().casefold(), m.start(), m.end()) for m in re.finditer(pattern, text)]


@dataclass(frozen=True)
class Loop:
    start: int  # index of the first token of the first occurrence
    size: int  # tokens in one occurrence
    count: int  # occurrences in a row

    @property
    def end(self) -> int:
        return self.start + self.size * self.count


def find_loop(keys: list[str], *, min_repeats: int = MIN_REPEATS, min_tokens: int = MIN_WORDS) -> Loop | None:
    """The longest run of one n-gram repeated ``min_repeats``+ times covering ``min_tokens``+
    tokens (ties: the shortest n-gram), or None. O(n²) on a segment's few hundred tokens."""
    best: Loop | None = None
    for size in range(1, len(keys) // min_repeats + 1):
        run = 0  # positions i, going back, where keys[i] == keys[i + size]
        for i in range(len(keys) - size - 1, -2, -1):
            if i >= 0 and keys[i] == keys[i + size]:
                run += 1
                continue
            count = run // size + 1
            if run and count >= min_repeats and count * size >= min_tokens:
                loop = Loop(i + 1, size, count)
                if best is None or loop.size * loop.count > best.size * best.count:
                    best = loop
            run = 0
    return best


def cut_loop(text: str) -> tuple[str, int, str]:
    """``text`` with each repetition loop cut to its first occurrence; how many occurrences
    the longest loop had (0: none found) and its phrase, normalized ("" if none)."""
    most, unit = 0, ""
    while True:
        found = tokens(text)
        minimum = MIN_CHARS if uses_characters(text) else MIN_WORDS
        loop = find_loop([t.key for t in found], min_tokens=minimum)
        if loop is None:
            return text.strip(), most, unit
        keep_until = found[loop.start + loop.size - 1].end
        if loop.count > most:
            most, unit = loop.count, normalize(text[found[loop.start].start:keep_until])
        resume_at = found[loop.end - 1].end
        text = text[:keep_until] + text[resume_at:]


def compression_ratio(text: str) -> float:
    """zlib's ratio, as Whisper computes it (short texts never reach the limit)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _cut_words(segment: Segment, text: str) -> Segment:
    """The segment with its text cut to ``text``; its words cut alike (kept in order while
    they still spell a prefix of what is left, then the tail that spells its end)."""
    wanted = normalize(text)
    kept, spelled = [], ""
    for word in segment.words:
        piece = normalize(word.word)
        if not wanted.startswith(spelled + piece):
            break
        kept.append(word)
        spelled += piece
    tail: list = []
    rest = wanted[len(spelled):]
    for word in reversed(segment.words[len(kept):]):
        piece = normalize(word.word)
        if not rest.endswith(piece) or not rest:
            break
        tail.insert(0, word)
        rest = rest[: len(rest) - len(piece)]
    return replace(segment, text=text, words=kept + tail)


def guard_loop(decoded: Decoded) -> Decoded:
    """Cut a loop inside the segment (flagging it for re-decoding); flag a segment whose
    text compresses like a loop even when no exact repetition was found."""
    text = decoded.segment.text
    cut, count, unit = cut_loop(text)
    if count:
        return replace(decoded, segment=_cut_words(decoded.segment, cut), redecode="repetition",
                       loop_count=count, loop_unit=unit, originals=(decoded.segment,))
    if compression_ratio(text) > COMPRESSION_RATIO_LIMIT:
        return replace(decoded, redecode="compression ratio")
    return decoded


@dataclass
class SegmentGuard:
    """Streams segments through the guards: ``feed`` one, get back those that are ready
    (a run of identical segments is held until it ends); ``finish`` at the end. Dropped
    segments are counted in ``dropped`` by reason."""

    drop_hallucinations: bool = True
    fix_repetitions: bool = True
    dropped: dict[str, int] = field(default_factory=dict)
    _run: list[Decoded] = field(default_factory=list)

    def feed(self, decoded: Decoded) -> list[Decoded]:
        if self.drop_hallucinations:
            reason = drop_reason(decoded)
            if reason is not None:
                self.dropped[reason] = self.dropped.get(reason, 0) + 1
                return []
        if not self.fix_repetitions:
            return [decoded]
        decoded = guard_loop(decoded)
        if self._run and normalize(self._run[0].segment.text) == normalize(decoded.segment.text):
            self._run.append(decoded)
            return []
        ready = self.finish()
        self._run = [decoded]
        return ready

    def finish(self) -> list[Decoded]:
        run, self._run = self._run, []
        if len(run) < MIN_SEGMENT_REPEATS:
            return run
        first, last = run[0], run[-1]
        merged = replace(first.segment, end=last.segment.end)
        return [replace(first, segment=merged, redecode="repeated segments", loop_count=len(run),
                        loop_unit=normalize(first.segment.text),
                        originals=tuple(d.segment for d in run))]


def choose_redecoded(flagged: Decoded, redecoded: list[Decoded]) -> list[Segment]:
    """The segments to keep for a flagged stretch that was decoded again (``redecoded``,
    already through the guards): the new ones when they are non-empty and free of loops;
    Whisper's original, uncut segments when decoding again repeats the phrase about as
    often (then the speaker did repeat it); else the flagged segment (loop cut to one)."""
    again = max((d.loop_count for d in redecoded if d.loop_unit == flagged.loop_unit), default=0)
    if flagged.originals and flagged.loop_count and again >= flagged.loop_count - 1:
        return list(flagged.originals)
    if not redecoded or any(d.redecode for d in redecoded):
        return [flagged.segment]
    return [d.segment for d in redecoded]


def text_of(segments: Iterable[Segment]) -> str:
    return " ".join(s.text for s in segments).strip()
