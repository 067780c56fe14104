"""Live engine end to end: FileSource and a real virtual microphone, kill -9, cycles."""

import gc
import os
import re
import signal
import subprocess
import sys
import threading
import time
import weakref

import numpy as np
import psutil
import pytest
import soundfile as sf

from meeting_recorder.core.engine import TranscriptionEngine
from meeting_recorder.messages import render
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.sources import FileSource
from tests.pulse import PulseUnavailable, VirtualMicrophone
from tests.speech import JFK_TEXT, MEETING_SENTENCES, espeak, wer


class Recorder:
    """Collects every callback (list appends are atomic)."""

    def __init__(self):
        self.statuses, self.segments, self.errors, self.recoveries, self.levels = [], [], [], [], []
        self.events: list = []  # status and error events as core sent them; the lists above in English
        self.callbacks = LiveCallbacks(status=self._status, segment=self.segments.append,
                                       error=self._error, recovered=self.recoveries.append,
                                       level=self.levels.append)

    def _status(self, event) -> None:
        self.events.append(event)
        self.statuses.append(render(event))

    def _error(self, event) -> None:
        self.events.append(event)
        self.errors.append(render(event))


def run_session(source, out_dir, engine=None, **settings):
    events = Recorder()
    session = LiveSession(source, LiveSettings(out_dir=out_dir, **settings), events.callbacks, engine=engine)
    session.start()
    assert session.wait(300), "the source should end by itself"
    return session.stop(), events


def read_int16(path):
    samples, rate = sf.read(path, dtype="int16", always_2d=True)
    return samples, rate


def test_file_session_is_sample_exact_with_transcript(jfk_path, tmp_path):
    result, events = run_session(FileSource(jfk_path, speed=0), tmp_path)
    recorded, rate = read_int16(result.recording)
    source, source_rate = read_int16(jfk_path)
    assert rate == source_rate == 44100 and recorded.shape == source.shape  # native rate, stereo kept
    assert np.array_equal(recorded, source)
    assert wer(JFK_TEXT, " ".join(s.text for s in events.segments)) <= 0.25  # live cuts cost a little
    assert result.dropped_frames == 0 and result.skipped_seconds == 0 and result.error is None
    stem = result.recording.name[: -len(".wav")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{stem}.wav"] + [f"{stem}.{f}" for f in ("txt", "srt", "vtt", "json", "md")]
    ), "no .partial, no journal, no temp files left"
    assert any(s.startswith("Recording to ") for s in events.statuses)
    for step in ("Recording saved", "Transcript saved", "Speech model released", "Memory released"):
        assert any(s.startswith(step) for s in events.statuses), step
    assert events.levels and max(events.levels) > 0.01


def test_segments_have_absolute_times(jfk_path, tmp_path, meeting_speech):
    speech, reference = meeting_speech
    result, events = run_session(FileSource(speech, speed=0), tmp_path)
    assert wer(reference, " ".join(s.text for s in events.segments)) <= 0.15
    starts = [s.start for s in events.segments]
    assert starts == sorted(starts) and events.segments[-1].end > result.seconds - 5


def test_transcription_falls_behind_skips_but_recording_keeps_everything(tmp_path, meeting_speech):
    speech, _ = meeting_speech
    # A 2 s ring cannot hold the audio that arrives while Whisper works on an utterance.
    result, events = run_session(FileSource(speech, speed=0), tmp_path, ring_seconds=2.0)
    assert result.skipped_seconds > 0
    assert any("fell behind" in s for s in events.statuses)
    recorded, _ = read_int16(result.recording)
    source, _ = read_int16(speech)
    assert np.array_equal(recorded, source)


def test_start_and_stop_are_idempotent_and_thread_safe(jfk_path, tmp_path):
    session = LiveSession(FileSource(jfk_path, speed=1), LiveSettings(out_dir=tmp_path))
    first = session.start()
    assert session.start() == first
    results = []
    stoppers = [threading.Thread(target=lambda: results.append(session.stop())) for _ in range(3)]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join(120)
    assert len({id(r) for r in results}) == 1 and results[0].recording.exists()
    assert session.stop() is results[0]


def test_keep_models_loaded_between_recordings(jfk_path, tmp_path):
    engine = TranscriptionEngine("tiny.en")
    for n in range(2):
        result, _ = run_session(FileSource(jfk_path, speed=0), tmp_path / str(n), engine=engine,
                                keep_models_loaded=True)
        assert engine.loaded and result.segments > 0
    engine.close()
    assert not engine.loaded


def test_twenty_start_stop_cycles_leak_nothing(jfk_path, tmp_path):
    process = psutil.Process()
    short = tmp_path / "short.wav"
    samples, rate = sf.read(jfk_path, dtype="int16")
    sf.write(short, samples[: 3 * rate], rate)

    def cycle(n):
        engine = TranscriptionEngine("tiny.en")
        result, _ = run_session(FileSource(short, speed=0), tmp_path / "out", engine=engine)
        return weakref.ref(engine), result

    cycle(0)  # warm-up: imports, onnxruntime, allocator pools
    gc.collect()
    threads, fds, rss = threading.active_count(), process.num_fds(), process.memory_info().rss
    refs = []
    for n in range(1, 21):
        ref, result = cycle(n)
        refs.append(ref)
        assert result.recording.exists()
    gc.collect()
    assert threading.active_count() == threads
    assert process.num_fds() <= fds
    assert (process.memory_info().rss - rss) / 2**20 < 50
    assert all(ref() is None for ref in refs), "engines (and their models) must be collected"
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.suffix in (".partial", ".jsonl", ".tmp")]
    assert leftovers == []


