#!/usr/bin/env python3
"""Offline benchmark: engine speed against bare faster-whisper, and memory on long files.

Usage::

    .venv/bin/python scripts/bench_offline.py [--quick] [--repeats N] [--json PATH]

Test audio is synthesised at run time (espeak-ng, resampled to 16 kHz mono with sox) in a
temporary folder that is removed at the end, also on errors and Ctrl+C. Nothing is
downloaded: the model is the embedded ``tiny.en``.

1. Speed: the same ~2.5 minute file, the same model and the same settings (the engine's
   ``TranscribeOptions`` defaults and ``choose_device()``), transcribed by a bare
   ``faster_whisper.WhisperModel`` and by ``TranscriptionEngine.transcribe_file``. Runs
   alternate (bare, engine, bare, engine, ...) after one untimed warm-up of each, model
   load excluded; the median wall-clock times are compared (goal: engine/bare <= 1.05) and
   the process CPU times are reported beside them, being less disturbed by other load.
2. Memory: the engine transcribes a 10 minute file and a 3 hour file (1 hour with
   ``--quick``), each in a fresh child process that reports its peak RSS (``VmHWM`` from
   ``/proc/self/status``; see ``rss_peak_bytes``). Goals: peak <= 1.5 GB, 3h/10min <= 1.2.

MB and GB are decimal here (10^6 and 10^9 bytes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL = "tiny.en"
SAMPLE_RATE = 16000
SPEED_SECONDS = 160.0  # the speed file is at most this long (~2.5 min)
BLOCK_SECONDS = 600.0  # the 10 minute file; long files are made of copies of it
LONG_BLOCKS_FULL = 18  # 3 h
LONG_BLOCKS_QUICK = 6  # 1 h
SPEED_RATIO_GOAL = 1.05
PEAK_GOAL_BYTES = 1.5e9
GROWTH_RATIO_GOAL = 1.2
MB = 1e6

SENTENCES = (
    "Good morning everyone, thanks for joining the weekly planning meeting.",
    "Let's start with a quick review of last quarter's sales figures before we move on.",
    "The new onboarding process cut the average support ticket time by almost a third.",
    "I think we should postpone the product launch until the security audit is finished.",
    "Could you send me the updated budget spreadsheet by Thursday afternoon?",
    "Our biggest risk right now is the dependency on a single hardware supplier.",
    "The marketing team wants to run a small pilot campaign in two cities first.",
    "Please remember that the office will be closed on Monday for the public holiday.",
    "We measured the battery life at eleven hours with the screen at half brightness.",
    "Does anyone have questions about the hiring plan for the engineering department?",
    "The customer asked whether the data can stay on their own servers.",
    "Let's take a short break and continue with the design review in ten minutes.",
    "Sarah will summarise the feedback from the user interviews next week.",
    "The test results look promising, but we need more samples to be confident.",
    "I'll write up the action items and share them with everyone after the call.",
    "Thank you all, that was a productive discussion, see you next Tuesday.",
)
VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-scotland", "en-029", "en-gb-x-rp+f2", "en-us-nyc")
RATES = (165, 150, 175, 160, 145, 170)  # words per minute
PAUSES = (0.6, 0.9, 0.5, 1.2, 0.7, 2.5)  # seconds of silence after each sentence


# -- helpers ---------------------------------------------------------------------------
def run_tool(args: list[str]) -> str:
    """Run an external tool; raise with its stderr when it fails."""
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} ... failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def duration_of(path: Path) -> float:
    return float(run_tool(["soxi", "-D", str(path)]).strip())


def rss_peak_bytes() -> int:
    """Peak RSS of this process's own address space (VmHWM).

    ``getrusage().ru_maxrss`` is not used on Linux: it also counts the parent's RSS at the
    time of fork/exec, so a child started by a big parent reports the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def fmt_mb(value: float) -> str:
    return f"{value / MB:,.0f} MB"


# -- test audio ------------------------------------------------------------------------
@dataclass(frozen=True)
class Clip:
    path: Path
    seconds: float


@dataclass(frozen=True)
class TestAudio:
    speech: Path
    ten_minutes: Path
    long: Path


