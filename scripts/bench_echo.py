"""Echo duplicates: remote lines that the microphone transcript writes a second time because
the speakers bleed into the mic, before and after ``EchoFilter`` (issue 14).

A call is built from lines of real voices (``--sets real``: remote = the Allison voice
prompts, local = the LibriVox and LibriSpeech readers and the codec2 speakers, all from
../shared/data/real/voices) or of espeak-ng voices (``--sets espeak``): the remote lines go
on the system track, the local lines on the mic track, with 0.3-1.0 s pauses and some
double talk (a quarter of the turns start 0.2-1.0 s before the other side stops). The mic
also hears the system track through a room: delayed 40-250 ms, a synthetic reverb tail
(RT60 0.2-0.5 s), a small speaker's low cut, at -3 dB and -10 dB, plus a -60 dBFS noise
floor. Each call is played through two rooms (different paths, different lines).

The mic track is transcribed as live: LevelFollower → Silero Segmenter → Whisper tiny.en
per utterance (no Whisper VAD); the filter sees each utterance before Whisper
(``keep_utterance``) and its segments after (``keep_segments``), with the system ring
filled to where real time would have it. Every utterance is transcribed, so "before" and
"after" come from the same Whisper output.

Scoring: every line's reference is tiny.en's transcript of that line alone. A remote line
is DUPLICATED when the mic words timed inside it (plus the bleed delay and tail) match at
least half of its reference words in order. A local line is LOST when its words matched
at least half before the filter and no longer do after it. Printed: duplicates per 100
remote lines, local lines lost, local word recall, the filter's decisions and cost.

    .venv/bin/python scripts/bench_echo.py                  # real + espeak, ~4 min on 2 cores
    .venv/bin/python scripts/bench_echo.py --sets real --levels=-3,-10,off   # off: headphones
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meeting_recorder.core.echo import EchoFilter  # noqa: E402
from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine  # noqa: E402
from meeting_recorder.core.levels import LevelFollower  # noqa: E402
from meeting_recorder.core.ring_buffer import RingBuffer  # noqa: E402
from meeting_recorder.core.segmenter import Segmenter, SegmenterOptions, SileroVad  # noqa: E402
from tests.speech import espeak  # noqa: E402

RATE = 16000
VOICES = ROOT.parent / "shared" / "data" / "real" / "voices"
LEVEL = 10 ** (-26 / 20)  # every line's RMS
READ = RATE // 4  # the live transcriber's block
ESPEAK_REMOTE = ["-v", "en-us+f3", "-p", "75"]
ESPEAK_LOCAL = ["-v", "en-us", "-p", "35"]
SENTENCES = [
    "Can everyone hear me now?", "The budget review moved to Thursday afternoon.",
    "I sent the draft to the legal team yesterday.", "We are still waiting for the test results.",
    "Could you share your screen for a moment?", "The new office opens in March.",
    "Our customers asked for a simpler invoice.", "Let us keep this meeting short today.",
    "The server migration finished without errors.", "Please update the ticket when you are done.",
    "Marketing wants the slides by Monday morning.", "I think the second option is cheaper.",
    "The train was late again this morning.", "We should hire two more engineers this year.",
    "The report shows a small drop in sales.", "Who is taking notes for this call?",
    "I will follow up with the supplier tomorrow.", "The design team liked the blue version better.",
    "Our release is planned for the end of the month.", "Thanks, that answers my question.",
    "The printer on the third floor is broken.", "Can we move the demo to next week?",
    "I agree with the plan, but the timeline is tight.", "The numbers in the appendix look wrong.",
    "Let me check my calendar and get back to you.", "The workshop had more than fifty people.",
    "We need a decision on the pricing soon.", "My internet connection keeps dropping.",
    "The contract expires at the end of June.", "Send me the link after the meeting, please.",
]


@dataclass
class Line:
    side: str  # "remote" (system track) or "local" (mic)
    audio: np.ndarray
    start: int = 0  # sample on the call's clock
    reference: list[str] | None = None  # tiny.en on the line alone, normalized words

    @property
    def end(self) -> int:
        return self.start + len(self.audio)


# -- lines ---------------------------------------------------------------------------------


def load_voice(path: Path) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    return mono if rate == RATE else signal.resample_poly(mono, RATE, rate).astype(np.float32)


def speech_pieces(samples: np.ndarray) -> list[np.ndarray]:
    """Spoken pieces of 0.8-8 s (Silero VAD, split at 0.3 s pauses), each at LEVEL."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=0.4, min_silence_duration_ms=300, speech_pad_ms=60, max_speech_duration_s=8.0)
    pieces = []
    for piece in get_speech_timestamps(samples, options):
        audio = samples[piece["start"] : piece["end"]]
        if len(audio) >= 0.8 * RATE:
            pieces.append((audio * LEVEL / (np.sqrt(np.mean(audio**2)) + 1e-9)).astype(np.float32))
    return pieces