def test_leftover_partial_is_recovered_at_next_start(jfk_path, tmp_path):
    source, rate = read_int16(jfk_path)
    partial = tmp_path / "2026-01-01_090000.wav.partial"
    with sf.SoundFile(partial, "w", samplerate=rate, channels=2, format="WAV", subtype="PCM_16") as handle:
        handle.write(source)
    data = bytearray(partial.read_bytes())
    data[4:8] = data[40:44] = b"\0\0\0\0"  # header as left by a writer killed before any refresh
    partial.write_bytes(bytes(data))
    result, events = run_session(FileSource(jfk_path, speed=0, max_seconds=1), tmp_path)
    [recovered] = events.recoveries
    assert recovered.path == tmp_path / "2026-01-01_090000.wav"
    assert recovered.seconds == pytest.approx(11.0, abs=0.01) and recovered.samplerate == 44100
    assert np.array_equal(read_int16(recovered.path)[0], source)
    assert any(s.startswith("Recovered an interrupted recording") for s in events.statuses)


# -- subprocess: the CLI, kill -9, a real virtual microphone -------------------------------


def start_cli(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "meeting_recorder", "record", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_recording_line(process) -> str:
    line = process.stdout.readline()
    assert line.startswith("Recording to "), (line, process.stderr.read() if process.poll() is not None else "")
    return line.strip()[len("Recording to "):]


def test_cli_record_from_file_ends_by_itself(jfk_path, tmp_path):
    # Speaker labels off: the printed lines are then "[start → end] text" (labels have tests of their own).
    process = start_cli("--from-file", str(jfk_path), "--speed", "0", "--out", str(tmp_path), "--speakers", "off")
    partial = wait_for_recording_line(process)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert partial.endswith(".wav.partial") and os.path.exists(partial[: -len(".partial")])
    said = " ".join(line.split("] ", 1)[1] for line in out.splitlines() if line.startswith("["))
    assert wer(JFK_TEXT, said) <= 0.25


def test_kill_9_then_recover(tmp_path, meeting_speech):
    speech, _ = meeting_speech
    process = start_cli("--from-file", str(speech), "--speed", "1", "--out", str(tmp_path))
    partial = wait_for_recording_line(process)
    kill_after = 8.0
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    # Before any repair the file already opens and holds all but the last second.
    with sf.SoundFile(partial) as handle:
        assert handle.frames / handle.samplerate >= kill_after - 1.0
    journal = partial[: -len(".wav.partial")] + ".transcript.jsonl"
    committed = sum(1 for line in open(journal) if '"text"' in line)
    result = subprocess.run([sys.executable, "-m", "meeting_recorder", "recover", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "recovered" in result.stdout
    wav = partial[: -len(".partial")]
    recorded, rate = read_int16(wav)
    source, source_rate = read_int16(speech)
    assert rate == source_rate
    assert len(recorded) / rate >= kill_after - 1.0
    assert np.array_equal(recorded, source[: len(recorded)])
    import json

    exported = json.loads(open(wav[: -len(".wav")] + ".json").read())
    assert len(exported["segments"]) == committed
    assert not os.path.exists(journal) and not os.path.exists(partial)


@pytest.fixture
def virtual_mic(tmp_path):
    mic = VirtualMicrophone(tmp_path / "pulse")
    try:
        mic.start()
    except PulseUnavailable as error:
        pytest.skip(f"no virtual microphone: {error}")
    yield mic
    mic.stop()


def test_virtual_microphone_records_and_transcribes(virtual_mic, tmp_path):
    text = " ".join(MEETING_SENTENCES[:3])
    speech = espeak(text, tmp_path / "said.wav")
    process = start_cli("--out", str(tmp_path / "rec"), "--seconds", "22", env=virtual_mic.env)
    wait_for_recording_line(process)
    player = virtual_mic.play(speech, delay=1.0)
    out, err = process.communicate(timeout=120)
    player.wait(30)
    assert process.returncode == 0, err
    lines = [line.split("] ", 1)[1] for line in out.splitlines() if line.startswith("[")]
    # Speaker labels are on by default: every printed line is "[start → end] Speaker N: text".
    assert lines and all(re.match(r"Speaker \d+: ", line) for line in lines), lines
    said = " ".join(re.sub(r"^Speaker \d+: ", "", line) for line in lines)
    assert wer(text, said) <= 0.2, said
    [wav] = (tmp_path / "rec").glob("*.wav")
    assert sf.info(wav).duration > 15


def test_device_error_mid_session_finalizes(virtual_mic, tmp_path):
    process = start_cli("--out", str(tmp_path / "rec"), env=virtual_mic.env)
    wait_for_recording_line(process)
    time.sleep(4)
    virtual_mic.kill_server()  # the "device" disappears
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "stopped unexpectedly" in err or "stopped delivering audio" in err
    [wav] = (tmp_path / "rec").glob("*.wav")
    assert sf.info(wav).duration >= 2
    assert not list((tmp_path / "rec").glob("*.partial"))


class BrokenSource(FileSource):
    """Opens like a device that exists but refuses to start (the part under test is the
    session's clean-up, not the device)."""

    def start(self, on_block, on_end):
        from meeting_recorder.core.sources import DeviceError

        raise DeviceError("Could not open audio device 'test': device busy")


def test_source_that_fails_to_start_leaves_nothing(jfk_path, tmp_path):
    from meeting_recorder.core.sources import DeviceError

    session = LiveSession(BrokenSource(jfk_path), LiveSettings(out_dir=tmp_path))
    with pytest.raises(DeviceError, match="device busy"):
        session.start()
    assert list(tmp_path.iterdir()) == [] and not session.running
    assert session.stop() is None
