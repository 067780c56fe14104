#!/usr/bin/env python3
"""Quiet audio: transcription and VAD on real speech at several levels, offline and live.

Usage::

    .venv/bin/python scripts/eval_levels.py [--json PATH] [--ami trn02,trn04,...] [--no-live]

1. ``jfk.flac`` (11 s, reference text known) scaled to -20, -45 and -55 dBFS RMS (16-bit
   WAV, its own 44.1 kHz stereo) and transcribed by the app's offline path
   (``TranscriptionEngine.transcribe_file``, tiny.en): WER (lowercase, no punctuation).
2. The quietest AMI far-field excerpts (no word transcripts): words and segments
   transcribed, and the seconds the Silero VAD calls speech in the audio the engine hands
   to Whisper (``TranscriptionEngine._windows``), against the reference speaker turns of
   ``ami.rttm`` (speech recall and false-alarm seconds, 32 ms frames, inside ``ami.uem``);
   the same for the utterances of the live ``Segmenter`` fed 0.25 s blocks (padded by
   its 0.2 s, so its false alarms include those pads).
3. Live: a ``LiveSession`` playing the -45 dBFS jfk file as if live (FileSource, speed 0,
   speaker labels off): the text and its WER; the same for the AMI files (word counts).

The script only uses the app's own entry points, so the same file measures the code before
a change (``PYTHONPATH=<old checkout>``) and after it. Temporary files go to a temp folder
that is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import jiwer
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
JFK = DATA / "jfk.flac"
AMI = DATA / "real" / "ami"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
LEVELS_DBFS = (-20.0, -45.0, -55.0)
SAMPLE_RATE = 16000
VAD_FRAME = 512


def words(text: str) -> str:
    import re

    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(words(reference), words(hypothesis)))


def scaled_copy(source: Path, target_dbfs: float, out: Path) -> Path:
    """``source`` scaled so that its RMS (all channels) is ``target_dbfs``; 16-bit WAV."""
    samples, rate = sf.read(source, dtype="float64", always_2d=True)
    rms = float(np.sqrt(np.mean(np.square(samples))))
    sf.write(out, samples * (10 ** (target_dbfs / 20) / rms), rate, subtype="PCM_16")
    return out


def reference_speech(file_id: str) -> tuple[np.ndarray, tuple[float, float]]:
    """Per 32 ms VAD frame: is anyone speaking (ami.rttm), and the scored region (ami.uem)."""
    start, end = 0.0, 30.0
    for line in (AMI / "ami.uem").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == file_id:
            start, end = float(parts[2]), float(parts[3])
    frames = np.zeros(int(30.0 * SAMPLE_RATE / VAD_FRAME) + 1, dtype=bool)
    for line in (AMI / "ami.rttm").read_text().splitlines():
        parts = line.split()
        if len(parts) > 4 and parts[1] == file_id:
            onset, duration = float(parts[3]), float(parts[4])
            a = int(onset * SAMPLE_RATE / VAD_FRAME)
            b = int((onset + duration) * SAMPLE_RATE / VAD_FRAME) + 1
            frames[a:b] = True
    return frames, (start, end)


def vad_frames(engine, path: Path) -> np.ndarray:
    """Silero speech probability >= 0.5 per 32 ms frame of what the engine hands Whisper."""
    from faster_whisper.vad import get_vad_model

    model = get_vad_model()
    flags = []
    for _, samples in engine._windows(path, None):
        usable = len(samples) // VAD_FRAME * VAD_FRAME
        probabilities = model(np.asarray(samples[:usable], dtype=np.float32)).reshape(-1)
        flags.append(probabilities >= 0.5)
    return np.concatenate(flags) if flags else np.zeros(0, dtype=bool)


def whisper_vad_seconds(engine, path: Path) -> float:
    """Seconds inside the speech chunks faster-whisper's ``vad_filter`` keeps (defaults)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    total = 0.0
    for _, samples in engine._windows(path, None):
        for chunk in get_speech_timestamps(np.asarray(samples, dtype=np.float32), VadOptions()):
            total += (chunk["end"] - chunk["start"]) / SAMPLE_RATE
    return total


