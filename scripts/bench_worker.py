#!/usr/bin/env python3
"""Models in a worker process vs in the main process: memory, live latency, offline speed
and worker start time, measured side by side in one run.

Usage::

    .venv/bin/python scripts/bench_worker.py [--offline-seconds 150] [--rounds 2]
        [--live-seconds 600] [--speed 10] [--latency-seconds 60] [--starts 5] [--bare-rounds 2]
        [--bare-seconds 60] [--worker-env NAME=VALUE] [--json PATH]

"in-process" is ``MEETING_RECORDER_IN_PROCESS=1`` (the models in the main process, as before
the worker); "worker" is the default (``core.worker``: Whisper, the
diarizer, CAM++ and the live Silero VAD in ``python -m meeting_recorder.core.worker.host``).
Every measurement runs in a fresh child process (``sys.executable`` with that environment),
so one mode's residue never reaches the other.
Model: tiny.en; speakers on. Test audio is made at run time (espeak-ng + sox, the
three-voice conversation of ``tests/conversations.py`` and the sentences of
``bench_latency.py``) in a temporary folder that is removed at the end.

1. Memory. RSS of the main process after ``release_memory()`` before the job (imports
   done, no model), the peak during it, and after it (models closed, ``release_memory()``);
   a sampler thread reads the main process and its children (the worker) every 0.2 s.
   (a) offline: ``transcribe_with_speakers`` with ``make_engine``/``make_diarizer`` (the
   CLI's path) on an ``--offline-seconds`` conversation, models loaded, used, closed;
   (b) live: a ``LiveSession`` on ``FileSource(conversation, speed=--speed, loop=True,
   max_seconds=--live-seconds)``, speaker labels on, models released at stop (the app's
   default). At the defaults: 600 s of audio at 10x real time, ~1 minute.
   Goal: the main process after stop within 150 MB of before (both modes are shown; the
   goal is the worker's).
2. Live latency at real time (speed 1), ``bench_latency.py``'s definition: wall time the
   segment callback fired minus (first block's wall time + segment end), on its
   ``--latency-seconds`` file of sentences and 1.5 s gaps; Whisper and CAM++ loaded and
   warmed first with Silero VAD (``keep_models_loaded``), segments arriving during
   stop left out.
   Goals: p50 <= 1.5 s, p95 <= 3 s.
3. Offline overhead: wall time of the offline job of 1 (make, load, transcribe with
   speakers, close), ``--rounds`` fresh processes per mode, alternating; ratio of the
   medians worker/in-process (goal <= 1.05). The job alone (models loaded) is shown too.
   Then, as ``bench_offline.py`` does, bare faster-whisper in the main process vs
   ``RemoteEngine.transcribe_file`` (the engine in the worker) on the conversation's first
   ``--bare-seconds`` without speakers: one untimed warm-up each (10 s),
   ``--bare-rounds`` alternating rounds, medians (reference; 0 skips it).
4. Worker start (worker mode, a fresh ``WorkerClient`` each time, ``--starts`` times):
   first call until the worker said ready (``_ensure_started``: a fresh interpreter, no
   model), and until tiny.en is loaded there (``RemoteEngine.load``); medians.

Exit status 1 when a goal is missed. ~7 minutes on 2 cores with the defaults.
``--worker-env NAME=VALUE`` sets a variable for the worker-mode processes only (to try a fix).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

MODEL = "tiny.en"
MB = 1e6
IDLE_GOAL_MB = 150.0
P50_GOAL = 1.5
P95_GOAL = 3.0
OVERHEAD_GOAL = 1.05
SAMPLE_SECONDS = 0.2
MODES = ("in-process", "worker")
IN_PROCESS_ENV = "MEETING_RECORDER_IN_PROCESS"  # core.worker's names (not imported by the parent)
WORKER_ENV = "MEETING_RECORDER_WORKER"
CHILD_TAG = "BENCH-WORKER-CHILD "


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- in the child processes ------------------------------------------------------------
class Sampler:
    """RSS of this process and of its children (the worker), every 0.2 s; keeps the peaks."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak_main = self.peak_children = self.peak_sum = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def children_rss(self) -> int:
        import psutil

        total = 0
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:  # ended between the listing and the reading
                pass
        return total

    def read(self) -> None:
        main, children = self.process.memory_info().rss, self.children_rss()
        self.peak_main = max(self.peak_main, main)
        self.peak_children = max(self.peak_children, children)
        self.peak_sum = max(self.peak_sum, main + children)
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.read()

    def __enter__(self) -> "Sampler":
        self.read()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.read()

    def peaks(self) -> dict[str, float]:
        return {"peak_main_mb": self.peak_main / MB, "peak_worker_mb": self.peak_children / MB,
                "peak_sum_mb": self.peak_sum / MB, "samples": self.samples}


