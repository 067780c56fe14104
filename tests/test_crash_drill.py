"""Never lose a meeting: kill -9 a live recording (scripts/crash_drill.py), and kill -9
``recover`` itself at random moments; each time the next ``recover`` gives the complete
recording and transcript and leaves nothing behind. Real CLI processes, real kills."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("crash_drill", ROOT / "scripts" / "crash_drill.py")
crash_drill = importlib.util.module_from_spec(_spec)
sys.modules["crash_drill"] = crash_drill  # its dataclasses look their module up
_spec.loader.exec_module(crash_drill)

# The real CLI recover, with its imports done before "go", so a kill lands in the work itself.
RECOVER = ("import sys, meeting_recorder.cli_record, meeting_recorder.core.recovery;"
           "from meeting_recorder.cli import main; print('go', flush=True); sys.exit(main(['recover', sys.argv[1]]))")
FORMATS = ("json", "txt", "srt", "vtt", "md")
SEGMENTS = 1500  # per journal: exports of a few MB, so kills land mid-export too


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    return crash_drill.make_speech(tmp_path_factory.mktemp("drill"), 30)


def test_live_sessions_killed_at_random_moments_are_recovered(speech, tmp_path):
    results = crash_drill.drill(speech, tmp_path, runs=3, speed=2.0, span=(1.0, 12.0), seed=3)
    assert [r.problem for r in results] == ["", "", ""]
    assert all(r.exact and r.saved > 0 for r in results)
    assert max(r.lost for r in results) < crash_drill.GOAL_SECONDS_LOST, [crash_drill.row(r) for r in results]
    assert crash_drill.summary(results).startswith("recovered 3/3, seconds lost: max 0.")


def _killed_recording(speech: Path, folder: Path) -> Path:
    """A real recording killed -9 once its journal holds two segments: (.wav.partial, journal)."""
    recording = crash_drill.start_recording(speech, folder, speed=2.0, speakers="off")
    journal = crash_drill.journal_of(recording.partial)
    deadline = time.monotonic() + 120
    while crash_drill.journal_segments(journal) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    crash_drill.kill(recording)
    assert crash_drill.journal_segments(journal) >= 2, recording.output
    return recording.partial


def _long_journal(journal: Path, count: int) -> str:
    """The real journal's segments repeated (shifted in time) up to ``count`` segments."""
    header, *lines = [line for line in journal.read_text(encoding="utf-8").splitlines() if line.strip()]
    segments = [json.loads(line) for line in lines if line.endswith("}")]  # whole lines only
    out = [header]
    for i in range(count):
        shift = 60.0 * (i // len(segments))
        segment = dict(segments[i % len(segments)], start=segments[i % len(segments)]["start"] + shift)
        out.append(json.dumps(segment, ensure_ascii=False))
    return "\n".join(out) + "\n"


def _make_leftovers(partial: Path, folder: Path, copies: int) -> list[str]:
    folder.mkdir()
    journal = _long_journal(crash_drill.journal_of(partial), SEGMENTS)
    stems = [f"2026-01-01_0900{k:02d}" for k in range(copies)]
    for stem in stems:
        shutil.copy(partial, folder / f"{stem}.wav.partial")
        (folder / f"{stem}.transcript.jsonl").write_text(journal, encoding="utf-8")
    return stems


def _start_recover(folder: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", RECOVER, str(folder)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline() == "go\n"
    return process


def _seconds_to_recover(folder: Path) -> float:
    process = _start_recover(folder)
    started = time.monotonic()
    process.communicate(timeout=300)
    return time.monotonic() - started


def _unfinished(folder: Path) -> list[str]:
    """Work a kill left for the next recover: partials, journals, temp files."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".jsonl", ".tmp")))


def _assert_no_half_transcript(folder: Path) -> None:
    """Any export on disk is whole: the writes are atomic."""
    for path in folder.glob("*.json"):
        assert len(json.loads(path.read_text(encoding="utf-8"))["segments"]) == SEGMENTS, path
    for path in folder.glob("*.txt"):
        assert len(path.read_text(encoding="utf-8").splitlines()) == SEGMENTS, path


def _kill_recover_at_random(folder: Path, rng: random.Random, full: float) -> list[str]:
    process = _start_recover(folder)
    time.sleep(rng.uniform(0.0, 0.9 * full))
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    _assert_no_half_transcript(folder)
    return _unfinished(folder)


def _assert_recovered(folder: Path, stems: list[str], source: np.ndarray, at_least: int) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.{ext}" for s in stems for ext in ("wav", *FORMATS))
    for stem in stems:
        samples, _ = sf.read(folder / f"{stem}.wav", dtype="int16", always_2d=True)
        assert len(samples) >= at_least and np.array_equal(samples, source[: len(samples)])
        transcript = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        assert len(transcript["segments"]) == SEGMENTS
        assert len((folder / f"{stem}.srt").read_text(encoding="utf-8").strip().split("\n\n")) == SEGMENTS


def test_kill_9_during_recover_then_recover_again(speech, tmp_path):
    partial = _killed_recording(speech, tmp_path / "live")
    # The header, refreshed every 0.5 s, describes all but the last moments: the floor.
    in_header, rate = sf.read(partial, dtype="int16", always_2d=True)
    source, source_rate = sf.read(speech, dtype="int16", always_2d=True)
    assert rate == source_rate and np.array_equal(in_header, source[: len(in_header)])
    _make_leftovers(partial, tmp_path / "dry-run", copies=4)
    full = _seconds_to_recover(tmp_path / "dry-run")  # an uninterrupted recover of 4 recordings
    rng = random.Random(11)
    left_by_kills = []
    for round_ in range(4):
        folder = tmp_path / f"round{round_}"
        stems = _make_leftovers(partial, folder, copies=4)
        left_by_kills += [_kill_recover_at_random(folder, rng, full) for _ in range(2)]  # killed, and killed again
        result = crash_drill.recover(folder)
        assert result.returncode == 0, result.stderr
        _assert_recovered(folder, stems, source, at_least=len(in_header))
    print("left by each kill:", left_by_kills)
    assert any(left_by_kills), "no kill landed inside a recover"
