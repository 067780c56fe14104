"""Faults that really happen to a live recording, tried for real: a disk that fills up (a
small tmpfs), a read-only recordings folder, analysis that raises, Whisper failing mid-session
and a speech model that cannot load. Each time the recording keeps every sample it got,
is finalized, the user is told why, and the models and threads are released."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.core import events
from meeting_recorder.core.disk_space import DiskLimits
from meeting_recorder.core.engine import TranscriptionEngine
from meeting_recorder.core.errors import FolderError
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.sources import FileSource

RATE = 48_000  # a typical microphone: 192 kB of recording per second in stereo


@contextlib.contextmanager
def small_disk(folder: Path, size: str, read_only: bool = False):
    """A tmpfs of ``size`` mounted at ``folder`` (CI runs as root)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.fixture(scope="module")
def long_source(tmp_path_factory) -> Path:
    """60 s of 48 kHz stereo (11.5 MB as a recording): tones in noise, nothing to say."""
    path = tmp_path_factory.mktemp("faults") / "long.wav"
    rng = np.random.default_rng(7)
    t = np.arange(60 * RATE) / RATE
    mono = 0.2 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 0.3 * t) > 0) + 0.01 * rng.standard_normal(len(t))
    sf.write(path, np.stack([mono, mono[::-1]], axis=1).astype(np.float32), RATE, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def long_speech(tmp_path_factory) -> Path:
    """60 s of 48 kHz stereo speech (a real voice, jfk.flac, with 1 s pauses): Whisper is
    called for each sentence. (The tones of ``long_source`` are not speech to the VAD.)"""
    from math import gcd

    from scipy import signal

    from tests.speech import JFK

    samples, rate = sf.read(JFK, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    mono = signal.resample_poly(mono, RATE // gcd(RATE, rate), rate // gcd(RATE, rate))
    once = np.concatenate([mono, np.zeros(RATE, np.float32)])
    mono = np.tile(once, 60 * RATE // len(once) + 1)[: 60 * RATE]
    path = tmp_path_factory.mktemp("faults") / "speech.wav"
    sf.write(path, np.stack([mono, mono], axis=1), RATE, subtype="PCM_16")
    return path


class Collector:
    def __init__(self) -> None:
        self.statuses: list[events.Event] = []
        self.errors: list[events.Event] = []
        self.callbacks = LiveCallbacks(status=self.statuses.append, error=self.errors.append)

    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


def record(source_path: Path, out: Path, engine, **settings) -> tuple[LiveSession, object, Collector]:
    collected = Collector()
    settings.setdefault("speakers", False)
    session = LiveSession(FileSource(source_path, speed=0), LiveSettings(out_dir=out, **settings),
                          collected.callbacks, engine=engine)
    session.start()
    assert session.wait(120), "the session must end by itself (source over, disk full or writer failed)"
    return session, session.stop(), collected


def assert_prefix_of_source(recording: Path, source: Path) -> int:
    """The recording is the source's first N frames, sample for sample; returns N."""
    recorded, rate = sf.read(recording, dtype="int16")
    original, _ = sf.read(source, dtype="int16")
    assert rate == RATE and len(recorded) > 0
    assert np.array_equal(recorded, original[: len(recorded)])
    return len(recorded)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".jsonl", ".tmp")))


def test_disk_filling_up_warns_then_stops_and_finalizes(long_source, tmp_path):
    with small_disk(tmp_path / "disk", "6m") as disk:
        engine = TranscriptionEngine("tiny.en")
        session, result, said = record(long_source, disk, engine,
                                       disk=DiskLimits(reserve_bytes=2_000_000, warn_seconds=8))
        assert [e.code for e in said.statuses if isinstance(e, events.DiskLow)] == ["DiskLow"]  # warned once
        assert said.codes() == ["DiskFull"], said.errors
        assert result.error == "DiskFull" and result.recording.suffix == ".wav"
        frames = assert_prefix_of_source(result.recording, long_source)
        assert 10 * RATE < frames < 30 * RATE  # ~4 MB of a 6 MB disk, not the whole minute
        assert frames == round(result.seconds * RATE)
        assert result.recording.with_suffix(".json").is_file(), "the reserve leaves room for the transcript"
        assert leftovers(disk) == []
        assert not engine.loaded, "models released"


def test_disk_refusing_a_write_stops_at_once_and_keeps_what_was_written(long_source, tmp_path):
    """No reserve: the disk itself says ENOSPC. The session stops, the file holds every
    block before the failure, exports that do not fit are reported, nothing raises."""
    with small_disk(tmp_path / "disk", "3m") as disk:
        engine = TranscriptionEngine("tiny.en")
        before = set(threading.enumerate())
        session, result, said = record(long_source, disk, engine, disk=DiskLimits(reserve_bytes=0, warn_seconds=0))
        writer_failed = [e for e in said.errors if isinstance(e, events.WriterFailed)]
        assert writer_failed and "space" in writer_failed[0].reason.lower(), said.errors
        assert result.error == "WriterFailed"
        assert set(said.codes()) <= {"WriterFailed", "ExportFailed", "JournalFailed", "FinalizeFailed"}
        frames = assert_prefix_of_source(result.recording, long_source)
        assert frames >= round(result.seconds * RATE) - RATE  # at most the failing block is missing
        assert not [p for p in disk.iterdir() if p.name.endswith(".tmp")], "no half-written export"
        assert not engine.loaded
        assert set(threading.enumerate()) <= before


def test_read_only_folder_refuses_to_start_with_a_clear_error(long_source, tmp_path):
    with small_disk(tmp_path / "ro", "200m", read_only=True) as folder:  # room, but read-only
        with pytest.raises(FolderError) as raised:
            LiveSession(FileSource(long_source, speed=0), LiveSettings(out_dir=folder, speakers=False)).start()
        assert isinstance(raised.value.event, events.FolderNotWritable)
        assert str(folder) in str(raised.value) and "read-only" in str(raised.value).lower()
        assert list(folder.iterdir()) == []


def test_cli_refuses_to_record_without_room(long_source, tmp_path):
    with small_disk(tmp_path / "full", "4m") as folder:  # under the 64 MB reserve
        done = subprocess.run([sys.executable, "-m", "meeting_recorder", "record", "--from-file", str(long_source),
                               "--speed", "0", "--speakers", "off", "--out", str(folder)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "error: Not enough free space to record in" in done.stderr
        assert "Traceback" not in done.stderr and list(folder.iterdir()) == []


def test_failing_analysis_turns_transcription_off_but_every_block_is_written(long_source, tmp_path, tiny_engine):
    from meeting_recorder.core.live_analysis import LiveAnalysis

    process = LiveAnalysis.process
    calls = []

    def process_then_fail(self, block):  # the analysis path (resampling for Whisper) breaks
        calls.append(1)
        if len(calls) == 50:
            raise RuntimeError("resampler exploded")
        process(self, block)

    LiveAnalysis.process = process_then_fail
    try:
        session, result, said = record(long_source, tmp_path, tiny_engine, keep_models_loaded=True)
    finally:
        LiveAnalysis.process = process
    assert said.codes() == ["RecordOnly"] and "resampler exploded" in said.errors[0].reason
    assert len(calls) == 50, "analysis is not called again once it failed"
    assert assert_prefix_of_source(result.recording, long_source) == 60 * RATE  # every sample


def test_whisper_failing_mid_session_keeps_recording(long_speech, tmp_path):
    engine = TranscriptionEngine("tiny.en")
    original = engine.transcribe_samples
    calls = []

    def crash_on_second(*args, **kwargs):  # the model itself fails (e.g. a CUDA error)
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return original(*args, **kwargs)

    engine.transcribe_samples = crash_on_second
    session, result, said = record(long_speech, tmp_path, engine)
    assert said.codes() == ["RecordOnly"] and "illegal memory access" in said.errors[0].reason
    assert assert_prefix_of_source(result.recording, long_speech) == 60 * RATE
    assert result.recording.with_suffix(".json").is_file() and not engine.loaded


def test_missing_speech_model_records_without_transcription(long_source, tmp_path):
    session, result, said = record(long_source, tmp_path, None, model=str(tmp_path / "no-such-model"))
    assert said.codes() == ["RecordOnly"], said.errors
    assert assert_prefix_of_source(result.recording, long_source) == 60 * RATE
    assert result.segments == 0 and leftovers(tmp_path) == []


def test_new_files_are_private(long_source, tmp_path, tiny_engine):
    out = tmp_path / "new" / "recordings"
    session, result, said = record(long_source, out, tiny_engine, keep_models_loaded=True)
    assert os.stat(out).st_mode & 0o777 == 0o700 and os.stat(out.parent).st_mode & 0o777 == 0o700
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_recover_leaves_a_live_recording_alone(long_source, tmp_path, tiny_engine):
    """A second window or `meeting-recorder recover` on the same folder must not repair and
    rename a recording another process is still writing (it is locked while recording)."""
    from meeting_recorder.core.recovery import recover_folder

    session = LiveSession(FileSource(long_source, speed=1),
                          LiveSettings(out_dir=tmp_path, speakers=False, keep_models_loaded=True),
                          Collector().callbacks, engine=tiny_engine)
    partial = session.start()
    try:
        recovered, problems = recover_folder(tmp_path)
        assert recovered == [] and problems == [] and partial.exists()
    finally:
        result = session.stop()
    assert result.recording.is_file() and not partial.exists()
    assert recover_folder(tmp_path) == ([], [])


def test_cli_records_without_names_when_the_profiles_file_is_corrupt(jfk_path, tmp_path, capsys):
    from meeting_recorder.cli import main as cli_main
    from meeting_recorder.core.speakers.profiles import ProfileStore

    store = ProfileStore()
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"format": 1, "profiles": [')
    code = cli_main(["record", "--from-file", str(jfk_path), "--speed", "0", "--seconds", "4", "--model", "tiny.en",
                     "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"warning: The speaker profiles file {store.path} cannot be used" in err and "Traceback" not in err
    assert Path(f"{store.path}.corrupt").is_file() and len(list(tmp_path.glob("*.wav"))) == 1
