"""Conversations of REAL human voices with exact reference turns, assembled at run time from the
single-speaker recordings in ``../shared/data/real/voices`` (see its README; audio is never committed).

Each source has its own microphone and rate, which a speaker model could latch onto instead of the
voice. So every part goes through the same telephone channel (16 kHz -> 8 kHz -> 16 kHz, band-pass
300-3400 Hz) and every utterance is set to the same RMS level (-26 dBFS).

Voices (median F0, speech after VAD): ``allison`` (female, ~210 Hz, 40 voice prompts, ~510 s);
``ve9qrp`` (male, ~95 Hz, ~100 s); ``librispeech`` (male, ~100 Hz, ~39 s in 2 files; ``cold_corpus``
is spoken with a cold and noisy: ~10 dB SNR in the telephone band); ``librivox`` (male, ~100 Hz,
5 sentences, ~22 s); ``vk5qi`` (male, ~113 Hz, ~11 s, clips only). Four similar male voices are the
hard, realistic case. Not used: codec2 ``david4.wav`` is a modem signal (flat 700-2200 Hz band, no
speech), the other codec2 files hold 1.5-9 s each, and ``tt-monkeys.wav`` is monkeys.

Reference turns are one per utterance (a VAD piece, <= 8 s, a few under 1 s); a speaker's turn of
1-3 utterances keeps their natural pauses (< 1 s) in the audio but not in the reference.

Kept out of the conversations for ``real_voice_clip`` (enrollment from other audio than the
conversation): allison ``vm-*.wav`` (~97 s of speech), ve9qrp from 96.5 s on (~14 s), librispeech
``acoustic_corpus.wav`` from 16.7 s on (~5.5 s), librivox ``...-0920.wav`` (5.5 s); vk5qi is never in a
conversation. Longer clips go on with the other utterances, cycling.
"""

from __future__ import annotations

import functools
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

if __package__ in (None, ""):  # run as a script: make the ``tests`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conversations import SAMPLE_RATE, Conversation, write_wav

LEVEL = 10 ** (-26 / 20)  # RMS of every utterance, so loudness does not give speakers away
NOISE_LEVEL = 10 ** (-60 / 20)  # a common floor: no digital silence between turns
MAX_JOIN_GAP = 1.0  # s; utterances further apart are not joined into one turn
# speaker -> (files under voices/, which utterances to reserve for clips: (file, start s, file s) -> bool)
SOURCES = {
    "allison": ("allison_8k/*.wav", lambda f, t, d: f.startswith("vm-")),
    "ve9qrp": ("codec2_8k/ve9qrp.wav", lambda f, t, d: t >= d - 16),
    "librispeech": ("librispeech_mfa/*_corpus.wav", lambda f, t, d: f.startswith("acoustic") and t >= d - 10),
    "librivox": ("librivox/*.wav", lambda f, t, d: f.endswith("-0920.wav")),
    "vk5qi": ("codec2_8k/vk5qi.wav", lambda f, t, d: True),
}
EXCLUDED = {"tt-monkeys.wav"}  # not speech
# name -> (speakers, target seconds); seeds derive from the position, so the set is fixed
CONVERSATIONS = {
    "real_allison_ve9qrp": (("allison", "ve9qrp"), 90.0),
    "real_allison_librispeech": (("allison", "librispeech"), 75.0),
    "real_ve9qrp_librivox": (("ve9qrp", "librivox"), 60.0),
    "real_librispeech_librivox": (("librispeech", "librivox"), 60.0),
    "real_allison_ve9qrp_librispeech": (("allison", "ve9qrp", "librispeech"), 90.0),
    "real_allison_ve9qrp_librispeech_librivox": (("allison", "ve9qrp", "librispeech", "librivox"), 110.0),
}


@dataclass(frozen=True, eq=False)
class Utterance:
    file: str  # source file name: only utterances of one file can be joined into a turn
    start: int  # exact sample extent in ``audio`` (16 kHz, telephone band), silence trimmed
    end: int
    reserved: bool  # kept for real_voice_clip
    audio: np.ndarray = field(repr=False)  # the whole source file

    @property
    def samples(self) -> np.ndarray:
        return self.audio[self.start : self.end]


def real_voices_dir() -> Path:
    real = os.environ.get("MEETING_RECORDER_REAL_DATA")
    base = Path(real) if real else Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
    return base / "voices"


