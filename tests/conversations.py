"""Synthetic conversations for speaker tests: espeak-ng voices taking turns, with the exact
reference turns (each utterance's sample extent after silence trimming).

Voices were picked so that CAM++ tells them apart (cosine A–B 0.41, B–C 0.47, A–C 0.63,
D–A 0.53, D–B 0.60, D–C 0.57; same voice ≥ 0.83). ``-v en-gb+m3 -p 20`` is a near-twin of A for CAM++: do not use it.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.speech import require_tool

SAMPLE_RATE = 16000
VOICES = {
    "A": ["-v", "en-us", "-p", "35"],
    "B": ["-v", "en-us+f3", "-p", "75"],
    "C": ["-v", "en-gb-scotland+m7", "-p", "10"],
    "D": ["-v", "en-gb-x-rp+f2", "-p", "40"],
}
WORDS = (
    "we need to look at the budget again before the meeting on friday and the team agreed that "
    "the release should wait until testing is done I think the customer asked for a new report "
    "about the sales in the last quarter maybe we can move the deadline by one week if everyone "
    "is fine with that the design looks good but the numbers in the second table are wrong please "
    "send me the notes after the call so I can update the plan our office will be closed on monday "
    "because of the holiday let us schedule another review with the product owner next month"
).split()
WORDS_PER_SECOND = 3.6  # espeak-ng English at its default rate


@dataclass(frozen=True)
class Conversation:
    path: Path  # 16 kHz mono 16-bit WAV
    turns: list[tuple[float, float, str]]  # (start, end, voice) in seconds
    duration: float

    @property
    def speakers(self) -> set[str]:
        return {speaker for _, _, speaker in self.turns}

    def reference(self):  # -> pyannote.core.Annotation
        from pyannote.core import Annotation, Segment

        annotation = Annotation(uri=self.path.stem)
        for start, end, speaker in self.turns:
            annotation[Segment(start, end)] = speaker
        return annotation

    def samples(self) -> np.ndarray:
        return read_wav(self.path)

    def voice_at(self, start: float, end: float) -> str | None:
        """The voice that talks most during [start, end], or None if nobody does."""
        talk: dict[str, float] = {}
        for turn_start, turn_end, voice in self.turns:
            talk[voice] = talk.get(voice, 0.0) + max(0.0, min(end, turn_end) - max(start, turn_start))
        voice = max(talk, key=talk.__getitem__)
        return voice if talk[voice] > 0 else None


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (SAMPLE_RATE, 1, 2), path
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    return data.astype(np.float32) / 32768.0


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes((np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def synthesize(text: str, voice: str) -> np.ndarray:
    """espeak-ng (22.05 kHz) -> sox: 16 kHz mono, leading/trailing silence trimmed.
    ``-G`` guards against clipping: espeak output clips when resampled. ``-D``: no dither,
    which is random, so the same script gives the same samples (and test) every run."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp, "raw.wav"), Path(tmp, "out.wav")
        subprocess.run([require_tool("espeak-ng"), *VOICES[voice], "-w", str(raw), text], check=True)
        trim = ["silence", "1", "0.02", "0.5%"]
        subprocess.run(
            [require_tool("sox"), "-V1", "-G", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(out),
             *trim, "reverse", *trim, "reverse"],
            check=True,
        )
        return read_wav(out)


def _script(
    speakers: str, seconds: float, rng: random.Random, turn_seconds: tuple[float, float] = (2.0, 6.0)
) -> list[tuple[str, str, float]]:
    """(voice, text, pause after) per turn, of ``turn_seconds``; the next speaker is any other one.
    The script overshoots ``seconds`` a little; the caller stops once it is reached."""
    script, previous, planned = [], None, 0.0
    while planned < seconds * 1.3:
        voice = rng.choice([s for s in speakers if s != previous])
        words = max(4, round(rng.uniform(*turn_seconds) * WORDS_PER_SECOND))
        start = rng.randrange(len(WORDS) - words) if words < len(WORDS) else rng.randrange(len(WORDS))
        text = " ".join(WORDS[(start + i) % len(WORDS)] for i in range(words))  # long turns wrap
        script.append((voice, text, rng.uniform(0.2, 0.8)))
        planned += words / WORDS_PER_SECOND + 0.5
        previous = voice
    return script


def make_conversation(
    out: Path,
    speakers: str = "AB",
    seconds: float = 45.0,
    seed: int = 1,
    turn_seconds: tuple[float, float] = (2.0, 6.0),
) -> Conversation:
    """Write a conversation of about ``seconds`` between ``speakers`` (letters of VOICES)."""
    script = _script(speakers, seconds, random.Random(seed), turn_seconds)
    with ThreadPoolExecutor(max_workers=2) as pool:  # espeak/sox are separate processes
        utterances = list(pool.map(lambda turn: synthesize(turn[1], turn[0]), script))
    pieces, turns, t = [], [], 0.0
    for (voice, _, pause), speech in zip(script, utterances):
        if t >= seconds:
            break
        turns.append((t, t + len(speech) / SAMPLE_RATE, voice))
        silence = np.zeros(int(pause * SAMPLE_RATE), np.float32)
        pieces += [speech, silence]
        t += (len(speech) + len(silence)) / SAMPLE_RATE
    samples = np.concatenate(pieces)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, samples)
    return Conversation(out, turns, len(samples) / SAMPLE_RATE)


ENROLLMENT_TEXT = (
    "hello my name is alice and I am recording a short sample of my voice so that the "
    "meeting recorder can recognise me in later meetings thank you"
)  # words that the conversations never use


def voice_sample(out: Path, voice: str = "A") -> Path:
    """An enrollment sample (~8 s) of ``voice`` with words not in any conversation."""
    write_wav(out, synthesize(ENROLLMENT_TEXT, voice))
    return out
