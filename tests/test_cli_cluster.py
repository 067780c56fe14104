"""``meeting-recorder transcribe --cluster …`` as a user runs it (subprocesses): a local Ray
started for the job, a real cluster on 127.0.0.1, an address where nothing listens, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.ray_cluster import free_port, processes_naming, ray_cluster
from tests.speech import JFK
from tests.test_cluster import write_long_speech

pytest.importorskip("ray")

CLI = [sys.executable, "-m", "meeting_recorder"]
REAL = JFK.parent / "real"


def _cut(source: Path, start: float, end: float, out: Path) -> Path:
    data, rate = soundfile.read(str(source), dtype="float32", always_2d=True)
    soundfile.write(str(out), data[int(start * rate):int(end * rate)], rate)
    return out


@pytest.fixture
def short_tmp():
    """A short TMPDIR for the CLI's local Ray (its socket paths have a length limit); at
    the end no process names it and it is empty."""
    folder = Path(tempfile.mkdtemp(prefix="mrt-cli-"))
    yield folder
    left = processes_naming(str(folder))
    assert not left, f"Ray processes left: {left}"
    assert not list(folder.iterdir()), list(folder.iterdir())
    folder.rmdir()


def _run(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


def _segments(path: Path) -> list[tuple[str, float, float]]:
    return [(s["text"], s["start"], s["end"]) for s in json.loads(path.read_text(encoding="utf-8"))["segments"]]


def test_local_cluster_folder_same_outputs_as_local_run(tmp_path, short_tmp):
    """A folder on `--cluster local --workers 2`: the files and JSON of the local run, a bad
    file reported alone (exit 1 as locally), no Ray process or temp file left."""
    folder = tmp_path / "in"
    folder.mkdir()
    _cut(JFK, 0.0, 5.5, folder / "a.wav")
    _cut(JFK, 5.5, 11.0, folder / "b.flac")
    _cut(REAL / "voices" / "librispeech_mfa" / "61-70968-0000.flac", 0.0, 5.0, folder / "c.wav")
    (folder / "bad.mp3").write_bytes(b"not audio" * 100)
    (folder / "notes.txt").write_text("not a media file\n")
    home = tmp_path / "home"  # Ray would put a token in ~/.ray: the local Ray's stays in memory
    home.mkdir()
    env = {**os.environ, "TMPDIR": str(short_tmp), "HOME": str(home)}
    for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "RAY_ADDRESS"):
        env.pop(name, None)
    flags = ["--model", "tiny.en", "--language", "en", "--speakers", "off", "--format", "json,txt,srt"]
    started = time.monotonic()
    remote = _run(["transcribe", "--cluster", "local", "--workers", "2", *flags, "--out", str(tmp_path / "remote"),
                   str(folder)], env)
    took = time.monotonic() - started
    local = _run(["transcribe", *flags, "--out", str(tmp_path / "local"), str(folder)], env)
    assert remote.returncode == local.returncode == 1, remote.stderr
    assert "bad.mp3" in remote.stderr and "1 of 4 file(s) failed" in remote.stderr
    assert "2 worker(s) ready" in remote.stderr
    names = sorted(p.name for p in (tmp_path / "remote").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == sorted(f"{stem}.{fmt}" for stem in "abc" for fmt in ("json", "txt", "srt"))
    assert sorted(remote.stdout.split()) == sorted(str(tmp_path / "remote" / name) for name in names)
    for stem in "abc":
        here, there = _segments(tmp_path / "local" / f"{stem}.json"), _segments(tmp_path / "remote" / f"{stem}.json")
        assert [t for t, *_ in here] == [t for t, *_ in there], stem
        assert np.allclose([s[1:] for s in here], [s[1:] for s in there], atol=0.1), stem
        data = json.loads((tmp_path / "remote" / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["file"] == str(next(folder.glob(f"{stem}.*")))
    assert not (home / ".ray").exists()
    print(f"cluster local run: {took:.1f} s")


def test_folders_expand_to_their_media_files(tmp_path):
    from meeting_recorder.cli import expand_folders

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name in ("b.wav", "b.mic.wav", "b.system.wav", "A.MP4", "c.flac", "notes.txt", "sub/d.wav"):
        (folder / name).write_bytes(b"x")
    empty = tmp_path / "empty"
    empty.mkdir()
    single = tmp_path / "single.m4a"
    assert expand_folders([str(single), str(folder), str(empty)]) == [
        str(single), str(folder / "A.MP4"), str(folder / "b.wav"), str(folder / "c.flac"), str(empty)]


def test_unreachable_cluster_one_line_exit_1_nothing_written(tmp_path):
    port = free_port()
    out = tmp_path / "out"
    started = time.monotonic()
    result = _run(["transcribe", "--cluster", f"127.0.0.1:{port}", "--model", "tiny.en", "--out", str(out),
                   str(JFK)], dict(os.environ), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: Cannot reach the Ray cluster at 127.0.0.1:{port} (Connection refused)."
    assert not out.exists() and result.stdout == ""
    assert time.monotonic() - started < 10.0


def test_ctrl_c_stops_the_remote_work(tmp_path, tmp_path_factory):
    """Ctrl+C while a worker transcribes: exit 130 within seconds, nothing written, the
    workers gone with the job."""
    long_file = write_long_speech(tmp_path / "long.wav")
    home = tmp_path_factory.getbasetemp() / "user-home"
    with ray_cluster(num_cpus=1, extra_env={"MEETING_RECORDER_HOME": str(home)}) as cluster:
        env = {**os.environ, **cluster.env}
        out = tmp_path / "out"
        command = [*CLI, "transcribe", "--cluster", cluster.address, "--model", "tiny.en", "--speakers", "off",
                   "--out", str(out), str(long_file)]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            seen = _wait_for_progress(process)
            process.send_signal(signal.SIGINT)
            started = time.monotonic()
            _, rest = process.communicate(timeout=60)
            stopped = time.monotonic() - started
            stderr = seen + rest.decode("utf-8", "replace")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 130, stderr
        assert "interrupted" in stderr and not out.exists()
        assert stopped < 15.0, stopped  # cancel within ~1 s, then the workers release and the driver disconnects
        workers = [p for p in processes_naming(str(cluster.temp_dir)) if "ray::" in " ".join(p.cmdline())]
        assert not [p for p in workers if "TranscriptionWorker" in " ".join(p.cmdline())]


def _wait_for_progress(process: subprocess.Popen, timeout_s: float = 120.0) -> str:
    """Read stderr until the bar has moved past 0 % (the worker is mid-file); what was read."""
    descriptor = process.stderr.fileno()
    os.set_blocking(descriptor, False)
    seen, deadline = b"", time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            try:
                seen += os.read(descriptor, 65536)
            except BlockingIOError:
                pass
            text = seen.decode("utf-8", "replace")
            if "ready" in text and any(f"{n:3d}%|" in text for n in range(1, 90)):
                return text
            if process.poll() is not None:
                raise AssertionError(f"exited early: {text}")
            time.sleep(0.1)
    finally:
        os.set_blocking(descriptor, True)
    raise AssertionError(f"no progress: {seen[-2000:]!r}")
