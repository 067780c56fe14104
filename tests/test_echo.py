"""Echo suppression (core/echo.py): the mic also hears the remote side through the speakers.

Real voices from ../shared/data/real/voices (read at test time, never committed): the remote
side is the Allison voice prompts, the local person a LibriVox reader. The bleed is the
system track through a small room (a low cut, a direct path and a reverb tail, delayed) at
-3 dB and -10 dB, plus a -60 dBFS noise floor on the mic.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import soundfile as sf
from scipy import signal

from meeting_recorder.core.echo import EchoFilter, EchoOptions, analyze, estimate_delay
from meeting_recorder.core.engine import TranscribeOptions
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.transcript import Segment, Word
from tests.needs import needs
from tests.real_conversations import real_voices_dir
from tests.speech import words

RATE = 16000
VOICES = real_voices_dir()
REMOTE = VOICES / "allison_8k" / "agent-alreadyon.wav"  # "That agent is already logged on. …"
REMOTE_2 = VOICES / "allison_8k" / "dir-instr.wav"  # "If this is the person you are looking for …"
LOCAL = VOICES / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.wav"  # "and mister john dashwood …"
LOCAL_SHORT = VOICES / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"
pytestmark = needs(not all(p.is_file() for p in (REMOTE, REMOTE_2, LOCAL, LOCAL_SHORT)),
                   f"real voices not found under {VOICES}")


def voice(path) -> np.ndarray:
    """A real recording at 16 kHz, -26 dBFS RMS."""
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = signal.resample_poly(samples.mean(axis=1), RATE, rate).astype(np.float32)
    return (mono * 10 ** (-26 / 20) / np.sqrt(np.mean(mono**2))).astype(np.float32)


def room_bleed(system: np.ndarray, level_db: float, delay: float, seed: int = 0) -> np.ndarray:
    """``system`` as the mic hears it from the speakers: low cut, direct path + reverb tail
    (RT60 0.3 s, direct 4 dB above the tail), ``delay`` s late, at ``level_db``."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.5 * RATE)) / RATE
    tail = rng.standard_normal(len(t)) * np.exp(-6.9 * t / 0.3)
    tail[: int(0.004 * RATE)] = 0.0
    tail *= 10 ** (-4 / 20) / np.sqrt(np.sum(tail**2))
    tail[0] = 1.0
    heard = signal.fftconvolve(signal.sosfilt(signal.butter(2, 200, "highpass", fs=RATE, output="sos"), system), tail)
    heard = np.concatenate([np.zeros(int(delay * RATE)), heard])[: len(system)]
    return (heard / np.sqrt(np.sum(tail**2)) * 10 ** (level_db / 20)).astype(np.float32)


def noise(length: int, dbfs: float = -60.0, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(length) * 10 ** (dbfs / 20)).astype(np.float32)


def placed(audio: np.ndarray, at: float, length: int) -> np.ndarray:
    out = np.zeros(length, dtype=np.float32)
    start = int(at * RATE)
    out[start : start + len(audio)] = audio[: length - start]
    return out


def ring_of(system: np.ndarray) -> RingBuffer:
    ring = RingBuffer(len(system) + RATE)
    ring.write(system)
    return ring


class CountingRing(RingBuffer):
    """The real ring, counting how often the filter waits on it."""

    waits = 0

    def wait_for(self, position: int, timeout: float) -> bool:
        self.waits += 1
        return super().wait_for(position, timeout)


@pytest.fixture(scope="module")
def call():
    """10 s: the remote line from 1.0 s on the system track; the local line from 1.5 s."""
    length = 10 * RATE
    system = placed(voice(REMOTE), 1.0, length) + noise(length, -75, 2)
    local = placed(voice(LOCAL), 1.5, length)
    return system, local


UTTERANCE = (int(0.8 * RATE), int(9.0 * RATE))  # what the mic's VAD would cut around it


def judge(system: np.ndarray, mic: np.ndarray, gain: float = 3.0) -> tuple[EchoFilter, bool]:
    """The filter's verdict on the utterance, the mic at the level follower's gain."""
    echo = EchoFilter(ring_of(system), wait_seconds=0.0)
    start, end = UTTERANCE
    return echo, echo.keep_utterance(mic[start:end] * gain, start)


@pytest.mark.parametrize("level_db", [-3.0, -10.0])
@pytest.mark.parametrize("delay", [0.04, 0.25])
def test_pure_bleed_is_dropped(call, level_db, delay):
    system, _ = call
    mic = room_bleed(system, level_db, delay) + noise(len(system))
    echo, keep = judge(system, mic)
    assert not keep
    analysis = echo.analysis(mic[UTTERANCE[0] : UTTERANCE[1]] * 3.0, UTTERANCE[0])
    assert analysis.speech_seconds > 3.0 and analysis.local_seconds < 0.1
    assert echo.delay_seconds == pytest.approx(delay, abs=0.002)
    assert echo.stats().utterances_dropped == 1 and echo.stats().utterances_checked == 1