def real_lines(remote_count: int, local_count: int, rng: random.Random) -> tuple[list[Line], list[Line]]:
    remote_files = sorted(p for p in (VOICES / "allison_8k").glob("*.wav") if p.name != "tt-monkeys.wav")
    local_files = (
        sorted((VOICES / "librivox").glob("*.wav"))
        + sorted((VOICES / "librispeech_mfa").glob("*.*[vc]"))
        + [VOICES / "codec2_8k" / f"{name}.wav" for name in ("kristoff", "mmt1", "hts1a", "g3plx", "cq_ref", "vk5qi", "big_dog")]
    )
    remote = [p for f in remote_files for p in speech_pieces(load_voice(f))]
    local = [p for f in local_files for p in speech_pieces(load_voice(f))]
    rng.shuffle(remote)
    rng.shuffle(local)
    return [Line("remote", a) for a in remote[:remote_count]], [Line("local", a) for a in local[:local_count]]


def espeak_lines(remote_count: int, local_count: int, rng: random.Random, folder: Path) -> tuple[list[Line], list[Line]]:
    sentences = SENTENCES[:]
    rng.shuffle(sentences)

    def speak(text: str, voice: list[str], index: int) -> np.ndarray:
        path = espeak(text, folder / f"line{index}.wav", voice=voice[1], pitch=int(voice[3]))
        audio = load_voice(path)
        return (audio * LEVEL / (np.sqrt(np.mean(audio**2)) + 1e-9)).astype(np.float32)

    remote = [Line("remote", speak(t, ESPEAK_REMOTE, i)) for i, t in enumerate(sentences[:remote_count])]
    local = [Line("local", speak(t, ESPEAK_LOCAL, 100 + i))
             for i, t in enumerate(sentences[remote_count : remote_count + local_count])]
    return remote, local


# -- the call ------------------------------------------------------------------------------