def make_clip(index: int, text: str, folder: Path) -> Clip:
    """One sentence: espeak-ng, then 16 kHz mono 16-bit with a pause at the end."""
    raw = folder / f"raw{index:02d}.wav"
    clip = folder / f"clip{index:02d}.wav"
    voice = VOICES[index % len(VOICES)]
    rate = RATES[index % len(RATES)]
    pause = PAUSES[index % len(PAUSES)]
    run_tool(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text])
    # -D: no dither, so every run synthesises exactly the same samples
    run_tool(["sox", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(clip), "pad", "0", str(pause)])
    raw.unlink()
    return Clip(clip, duration_of(clip))


def pick_clips(clips: list[Clip], seconds: float, start: int = 0) -> tuple[list[Clip], float]:
    """Cycle through the clips from ``start`` while the total stays within ``seconds``."""
    picked: list[Clip] = []
    total = 0.0
    for clip in itertools.islice(itertools.cycle(clips), start, None):
        if total + clip.seconds > seconds:
            break
        picked.append(clip)
        total += clip.seconds
    return picked, total


def concat(inputs: list[Path], output: Path, effects: list[str] | None = None) -> Path:
    run_tool(["sox", "-D", *map(str, inputs), str(output), *(effects or [])])
    return output


def build_audio(folder: Path, long_blocks: int, log: Callable[[str], None]) -> TestAudio:
    """Speech file (~2.5 min, WAV), 10 min block and a long file of copies (FLAC)."""
    clips = [make_clip(i, text, folder) for i, text in enumerate(SENTENCES)]
    log(f"  {len(clips)} sentences, {sum(c.seconds for c in clips):.1f} s of clips")
    speech_clips, _ = pick_clips(clips, SPEED_SECONDS)
    speech = concat([c.path for c in speech_clips], folder / "speech.wav")
    block_clips, block_total = pick_clips(clips, BLOCK_SECONDS, start=5)
    pad = f"{BLOCK_SECONDS - block_total:.4f}"  # silence at the end: exactly 600 s
    ten = concat([c.path for c in block_clips], folder / "ten_minutes.flac", ["pad", "0", pad])
    long = concat([ten] * long_blocks, folder / f"long_{long_blocks * 10}min.flac")
    for clip in clips:
        clip.path.unlink()
    return TestAudio(speech, ten, long)


# -- speed -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Timing:
    wall: float  # seconds on the clock
    cpu: float  # CPU seconds of this process, all threads (less disturbed by other load)
    text: str


def timed(work: Callable[[], str]) -> Timing:
    """Time ``work`` from a trimmed heap.

    The engine trims the heap after each window (``release_memory``); without a trim before
    every run, the bare run that follows an engine run would pay for faulting those pages in.
    """
    from meeting_recorder.core.resources import release_memory

    release_memory()
    wall, cpu = time.perf_counter(), time.process_time()
    text = work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu, text)


def run_bare(model: Any, path: Path, options: Any) -> Timing:
    """Bare faster-whisper with the engine's settings; all segments consumed."""
    return timed(lambda: bare_text(model, path, options))


def bare_text(model: Any, path: Path, options: Any) -> str:
    segments, _info = model.transcribe(
        str(path),
        language=None if options.language in ("", "auto") else options.language,
        beam_size=options.beam_size,
        word_timestamps=options.word_timestamps,
        vad_filter=options.vad_filter,
    )
    return " ".join(segment.text.strip() for segment in segments)


def run_engine(engine: Any, path: Path, options: Any) -> Timing:
    def work() -> str:
        transcript = engine.transcribe_file(path, options)
        return " ".join(segment.text for segment in transcript.segments)

    return timed(work)


def load_models() -> tuple[Any, Any, dict[str, Any]]:
    """A bare WhisperModel and a loaded engine, built with the same model and device."""
    from faster_whisper import WhisperModel

    from meeting_recorder.core.engine import TranscriptionEngine
    from meeting_recorder.core.models import choose_device, resolve_model

    choice = choose_device()
    model_path = resolve_model(MODEL).path
    bare = WhisperModel(
        model_path, device=choice.device, compute_type=choice.compute_type, cpu_threads=choice.cpu_threads
    )
    engine = TranscriptionEngine(MODEL)
    engine.load()
    device = {"device": choice.device, "compute_type": choice.compute_type, "cpu_threads": choice.cpu_threads}
    return bare, engine, device