def has_real_voices() -> bool:
    return all(any(real_voices_dir().glob(pattern)) for pattern, _ in SOURCES.values())


def _bandpass(x: np.ndarray) -> np.ndarray:
    sos = signal.butter(6, [300, 3400], btype="bandpass", fs=SAMPLE_RATE, output="sos")
    return signal.sosfiltfilt(sos, x).astype(np.float32)  # zero phase: turn times stay exact


def _telephone(x16: np.ndarray) -> np.ndarray:
    """The same channel for every source: an 8 kHz round trip, then the telephone band."""
    return _bandpass(signal.resample_poly(signal.resample_poly(x16, 1, 2), 2, 1)[: len(x16)])


def _cuts(x16: np.ndarray, tel: np.ndarray) -> list[tuple[int, int]]:
    """Speech pieces of at most 8 s, split at pauses of 300 ms, with leading/trailing silence trimmed."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    # VAD on the full-band signal: on the telephone band it fragments ve9qrp's speech
    options = VadOptions(threshold=0.35, min_silence_duration_ms=300, speech_pad_ms=100, max_speech_duration_s=8.0)
    frame = SAMPLE_RATE // 100
    rms = np.sqrt(np.mean(tel[: len(tel) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    floor = 2 * np.percentile(rms, 10)  # twice the source's noise floor
    cuts = []
    for piece in get_speech_timestamps(x16, options):
        first, last = piece["start"] // frame, -(-piece["end"] // frame)
        loud = np.flatnonzero(rms[first:last] > max(floor, rms[first:last].max() * 10 ** (-40 / 20)))
        if len(loud) == 0:
            continue
        start, end = (first + loud[0]) * frame, min((first + loud[-1] + 1) * frame, len(tel))
        if end - start >= 0.3 * SAMPLE_RATE:  # shorter ones are clicks and breaths
            cuts.append((int(start), int(end)))
    return cuts


@functools.cache
def utterances(speaker: str) -> tuple[Utterance, ...]:
    """All utterances of ``speaker`` in file and time order (cached: the VAD is the slow part)."""
    pattern, reserve = SOURCES[speaker]
    paths = [p for p in sorted(real_voices_dir().glob(pattern)) if p.name not in EXCLUDED]
    if not paths:
        raise FileNotFoundError(f"no {pattern} under {real_voices_dir()}")
    result = []
    for path in paths:
        x, rate = sf.read(path, dtype="float32")
        x16 = x if rate == SAMPLE_RATE else signal.resample_poly(x, SAMPLE_RATE, rate).astype(np.float32)
        tel = _telephone(x16)
        for start, end in _cuts(x16, tel):
            reserved = bool(reserve(path.name, start / SAMPLE_RATE, len(tel) / SAMPLE_RATE))
            result.append(Utterance(path.name, start, end, reserved, tel))
    return tuple(result)


def _render(parts: list[Utterance]) -> np.ndarray:
    """Consecutive utterances of one file with their natural pauses, each set to LEVEL."""
    first = parts[0]
    audio = first.audio[first.start : parts[-1].end].copy()
    for this, after in zip(parts, parts[1:] + [None]):  # a pause takes the gain of the speech before it
        stop = (after.start if after else parts[-1].end) - first.start
        audio[this.start - first.start : stop] *= LEVEL / max(float(np.sqrt(np.mean(this.samples**2))), 1e-6)
    fade = np.sin(np.linspace(0, np.pi / 2, min(80, len(audio) // 2))) ** 2  # 5 ms: no clicks at the edges
    audio[: len(fade)] *= fade
    audio[len(audio) - len(fade) :] *= fade[::-1]
    return audio


def _turn(pool: list[Utterance], cursor: int, rng: random.Random, room: float) -> tuple[list[Utterance], int]:
    """1-3 consecutive utterances from ``pool[cursor]`` on (more while under 1 s of speech), at most
    ``room`` s long unless one utterance is longer; single ones are likeliest, for frequent turn changes."""
    want, parts = rng.choice((1, 1, 2, 3)), [pool[cursor % len(pool)]]
    while True:
        cursor += 1
        speech = sum(u.end - u.start for u in parts) / SAMPLE_RATE
        nxt = pool[cursor % len(pool)]
        joinable = nxt.file == parts[-1].file and 0 < nxt.start - parts[-1].end <= MAX_JOIN_GAP * SAMPLE_RATE
        too_long = nxt.end - parts[0].start > room * SAMPLE_RATE
        if not joinable or too_long or (len(parts) >= want and speech >= 1.0) or len(parts) >= 5:
            return parts, cursor
        parts.append(nxt)


def _finish(audio: np.ndarray, rng: random.Random) -> np.ndarray:
    """Add the common noise floor and band-limit the whole mix once more (fade edges, noise)."""
    noise = np.random.default_rng(rng.randrange(2**32)).standard_normal(len(audio)).astype(np.float32)
    mixed = _bandpass(audio + noise * NOISE_LEVEL * np.sqrt(8000 / 3100))  # the band keeps 3.1 of 8 kHz
    return np.clip(mixed, -1.0, 1.0)


def make_real_conversation(out: Path, speakers: tuple[str, ...], seconds: float, seed: int) -> Conversation:
    """Random speaker order (sometimes the same one twice), 0.2-0.9 s pauses, until ``seconds``."""
    rng = random.Random(seed)
    pools = {s: [u for u in utterances(s) if not u.reserved] for s in speakers}
    cursors = {s: rng.randrange(len(pools[s])) for s in speakers}  # other parts in other conversations
    pieces, turns, at, previous = [], [], 0, None  # ``at``: samples so far, kept integer for exact turns
    while at < seconds * SAMPLE_RATE:
        others = [s for s in speakers if s != previous]
        speaker = previous if previous and rng.random() < 0.15 else rng.choice(others)
        parts, cursors[speaker] = _turn(pools[speaker], cursors[speaker], rng, seconds + 5 - at / SAMPLE_RATE)
        shift = at - parts[0].start  # source file sample -> conversation sample
        turns += [((shift + u.start) / SAMPLE_RATE, (shift + u.end) / SAMPLE_RATE, speaker) for u in parts]
        pause = np.zeros(round(rng.uniform(0.2, 0.9) * SAMPLE_RATE), np.float32)
        pieces += [_render(parts), pause]
        at += len(pieces[-2]) + len(pause)
        previous = speaker
    samples = _finish(np.concatenate(pieces), rng)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, samples)
    return Conversation(out, turns, len(samples) / SAMPLE_RATE)


def build_real_conversations(folder: Path) -> list[tuple[str, Conversation]]:
    """The fixed set of CONVERSATIONS as ``folder/NAME.wav``; turns are one per utterance."""
    return [
        (name, make_real_conversation(folder / f"{name}.wav", speakers, seconds, seed=1000 + i))
        for i, (name, (speakers, seconds)) in enumerate(CONVERSATIONS.items())
    ]


def real_voice_clip(speaker: str, folder: Path, seconds: float, *, skip: int = 0) -> Path:
    """``seconds`` of ``speaker`` alone, reserved utterances first (then the rest, cycling), 0.4 s
    apart. ``skip`` starts that many utterances later, for a second, different clip."""
    every = utterances(speaker)
    pool = [u for u in every if u.reserved] + [u for u in every if not u.reserved]
    pause = np.zeros(int(0.4 * SAMPLE_RATE), np.float32)
    pieces, total, i = [], 0, skip
    while total < seconds * SAMPLE_RATE:
        pieces += [_render([pool[i % len(pool)]]), pause]
        total += len(pieces[-2]) + len(pause)
        i += 1
    out = folder / f"{speaker}_clip{skip}_{seconds:g}s.wav"
    folder.mkdir(parents=True, exist_ok=True)
    write_wav(out, _finish(np.concatenate(pieces)[: int(seconds * SAMPLE_RATE)], random.Random(skip)))
    return out


def main(folder: Path) -> None:
    print(f"{'conversation':42} {'dur s':>6} {'turns':>5} {'segs':>4}  speech s per speaker")
    for name, conv in build_real_conversations(folder):
        changes = 1 + sum(a[2] != b[2] for a, b in zip(conv.turns, conv.turns[1:]))
        speech = {s: sum(e - b for b, e, v in conv.turns if v == s) for s in sorted(conv.speakers)}
        per = ", ".join(f"{s} {x:.1f}" for s, x in speech.items())
        print(f"{name:42} {conv.duration:6.1f} {changes:5d} {len(conv.turns):4d}  {per}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUTDIR")
    main(Path(sys.argv[1]))