def live_vad_frames(path: Path) -> np.ndarray:
    """Per 32 ms frame: inside an utterance of the live segmenter, fed 0.25 s blocks as the
    live transcriber does (through its level follower where the code has one)."""
    from meeting_recorder.core.audio import iter_blocks
    from meeting_recorder.core.segmenter import Segmenter

    try:
        from meeting_recorder.core.levels import LevelFollower

        follower = LevelFollower()
    except ImportError:  # the code before level normalization
        follower = None
    samples = np.concatenate(list(iter_blocks(path)))
    segmenter = Segmenter()
    utterances = []
    step = SAMPLE_RATE // 4
    for start in range(0, len(samples), step):
        block = samples[start : start + step]
        utterances += segmenter.feed(follower.process(block) if follower else block)
    utterances += segmenter.flush()
    frames = np.zeros(len(samples) // VAD_FRAME + 1, dtype=bool)
    for utterance in utterances:
        frames[utterance.start // VAD_FRAME : utterance.end // VAD_FRAME] = True
    return frames


def offline(engine, path: Path) -> dict:
    transcript = engine.transcribe_file(path)
    text = " ".join(segment.text for segment in transcript.segments)
    speech = vad_frames(engine, path)
    return {
        "text": text,
        "words": len(words(text).split()),
        "segments": len(transcript.segments),
        "vad_speech_s": round(float(speech.sum()) * VAD_FRAME / SAMPLE_RATE, 2),
        "whisper_vad_chunks_s": round(whisper_vad_seconds(engine, path), 2),
        "_speech_frames": speech,
        "_live_frames": live_vad_frames(path),
    }


def live(engine, path: Path, folder: Path) -> dict:
    from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
    from meeting_recorder.core.sources import FileSource

    segments = []
    session = LiveSession(
        FileSource(path, speed=0),
        LiveSettings(out_dir=folder, model="tiny.en", speakers=False, keep_models_loaded=True, formats=["txt"]),
        LiveCallbacks(segment=segments.append),
        engine=engine,
    )
    session.start()
    session.wait(300)
    result = session.stop()
    recorded, _ = sf.read(result.recording, dtype="int16", always_2d=True)
    original, _ = sf.read(path, dtype="int16", always_2d=True)
    text = " ".join(segment.text for segment in segments)
    return {
        "text": text,
        "words": len(words(text).split()),
        "segments": len(segments),
        "recording_sample_exact": bool(recorded.shape == original.shape and np.array_equal(recorded, original)),
    }


def level_of(path: Path) -> float:
    samples, _ = sf.read(path, dtype="float64", always_2d=True)
    return round(20 * float(np.log10(np.sqrt(np.mean(np.square(samples))) + 1e-12)), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ami", default="trn02,trn04,trn05,trn08,trn00,dev00,dev01")
    parser.add_argument("--no-live", action="store_true")
    args = parser.parse_args()

    import meeting_recorder
    from meeting_recorder.core.engine import TranscriptionEngine

    print(f"code: {Path(meeting_recorder.__file__).parent}", flush=True)
    results: dict = {"code": str(Path(meeting_recorder.__file__).parent), "jfk": {}, "ami": {}, "live": {}}
    engine = TranscriptionEngine("tiny.en")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="eval-levels-") as temp:
        folder = Path(temp)
        for level in LEVELS_DBFS:
            path = scaled_copy(JFK, level, folder / f"jfk{int(level)}.wav")
            row = offline(engine, path)
            row.pop("_speech_frames")
            row["live_vad_s"] = round(float(row.pop("_live_frames").sum()) * VAD_FRAME / SAMPLE_RATE, 2)
            row["wer"] = round(wer(JFK_TEXT, row["text"]), 3)
            results["jfk"][str(level)] = row
            print(
                f"offline jfk {level:+.0f} dBFS: WER {row['wer']:.3f}, VAD {row['vad_speech_s']} s, "
                f"live segmenter {row['live_vad_s']} s | {row['text']}",
                flush=True,
            )
        for file_id in [name for name in args.ami.split(",") if name]:
            path = AMI / f"{file_id}.flac"
            row = offline(engine, path)
            detected = row.pop("_speech_frames")
            live_detected = row.pop("_live_frames")
            truth, (start, end) = reference_speech(file_id)
            n = min(len(detected), len(truth))
            scored = np.zeros(n, dtype=bool)
            scored[int(start * SAMPLE_RATE / VAD_FRAME) : int(end * SAMPLE_RATE / VAD_FRAME)] = True
            seconds = VAD_FRAME / SAMPLE_RATE
            row["level_dbfs"] = level_of(path)
            row["reference_speech_s"] = round(float((truth[:n] & scored).sum()) * seconds, 2)
            row["vad_hit_s"] = round(float((detected[:n] & truth[:n] & scored).sum()) * seconds, 2)
            row["vad_false_alarm_s"] = round(float((detected[:n] & ~truth[:n] & scored).sum()) * seconds, 2)
            m = min(len(live_detected), n)
            row["live_vad_hit_s"] = round(float((live_detected[:m] & truth[:m] & scored[:m]).sum()) * seconds, 2)
            row["live_vad_false_alarm_s"] = round(float((live_detected[:m] & ~truth[:m] & scored[:m]).sum()) * seconds, 2)
            results["ami"][file_id] = row
            print(
                f"offline {file_id} ({row['level_dbfs']} dBFS): {row['words']} words, {row['segments']} segments, "
                f"VAD {row['vad_speech_s']} s (hit {row['vad_hit_s']} of {row['reference_speech_s']} s, "
                f"false alarm {row['vad_false_alarm_s']} s), whisper-VAD chunks {row['whisper_vad_chunks_s']} s; "
                f"live segmenter hit {row['live_vad_hit_s']} s, false alarm {row['live_vad_false_alarm_s']} s",
                flush=True,
            )
        if not args.no_live:
            path = scaled_copy(JFK, -45.0, folder / "jfk-45-live.wav")
            row = live(engine, path, folder / "live-jfk")
            row["wer"] = round(wer(JFK_TEXT, row["text"]), 3)
            results["live"]["jfk-45"] = row
            print(f"live jfk -45 dBFS: WER {row['wer']:.3f}, sample-exact {row['recording_sample_exact']} | {row['text']}", flush=True)
            for file_id in [name for name in args.ami.split(",") if name][:3]:
                row = live(engine, AMI / f"{file_id}.flac", folder / f"live-{file_id}")
                results["live"][file_id] = row
                print(f"live {file_id}: {row['words']} words, {row['segments']} segments | {row['text'][:120]}", flush=True)
    engine.close()
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