def test_local_alone_with_silent_system_is_kept(call):
    system, local = call
    quiet = noise(len(system), -75, 2)  # the system track plays nothing
    echo, keep = judge(quiet, local + noise(len(system)))
    assert keep
    analysis = echo.analysis((local + noise(len(system)))[UTTERANCE[0] : UTTERANCE[1]] * 3.0, UTTERANCE[0])
    assert analysis.local_seconds == pytest.approx(analysis.speech_seconds)


def test_local_with_headphones_is_kept(call):
    """The system plays the remote side but the mic does not hear it (headphones)."""
    system, local = call
    mic = local + noise(len(system))
    echo, keep = judge(system, mic)
    assert keep
    analysis = echo.analysis(mic[UTTERANCE[0] : UTTERANCE[1]] * 3.0, UTTERANCE[0])
    assert analysis.local_seconds >= 0.8 * analysis.speech_seconds


@pytest.mark.parametrize("level_db", [-3.0, -10.0])
def test_double_talk_is_kept(call, level_db):
    system, local = call
    mic = local + room_bleed(system, level_db, 0.12) + noise(len(system))
    echo, keep = judge(system, mic)
    assert keep
    analysis = echo.analysis(mic[UTTERANCE[0] : UTTERANCE[1]] * 3.0, UTTERANCE[0])
    assert analysis.local_seconds >= 2.0  # of ~6.5 s of local speech, most of it over the remote


@pytest.mark.parametrize("level_db", [-3.0, -10.0])
def test_short_interjection_over_the_remote_is_kept(call, level_db):
    """0.8 s of the local person ("he was not …") while the remote side talks."""
    system, _ = call
    interjection = voice(LOCAL_SHORT)[int(0.3 * RATE) : int(1.1 * RATE)]
    mic = placed(interjection, 3.5, len(system)) + room_bleed(system, level_db, 0.12) + noise(len(system))
    echo, keep = judge(system, mic)
    assert keep


@pytest.mark.parametrize("delay", [-0.05, 0.0, 0.04, 0.25, 0.45])
def test_delay_search(call, delay):
    system, local = call
    mic = room_bleed(system, -10.0, max(delay, 0.0)) + local + noise(len(system))
    if delay < 0:  # the mic track runs ahead of the system track (residual misalignment)
        mic = np.concatenate([mic[int(-delay * RATE) :], np.zeros(int(-delay * RATE), np.float32)])
    start, end, margin = UTTERANCE[0], UTTERANCE[1], int(0.5 * RATE)
    found, confidence = estimate_delay(mic[start:end], system[start - margin : end + 1600], -margin,
                                       range(-1600, 8001))
    assert found == pytest.approx(delay * RATE, abs=4)
    assert confidence > EchoOptions().confident_peak


def test_silence_is_kept():
    length = 10 * RATE
    silent = np.zeros(length, dtype=np.float32)
    for system in (silent, placed(voice(REMOTE), 1.0, length)):
        echo, keep = judge(system, silent)
        assert keep
        echo, keep = judge(system, noise(length, -70))
        assert keep


def test_no_system_audio_keeps_everything(call):
    system, _ = call
    mic = room_bleed(system, -3.0, 0.1) + noise(len(system))
    start, end = UTTERANCE
    ended = CountingRing(RATE)  # the system track never delivered anything
    echo = EchoFilter(ended, wait_seconds=0.2)
    assert echo.keep_utterance(mic[start:end], start)
    assert echo.keep_utterance(mic[start + 1 : end], start + 1)
    assert ended.waits == 1  # a dead track is waited for once, not per utterance
    assert echo.stats().utterances_unchecked == 2 and echo.stats().utterances_dropped == 0
    segments = [Segment(1.0, 5.0, "That agent is already logged on.")]
    assert echo.keep_segments(segments, mic[start:end], start) == segments

    overwritten = RingBuffer(2 * RATE)  # the ring moved on past the utterance
    overwritten.write(system)
    overwritten.write(np.zeros(4 * RATE, dtype=np.float32))
    assert EchoFilter(overwritten, wait_seconds=0.0).keep_utterance(mic[start:end], start)


def test_waits_for_the_system_track(call):
    system, _ = call
    mic = room_bleed(system, -3.0, 0.1) + noise(len(system))
    ring = RingBuffer(len(system))
    ring.write(system[: 2 * RATE])  # the system track is behind the mic
    writer = threading.Timer(0.3, lambda: ring.write(system[2 * RATE :]))
    writer.start()
    try:
        start, end = UTTERANCE
        assert not EchoFilter(ring, wait_seconds=10.0).keep_utterance(mic[start:end], start)
    finally:
        writer.join()