def bench_speed(path: Path, repeats: int, log: Callable[[str], None]) -> dict[str, Any]:
    from meeting_recorder.core.engine import TranscribeOptions

    options = TranscribeOptions()
    seconds = duration_of(path)
    bare, engine, device = load_models()
    try:
        log("  warm-up (untimed): bare, engine")
        texts = {"bare": run_bare(bare, path, options).text, "engine": run_engine(engine, path, options).text}
        runs: dict[str, list[Timing]] = {"bare": [], "engine": []}
        for round_no in range(1, repeats + 1):
            for name, runner, model in (("bare", run_bare, bare), ("engine", run_engine, engine)):
                timing = runner(model, path, options)
                runs[name].append(timing)
                log(
                    f"  round {round_no}/{repeats} {name:<6} {timing.wall:6.2f} s  RTF {timing.wall / seconds:.4f}"
                    f"  (CPU {timing.cpu:6.2f} s)"
                )
    finally:
        engine.close()
        del bare
    return speed_result(seconds, runs, options, device, texts)


def speed_result(
    seconds: float, runs: dict[str, list[Timing]], options: Any, device: dict[str, Any], texts: dict[str, str]
) -> dict[str, Any]:
    times = {name: [t.wall for t in timings] for name, timings in runs.items()}
    cpu = {name: [t.cpu for t in timings] for name, timings in runs.items()}
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    ratio = medians["engine"] / medians["bare"]
    pair_ratios = [e / b for b, e in zip(times["bare"], times["engine"])]
    return {
        "audio_seconds": seconds,
        "settings": {
            "model": MODEL,
            "beam_size": options.beam_size,
            "word_timestamps": options.word_timestamps,
            "vad_filter": options.vad_filter,
            "language": options.language,
            **device,
        },
        "runs_seconds": times,
        "median_seconds": medians,
        "runs_cpu_seconds": cpu,
        "median_cpu_seconds": cpu_medians,
        "cpu_ratio_engine_bare": cpu_medians["engine"] / cpu_medians["bare"],
        "rtf": {name: value / seconds for name, value in medians.items()},
        "ratio_engine_bare": ratio,
        "pair_ratios": pair_ratios,
        "goal": f"ratio <= {SPEED_RATIO_GOAL}",
        "pass": ratio <= SPEED_RATIO_GOAL,
        "same_text": texts["bare"] == texts["engine"],
        "words": {name: len(text.split()) for name, text in texts.items()},
    }


