#!/usr/bin/env python3
"""The whole call, live (issue 14): words while they are spoken and committed text with BOTH
tracks on, CPU of a two-track call against one track, and echo duplicates through the real
two-track ``LiveSession``, side by side in one run.

Usage::

    .venv/bin/python scripts/bench_call.py            # ~150 s call, 6 runs, ~16 min on 2 cores
    .venv/bin/python scripts/bench_call.py --quick    # ~30 s call, 4 runs, ~3 min (smoke run)

The call is built at run time in a temporary folder (removed at the end) from real voices, as
``bench_echo.py`` picks them: remote lines (system track) = the Allison voice prompts (8 kHz,
as a call sounds), local lines (microphone) = the LibriVox and LibriSpeech readers and the
codec2 speakers; 3 remote lines to 2 local ones, placed by ``bench_echo.schedule`` (pauses of
0.3-1.0 s, a quarter of the turn changes as double talk). Noise floors: mic -60 dBFS, system
-75 dBFS. With bleed the mic also hears the system track through a laptop's room
(``bench_echo.room_bleed``: 60 ms late, reverb RT60 0.25 s, a small speaker's low cut) at
-3 or -10 dB. The files are written at ``--rate`` (48 kHz, as devices deliver).

Every run is a real ``LiveSession`` at real time (``FileSource`` speed 1.0, paced by the clock;
a call has two: ``system_source=``), tiny.en, language en, speaker labels on, partial words
on, models in the worker process (the default: ``MEETING_RECORDER_IN_PROCESS`` unset), loaded
and warmed once and kept loaded between runs (``keep_models_loaded``), so no run pays for
loading:

  call            mic + system tracks, no bleed (echo suppression on: it has nothing to drop)
  one track       the same lines mixed into one file, no ``system_source``
  call -3 dB ...  bleed at -3 / -10 dB, echo suppression off and on

Measures:

* word -> first display: as ``bench_partials.py`` (its functions): reference words are tiny.en
  word timestamps (beam 5) of each line alone, placed at the line's start; every partial
  (``LiveCallbacks.partial``) and every committed segment is a display; a word's latency is
  (wall time of the first display that shows it) - (t0 + the word's end). t0 is the mic file's
  audio 0 as a microphone would deliver it: a ``FileSource`` hands over a 0.1 s block at its
  start, a microphone at its end, so t0 = first block - 0.1 s. In a call the mic's displays are
  matched with the local lines' words and the system's with the remote lines'; one track's
  displays with all words. Words never shown are missed (not in the percentiles).
* end of utterance -> committed: the segments of one utterance arrive together (one track,
  < 50 ms apart); latency = (wall time its last segment arrived) - (t0 + its last segment's
  end), i.e. from the last word spoken to the whole utterance committed. Utterances that arrive
  after ``stop()`` began (the last words, forced) are left out.
* CPU: user + system seconds of this process and all its descendants (the worker; a reaped
  child counts through ``children_user/system``), psutil, from just before ``start()`` to
  ``stop()``'s return; per audio second and as the mean % of one core over that wall time.
* echo: ``bench_echo.score`` on the mic track's ("You") segments: a remote line is DUPLICATED
  when at least half of its reference words appear in "You" words timed inside it (+ the bleed
  delay and tail); per 100 remote lines. A local line is LOST when "You" has at least half of
  its words with suppression off and no longer with it on (same bleed).

Goal (issue 14): word -> first display p50 <= 1.0 s with both tracks on, tiny.en, 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path

IN_PROCESS = "MEETING_RECORDER_IN_PROCESS"
_asked_in_process = os.environ.get(IN_PROCESS)  # bench_partials sets "1" by default on import

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import soundfile as sf  # noqa: E402
from scipy import signal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_echo import RATE, Line, noise, real_lines, room_bleed, schedule, score, track, words  # noqa: E402
from bench_partials import SLACK, Display, RefWord, Run, pct, word_latencies  # noqa: E402
from bench_writer import machine, verdict  # noqa: E402

from meeting_recorder.core.engine import TranscribeOptions  # noqa: E402
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings  # noqa: E402
from meeting_recorder.core.partials import word_key  # noqa: E402
from meeting_recorder.core.sources import FileSource  # noqa: E402
from meeting_recorder.core.worker import make_embedder, make_engine  # noqa: E402

if _asked_in_process is None:
    os.environ.pop(IN_PROCESS, None)  # the app's default: models in the worker process
else:
    os.environ[IN_PROCESS] = _asked_in_process

MODEL = "tiny.en"
P50_GOAL = 1.0
SELF = "You"
BLEED_DELAY, BLEED_RT60 = 0.06, 0.25  # bench_echo's laptop room
STEADY_AFTER = 10.0  # s: past the ~6 s the aligner holds the system track's start (measuring its offset)
TAIL_SECONDS = 3.0  # silence after the last line: the last utterance ends before stop()


# -- the call --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallAudio:
    lines: list[Line]  # placed on the call's clock, each with its reference words
    words: list[RefWord]  # source "local" / "remote"
    local: np.ndarray  # 16 kHz, with its noise floor
    system: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.local) / RATE


def pick_lines(seconds: float, rng: random.Random) -> tuple[list[Line], list[Line]]:
    """Remote and local lines 3:2 until their speech and mean pauses fill ``seconds``."""
    remote, local = real_lines(1000, 1000, rng)  # every piece, shuffled
    chosen: dict[str, list[Line]] = {"remote": [], "local": []}
    total, pattern = 0.5, "rlrlr"
    for step in range(len(remote) + len(local)):
        pool = remote if pattern[step % len(pattern)] == "r" else local
        if total >= seconds or not pool:
            break
        line = pool.pop()
        chosen[line.side].append(line)
        total += len(line.audio) / RATE + 0.65
    return chosen["remote"], chosen["local"]


Timed = list[tuple[float, float, str]]  # a line's words: (start, end, word), seconds into the line


def with_references(engine, lines: list[Line], timed: dict[int, Timed]) -> list[Line]:
    """Each line's words as tiny.en hears it alone (beam 5, word timestamps, into ``timed``
    by ``id(line)``); lines it hears nothing in are left out."""
    options = TranscribeOptions(language="en", vad_filter=False)
    kept = []
    for line in lines:
        segments, _ = engine.transcribe_samples(line.audio, options)
        line.reference = words(" ".join(s.text for s in segments))
        timed[id(line)] = [(w.start, w.end, w.word) for s in segments for w in s.words]
        if line.reference:
            kept.append(line)
    return kept


def build_call(engine, seconds: float, seed: int) -> CallAudio:
    rng = random.Random(seed)
    remote, local = pick_lines(seconds, rng)
    timed: dict[int, Timed] = {}
    remote, local = with_references(engine, remote, timed), with_references(engine, local, timed)
    length = schedule(remote, local, rng) + int((TAIL_SECONDS - 1) * RATE)
    lines = sorted(remote + local, key=lambda line: line.start)
    refs = [RefWord(line.start / RATE + start, line.start / RATE + end, word_key(text), line.side)
            for line in lines for start, end, text in timed[id(line)] if word_key(text)]
    local_track = track(local, length) + noise(length, -60, seed + 1)
    system_track = track(remote, length) + noise(length, -75, seed)
    return CallAudio(lines, refs, local_track, system_track)


def write_track(path: Path, samples: np.ndarray, rate: int) -> Path:
    common = gcd(rate, RATE)
    out = signal.resample_poly(samples, rate // common, RATE // common) if rate != RATE else samples
    sf.write(str(path), np.clip(out, -1, 1), rate, subtype="PCM_16")
    return path


# -- one live run ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    name: str
    mic: Path
    system: Path | None  # None: one track
    echo_suppression: bool = True
    bleed_db: float | None = None


@dataclass
class Outcome:
    plan: Plan
    t0: float = 0.0
    displays: dict[str, list[Display]] = field(default_factory=lambda: {"mic": [], "system": [], "mix": []})
    commits: list[tuple[str, float, float]] = field(default_factory=list)  # (track, arrival wall, segment end)
    late_segments: int = 0  # arrived after stop() began
    segments: list = field(default_factory=list)  # every committed Segment
    partials: int = 0
    errors: list = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    audio_seconds: float = 0.0
    echo_dropped: int = 0
    skipped_seconds: float = 0.0
    dropped_frames: int = 0
    load: float = 0.0


class ClockedFileSource(FileSource):
    """A ``FileSource`` that notes when it delivered its first block."""

    first_block: float | None = None

    def start(self, on_block, on_end) -> None:
        def deliver(data) -> None:
            if self.first_block is None:
                self.first_block = time.monotonic()
            on_block(data)

        super().start(deliver, on_end)


def tree_cpu() -> float:
    """CPU seconds of this process, its reaped children and its live descendants."""
    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return total


def run_session(plan: Plan, engine, embedder, out: Path, audio_seconds: float) -> Outcome:
    outcome = Outcome(plan, audio_seconds=audio_seconds)
    mic = ClockedFileSource(plan.mic)
    system = ClockedFileSource(plan.system) if plan.system else None
    block = mic.block_frames / mic.samplerate
    stop_began = [float("inf")]

    def t0() -> float:  # audio 0 as a microphone would have delivered it
        return (mic.first_block or time.monotonic()) - block

    def track_of(name: str, speaker: str | None = None) -> str:
        if system is None:
            return "mix"
        return name if speaker is None else ("mic" if speaker == SELF else "system")

    def on_partial(name: str, partial) -> None:
        wall = time.monotonic()
        if partial is None:
            return
        outcome.partials += 1
        keys = tuple(k for k in map(word_key, partial.text.split()) if k)
        heard = wall - t0()  # the draft heard audio up to (at most) now
        outcome.displays[track_of(name)].append(Display(wall, partial.start - SLACK, heard + SLACK, keys))

    def on_segment(segment) -> None:
        wall = time.monotonic()
        name = track_of("", segment.speaker)
        outcome.segments.append(segment)
        keys = tuple(k for k in map(word_key, segment.text.split()) if k)
        outcome.displays[name].append(Display(wall, segment.start - SLACK, segment.end + SLACK, keys))
        if wall < stop_began[0]:
            outcome.commits.append((name, wall, segment.end))
        else:
            outcome.late_segments += 1

    settings = LiveSettings(out_dir=out, model=MODEL, language="en", formats=["json"], keep_models_loaded=True,
                            echo_suppression=plan.echo_suppression)
    callbacks = LiveCallbacks(segment=on_segment, partial=on_partial, error=outcome.errors.append)
    session = LiveSession(mic, settings, callbacks, engine=engine, embedder=embedder, system_source=system)
    cpu, wall = tree_cpu(), time.monotonic()
    session.start()
    if not session.wait(audio_seconds + 120):
        print(f"  {plan.name}: the source did not end in time", flush=True)
    stop_began[0] = time.monotonic()
    result = session.stop()
    outcome.cpu_seconds, outcome.wall_seconds = tree_cpu() - cpu, time.monotonic() - wall
    outcome.t0 = t0()
    outcome.load = os.getloadavg()[0]
    if result is not None:
        outcome.echo_dropped = result.echo_dropped
        outcome.skipped_seconds = result.skipped_seconds
        outcome.dropped_frames = result.dropped_frames
    return outcome


# -- measures ---------------------------------------------------------------------------------------
def shown_words(outcome: Outcome, refs: list[RefWord]) -> dict[int, float]:
    """Reference word index -> latency of its first display (each track's displays against
    its own side's words; one track's against all)."""
    groups = [("mic", "local"), ("system", "remote")] if outcome.plan.system else [("mix", None)]
    shown: dict[int, float] = {}
    for name, side in groups:
        index = [i for i, w in enumerate(refs) if side is None or w.source == side]
        run = Run(name, outcome.t0, 0.0, outcome.displays[name], [], [], 0)
        shown.update({index[j]: v for j, v in word_latencies(run, [refs[i] for i in index]).items()})
    return shown


def utterance_latencies(outcome: Outcome, gap: float = 0.05) -> list[tuple[str, float, float]]:
    """(track, end, end of utterance -> committed) per utterance: a track's segments that
    arrive less than ``gap`` s apart are one utterance's."""
    out = []
    for name in ("mic", "system", "mix"):
        arrivals = sorted((wall, end) for track_name, wall, end in outcome.commits if track_name == name)
        group: list[tuple[float, float]] = []
        for wall, end in arrivals + [(float("inf"), 0.0)]:
            if group and wall - group[-1][0] > gap:
                last_word = max(e for _, e in group)
                out.append((name, last_word, group[-1][0] - (outcome.t0 + last_word)))
                group = []
            group.append((wall, end))
    return out