def schedule(remote: list[Line], local: list[Line], rng: random.Random) -> int:
    """Place the lines on one clock (in place): remote and local turns mixed, pauses of
    0.3-1.0 s, a quarter of the turn changes as double talk. Returns the call's length."""
    order = remote + local
    rng.shuffle(order)
    at, previous = int(RATE * 0.5), None
    for line in order:
        if previous is not None and previous.side != line.side and rng.random() < 0.25:
            at = max(previous.start + RATE // 2, previous.end - int(rng.uniform(0.2, 1.0) * RATE))
        line.start = at
        at = line.end + int(rng.uniform(0.3, 1.0) * RATE)
        previous = line
    return at + RATE


def track(lines: list[Line], length: int) -> np.ndarray:
    out = np.zeros(length, dtype=np.float32)
    for line in lines:
        out[line.start : line.end] += line.audio
    return out


def room_bleed(system: np.ndarray, level_db: float, delay: float, rt60: float, seed: int) -> np.ndarray:
    """The system track as the mic hears it from the speakers: a small speaker's low cut,
    a direct path plus an exponential reverb tail (unit energy), ``delay`` s late, at
    ``level_db`` relative to the system track."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.6 * RATE)) / RATE
    tail = rng.standard_normal(len(t)) * np.exp(-6.9 * t / rt60)
    tail[: int(0.004 * RATE)] = 0.0
    tail *= 10 ** (-rng.uniform(0, 8) / 20) / np.sqrt(np.sum(tail**2))  # direct-to-reverberant 0-8 dB
    tail[0] = 1.0
    response = tail / np.sqrt(np.sum(tail**2))
    low_cut = signal.butter(2, rng.uniform(150, 300), "highpass", fs=RATE, output="sos")
    heard = signal.fftconvolve(signal.sosfilt(low_cut, system), response)[: len(system)]
    shift = int(delay * RATE)
    late = np.concatenate([np.zeros(shift), heard])[: len(system)]
    return (late * 10 ** (level_db / 20)).astype(np.float32)


def noise(length: int, dbfs: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(length) * 10 ** (dbfs / 20)).astype(np.float32)


# -- transcription as live -----------------------------------------------------------------


@dataclass
class Heard:
    before: list  # every segment Whisper gave (no filter)
    after: list  # what the filter let through
    utterances: int
    dropped_utterances: int
    filter_seconds: float  # time spent in the filter
    audio_seconds: float


def transcribe_live(engine: TranscriptionEngine, mic: np.ndarray, system: np.ndarray) -> Heard:
    options = TranscribeOptions(language="en", vad_filter=False)
    ring = RingBuffer(len(system) + RATE)
    echo = EchoFilter(ring, wait_seconds=0.0)
    level, segmenter = LevelFollower(), Segmenter(SegmenterOptions(), SileroVad())
    before, after, count, dropped, spent = [], [], 0, 0, 0.0

    def handle(utterance) -> None:
        nonlocal count, dropped, spent
        end = min(len(system), utterance.end + RATE // 2)  # the VAD needs 0.5 s to close it
        ring.write(system[ring.written : end])
        raw = mic[utterance.start : utterance.end]  # the hooks get the ring's audio as captured
        segments, _ = engine.transcribe_samples(level.apply(raw), options, offset=utterance.start / RATE)
        segments = [s for s in segments if s.text]
        clock = time.perf_counter()
        keep = echo.keep_utterance(raw, utterance.start)
        kept = echo.keep_segments(segments, raw, utterance.start) if keep else []
        spent += time.perf_counter() - clock
        count += 1
        dropped += not keep
        before.extend(segments)
        after.extend(kept)

    for start in range(0, len(mic), READ):
        for utterance in segmenter.feed(level.process(mic[start : start + READ])):
            handle(utterance)
    for utterance in segmenter.flush():
        handle(utterance)
    return Heard(before, after, count, dropped, spent, len(mic) / RATE)


# -- scoring -------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def matched_share(reference: list[str], heard: list[str]) -> float:
    if not reference:
        return 0.0
    blocks = difflib.SequenceMatcher(None, reference, heard, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(reference)


def heard_in(segments: list, first: float, last: float) -> list[str]:
    """The words whose middle lies in [first, last] seconds, in time order."""
    out = []
    for segment in segments:
        timed = [(w.start, w.end, w.word) for w in segment.words] or [(segment.start, segment.end, segment.text)]
        for start, end, text in timed:
            if first <= (start + end) / 2 <= last:
                out.extend(words(text))
    return out


def score(lines: list[Line], segments: list, delay: float) -> tuple[list[float], list[float]]:
    """(matched share per remote line, matched share per local line)."""
    remote, local = [], []
    for line in lines:
        if line.side == "remote":
            heard = heard_in(segments, line.start / RATE + delay - 0.2, line.end / RATE + delay + 0.4)
            remote.append(matched_share(line.reference, heard))
        else:
            local.append(matched_share(line.reference, heard_in(segments, line.start / RATE - 0.2, line.end / RATE + 0.2)))
    return remote, local


def references(engine: TranscriptionEngine, lines: list[Line]) -> list[Line]:
    """Each line's words as tiny.en hears it alone; lines it hears nothing in are left out."""
    options = TranscribeOptions(language="en", vad_filter=False)
    for line in lines:
        segments, _ = engine.transcribe_samples(line.audio, options)
        line.reference = words(" ".join(s.text for s in segments))
    return [line for line in lines if line.reference]


# -- the benchmark -------------------------------------------------------------------------

ROOMS = ((0.06, 0.25), (0.22, 0.45))  # (delay s, RT60 s): a laptop, a meeting room


@dataclass
class Tally:
    remote: int = 0
    local: int = 0
    duplicates_before: int = 0
    duplicates_after: int = 0
    fragments_after: int = 0  # remote lines still matched ≥ a quarter after the filter
    local_heard_before: int = 0  # local lines matched ≥ half before the filter
    local_lost: int = 0  # … and no longer after it
    recall_before: float = 0.0  # summed matched share of the local lines
    recall_after: float = 0.0
    utterances: int = 0
    dropped_utterances: int = 0
    filter_seconds: float = 0.0
    audio_seconds: float = 0.0

    def add(self, lines: list[Line], heard: Heard, delay: float) -> None:
        remote_before, local_before = score(lines, heard.before, delay)
        remote_after, local_after = score(lines, heard.after, delay)
        self.remote += len(remote_before)
        self.local += len(local_before)
        self.duplicates_before += sum(share >= 0.5 for share in remote_before)
        self.duplicates_after += sum(share >= 0.5 for share in remote_after)
        self.fragments_after += sum(share >= 0.25 for share in remote_after)
        self.local_heard_before += sum(b >= 0.5 for b in local_before)
        self.local_lost += sum(b >= 0.5 > a for b, a in zip(local_before, local_after))
        self.recall_before += sum(local_before)
        self.recall_after += sum(local_after)
        self.utterances += heard.utterances
        self.dropped_utterances += heard.dropped_utterances
        self.filter_seconds += heard.filter_seconds
        self.audio_seconds += heard.audio_seconds


def run_set(name: str, engine: TranscriptionEngine, remote: list[Line], local: list[Line],
            levels: list[float], seed: int) -> dict[float, Tally]:
    remote, local = references(engine, remote), references(engine, local)
    calls = []
    for index, (delay, rt60) in enumerate(ROOMS):
        lines = remote[index :: len(ROOMS)] + local[index :: len(ROOMS)]
        calls.append((lines, delay, rt60, seed + index))
    tallies = {level: Tally() for level in levels}
    for lines, delay, rt60, call_seed in calls:
        rng = random.Random(call_seed)
        length = schedule([l for l in lines if l.side == "remote"], [l for l in lines if l.side == "local"], rng)
        system = track([l for l in lines if l.side == "remote"], length) + noise(length, -75, call_seed)
        local_track = track([l for l in lines if l.side == "local"], length) + noise(length, -60, call_seed + 1)
        for level in levels:
            bleed = room_bleed(system, level, delay, rt60, call_seed) if level > float("-inf") else 0.0
            mic = np.clip(local_track + bleed, -1, 1)
            heard = transcribe_live(engine, mic, system)
            tallies[level].add(lines, heard, delay)
            print(f"  {name} room {delay * 1000:.0f} ms/RT60 {rt60} s at {_level(level)}: {length / RATE:.0f} s, "
                  f"{heard.utterances} utterances, {heard.dropped_utterances} dropped", flush=True)
    return tallies


def print_table(results: dict[str, dict[float, Tally]]) -> None:
    print()
    print(f"{'set':7} {'bleed':>7} {'remote':>6} {'dup/100 before':>14} {'after':>6} {'frag':>5} {'local':>5} "
          f"{'lost':>4} {'recall before':>13} {'after':>6} {'utt dropped':>11} {'filter ms/s':>11}")
    for name, tallies in results.items():
        for level, t in tallies.items():
            per100 = lambda count: 100.0 * count / max(1, t.remote)  # noqa: E731
            print(f"{name:7} {_level(level):>7} {t.remote:6d} {per100(t.duplicates_before):14.1f} "
                  f"{per100(t.duplicates_after):6.1f} {per100(t.fragments_after):5.1f} {t.local:5d} {t.local_lost:4d} "
                  f"{t.recall_before / max(1, t.local):13.2f} {t.recall_after / max(1, t.local):6.2f} "
                  f"{t.dropped_utterances:4d}/{t.utterances:<6d} {1000 * t.filter_seconds / t.audio_seconds:11.2f}")
    print("dup/100: remote lines also written by the mic transcript (≥ half their words), per 100 remote lines;"
          " frag: ≥ a quarter of their words, after the filter;\nlost: local lines heard before the filter but not"
          " after it; recall: mean share of a local line's words heard.")


def _level(level: float) -> str:
    return "off" if level == float("-inf") else f"{level:+.0f} dB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="real,espeak")
    parser.add_argument("--levels", default="-3,-10", help="bleed levels in dB; 'off': headphones (no bleed)")
    parser.add_argument("--remote-lines", type=int, default=40)
    parser.add_argument("--local-lines", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    levels = [float("-inf") if x == "off" else float(x) for x in args.levels.split(",")]
    results: dict[str, dict[float, Tally]] = {}
    with TranscriptionEngine("tiny.en") as engine, tempfile.TemporaryDirectory() as folder:
        for name in args.sets.split(","):
            rng = random.Random(args.seed)
            if name == "real":
                remote, local = real_lines(args.remote_lines, args.local_lines, rng)
            elif name == "espeak":
                count = min(args.remote_lines, len(SENTENCES) * 2 // 3)
                remote, local = espeak_lines(count, min(args.local_lines, len(SENTENCES) - count), rng, Path(folder))
            else:
                sys.exit(f"unknown set {name}")
            print(f"{name}: {len(remote)} remote lines, {len(local)} local lines", flush=True)
            results[name] = run_set(name, engine, remote, local, levels, args.seed)
    print_table(results)


if __name__ == "__main__":
    main()