# -- memory (child processes) ----------------------------------------------------------
class RssSampler:
    """Polls RSS in a thread and keeps the highest value per 10 minutes of audio processed."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.position = 0.0  # audio seconds processed, from the engine's progress callback
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def progress(self, progress: Any) -> None:
        self.position = progress.processed_seconds

    def _run(self) -> None:
        import psutil

        process = psutil.Process()
        while not self._stop.wait(self.interval):
            block = max(math.ceil(self.position / BLOCK_SECONDS) - 1, 0)  # 600.0 s is block 0
            self.peaks[block] = max(self.peaks.get(block, 0), process.memory_info().rss)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def per_block(self) -> list[int]:
        return [self.peaks[key] for key in sorted(self.peaks)]


def child_main(path: Path) -> None:
    """Run in a fresh process: load the engine, transcribe ``path``, print one JSON line."""
    from meeting_recorder.core.engine import TranscriptionEngine
    from meeting_recorder.core.resources import rss_bytes

    baseline = rss_peak_bytes()
    engine = TranscriptionEngine(MODEL)
    start = time.perf_counter()
    engine.load()
    load_seconds = time.perf_counter() - start
    after_load = rss_peak_bytes()
    with RssSampler() as sampler:
        start = time.perf_counter()
        transcript = engine.transcribe_file(path, progress=sampler.progress)
        elapsed = time.perf_counter() - start
    result = {
        "file": path.name,
        "audio_seconds": transcript.duration,
        "load_seconds": load_seconds,
        "transcribe_seconds": elapsed,
        "rtf": elapsed / transcript.duration,
        "segments": len(transcript.segments),
        "words": sum(len(segment.words) for segment in transcript.segments),
        "peak_rss_bytes": rss_peak_bytes(),
        "peak_rss_after_import_bytes": baseline,
        "peak_rss_after_load_bytes": after_load,
        "rss_at_end_bytes": rss_bytes(),
        "polled_rss_peak_per_10min_bytes": sampler.per_block(),
    }
    engine.close()
    print("BENCH-CHILD " + json.dumps(result), flush=True)


def run_child(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(path)], capture_output=True, text=True
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-CHILD "):
            return json.loads(line.removeprefix("BENCH-CHILD "))
    raise RuntimeError(f"child for {path.name} failed ({result.returncode}):\n{result.stderr[-3000:]}")


def bench_memory(audio: TestAudio, log: Callable[[str], None]) -> dict[str, Any]:
    runs: dict[str, dict[str, Any]] = {}
    for label, path in (("10min", audio.ten_minutes), ("long", audio.long)):
        log(f"  {label}: {path.name} ({duration_of(path) / 60:.0f} min) in a fresh process ...")
        runs[label] = run_child(path)
        run = runs[label]
        log(f"    peak {fmt_mb(run['peak_rss_bytes'])}, {run['transcribe_seconds']:.0f} s, RTF {run['rtf']:.4f}")
    peak = max(run["peak_rss_bytes"] for run in runs.values())
    ratio = runs["long"]["peak_rss_bytes"] / runs["10min"]["peak_rss_bytes"]
    return {
        "runs": runs,
        "peak_bytes": peak,
        "ratio_long_10min": ratio,
        "goals": {"peak": "peak <= 1.5 GB", "ratio": f"ratio <= {GROWTH_RATIO_GOAL}"},
        "peak_pass": peak <= PEAK_GOAL_BYTES,
        "ratio_pass": ratio <= GROWTH_RATIO_GOAL,
    }


# -- machine ---------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def code_version() -> str:
    """The commit being measured, flagged when meeting_recorder/ has uncommitted changes."""
    repo = Path(__file__).resolve().parents[1]
    try:
        commit = run_tool(["git", "-C", str(repo), "log", "-1", "--format=%h %s"]).strip()
        dirty = run_tool(["git", "-C", str(repo), "status", "--porcelain", "--", "meeting_recorder"]).strip()
    except (OSError, RuntimeError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes in meeting_recorder/" if dirty else "")


def machine_info() -> dict[str, Any]:
    import psutil

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_logical": psutil.cpu_count(logical=True),
        "ram_bytes": psutil.virtual_memory().total,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: version_of(name) for name in ("faster-whisper", "ctranslate2", "onnxruntime", "av", "numpy")
        },
        "loadavg_start": list(os.getloadavg()),
        "code": code_version(),
    }


# -- report ----------------------------------------------------------------------------
def report_machine(info: dict[str, Any]) -> list[str]:
    versions = ", ".join(f"{name} {version}" for name, version in info["versions"].items())
    return [
        "Machine",
        f"  date        {info['date']}",
        f"  CPU         {info['cpu']}",
        f"  cores       {info['cores_physical']} physical / {info['cores_logical']} logical",
        f"  RAM         {info['ram_bytes'] / 1e9:.1f} GB",
        f"  OS          {info['os']}, Python {info['python']}",
        f"  versions    {versions}",
        f"  code        {info['code']}",
        f"  load avg    start {fmt_load(info['loadavg_start'])}, end {fmt_load(info.get('loadavg_end'))}",
    ]


def fmt_load(values: list[float] | None) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "-"


def report_speed(speed: dict[str, Any]) -> list[str]:
    s = speed["settings"]
    runs = speed["runs_seconds"]
    lines = [
        f"Speed ({speed['audio_seconds']:.1f} s speech, {len(runs['bare'])} alternating runs each, median)",
        f"  settings    {s['model']}, {s['device']} {s['compute_type']}, {s['cpu_threads']} threads, "
        f"beam_size={s['beam_size']}, word_timestamps={s['word_timestamps']}, vad_filter={s['vad_filter']}, "
        f"language={s['language']}",
    ]
    for name in ("bare", "engine"):
        label = "bare faster-whisper" if name == "bare" else "engine"
        all_runs = ", ".join(f"{value:.2f}" for value in runs[name])
        lines.append(
            f"  {label:<20} median {speed['median_seconds'][name]:6.2f} s  RTF {speed['rtf'][name]:.4f}  "
            f"CPU {speed['median_cpu_seconds'][name]:6.2f} s  (runs: {all_runs})"
        )
    pairs = ", ".join(f"{value:.3f}" for value in speed["pair_ratios"])
    lines += [
        f"  per-round engine/bare  {pairs}",
        f"  CPU-time ratio engine/bare  {speed['cpu_ratio_engine_bare']:.3f}   "
        "(reference: less disturbed by other load)",
        f"  ratio engine/bare  {speed['ratio_engine_bare']:.3f}   goal <= {SPEED_RATIO_GOAL}   "
        f"{verdict(speed['pass'])}",
        f"  same transcript text: {'yes' if speed['same_text'] else 'no'} "
        f"(words: bare {speed['words']['bare']}, engine {speed['words']['engine']})",
    ]
    return lines


def report_memory(memory: dict[str, Any], long_label: str) -> list[str]:
    lines = ["Memory (engine, fresh process per file, peak RSS = VmHWM)"]
    for key, label in (("10min", "10 min"), ("long", long_label)):
        run = memory["runs"][key]
        lines.append(
            f"  {label:<7} peak {fmt_mb(run['peak_rss_bytes']):>9}  (after model load "
            f"{fmt_mb(run['peak_rss_after_load_bytes'])})  transcribe {run['transcribe_seconds']:7.1f} s  "
            f"RTF {run['rtf']:.4f}  segments {run['segments']}"
        )
    for key, label in (("10min", "10 min"), ("long", long_label)):
        blocks = " ".join(f"{value / MB:.0f}" for value in memory["runs"][key]["polled_rss_peak_per_10min_bytes"])
        lines.append(f"  {label:<7} polled RSS peak per 10 min of audio (MB): {blocks}")
    lines += [
        f"  peak {fmt_mb(memory['peak_bytes'])}   goal <= 1.5 GB   {verdict(memory['peak_pass'])}",
        f"  ratio {long_label}/10 min {memory['ratio_long_10min']:.3f}   goal <= {GROWTH_RATIO_GOAL}   "
        f"{verdict(memory['ratio_pass'])}",
    ]
    return lines


def render(results: dict[str, Any]) -> str:
    lines = [f"meeting-recorder offline benchmark ({results['mode']})", f"command: {results['command']}", ""]
    lines += report_machine(results["machine"]) + [""]
    if "speed" in results:
        lines += report_speed(results["speed"]) + [""]
    if "memory" in results:
        lines += report_memory(results["memory"], results["long_label"]) + [""]
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 hour instead of 3 hours for the long file")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs of each (default 5, quick 3)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--skip-speed", action="store_true", help="only the memory part")
    parser.add_argument("--skip-memory", action="store_true", help="only the speed part")
    parser.add_argument("--child", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 5
    if args.repeats < 3:
        parser.error("--repeats must be at least 3")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_tools() -> None:
    missing = [tool for tool in ("espeak-ng", "sox", "soxi") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"missing tools: {', '.join(missing)} (apt-get install espeak-ng sox libsox-fmt-all)")


def run_benchmark(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    blocks = LONG_BLOCKS_QUICK if args.quick else LONG_BLOCKS_FULL
    parts = [name for name, skipped in (("speed", args.skip_speed), ("memory", args.skip_memory)) if not skipped]
    results: dict[str, Any] = {
        "mode": f"{'quick' if args.quick else 'full'}: {' + '.join(parts) or 'nothing'}",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "long_label": f"{blocks * 10 // 60} h",
        "machine": machine_info(),
    }
    log("Building test audio ...")
    audio = build_audio(folder, blocks, log)
    results["audio"] = {p.name: duration_of(p) for p in (audio.speech, audio.ten_minutes, audio.long)}
    if not args.skip_speed:
        log("Speed ...")
        results["speed"] = bench_speed(audio.speech, args.repeats, log)
    if not args.skip_memory:
        log("Memory ...")
        results["memory"] = bench_memory(audio, log)
    results["machine"]["loadavg_end"] = list(os.getloadavg())
    return results


def all_passed(results: dict[str, Any]) -> bool:
    checks: list[bool] = []
    if "speed" in results:
        checks.append(results["speed"]["pass"])
    if "memory" in results:
        checks += [results["memory"]["peak_pass"], results["memory"]["ratio_pass"]]
    return all(checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's package
    import meeting_recorder  # noqa: F401  (sets the offline environment first)

    if args.child is not None:
        child_main(args.child)
        return 0
    check_tools()

    folder = Path(tempfile.mkdtemp(prefix="bench-offline-"))
    try:
        results = run_benchmark(args, folder)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        log(f"JSON written to {args.json}")
    return 0 if all_passed(results) else 1


if __name__ == "__main__":
    sys.exit(main())