def cell(values: list[float], total: int | None = None) -> str:
    count = f" ({len(values)}/{total})" if total is not None else f" ({len(values)})"
    return f"{pct(values, 50):5.2f} / {pct(values, 95):5.2f}{count}"


def latency_table(outcomes: list[Outcome], call: CallAudio) -> dict[str, float]:
    refs = call.words
    sides = {"local": [i for i, w in enumerate(refs) if w.source == "local"],
             "remote": [i for i, w in enumerate(refs) if w.source == "remote"], "all": list(range(len(refs)))}
    print("\nword -> first display, s: p50 / p95 (words shown / reference words); local = the mic's lines, "
          "remote = the system's")
    sides["all after 10 s"] = [i for i, w in enumerate(refs) if w.end > STEADY_AFTER]
    print(f"{'run':<22}{'local':>24}{'remote':>24}{'all':>24}{'all after 10 s':>24}{'early':>7}")
    p50s = {}
    for outcome in outcomes:
        shown = shown_words(outcome, refs)
        cells = [cell([shown[i] for i in idx if i in shown], len(idx)) for idx in sides.values()]
        every = list(shown.values())
        early = sum(v < 0 for v in every) / max(1, len(every))
        print(f"{outcome.plan.name:<22}" + "".join(f"{c:>24}" for c in cells) + f"{early:>7.0%}")
        p50s[outcome.plan.name] = pct(every, 50)
        for side in ("local", "remote"):
            p50s[f"{outcome.plan.name}:{side}"] = pct([shown[i] for i in sides[side] if i in shown], 50)
    first = [i for i in sides["remote"] if refs[i].end <= STEADY_AFTER]
    if first and outcomes:
        shown = shown_words(outcomes[0], refs)
        values = [shown[i] for i in first if i in shown]
        print(f"  ({outcomes[0].plan.name}: remote words ending in the first 10 s, while the aligner holds the "
              f"system track's start ~6 s: {cell(values, len(first))})")
    print("\nend of utterance -> committed text, s: p50 / p95 (utterances)")
    print(f"{'run':<22}{'mic / You':>22}{'system':>22}{'all':>22}{'all after 10 s':>22}{'late':>6}{'partials':>10}")
    for outcome in outcomes:
        utterances = utterance_latencies(outcome)
        by = {name: [v for t, _, v in utterances if t == name] for name in ("mic", "system")}
        mine = [by["mic"], by["system"]] if outcome.plan.system else [[], []]
        cells = [cell(values) if values else "-" for values in mine]
        every = [v for _, _, v in utterances]
        steady = [v for _, end, v in utterances if end > STEADY_AFTER]
        print(f"{outcome.plan.name:<22}{cells[0]:>22}{cells[1]:>22}{cell(every):>22}{cell(steady):>22}"
              f"{outcome.late_segments:>6}{outcome.partials:>10}")
    print("early = words shown before their end timestamp (a draft guessed, or the reference's word end is late); "
          "late = segments that arrived after stop() began (left out)")
    return p50s