def idle_rss_mb() -> float:
    import psutil

    from meeting_recorder.core.resources import release_memory

    release_memory()
    return psutil.Process().memory_info().rss / MB


def live_children() -> int:
    import psutil

    return sum(1 for c in psutil.Process().children(recursive=True) if c.is_running() and c.status() != "zombie")


def child_offline(path: Path) -> dict[str, Any]:
    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers
    from meeting_recorder.core.worker import make_diarizer, make_engine

    before = idle_rss_mb()
    with Sampler() as sampler:
        start = time.perf_counter()
        engine, diarizer = make_engine(MODEL), make_diarizer()
        try:
            engine.load()
            diarizer.load()
            loaded = time.perf_counter()
            transcript = transcribe_with_speakers(engine, diarizer, path, TranscribeOptions(), SpeakerRequest())
            done = time.perf_counter()
        finally:
            engine.close()
            diarizer.close()
        closed = time.perf_counter()
    after = idle_rss_mb()
    return {
        "before_mb": before, "after_mb": after, **sampler.peaks(), "children_after": live_children(),
        "total_s": closed - start, "load_s": loaded - start, "job_s": done - loaded, "close_s": closed - done,
        "segments": len(transcript.segments),
        "speakers": len({s.speaker for s in transcript.segments if getattr(s, "speaker", None)}),
    }


def child_live(path: Path, seconds: float, speed: float, folder: Path) -> dict[str, Any]:
    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.core.sources import FileSource

    segments: list[Any] = []
    errors: list[Any] = []
    before = idle_rss_mb()
    with Sampler() as sampler:
        start = time.perf_counter()
        source = FileSource(path, speed=speed, loop=True, max_seconds=seconds)
        settings = LiveSettings(out_dir=folder, model=MODEL, speakers=True)  # models released at stop
        session = LiveSession(source, settings, LiveCallbacks(segment=segments.append, error=errors.append))
        try:
            session.start()
            session.wait(seconds / speed * 3 + 120)
            result = session.stop()
        finally:
            session.stop()
        elapsed = time.perf_counter() - start
    after = idle_rss_mb()
    return {
        "before_mb": before, "after_mb": after, **sampler.peaks(), "children_after": live_children(),
        "wall_s": elapsed, "recorded_s": result.seconds, "skipped_s": result.skipped_seconds,
        "segments": len(segments), "speakers": len({s.speaker for s in segments if getattr(s, "speaker", None)}),
        "dropped_frames": result.dropped_frames, "errors": [type(e).__name__ for e in errors],
    }