def test_segments_keep_local_words(call):
    """Hand-made segments over a mic of local speech (1.5-8.6 s) and then pure bleed of a
    second remote line (from 9.6 s): echo segments go, a mixed one keeps its local words."""
    length = 14 * RATE
    system = placed(voice(REMOTE_2), 9.5, length) + noise(length, -75, 2)
    mic = placed(voice(LOCAL), 1.5, length) + room_bleed(system, -3.0, 0.1) + noise(length)
    start = int(1.0 * RATE)
    audio = mic[start:] * 3.0
    echo = EchoFilter(ring_of(system), wait_seconds=0.0)
    local = Segment(1.5, 8.5, "and mister john dashwood", [Word(1.5, 2.5, " and"), Word(2.5, 8.5, " mister")])
    remote = Segment(9.6, 13.0, "if this is the person", [Word(9.6, 11.0, " if"), Word(11.0, 13.0, " this")])
    mixed = Segment(7.0, 12.0, "young man if this", [Word(7.0, 8.4, " young man"), Word(9.7, 12.0, " if this")])
    no_words = Segment(9.8, 12.5, "you are looking for")
    kept = echo.keep_segments([local, remote, mixed, no_words], audio, start)
    assert [s.text for s in kept] == ["and mister john dashwood", "young man"]
    assert kept[1].start == 7.0 and kept[1].end == 8.4 and len(kept[1].words) == 1
    stats = echo.stats()
    assert (stats.segments_checked, stats.segments_dropped, stats.segments_trimmed, stats.words_dropped) == (4, 2, 1, 1)


def test_drafts_count_once(call):
    """Drafts of the utterance in progress call the hooks with growing audio from the same
    start: the counts follow the latest verdict, one per utterance."""
    system, _ = call
    mic = room_bleed(system, -3.0, 0.1) + noise(len(system))
    start, end = UTTERANCE
    echo = EchoFilter(ring_of(system), wait_seconds=0.0)
    for draft_end in range(start + 2 * RATE, end, RATE // 2):
        assert not echo.keep_utterance(mic[start:draft_end], start)
    remote = [Segment(1.1, 6.0, "That agent is already logged on.")]
    assert echo.keep_segments(remote, mic[start:end], start) == []
    assert echo.keep_segments(remote, mic[start:end], start) == []  # asked again: still one segment
    stats = echo.stats()
    assert (stats.utterances_checked, stats.utterances_dropped, stats.segments_dropped) == (1, 1, 1)
    assert echo.keep_utterance(mic[end:], end)  # the next utterance: the system is silent there
    stats = echo.stats()
    assert (stats.utterances_checked, stats.utterances_dropped, stats.segments_checked) == (2, 1, 1)


def test_mixed_utterance_through_whisper(tiny_engine):
    """A real mic utterance: the local line, a 0.4 s pause, then the remote line heard
    through the speakers at -3 dB. Whisper hears both; the filter keeps only the local."""
    local, remote = voice(LOCAL_SHORT), voice(REMOTE)
    length = int(1.0 * RATE) + len(local) + int(0.4 * RATE) + len(remote) + RATE
    remote_at = 1.0 + (len(local) + 0.4 * RATE - 0.1 * RATE) / RATE  # its bleed starts 0.4 s after
    system = placed(remote, remote_at, length) + noise(length, -75, 2)
    mic = placed(local, 1.0, length) + room_bleed(system, -3.0, 0.1) + noise(length)
    start = int(0.8 * RATE)
    audio = mic[start:] * 3.0
    segments, _ = tiny_engine.transcribe_samples(audio, TranscribeOptions(language="en", vad_filter=False),
                                                 offset=start / RATE)
    heard = words(" ".join(s.text for s in segments))
    assert "young man" in heard and "agent" in heard  # Whisper wrote the echo too
    echo = EchoFilter(ring_of(system), wait_seconds=0.0)
    assert echo.keep_utterance(audio, start)
    kept = words(" ".join(s.text for s in echo.keep_segments(segments, audio, start)))
    assert "he was not" in kept and "young man" in kept
    assert not {"agent", "logged", "pound", "key", "number"} & set(kept.split())


def test_analysis_is_cheap():
    """18 s (the longest live utterance) of noise-like audio in well under real time."""
    rng = np.random.default_rng(3)
    mic = (rng.standard_normal(18 * RATE) * 0.05).astype(np.float32)
    system = (rng.standard_normal(18 * RATE + 9600) * 0.05).astype(np.float32)
    analyze(mic, system, -8000)  # warm up numpy's FFT plans
    clock = time.perf_counter()
    analyze(mic, system, -8000)
    assert time.perf_counter() - clock < 1.5