def cpu_table(outcomes: list[Outcome]) -> None:
    print("\nCPU (this process + the worker), from start() to stop()'s return")
    print(f"{'run':<22}{'audio s':>9}{'wall s':>8}{'CPU s':>8}{'CPU s/audio s':>15}{'% of a core':>13}"
          f"{'skipped s':>11}{'load 1 min':>12}")
    for outcome in outcomes:
        print(f"{outcome.plan.name:<22}{outcome.audio_seconds:>9.1f}{outcome.wall_seconds:>8.1f}"
              f"{outcome.cpu_seconds:>8.1f}{outcome.cpu_seconds / outcome.audio_seconds:>15.3f}"
              f"{100 * outcome.cpu_seconds / outcome.wall_seconds:>12.0f}%"
              f"{outcome.skipped_seconds:>11.1f}{outcome.load:>12.2f}")
    named = {o.plan.name: o for o in outcomes}
    if "call" in named and "one track" in named:
        ratio = named["call"].cpu_seconds / named["one track"].cpu_seconds
        print(f"two tracks / one track: CPU x{ratio:.2f}")


def echo_table(outcomes: list[Outcome], call: CallAudio) -> None:
    print("\necho through the live two-track session: remote lines also in the mic's 'You' text")
    print(f"{'run':<22}{'remote':>7}{'dup/100':>9}{'frag/100':>10}{'local':>7}{'heard':>7}{'recall':>8}"
          f"{'lost':>6}{'echo dropped':>14}")
    heard_off: dict[float | None, list[float]] = {}
    duplicates: list[tuple[Outcome, list[Line]]] = []  # what suppression let through, to look at
    remote_lines = [line for line in call.lines if line.side == "remote"]
    for outcome in outcomes:
        if outcome.plan.system is None:
            continue
        you = [s for s in outcome.segments if s.speaker == SELF]
        remote, local = score(call.lines, you, BLEED_DELAY)
        bleed = outcome.plan.bleed_db
        if not outcome.plan.echo_suppression:
            heard_off[bleed] = local
        before = heard_off.get(bleed) if outcome.plan.echo_suppression else None
        lost = "-" if before is None else str(sum(b >= 0.5 > a for b, a in zip(before, local)))
        if outcome.plan.echo_suppression and outcome.plan.bleed_db is not None:
            duplicates.append((outcome, [line for line, share in zip(remote_lines, remote) if share >= 0.5]))
        per100 = lambda count: 100.0 * count / max(1, len(remote))  # noqa: E731
        print(f"{outcome.plan.name:<22}{len(remote):>7}{per100(sum(s >= 0.5 for s in remote)):>9.1f}"
              f"{per100(sum(s >= 0.25 for s in remote)):>10.1f}{len(local):>7}{sum(s >= 0.5 for s in local):>7}"
              f"{np.mean(local) if local else float('nan'):>8.2f}{lost:>6}{outcome.echo_dropped:>14}")
    for outcome, lines in duplicates:
        for line in lines[:6]:
            you = " ".join(s.text.strip() for s in outcome.segments if s.speaker == SELF
                           and s.end > line.start / RATE and s.start < line.end / RATE + BLEED_DELAY + 0.4)
            print(f"  {outcome.plan.name}: duplicated {line.start / RATE:.1f}-{line.end / RATE:.1f} s "
                  f"\"{' '.join(line.reference or [])}\" -> You: \"{you}\"")
    print("dup: >= half a remote line's words in 'You'; frag: >= a quarter; heard: local lines with >= half their "
          "words in 'You';\nrecall: mean share of a local line's words in 'You'; lost: heard with suppression off, "
          "not with it on; echo dropped: the filter's drops (utterances + segments)")


