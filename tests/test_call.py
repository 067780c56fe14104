"""A call on two tracks, played from files as if live: the microphone (voice A, "You") and
the system audio (voice B, the other side), with and without the speakers' echo in the
microphone; kill -9 in the middle of a call. Real tiny.en, CAM++, Silero VAD, writers.

The same with a real PulseAudio server (two null sinks) is in ``test_call_pulse.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from meeting_recorder.core.call_tracks import mix_tracks
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.recovery import recover_folder
from meeting_recorder.core.sources import FileSource
from tests.calls import REMOTE_WER_BAR, make_call
from tests.speech import wer, words

ROOT = Path(__file__).resolve().parents[1]
SPEED = 1.0  # real time: both files paced by the same clock, as two devices are


def _settings(out: Path, **changes) -> LiveSettings:
    return LiveSettings(out_dir=out, model="tiny.en", language="en", formats=["md"], **changes)


def _record_call(mic: Path, system: Path, out: Path, partials: list | None = None, **changes) -> tuple:
    """Record the call; ``partials`` collects (track, seconds since the start, PartialText)."""
    callbacks = LiveCallbacks()
    started = [0.0]  # when playing began: audio time 0
    if partials is not None:
        callbacks.partial = lambda track, partial: partials.append((track, time.monotonic() - started[0], partial))
    session = LiveSession(FileSource(mic, speed=SPEED), _settings(out, **changes), callbacks,
                          system_source=FileSource(system, speed=SPEED))
    started[0] = time.monotonic()
    session.start()
    assert session.wait(120), "the call did not end"
    result = session.stop()
    session.close()
    data = json.loads(result.recording.with_suffix(".json").read_text())
    return result, data["segments"]


def _side(segments: list[dict], you: bool) -> str:
    return " ".join(s["text"] for s in segments if (s["speaker"] == "You") == you)


def _appearances(line: str, segments: list[dict]) -> int:
    """How many segments say (most of) this line."""
    target = set(words(line).split())
    return sum(len(target & set(words(s["text"]).split())) >= 0.6 * len(target) for s in segments)


def _lag(recorded: np.ndarray, original: np.ndarray, rate: int) -> float:
    """Seconds the recorded track is late against the original (cross-correlation)."""
    n = min(len(recorded), len(original), 20 * rate)
    a, b = recorded[:n].astype(np.float64), original[:n].astype(np.float64)
    spectrum = np.fft.rfft(a, 2 * n) * np.conj(np.fft.rfft(b, 2 * n))
    correlation = np.fft.irfft(spectrum)
    lag = int(np.argmax(np.concatenate([correlation[-n:], correlation[:n]]))) - n
    return lag / rate


def test_call_two_tracks_you_and_remote(tmp_path: Path) -> None:
    call = make_call(tmp_path / "audio")
    partials: list = []
    result, segments = _record_call(call.mic, call.system, tmp_path / "rec", partials=partials)
    mic_track, system_track = result.tracks
    assert mic_track.name.endswith(".mic.wav") and system_track.name.endswith(".system.wav")
    assert result.recording.name.endswith(".wav") and result.recording.is_file()  # the mix
    mic_audio, rate = soundfile.read(mic_track, dtype="float32")
    system_audio, _ = soundfile.read(system_track, dtype="float32")
    original_mic, _ = soundfile.read(call.mic, dtype="float32")
    original_system, _ = soundfile.read(call.system, dtype="float32")
    assert np.array_equal(mic_audio, original_mic[: len(mic_audio)])  # the microphone as captured
    assert abs(len(system_audio) - len(mic_audio)) / rate < 0.3
    # Aligned on the mic's clock: the start offset is measured from arrival times (a loaded
    # machine delays some; drift, the long-run part, is within ms: test_track_clock.py).
    assert abs(_lag(system_audio, original_system, rate)) <= 0.1
    mix, _ = soundfile.read(result.recording, dtype="float32")
    assert abs(len(mix) - len(mic_audio)) / rate < 0.3
    local = " ".join(text for *_, text in call.local_lines)
    remote = " ".join(text for *_, text in call.remote_lines)
    assert wer(local, _side(segments, you=True)) <= 0.15
    assert wer(remote, _side(segments, you=False)) <= REMOTE_WER_BAR
    assert {s["speaker"] for s in segments if s["speaker"] != "You"} <= {"Speaker 1", "Speaker 2"}
    starts = [s["start"] for s in segments]
    assert starts == sorted(starts)  # the two sides read in the order spoken
    # Words while they are spoken: on each track, some line's words were shown before it ended.
    for track, lines in (("mic", call.local_lines), ("system", call.remote_lines)):
        early = [end - at for start, end, text in lines for name, at, partial in partials
                 if name == track and partial is not None and start < at < end
                 and set(words(partial.text).split()) & set(words(text).split())]
        assert early, (track, [(n, round(a, 1), p and p.text) for n, a, p in partials])
    assert not list((tmp_path / "rec").glob("*.partial")) and not list((tmp_path / "rec").glob("*.jsonl"))


@pytest.mark.parametrize("bleed_db", [-10])  # -3 dB: test_call_pulse.py, through PulseAudio
def test_call_echo_of_the_speakers_appears_once(tmp_path: Path, bleed_db: int) -> None:
    # The other side speaks first: its echo comes while the system track's start is still
    # being measured (held back), and must be suppressed all the same.
    call = make_call(tmp_path / "audio", bleed_db=bleed_db, remote_first=True)
    result, segments = _record_call(call.mic, call.system, tmp_path / "rec")
    you = [s for s in segments if s["speaker"] == "You"]
    counts = [_appearances(text, segments) for *_, text in call.remote_lines]
    assert counts == [1] * len(call.remote_lines), (counts, segments)
    assert all(_appearances(text, you) == 0 for *_, text in call.remote_lines)
    local = " ".join(text for *_, text in call.local_lines)
    assert wer(local, _side(segments, you=True)) <= 0.15  # the local lines are intact
    assert result.echo_dropped >= 1


KILLED_CALL = """
import sys, time
from pathlib import Path
from meeting_recorder.core.call_tracks import mix_tracks
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.sources import FileSource
mic, system, out = map(Path, sys.argv[1:4])
session = LiveSession(FileSource(mic), LiveSettings(out_dir=out, model="tiny.en", language="en", formats=["md"]),
                      system_source=FileSource(system))