def child_latency(seconds: float, gap: float, folder: Path) -> dict[str, Any]:
    import numpy as np
    from bench_latency import TimedFileSource, build_speech, percentile

    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.core.worker import make_embedder, make_engine, make_vad

    path, spans, warm_audio = build_speech(folder, seconds, gap)
    engine = make_engine(MODEL)
    embedder = make_embedder(num_threads=1)  # as LiveSession makes it
    engine.load()
    engine.transcribe_samples(warm_audio, TranscribeOptions(vad_filter=False))
    embedder.load()
    embedder.embed(np.ascontiguousarray(warm_audio[: 3 * 16000], dtype=np.float32))
    vad = make_vad()  # Silero: faster-whisper caches it per process, the session's segmenter finds it loaded
    vad.load()
    vad(np.zeros(512 * 8, dtype=np.float32))
    vad.close()

    calls: list[tuple[float, float]] = []
    plain = engine.transcribe_samples

    def timed(samples, *args, **kwargs):
        began = time.monotonic()
        try:
            return plain(samples, *args, **kwargs)
        finally:
            calls.append((began, time.monotonic()))

    engine.transcribe_samples = timed
    arrivals: list[tuple[float, float, bool, tuple[float, float] | None]] = []
    stopping = False

    def on_segment(segment) -> None:
        arrivals.append((time.monotonic(), segment.end, stopping, calls[-1] if calls else None))

    source = TimedFileSource(path, speed=1.0)
    settings = LiveSettings(out_dir=folder / "recordings", model=MODEL, keep_models_loaded=True, speakers=True)
    session = LiveSession(source, settings, LiveCallbacks(segment=on_segment), engine=engine, embedder=embedder)
    try:
        session.start()
        session.wait()
        stopping = True
        result = session.stop()
    finally:
        session.stop()
        engine.close()
        embedder.close()
    t0 = source.first_block_at
    live = [a for a in arrivals if not a[2]]
    latencies = [wall - (t0 + end) for wall, end, _, _ in live]
    decodes = [call[1] - call[0] for _, _, _, call in live if call]
    return {
        "sentences": len(spans), "segments": len(arrivals), "live_segments": len(live),
        "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95),
        "max_s": max(latencies) if latencies else float("nan"),
        "median_transcribe_s": percentile(decodes, 50), "skipped_s": result.skipped_seconds,
    }


def child_startup(starts: int) -> dict[str, Any]:
    from meeting_recorder.core.worker.client import WorkerClient
    from meeting_recorder.core.worker.remote import RemoteEngine

    ready, loaded = [], []
    for _ in range(starts):
        client = WorkerClient()
        engine = RemoteEngine(MODEL, client=client)
        start = time.perf_counter()
        with client._lock:  # what the first call does before it sends anything
            client._ensure_started()
        ready.append(time.perf_counter() - start)
        engine.load()  # creates the holder in the worker and loads tiny.en there
        loaded.append(time.perf_counter() - start)
        engine.close()  # no holder left: the worker exits
        assert not client.alive
    return {"ready_s": ready, "loaded_s": loaded, "children_after": live_children()}


def child_bare(path: Path, rounds: int, folder: Path) -> dict[str, Any]:
    import soundfile
    from bench_offline import bare_text, run_bare, run_engine
    from faster_whisper import WhisperModel

    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.models import choose_device, resolve_model
    from meeting_recorder.core.worker import make_engine

    options = TranscribeOptions()
    choice = choose_device()
    bare = WhisperModel(resolve_model(MODEL).path, device=choice.device, compute_type=choice.compute_type,
                        cpu_threads=choice.cpu_threads)
    samples, rate = soundfile.read(str(path), dtype="int16")
    warm = folder / "warm.wav"  # the first 10 s: the untimed warm-up of each
    soundfile.write(str(warm), samples[: 10 * rate], rate, subtype="PCM_16")
    engine = make_engine(MODEL)
    try:
        engine.load()
        bare_text(bare, warm, options)
        run_engine(engine, warm, options)
        times: dict[str, list[float]] = {"bare": [], "engine": []}
        texts: dict[str, str] = {}
        for _ in range(rounds):
            for name, runner, model in (("bare", run_bare, bare), ("engine", run_engine, engine)):
                timing = runner(model, path, options)
                times[name].append(timing.wall)
                texts.setdefault(name, timing.text)
    finally:
        engine.close()
    return {"times": times, "same_text": texts["bare"] == texts["engine"], "seconds": len(samples) / rate,
            "engine_class": type(engine).__name__, "threads": choice.cpu_threads, "device": choice.device}


