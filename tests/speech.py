"""Test speech: espeak-ng sentences and helpers to build media files at test time."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jiwer
import numpy as np
import soundfile as sf

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
JFK = SHARED_DATA / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
MEETING_SENTENCES = [
    "The meeting will start early tomorrow morning.",
    "Please send the quarterly report to the finance team before Friday.",
    "We need to review the budget and decide on the new hiring plan.",
    "The customer asked for a demo of the product next week.",
    "Thank you everyone for joining the call today.",
    "Let us move on to the next item on the agenda.",
]


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed; run 'make test' (it installs the apt packages)")
    return path


def espeak(text: str, out: Path, voice: str = "en-us", pitch: int = 50, speed: int = 150) -> Path:
    """Speak ``text`` into a 16 kHz mono WAV at ``out``."""
    raw = out.with_suffix(".raw.wav")
    subprocess.run(
        [require_tool("espeak-ng"), "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(raw), text],
        check=True,
    )
    subprocess.run([require_tool("sox"), "-D", str(raw), "-r", "16000", "-c", "1", str(out)], check=True)
    raw.unlink()
    return out


def ffmpeg(*args: str) -> None:
    subprocess.run([require_tool("ffmpeg"), "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def repeat_audio(source: Path, out: Path, times: int, gap_seconds: float = 1.0) -> Path:
    """``source`` repeated ``times`` times with silence between (16 kHz mono WAV)."""
    samples, rate = sf.read(source, dtype="float32")
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    gap = np.zeros(int(gap_seconds * rate), dtype=np.float32)
    sf.write(out, np.concatenate([np.concatenate([samples, gap]) for _ in range(times)]), rate)
    return out


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def wer(reference: str, hypothesis: str) -> float:
    return jiwer.wer(words(reference), words(hypothesis))


def characters(text: str) -> str:
    """Letters and digits only (any script), lower case: what a character error rate counts.
    Spaces go too: Korean spacing varies between writers and says little about recognition."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate, the measure for Korean (and other languages without clear
    word boundaries for WER)."""
    return jiwer.cer(characters(reference), characters(hypothesis))
