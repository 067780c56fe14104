#!/usr/bin/env python3
"""Speaker benchmark: diarization speed, transcript + speakers speed, memory on long files,
and DER on the synthetic dev set.

Usage::

    .venv/bin/python scripts/bench_speakers.py            # full: 10 min and 3 h (~45 min on 2 cores)
    .venv/bin/python scripts/bench_speakers.py --quick    # 1 h instead of 3 h
    .venv/bin/python scripts/bench_speakers.py --skip-memory

1. Speed, one process, models loaded first: a 10-minute three-voice espeak conversation is
   diarized (``Diarizer.analyze_file``) and transcribed with speakers
   (``transcribe_with_speakers``, tiny.en, the CLI's default path); transcription alone is
   timed too, for reference. Goals: diarization RTF <= 0.10, transcript + speakers <= 0.15.
2. Memory: the same job in a fresh process per file, peak RSS (VmHWM) for the 10-minute
   file and for 3 h (18 copies of it, so the same voices come back in every window).
   Goal: 3 h peak <= 1.5 GB.
3. DER per dev conversation (``speaker_devset.py``) with the default settings; goal <= 10 %
   with the right speaker count.
Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_offline import rss_peak_bytes  # noqa: E402
from bench_writer import machine, verdict  # noqa: E402
from speaker_devset import build_dev_set, der  # noqa: E402

from tests.conversations import make_conversation  # noqa: E402

MODEL = "tiny.en"
MB = 1024 * 1024
DIARIZE_RTF_GOAL = 0.10
TOTAL_RTF_GOAL = 0.15
PEAK_GOAL_BYTES = 1.5 * 1024 * MB
MAX_DER = 0.10


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_inputs(folder: Path, long_copies: int):
    conversation = make_conversation(folder / "ten_minutes.wav", "ABC", 600, seed=21, turn_seconds=(2.0, 10.0))
    long_path = folder / f"long_{long_copies * 10}min.flac"
    samples, rate = soundfile.read(str(conversation.path), dtype="int16")
    with soundfile.SoundFile(str(long_path), "w", rate, 1, subtype="PCM_16", format="FLAC") as out:
        for _ in range(long_copies):
            out.write(samples)
    return conversation, long_path


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def bench_speed(conversation) -> dict:
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from meeting_recorder.core.speakers import Diarizer
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    options = TranscribeOptions(language="en")
    with TranscriptionEngine(MODEL) as engine, Diarizer() as diarizer:
        engine.load()
        diarizer.load()
        log("speed: diarization ...")
        diarization, diarize_s = timed(lambda: diarizer.analyze_file(conversation.path))
        log("speed: transcription only ...")
        _, transcribe_s = timed(lambda: engine.transcribe_file(conversation.path, options))
        log("speed: transcript + speakers ...")
        transcript, total_s = timed(
            lambda: transcribe_with_speakers(engine, diarizer, conversation.path, options, SpeakerRequest())
        )
    return {
        "audio_seconds": conversation.duration,
        "diarize_seconds": diarize_s,
        "transcribe_seconds": transcribe_s,
        "total_seconds": total_s,
        "der": der(conversation, diarization.turns),
        "speakers_found": len({t.speaker for t in diarization.turns}),
        "speakers_true": len(conversation.speakers),
        "labels": sorted({s.speaker for s in transcript.segments if s.speaker}),
    }


def child_main(path: Path) -> None:
    """Fresh process: load both models, transcribe ``path`` with speakers, print JSON."""
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from meeting_recorder.core.speakers import Diarizer
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    with TranscriptionEngine(MODEL) as engine, Diarizer() as diarizer:
        engine.load()
        diarizer.load()
        after_load = rss_peak_bytes()
        transcript, seconds = timed(lambda: transcribe_with_speakers(
            engine, diarizer, path, TranscribeOptions(language="en"), SpeakerRequest()))
    print("BENCH-CHILD " + json.dumps({
        "audio_seconds": transcript.duration,
        "seconds": seconds,
        "peak_rss_bytes": rss_peak_bytes(),
        "after_load_bytes": after_load,
        "speakers": sorted({s.speaker for s in transcript.segments if s.speaker}),
    }), flush=True)


def run_child(path: Path) -> dict:
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(path)],
                            capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-CHILD "):
            return json.loads(line.removeprefix("BENCH-CHILD "))
    raise RuntimeError(f"child for {path.name} failed ({result.returncode}):\n{result.stderr[-3000:]}")


def bench_dev_set(folder: Path) -> list[dict]:
    from meeting_recorder.core.speakers import Diarizer

    rows = []
    dev_set = build_dev_set(folder)
    with Diarizer() as diarizer:
        diarizer.load()
        for dev, conversation in dev_set:
            log(f"dev set: {dev.name} ...")
            turns = diarizer.diarize_file(conversation.path)
            rows.append({"name": dev.name, "seconds": conversation.duration, "turn_seconds": dev.turn_seconds,
                         "der": der(conversation, turns), "found": len({t.speaker for t in turns}),
                         "true": len(conversation.speakers)})
    return rows


def report(speed: dict | None, memory: dict | None, dev_rows: list[dict]) -> bool:
    ok = True
    if speed:
        a = speed["audio_seconds"]
        d_rtf, t_rtf, total_rtf = speed["diarize_seconds"] / a, speed["transcribe_seconds"] / a, speed["total_seconds"] / a
        print(f"\nSpeed ({a:.0f} s three-voice conversation, {MODEL}, models loaded first)")
        print(f"  diarization           {speed['diarize_seconds']:7.1f} s  RTF {d_rtf:.3f}  "
              f"(goal <= {DIARIZE_RTF_GOAL})  {verdict(d_rtf <= DIARIZE_RTF_GOAL)}")
        print(f"  transcription only    {speed['transcribe_seconds']:7.1f} s  RTF {t_rtf:.3f}  (reference)")
        print(f"  transcript + speakers {speed['total_seconds']:7.1f} s  RTF {total_rtf:.3f}  "
              f"(goal <= {TOTAL_RTF_GOAL})  {verdict(total_rtf <= TOTAL_RTF_GOAL)}")
        print(f"  DER {speed['der'] * 100:.1f} %, speakers {speed['speakers_found']}/{speed['speakers_true']}, "
              f"labels {', '.join(speed['labels'])}")
        ok &= d_rtf <= DIARIZE_RTF_GOAL and total_rtf <= TOTAL_RTF_GOAL
    if memory:
        print("\nMemory (transcript + speakers, fresh process per file, peak RSS = VmHWM)")
        for name, row in memory.items():
            print(f"  {name:>7}  peak {row['peak_rss_bytes'] / MB:6.0f} MB  (after loading both models "
                  f"{row['after_load_bytes'] / MB:.0f} MB)  {row['seconds']:7.1f} s  "
                  f"RTF {row['seconds'] / row['audio_seconds']:.3f}  speakers {len(row['speakers'])}")
        long_row = memory[max(memory, key=lambda k: memory[k]["audio_seconds"])]
        peak_ok = long_row["peak_rss_bytes"] <= PEAK_GOAL_BYTES
        ratio = long_row["peak_rss_bytes"] / memory["10 min"]["peak_rss_bytes"]
        print(f"  longest/10 min peak ratio {ratio:.2f}; peak {long_row['peak_rss_bytes'] / MB:.0f} MB "
              f"(goal <= 1.5 GB)  {verdict(peak_ok)}")
        ok &= peak_ok
    if dev_rows:
        print("\nDER on the dev set (default settings, automatic speaker count)")
        for row in dev_rows:
            right = row["der"] <= MAX_DER and row["found"] == row["true"]
            turns = f"{row['turn_seconds'][0]:g}-{row['turn_seconds'][1]:g} s turns"
            print(f"  {row['name']:>20}  {row['seconds']:5.0f} s  {turns:>13}  DER {row['der'] * 100:5.1f} %  "
                  f"speakers {row['found']}/{row['true']}  {verdict(right)}")
            ok &= right
    print(f"\noverall: {verdict(ok)}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 h instead of 3 h for the memory run")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    print(f"bench_speakers  {time.strftime('%Y-%m-%dT%H:%M:%S')}\nmachine: {machine()}")
    copies = 6 if args.quick else 18
    with tempfile.TemporaryDirectory(prefix="bench_speakers_") as tmp:
        folder = Path(tmp)
        log("building audio ...")
        conversation, long_path = build_inputs(folder, 0 if args.skip_memory else copies)
        speed = None if args.skip_speed else bench_speed(conversation)
        memory = None
        if not args.skip_memory:
            memory = {}
            for name, path in (("10 min", conversation.path), (f"{copies * 10 // 60} h", long_path)):
                log(f"memory: {name} in a fresh process ...")
                memory[name] = run_child(path)
        dev_rows = [] if args.skip_dev else bench_dev_set(folder)
    return 0 if report(speed, memory, dev_rows) else 1


if __name__ == "__main__":
    sys.exit(main())