def child_main(args: argparse.Namespace) -> None:
    import meeting_recorder  # noqa: F401  (the offline environment first)
    from meeting_recorder.core.worker import in_process

    kind, path = args.child, args.file
    if kind == "offline":
        result = child_offline(path)
    elif kind == "live":
        result = child_live(path, args.live_seconds, args.speed, args.folder)
    elif kind == "latency":
        result = child_latency(args.latency_seconds, args.gap, args.folder)
    elif kind == "startup":
        result = child_startup(args.starts)
    elif kind == "bare":
        result = child_bare(path, args.bare_rounds, args.folder)
    else:
        raise SystemExit(f"unknown child {kind}")
    result["in_process"] = in_process()
    print(CHILD_TAG + json.dumps(result), flush=True)


# -- in the parent ---------------------------------------------------------------------
def run_child(kind: str, mode: str, args: argparse.Namespace, folder: Path, path: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop(IN_PROCESS_ENV, None)
    env.pop(WORKER_ENV, None)
    if mode == "in-process":
        env[IN_PROCESS_ENV] = "1"
    else:
        env[WORKER_ENV] = "1"
        env.update(item.split("=", 1) for item in args.worker_env)  # the worker inherits them
    work = Path(tempfile.mkdtemp(prefix=f"{kind}-{mode}-", dir=folder))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--folder", str(work),
               "--live-seconds", str(args.live_seconds), "--speed", str(args.speed),
               "--latency-seconds", str(args.latency_seconds), "--gap", str(args.gap),
               "--starts", str(args.starts), "--bare-rounds", str(args.bare_rounds)]
    if path is not None:
        command += ["--file", str(path)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    shutil.rmtree(work, ignore_errors=True)
    for line in done.stdout.splitlines():
        if line.startswith(CHILD_TAG):
            result = json.loads(line.removeprefix(CHILD_TAG))
            assert result["in_process"] == (mode == "in-process"), "the child ran in the wrong mode"
            log(f"  {kind:<8} {mode:<10} done in {time.perf_counter() - start:5.1f} s")
            return result
    raise RuntimeError(f"child {kind} ({mode}) failed ({done.returncode}):\n{done.stderr[-4000:]}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def build_conversation(folder: Path, seconds: float) -> tuple[Path, float]:
    from tests.conversations import make_conversation

    conversation = make_conversation(folder / "conversation.wav", "ABC", seconds, seed=21, turn_seconds=(2.0, 10.0))
    return conversation.path, conversation.duration


def cut(path: Path, seconds: float) -> Path:
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="int16")
    out = path.with_name(f"first_{seconds:g}s.wav")
    soundfile.write(str(out), samples[: int(seconds * rate)], rate, subtype="PCM_16")
    return out


def report(args: argparse.Namespace, r: dict[str, Any], duration: float) -> tuple[list[str], bool]:
    lines: list[str] = []
    checks: list[bool] = []
    lines.append(f"1. Main-process RSS, MB (after release_memory(); peaks sampled every {SAMPLE_SECONDS} s; "
                 "worker = its process)")
    lines.append(f"   {'job':<22} {'mode':<10} {'before':>7} {'peak':>7} {'after':>7} {'after-before':>12} "
                 f"{'worker peak':>11} {'sum peak':>8}  left")
    jobs = [(f"offline {duration:.0f} s + speakers", "offline"),
            (f"live {args.live_seconds:.0f} s at {args.speed:g}x", "live")]
    for label, key in jobs:
        for mode in MODES:
            for run in r[key][mode]:
                delta = run["after_mb"] - run["before_mb"]
                lines.append(f"   {label:<22} {mode:<10} {run['before_mb']:7.0f} {run['peak_main_mb']:7.0f} "
                             f"{run['after_mb']:7.0f} {delta:+12.0f} {run['peak_worker_mb']:11.0f} "
                             f"{run['peak_sum_mb']:8.0f}  {run['children_after']} proc.")
                if mode == "worker":
                    checks.append(delta <= IDLE_GOAL_MB and run["children_after"] == 0)
    worker_deltas = [run["after_mb"] - run["before_mb"] for key in ("offline", "live") for run in r[key]["worker"]]
    ok_idle = all(checks)
    lines.append(f"   worker mode: after - before max {max(worker_deltas):+.0f} MB, no process left "
                 f"(goal <= {IDLE_GOAL_MB:.0f} MB)  {verdict(ok_idle)}")
    for mode in MODES:
        run = r["live"][mode][0]
        lines.append(f"   live {mode:<10}: {run['recorded_s']:.0f} s recorded in {run['wall_s']:.0f} s, "
                     f"{run['segments']} segments, {run['speakers']} speakers, skipped {run['skipped_s']:.1f} s, "
                     f"dropped frames {run['dropped_frames']}, errors {run['errors'] or 'none'}")
    lines.append("")

    lines.append(f"2. Live latency at real time ({args.latency_seconds:.0f} s file, speakers on, models warmed), s")
    lines.append(f"   {'mode':<10} {'p50':>5} {'p95':>5} {'max':>5}  {'segments':>8}  transcribe call (median)")
    ok_latency = True
    for mode in MODES:
        lat = r["latency"][mode]
        lines.append(f"   {mode:<10} {lat['p50_s']:5.2f} {lat['p95_s']:5.2f} {lat['max_s']:5.2f}  "
                     f"{lat['live_segments']:>3} of {lat['segments']:<2}  {lat['median_transcribe_s']:.2f}  "
                     f"(sentences {lat['sentences']}, skipped {lat['skipped_s']:.1f} s)")
        if mode == "worker":
            ok_latency = lat["p50_s"] <= P50_GOAL and lat["p95_s"] <= P95_GOAL and lat["live_segments"] > 0
    worker = r["latency"]["worker"]
    lines.append(f"   worker: p50 {worker['p50_s']:.2f} s (goal <= {P50_GOAL}), p95 {worker['p95_s']:.2f} s "
                 f"(goal <= {P95_GOAL})  {verdict(ok_latency)}")
    lines.append("")

    lines.append(f"3. Offline job with speakers ({duration:.0f} s three-voice conversation, tiny.en), s; "
                 f"{args.rounds} fresh processes per mode, alternating; medians")
    lines.append(f"   {'mode':<10} {'total':>6} {'load':>6} {'job':>6} {'close':>6}  runs (total)")
    med: dict[str, dict[str, float]] = {}
    for mode in MODES:
        runs = r["offline"][mode]
        med[mode] = {k: median([run[k] for run in runs]) for k in ("total_s", "load_s", "job_s", "close_s")}
        m = med[mode]
        totals = ", ".join(f"{run['total_s']:.2f}" for run in runs)
        lines.append(f"   {mode:<10} {m['total_s']:6.2f} {m['load_s']:6.2f} {m['job_s']:6.2f} {m['close_s']:6.2f}  "
                     f"{totals}  "
                     f"(speakers {runs[0]['speakers']}, segments {runs[0]['segments']})")
    ratio = med["worker"]["total_s"] / med["in-process"]["total_s"]
    job_ratio = med["worker"]["job_s"] / med["in-process"]["job_s"]
    ok_overhead = ratio <= OVERHEAD_GOAL
    lines.append(f"   worker/in-process: total {ratio:.3f} (goal <= {OVERHEAD_GOAL})  {verdict(ok_overhead)}; "
                 f"job alone {job_ratio:.3f}")
    if "bare" in r:
        bare = r["bare"]
        mb, me = median(bare["times"]["bare"]), median(bare["times"]["engine"])
        lines.append(f"   bare faster-whisper (main process) vs {bare['engine_class']}.transcribe_file (worker), "
                     f"first {bare['seconds']:.0f} s, no speakers, {args.bare_rounds} alternating rounds "
                     "after a warm-up:")
        lines.append(f"     bare {mb:.2f} s, worker engine {me:.2f} s, ratio {me / mb:.3f} (reference); "
                     f"same text: {'yes' if bare['same_text'] else 'no'}; runs bare "
                     f"{', '.join(f'{v:.2f}' for v in bare['times']['bare'])}, engine "
                     f"{', '.join(f'{v:.2f}' for v in bare['times']['engine'])}")
    lines.append("")

    start = r["startup"]
    lines.append(f"4. Worker start ({len(start['ready_s'])} fresh workers), s: first call to ready (no model) "
                 f"median {median(start['ready_s']):.2f} [{', '.join(f'{v:.2f}' for v in start['ready_s'])}]; "
                 f"to tiny.en loaded median {median(start['loaded_s']):.2f} "
                 f"[{', '.join(f'{v:.2f}' for v in start['loaded_s'])}]")
    lines.append("")
    ok = ok_idle and ok_latency and ok_overhead
    lines.append(f"goals: idle RSS after stop {verdict(ok_idle)}, latency {verdict(ok_latency)}, "
                 f"offline overhead {verdict(ok_overhead)}; overall {verdict(ok)}")
    return lines, ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline-seconds", type=float, default=150.0, help="conversation length (default 150)")
    parser.add_argument("--rounds", type=int, default=2, help="offline jobs per mode (default 2)")
    parser.add_argument("--live-seconds", type=float, default=600.0, help="live audio (default 600)")
    parser.add_argument("--speed", type=float, default=10.0, help="live playback speed (default 10x)")
    parser.add_argument("--latency-seconds", type=float, default=60.0, help="latency file (default 60, real time)")
    parser.add_argument("--gap", type=float, default=1.5, help="silence after each latency sentence (default 1.5)")
    parser.add_argument("--starts", type=int, default=5, help="worker starts timed (default 5)")
    parser.add_argument("--bare-rounds", type=int, default=2, help="bare vs worker engine rounds (default 2; 0 skips)")
    parser.add_argument("--bare-seconds", type=float, default=60.0,
                        help="the first seconds of the conversation for bare vs engine (default 60)")
    parser.add_argument("--worker-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the worker-mode processes only (to try a fix)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child_main(args)
        return 0
    from bench_writer import machine

    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"missing tools: {', '.join(missing)}")
    started = time.perf_counter()
    header = [f"bench_worker  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
              f"command: {' '.join([Path(sys.executable).name, *sys.argv])}", f"machine: {machine()}"]
    if args.worker_env:
        header.append(f"worker mode with {' '.join(args.worker_env)}")
    folder = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    results: dict[str, Any] = {"offline": {m: [] for m in MODES}, "live": {}, "latency": {}}
    try:
        log("building the conversation ...")
        conversation, duration = build_conversation(folder, args.offline_seconds)
        log(f"  {duration:.1f} s")
        log("offline jobs with speakers (alternating modes) ...")
        for _ in range(args.rounds):
            for mode in MODES:
                results["offline"][mode].append(run_child("offline", mode, args, folder, conversation))
        log("live sessions ...")
        for mode in MODES:
            results["live"][mode] = [run_child("live", mode, args, folder, conversation)]
        log("live latency at real time ...")
        for mode in MODES:
            results["latency"][mode] = run_child("latency", mode, args, folder)
        log("worker start ...")
        results["startup"] = run_child("startup", "worker", args, folder)
        if args.bare_rounds > 0:
            log("bare faster-whisper vs the engine in the worker ...")
            results["bare"] = run_child("bare", "worker", args, folder, cut(conversation, args.bare_seconds))
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines, ok = report(args, results, duration)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    footer = f"run time {time.perf_counter() - started:.0f} s; load average at end {load}"
    print("\n".join([*header, "", *lines, footer]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