# -- main ---------------------------------------------------------------------------------------------
def plans(folder: Path, call: CallAudio, rate: int, levels: list[float]) -> list[Plan]:
    system = write_track(folder / "system.wav", call.system, rate)
    out = [Plan("call", write_track(folder / "mic.wav", call.local, rate), system),
           Plan("one track", write_track(folder / "mix.wav", call.local + call.system, rate), None)]
    for level in levels:
        bleed = room_bleed(call.system, level, BLEED_DELAY, BLEED_RT60, seed=int(-level))
        mic = write_track(folder / f"mic{level:+.0f}.wav", call.local + bleed, rate)
        out += [Plan(f"call {level:+.0f} dB echo off", mic, system, False, level),
                Plan(f"call {level:+.0f} dB echo on", mic, system, True, level)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=150.0, help="length of the call")
    parser.add_argument("--levels", default="-3,-10", help="bleed levels in dB")
    parser.add_argument("--rate", type=int, default=48000, help="sample rate of the played files")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="smoke run: a 30 s call, bleed at -3 dB only")
    parser.add_argument("--runs", default="call,one,echo",
                        help="comma-separated: call (no bleed), one (one track), echo (the bleed runs)")
    parser.add_argument("--tmp-dir", type=Path, default=None)
    args = parser.parse_args()
    seconds = 30.0 if args.quick else args.seconds
    levels = [-3.0] if args.quick else [float(x) for x in args.levels.split(",") if x]
    folder = Path(tempfile.mkdtemp(prefix="bench_call_", dir=args.tmp_dir))
    began = time.monotonic()
    print(f"bench_call  {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}")
    print(f"command: python {' '.join(sys.argv)}")
    print(f"machine: {machine()}")
    print(f"models: {MODEL}, language en, speakers on, partials on, "
          f"{'in this process' if os.environ.get(IN_PROCESS) else 'worker process'}; "
          f"files {args.rate} Hz, FileSource speed 1.0", flush=True)
    engine, embedder = make_engine(MODEL), make_embedder(num_threads=1)
    try:
        engine.load()
        embedder.load()
        call = build_call(engine, seconds, args.seed)
        engine.transcribe_draft(call.local[: 3 * RATE], TranscribeOptions(language="en"))  # warm the draft path
        remote = sum(line.side == "remote" for line in call.lines)
        print(f"call: {call.seconds:.1f} s, {remote} remote lines, {len(call.lines) - remote} local lines, "
              f"{len(call.words)} reference words; bleed {', '.join(f'{x:+.0f} dB' for x in levels)} "
              f"({BLEED_DELAY * 1000:.0f} ms, RT60 {BLEED_RT60} s)", flush=True)
        outcomes = []
        kinds = set(args.runs.split(","))
        for plan in plans(folder, call, args.rate, levels if "echo" in kinds else []):
            if (plan.name == "call" and "call" not in kinds) or (plan.name == "one track" and "one" not in kinds):
                continue
            out = folder / plan.name.replace(" ", "_")
            outcome = run_session(plan, engine, embedder, out, call.seconds)
            speakers = sorted({s.speaker for s in outcome.segments if s.speaker})
            print(f"  {plan.name}: {len(outcome.segments)} segments, {outcome.partials} partials, "
                  f"speakers {', '.join(speakers) or '-'}, echo dropped {outcome.echo_dropped}, "
                  f"skipped {outcome.skipped_seconds:.1f} s, dropped frames {outcome.dropped_frames}, "
                  f"CPU {outcome.cpu_seconds:.1f} s, errors {[e.code for e in outcome.errors] or 'none'}", flush=True)
            shutil.rmtree(out, ignore_errors=True)
            outcomes.append(outcome)
        p50s = latency_table(outcomes, call)
        cpu_table(outcomes)
        echo_table(outcomes, call)
        ok = p50s.get("call", float("nan")) <= P50_GOAL
        print(f"\nword -> first display p50 with both tracks on: {p50s.get('call', float('nan')):.2f} s "
              f"(mic {p50s.get('call:local', float('nan')):.2f} s, system {p50s.get('call:remote', float('nan')):.2f} s;"
              f" goal <= {P50_GOAL} s)  {verdict(ok)}")
        print(f"run time {time.monotonic() - began:.0f} s; load average at end "
              + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        return 0 if ok else 1
    finally:
        engine.close()
        embedder.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
