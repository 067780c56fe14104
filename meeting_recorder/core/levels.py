"""Level normalization of what the models hear: quiet far-field speech brought up to a
level the VAD and Whisper expect. Never applied to the saved recording.

Meeting-room microphones often record speech at −35 to −55 dBFS. Silero VAD scores such
speech as unlikely (the live segmenter then misses words), so the audio that goes to the
VAD, Whisper and the speaker model first passes through a bounded gain:

* **Speech level** = the 95th percentile of 30 ms frame RMS (dBFS) over the audio in view:
  a loud-speech level that neither pauses nor a few clicks move much.
* **Noise floor** = the 10th percentile of the same frames.
* **Gain** = ``target − speech level``, but never below 0 dB (loud audio passes through
  untouched), never above ``max_gain_db``, and never more than lifts the noise floor to
  ``noise_ceiling_dbfs``: a window of nothing but room noise or silence stays quiet.
* A soft limiter above ``LIMIT_KNEE`` keeps amplified peaks inside [−1, 1] (no wrap, no
  hard clip); audio that needs no gain is returned as it is.

Offline, each decoded window (``audio.iter_windows``, 30 s … 10 min) gets one gain from its
own frames (``normalize``). Live, ``LevelFollower`` keeps the frame levels of the last
``history_seconds`` in a fixed array (O(1) memory) and recomputes the gain per VAD input
block; the gain glides from the previous value over each block, so it adapts within about
a second at the start of a recording and then follows the room slowly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.audio import SAMPLE_RATE

FRAME = 480  # 30 ms at 16 kHz: the unit of every level measurement here
SILENCE_DBFS = -100.0  # a frame quieter than this (digital silence) counts as this
LIMIT_KNEE = 0.8  # amplitudes above this are bent smoothly towards 1.0, never past it


@dataclass(frozen=True)
class LevelOptions:
    target_dbfs: float = -20.0  # where the speech level is brought to
    max_gain_db: float = 30.0
    noise_ceiling_dbfs: float = -50.0  # the gain never lifts the noise floor above this
    speech_percentile: float = 95.0
    noise_percentile: float = 10.0


def frame_levels_db(samples: np.ndarray) -> np.ndarray:
    """RMS of each whole 30 ms frame of 16 kHz mono audio, in dBFS (≥ ``SILENCE_DBFS``)."""
    frames = len(samples) // FRAME
    if frames == 0:
        return np.zeros(0, dtype=np.float64)
    blocks = np.asarray(samples[: frames * FRAME], dtype=np.float32).reshape(frames, FRAME)
    energy = np.einsum("ij,ij->i", blocks, blocks).astype(np.float64) / FRAME  # no squared copy
    return 10.0 * np.log10(np.maximum(energy, 10 ** (SILENCE_DBFS / 10)))


def gain_db_for(levels_db: np.ndarray, options: LevelOptions = LevelOptions()) -> float:
    """The gain (dB, ≥ 0) for audio whose 30 ms frame levels are ``levels_db``."""
    if len(levels_db) == 0:
        return 0.0
    speech, noise = np.percentile(levels_db, [options.speech_percentile, options.noise_percentile])
    gain = min(options.target_dbfs - speech, options.max_gain_db, options.noise_ceiling_dbfs - noise)
    return max(0.0, float(gain))


def apply_gain(
    samples: np.ndarray, gain_db: float, end_gain_db: float | None = None, *, in_place: bool = False
) -> np.ndarray:
    """``samples`` × the gain, then soft-limited; with ``end_gain_db`` the gain glides
    linearly from ``gain_db`` at the first sample to ``end_gain_db`` at the last.
    At 0 dB throughout the input itself is returned (not a copy)."""
    end_gain_db = gain_db if end_gain_db is None else end_gain_db
    if gain_db <= 0.0 and end_gain_db <= 0.0:
        return samples
    if gain_db == end_gain_db or len(samples) < 2:
        factor: np.ndarray | np.float32 = np.float32(10 ** (end_gain_db / 20))
    else:
        factor = np.power(10.0, np.linspace(gain_db, end_gain_db, len(samples)) / 20).astype(np.float32)
    if in_place:
        samples *= factor
        out = samples
    else:
        out = (np.asarray(samples, dtype=np.float32) * factor).astype(np.float32, copy=False)
    _soft_limit(out)
    return out


def _soft_limit(samples: np.ndarray) -> None:
    """Bend |x| > LIMIT_KNEE smoothly (tanh, same slope at the knee) so that |x| ≤ 1, in place.
    Works through 1 s pieces, so a 10-minute window needs no window-sized temporaries."""
    headroom = 1.0 - LIMIT_KNEE
    for start in range(0, len(samples), SAMPLE_RATE):
        piece = samples[start : start + SAMPLE_RATE]  # a view: written through
        over = np.flatnonzero(np.abs(piece) > LIMIT_KNEE)
        if len(over):
            values = piece[over]
            bent = LIMIT_KNEE + headroom * np.tanh((np.abs(values) - LIMIT_KNEE) / headroom)
            piece[over] = np.copysign(bent, values)


def normalize(samples: np.ndarray, options: LevelOptions = LevelOptions(), *, in_place: bool = False) -> np.ndarray:
    """One window of 16 kHz mono audio at the level the models expect (one gain for all)."""
    return apply_gain(samples, gain_db_for(frame_levels_db(samples), options), in_place=in_place)


class LevelFollower:
    """Streaming version of ``normalize`` for live audio: the gain follows the frame levels
    of the last ``history_seconds``, kept in a fixed-size ring of floats."""

    def __init__(self, options: LevelOptions = LevelOptions(), history_seconds: float = 15.0) -> None:
        self.options = options
        self._history = np.zeros(max(1, int(history_seconds * SAMPLE_RATE / FRAME)), dtype=np.float64)
        self._count = 0  # frames ever measured (the ring holds the newest len(_history))
        self._pending = np.zeros(0, dtype=np.float32)  # < 1 frame left over between blocks
        self.gain_db = 0.0

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Measure a new block, update the gain, and return the block with the gain gliding
        from the previous value to the new one (a new array, or ``samples`` itself while no
        gain is needed; ``samples`` is never changed)."""
        previous = self.gain_db
        self._measure(samples)
        held = self._history if self._count >= len(self._history) else self._history[: self._count]
        self.gain_db = gain_db_for(held, self.options)
        return apply_gain(samples, previous, self.gain_db)

    def apply(self, samples: np.ndarray) -> np.ndarray:
        """``samples`` at the current gain, measuring nothing (audio already seen by
        ``process``, e.g. an utterance read back for Whisper). Not a copy at 0 dB."""
        return apply_gain(samples, self.gain_db)

    def _measure(self, samples: np.ndarray) -> None:
        audio = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        whole = len(audio) // FRAME * FRAME
        self._pending = np.array(audio[whole:], dtype=np.float32)
        levels = frame_levels_db(audio[:whole])[-len(self._history) :]  # older ones would be overwritten
        self._history[(self._count + np.arange(len(levels))) % len(self._history)] = levels
        self._count += len(levels)