session.start()
time.sleep(3.0)
print("mark", session.add_mark("decision"), flush=True)
print("note", session.add_note("call Kim back"), flush=True)
time.sleep(60)
"""


def test_kill9_mid_call_recovers_both_tracks_marks_and_notes(tmp_path: Path) -> None:
    call = make_call(tmp_path / "audio")
    out = tmp_path / "rec"
    env = dict(os.environ, MEETING_RECORDER_IN_PROCESS="1")
    process = subprocess.Popen([sys.executable, "-c", KILLED_CALL, str(call.mic), str(call.system), str(out)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("mark ") and lines[1].startswith("note "), lines
        time.sleep(7.0)  # past the ~6 s the aligner holds the system track's start (measuring it)
        killed_at = time.monotonic()
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    assert killed_at  # the process had recorded ~10 s
    partials = sorted(p.name for p in out.glob("*.partial"))
    assert [name.split(".", 1)[1] for name in partials] == ["mic.wav.partial", "system.wav.partial"]
    recovered, errors = recover_folder(out, ["md"])
    assert not errors and len(recovered) == 1
    mix = recovered[0].path
    base = mix.with_suffix("")
    mic_audio, rate = soundfile.read(base.with_name(base.name + ".mic.wav"), dtype="float32")
    system_audio, _ = soundfile.read(base.with_name(base.name + ".system.wav"), dtype="float32")
    original_mic, _ = soundfile.read(call.mic, dtype="float32")
    assert len(mic_audio) / rate >= 9.0  # at most the last second lost (header refresh 0.5 s)
    assert np.array_equal(mic_audio, original_mic[: len(mic_audio)])  # sample-exact
    assert abs(len(system_audio) - len(mic_audio)) / rate <= 1.0
    data = json.loads(mix.with_suffix(".json").read_text())
    assert [m["label"] for m in data["marks"]] == ["decision"]
    assert [n["text"] for n in data["notes"]] == ["call Kim back"]
    assert "call Kim back" in mix.with_suffix(".md").read_text()
    assert not list(out.glob("*.partial")) and not list(out.glob("*.jsonl")) and not list(out.glob("*.mixing"))


def test_recorded_call_transcribed_again_from_its_tracks(tmp_path: Path) -> None:
    """Dropping a call's mix on the app (here: the CLI) transcribes its two tracks: "You"
    from the microphone without the echo, the other side diarized."""
    call = make_call(tmp_path / "audio", bleed_db=-3)
    folder = tmp_path / "rec"
    folder.mkdir()
    for track, path in (("mic", call.mic), ("system", call.system)):
        shutil.copy(path, folder / f"call.{track}.wav")  # as a recording leaves them
    mix = folder / "call.wav"
    mix_tracks(folder / "call.mic.wav", folder / "call.system.wav", mix)
    out = tmp_path / "again"
    done = subprocess.run([sys.executable, "-m", "meeting_recorder", "transcribe", str(mix),
                           "--model", "tiny.en", "--language", "en", "--format", "json", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    segments = json.loads((out / "call.json").read_text())["segments"]
    local = " ".join(text for *_, text in call.local_lines)
    remote = " ".join(text for *_, text in call.remote_lines)
    assert wer(local, _side(segments, you=True)) <= 0.15, segments
    assert wer(remote, _side(segments, you=False)) <= REMOTE_WER_BAR, segments
    assert all(s["speaker"] for s in segments)
    counts = [_appearances(text, segments) for *_, text in call.remote_lines]
    assert counts == [1] * len(call.remote_lines), (counts, segments)
