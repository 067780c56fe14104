"""A whole call through a real PulseAudio server: two null sinks, one the microphone (voice A
played into it), one the speakers (voice B, the other side). ``record --source both``
captures the microphone through PortAudio and the speakers' monitor as system audio.
With speaker bleed, the remote lines are also played quieter into the microphone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile

from tests.calls import REMOTE_WER_BAR, make_call
from tests.needs import needs
from tests.pulse import PulseUnavailable, VirtualCall
from tests.speech import wer, words
from tests.test_call import _appearances, _side

ROOT = Path(__file__).resolve().parents[1]
pytestmark = needs(not Path("/usr/bin/pulseaudio").exists(), "pulseaudio is not installed (make test installs it)")
START_SECONDS = 4.0  # PulseAudio streams take ~3 s to start


@pytest.fixture
def call_rig(tmp_path: Path):
    rig = VirtualCall(tmp_path / "pulse")
    try:
        rig.start()
    except PulseUnavailable as error:
        pytest.skip(str(error))
    yield rig
    rig.stop()


def _record(rig: VirtualCall, out: Path, seconds: float, *extra: str) -> tuple[subprocess.Popen, list[str]]:
    command = [sys.executable, "-m", "meeting_recorder", "record", "--source", "both", "--model", "tiny.en",
               "--language", "en", "--format", "md", "--out", str(out), "--seconds", str(seconds), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=rig.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    first = process.stdout.readline()
    assert first.startswith("Recording to"), (first, process.stderr.read() if process.poll() is not None else "")
    return process, [first]


def _run_call(rig: VirtualCall, tmp_path: Path, bleed_db: float | None) -> tuple[dict, list[dict], object]:
    call = make_call(tmp_path / "audio", bleed_db=None)
    out = tmp_path / "rec"
    process, _ = _record(rig, out, START_SECONDS + call.duration + 1.0)
    players = []
    try:
        time.sleep(START_SECONDS)
        players = [rig.play_mic(call.mic), rig.play_remote(call.system)]
        if bleed_db is not None:
            players.append(rig.play_bleed(call.system, bleed_db))
        stdout, stderr = process.communicate(timeout=call.duration + 240)
    finally:
        for player in players:
            player.wait(30)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    saved = next(line for line in stdout.splitlines() if line.startswith("Saved "))
    mix = Path(saved.split()[1])
    tracks = [Path(line.split()[1]) for line in stdout.splitlines() if line.startswith("Track ")]
    data = json.loads(mix.with_suffix(".json").read_text())
    return {"mix": mix, "tracks": tracks}, data["segments"], call


def test_call_through_pulseaudio_both_sides(call_rig: VirtualCall, tmp_path: Path) -> None:
    files, segments, call = _run_call(call_rig, tmp_path, bleed_db=None)
    mic_track, system_track = files["tracks"]
    assert mic_track.name.endswith(".mic.wav") and system_track.name.endswith(".system.wav")
    mic_info, system_info = soundfile.info(str(mic_track)), soundfile.info(str(system_track))
    assert abs(mic_info.duration - system_info.duration) < 0.5  # the same stretch of time
    local = " ".join(text for *_, text in call.local_lines)
    remote = " ".join(text for *_, text in call.remote_lines)
    assert wer(local, _side(segments, you=True)) <= 0.15, segments
    assert wer(remote, _side(segments, you=False)) <= REMOTE_WER_BAR, segments
    # Aligned: each remote line is transcribed where it was played, relative to the local ones.
    you = [s for s in segments if s["speaker"] == "You"]
    others = [s for s in segments if s["speaker"] != "You"]
    assert you and others and you[0]["start"] < others[0]["start"]


def test_call_through_pulseaudio_with_speaker_bleed(call_rig: VirtualCall, tmp_path: Path) -> None:
    _, segments, call = _run_call(call_rig, tmp_path, bleed_db=-3.0)
    counts = [_appearances(text, segments) for *_, text in call.remote_lines]
    assert counts == [1] * len(call.remote_lines), (counts, segments)
    local = " ".join(text for *_, text in call.local_lines)
    assert wer(local, _side(segments, you=True)) <= 0.15, segments
    assert all(words(text) for *_, text in call.local_lines)
