"""The Ray cluster backend (issue 17) on a real Ray cluster on 127.0.0.1, started for this
module (tests/ray_cluster.py) and stopped at its end: two worker actors, real tiny.en and
speaker models, short real recordings."""

from __future__ import annotations

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

from meeting_recorder.core.cluster import (
    ClusterFileCancelled,
    ClusterFileDone,
    ClusterFileFailed,
    ClusterFileProgress,
    ClusterFileRetried,
    ClusterFileStarted,
    ClusterJob,
    ClusterOptions,
    ClusterReady,
    ClusterUnreachable,
    parse_address,
)
from meeting_recorder.core.cluster.actor import (
    WORK_PREFIX,
    AudioSource,
    _same_file,
    remove_stale_work_folders,
    usable_cores,
)
from meeting_recorder.core.export import export, to_dict
from meeting_recorder.core.transcribe_job import SpeakerRequest, exportable, output_stem
from tests.ray_cluster import free_port, processes_naming, ray_cluster
from tests.speech import JFK

pytest.importorskip("ray")

REAL = JFK.parent / "real"
FORMATS = ["json", "txt", "srt"]


def _cut(source: Path, start: float, end: float, out: Path) -> Path:
    data, rate = soundfile.read(str(source), dtype="float32", always_2d=True)
    soundfile.write(str(out), data[int(start * rate):int(end * rate)], rate)
    return out


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    """Six real recordings of a few seconds each."""
    folder = tmp_path_factory.mktemp("clips")
    voices = REAL / "voices"
    return [
        _cut(JFK, 0.0, 5.5, folder / "jfk_a.wav"),
        _cut(JFK, 5.5, 11.0, folder / "jfk_b.wav"),
        _cut(voices / "librispeech_mfa" / "61-70968-0000.flac", 0.0, 5.0, folder / "libri.wav"),
        _cut(voices / "librispeech_mfa" / "cold_corpus.wav", 0.0, 6.0, folder / "cold.wav"),
        _cut(REAL / "ami" / "trn00.flac", 0.0, 8.0, folder / "meeting.flac"),
        _cut(voices / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.wav", 0.0, 6.0, folder / "austen.wav"),
    ]


@pytest.fixture(scope="module")
def long_meeting(tmp_path_factory) -> Path:
    """About 2 minutes of continuous real speech (tiny.en needs several seconds even on idle
    cores): long enough to kill or cancel mid-file."""
    path = tmp_path_factory.mktemp("long") / "long_meeting.wav"
    write_long_speech(path)
    return path


def write_long_speech(path: Path, rounds: int = 2) -> Path:
    voices = REAL / "voices" / "librispeech_mfa"
    parts = [soundfile.read(str(voices / name), dtype="float32")[0] for name in ("cold_corpus.wav", "acoustic_corpus.wav")]
    jfk, rate = soundfile.read(str(JFK), dtype="float32", always_2d=True)
    parts.append(np.interp(np.arange(0, len(jfk), rate / 16000), np.arange(len(jfk)), jfk.mean(axis=1)).astype(np.float32))
    soundfile.write(str(path), np.concatenate(parts * rounds), 16000)
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The module's Ray cluster; its workers keep user data in the tests' home. At the end
    no process of it is left and its temp folder is gone."""
    home = tmp_path_factory.getbasetemp() / "user-home"
    with ray_cluster(num_cpus=2, extra_env={"MEETING_RECORDER_HOME": str(home)}) as running, \
            pytest.MonkeyPatch.context() as patch:
        for name, value in running.env.items():  # the driver's token: in the environment only
            patch.setenv(name, value)
        yield running
    assert not processes_naming(str(running.temp_dir)), "Ray processes left"
    assert not running.temp_dir.exists()


def _job(cluster, **options) -> ClusterJob:
    defaults = dict(workers=2, model="tiny.en", language="en", connect_timeout_s=5.0)
    return ClusterJob(ClusterOptions(cluster.address, **{**defaults, **options}))


def _segments(transcript) -> list[tuple[str, str | None, float, float]]:
    return [(s["text"], s["speaker"], s["start"], s["end"]) for s in to_dict(transcript)["segments"]]


def test_parse_address():
    assert parse_address("local").local
    assert parse_address("10.0.0.5").ray_address == "10.0.0.5:6379"
    assert parse_address("10.0.0.5:7000").port == 7000
    assert parse_address("ray://head").ray_address == "ray://head:10001"
    assert parse_address("[::1]:6379").host == "::1"
    for bad in ("", "10.0.0.5:x", "http://x/y", "a:99999"):
        with pytest.raises(ValueError):
            parse_address(bad)


def test_six_files_with_speakers_match_the_local_run(cluster, clips):
    """Two workers, six files, speakers on: the same segments and speakers as the local job."""
    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from meeting_recorder.core.speakers.diarizer import Diarizer
    from meeting_recorder.core.transcribe_job import transcribe_with_speakers

    events = []
    with _job(cluster, speakers=SpeakerRequest(), ship_audio="never") as job:
        job.on_event = events.append
        finals = job.run_all(clips)
    assert [type(e) for e in finals] == [ClusterFileDone] * 6, finals
    assert len({e.worker for e in finals}) == 2  # both workers took files
    assert {e.file_id for e in events if isinstance(e, ClusterFileStarted)} == {e.file_id for e in finals}
    with TranscriptionEngine("tiny.en") as engine, Diarizer() as diarizer:
        for clip, done in zip(clips, finals):
            local = transcribe_with_speakers(engine, diarizer, clip, TranscribeOptions(language="en"), SpeakerRequest())
            assert done.transcript.file == local.file == str(clip)
            remote, here = _segments(done.transcript), _segments(local)
            assert [(t, s) for t, s, *_ in remote] == [(t, s) for t, s, *_ in here], clip.name
            assert np.allclose([r[2:] for r in remote], [h[2:] for h in here], atol=0.1), clip.name
    assert any(s.speaker for e in finals for s in e.transcript.segments)


def test_worker_killed_mid_run_each_file_written_once(cluster, clips, long_meeting, tmp_path):
    """A worker process killed mid-file: its file runs again on another worker; all six are
    exported once each, and no temp file is left."""
    files = [long_meeting, *clips[:5]]
    out = tmp_path / "out"
    exported: dict[str, int] = {}
    killed: list[int] = []

    with _job(cluster, ship_audio="always", max_attempts=3) as job:
        def on_event(event):
            if isinstance(event, ClusterFileProgress) and event.path == str(long_meeting) and not killed:
                pid = next(w.pid for w in job.workers() if w.file_id == event.file_id)
                os.kill(pid, signal.SIGKILL)  # the worker process dies mid-file
                killed.append(pid)
            if isinstance(event, ClusterFileDone):
                export(exportable(event.transcript), out, FORMATS, stem=output_stem(event.path))
                exported[event.path] = exported.get(event.path, 0) + 1

        job.on_event = on_event
        finals = job.run_all(files)
        assert killed
        assert [type(e) for e in finals] == [ClusterFileDone] * 6, finals
        assert killed[0] not in {w.pid for w in job.workers()}
    assert exported == {str(path): 1 for path in files}
    # the killed worker's shipped audio was removed by the worker that replaced it
    assert not list(Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}{killed[0]}-*"))
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{output_stem(p)}.{fmt}" for p in files for fmt in FORMATS)
    assert (out / "long_meeting.txt").read_text(encoding="utf-8").strip()


def test_worker_killed_is_retried_event(cluster, long_meeting):
    """The retry is reported (attempt 2, the dead worker named) and the file still ends once."""
    events: list[object] = []
    killed: list[int] = []
    with _job(cluster, workers=1, ship_audio="never") as job:
        def on_event(event):
            events.append(event)
            running = [w.pid for w in job.workers() if isinstance(event, ClusterFileProgress) and w.file_id == event.file_id]
            if running and not killed:
                os.kill(running[0], signal.SIGKILL)
                killed.append(running[0])

        job.on_event = on_event
        (final,) = job.run_all([long_meeting])
    retried = [e for e in events if isinstance(e, ClusterFileRetried)]
    assert len(retried) == 1 and retried[0].attempt == 2, events
    assert isinstance(final, ClusterFileDone)
    assert sum(isinstance(e, ClusterFileDone) for e in events) == 1


def test_cancel_stops_remote_work_within_seconds(cluster, long_meeting):
    """Cancel: the worker stops the file within a few seconds (not killed: its model stays
    loaded, idle); no ClusterFileDone."""
    import ray

    events: list[object] = []
    cancelled_at: list[float] = []
    with _job(cluster, workers=1, cancel_grace_s=60.0) as job:
        def on_event(event):
            events.append(event)
            if isinstance(event, ClusterFileProgress) and not cancelled_at:
                job.cancel_all()
                cancelled_at.append(time.monotonic())

        job.on_event = on_event
        pid = job.workers()[0].pid
        (final,) = job.run_all([long_meeting])
        stopped = time.monotonic() - cancelled_at[0]
        assert isinstance(final, ClusterFileCancelled)
        assert stopped < 5.0, stopped
        assert not any(isinstance(e, ClusterFileDone) for e in events)
        (worker,) = job.workers()
        assert worker.pid == pid  # stopped, not killed
        handle = job._pool.slots[0].handle
        assert ray.get(handle.busy.remote(), timeout=10) == []
        assert ray.get(handle.loaded_models.remote(), timeout=10) == ["tiny.en"]
    assert _gone(pid, 15.0)  # close() released the models and ended the worker


def test_bad_files_fail_alone_and_auto_reads_the_shared_path(cluster, clips, tmp_path):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("not audio at all\n")
    missing = tmp_path / "missing.flac"
    with _job(cluster, workers=2, ship_audio="auto") as job:
        finals = job.run_all([clips[0], not_audio, missing, clips[1]])
    assert [type(e) for e in finals] == [ClusterFileDone, ClusterFileFailed, ClusterFileFailed, ClusterFileDone]
    assert str(not_audio) in str(finals[1].error) and str(missing) in str(finals[2].error)
    assert "Americans" in finals[0].transcript.text and "country" in finals[3].transcript.text


def test_errors_on_the_worker_come_back_naming_the_drivers_file(cluster, clips, tmp_path):
    """A file that fails only while decoding (on the worker, from shipped bytes) and a path
    only the worker is asked to read: the same errors as locally, naming the driver's path;
    the worker goes on with the next file."""
    from meeting_recorder.core.errors import AudioDecodeError

    data, rate = soundfile.read(str(clips[3]), dtype="float32")
    whole = tmp_path / "whole.flac"
    soundfile.write(str(whole), data, rate)
    truncated = tmp_path / "truncated.flac"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # the header still says 6 s
    with _job(cluster, workers=1, ship_audio="always") as job:
        cut, good = job.run_all([truncated, clips[0]])
    assert isinstance(cut, ClusterFileFailed) and isinstance(cut.error, AudioDecodeError)
    assert str(cut.error).startswith(f"{truncated}: the file is truncated"), str(cut.error)
    assert isinstance(good, ClusterFileDone)
    missing = tmp_path / "only-on-the-worker.wav"
    with _job(cluster, workers=1, ship_audio="never") as job:
        (failed,) = job.run_all([missing])
    assert isinstance(failed.error, AudioDecodeError) and str(failed.error) == f"{missing}: file not found"


def test_auto_sends_the_bytes_when_the_worker_sees_another_file(cluster, clips, monkeypatch):
    """ship_audio "auto": a worker whose file differs (here: the driver believes another
    mtime) asks for the bytes, which then go through the object store."""
    import types

    from meeting_recorder.core.cluster import job as job_module

    def driver_stat(path):
        real = os.stat(path)
        return types.SimpleNamespace(st_size=real.st_size, st_mtime_ns=real.st_mtime_ns + 1)

    shipped: list[str] = []
    real_read_shipment = job_module.read_shipment

    def read_shipment(path):
        shipped.append(path)
        return real_read_shipment(path)

    monkeypatch.setattr(job_module, "os", types.SimpleNamespace(stat=driver_stat, path=os.path))
    monkeypatch.setattr(job_module, "read_shipment", read_shipment)
    with _job(cluster, workers=1, ship_audio="auto") as job:
        (final,) = job.run_all([clips[1]])
    assert isinstance(final, ClusterFileDone) and "country" in final.transcript.text
    assert final.transcript.file == str(clips[1])  # the driver's path, not the worker's copy
    assert shipped == [str(clips[1])]


def test_unreachable_address_fails_fast():
    import ray

    port = free_port()  # nothing listens there
    started = time.monotonic()
    job = ClusterJob(ClusterOptions(f"127.0.0.1:{port}", model="tiny.en", connect_timeout_s=3.0))
    with pytest.raises(ClusterUnreachable) as caught:
        job.open()
    assert time.monotonic() - started < 5.0
    assert f"Cannot reach the Ray cluster at 127.0.0.1:{port}" in str(caught.value)
    assert not ray.is_initialized()
    job.close()


def test_wrong_token_is_said_in_words_at_once(cluster, monkeypatch):
    monkeypatch.setenv("RAY_AUTH_TOKEN", "0" * 64)
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable, match="auth token"):
        ClusterJob(ClusterOptions(cluster.address, model="tiny.en")).open()
    assert time.monotonic() - started < 5.0


def test_ready_event_and_same_file_check(cluster, clips):
    import ray

    events: list[object] = []
    with ClusterJob(ClusterOptions(cluster.address, workers=1, model="tiny.en"), on_event=events.append) as job:
        # Ray gives an actor OMP_NUM_THREADS=1; a worker on a node runs as a local run there
        # would (else its transcripts can differ from the local run's: seen on an AVX-only CPU).
        info = ray.get(job._pool.slots[0].handle.info.remote(), timeout=10)
        assert info["omp_threads"] is None and set(info["blas_threads"]) == {usable_cores()}
    assert isinstance(events[0], ClusterReady) and events[0].workers == 1 and events[0].nodes == 1
    info = clips[0].stat()
    assert _same_file(AudioSource(str(clips[0]), info.st_size, info.st_mtime_ns, "auto"))
    assert not _same_file(AudioSource(str(clips[0]), info.st_size, info.st_mtime_ns + 1, "auto"))
    assert not _same_file(AudioSource(str(clips[0]) + ".nope", info.st_size, info.st_mtime_ns, "auto"))


def _gone(pid: int, timeout_s: float) -> bool:
    """The process ended (a zombie its raylet has not reaped yet counts as ended)."""
    import psutil

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False


def test_abort_stops_an_open_that_waits_for_the_workers(cluster):
    """The window quitting while the job starts: open() raises Cancelled soon, no worker left."""
    import threading

    import ray

    from meeting_recorder.core.errors import Cancelled

    job = _job(cluster, speakers=SpeakerRequest())  # the speaker models take seconds to load
    outcome: dict[str, BaseException] = {}

    def opening() -> None:
        try:
            job.open()
        except BaseException as error:  # noqa: BLE001 — checked below
            outcome["error"] = error

    thread = threading.Thread(target=opening)
    thread.start()
    deadline = time.monotonic() + 60
    while not ray.is_initialized() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)  # connected: the workers are loading now
    aborted_at = time.monotonic()
    job.abort()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), Cancelled), outcome
    assert time.monotonic() - aborted_at < 10.0
    assert not ray.is_initialized()
    job.close()


def test_a_local_clusters_worker_takes_the_drivers_thread_setting():
    """What a Ray worker process starts with (OMP_NUM_THREADS=1, numpy loaded) set to the
    driver's value; numpy's BLAS follows."""
    code = ("import numpy, os; from meeting_recorder.core.cluster.actor import use_local_thread_settings, "
            "blas_thread_counts; use_local_thread_settings('2'); "
            "print(os.environ['OMP_NUM_THREADS'], blas_thread_counts())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.stdout.split(None, 1) == ["2", "[2]\n"], done.stderr


def test_stale_work_folders_of_ended_workers_are_removed(tmp_path):
    """A worker killed mid-file leaves its shipped audio; the next worker on the node removes
    the folders of processes that have ended, never those of running ones."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(ended.stdout)
    stale = tmp_path / f"{WORK_PREFIX}{dead_pid}-abc"
    live = tmp_path / f"{WORK_PREFIX}{os.getpid()}-def"
    other = tmp_path / "meeting-recorder-something-else"
    for folder in (stale, live, other):
        folder.mkdir()
        (folder / "audio.wav").write_bytes(b"x" * 1000)
    assert remove_stale_work_folders(str(tmp_path)) == [str(stale)]
    assert not stale.exists() and live.exists() and other.exists()
