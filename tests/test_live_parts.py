"""The live engine's parts on their own: ring buffer, block pool, VAD segmenter, recovery."""

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.core.block_pool import BlockPool
from meeting_recorder.core.errors import MeetingRecorderError
from meeting_recorder.core.recovery import recover_folder, repair_wav
from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.segmenter import SAMPLE_RATE, Segmenter, SegmenterOptions
from tests.speech import espeak


def test_ring_buffer_wraps_and_reports_overwrites():
    ring = RingBuffer(10)
    ring.write(np.arange(7, dtype=np.float32))
    ring.write(np.arange(7, 15, dtype=np.float32))  # wraps; 0..4 are overwritten
    samples, start = ring.read(0, 15)
    assert start == 5 and samples.tolist() == list(range(5, 15))
    samples, start = ring.read(12, 14)
    assert start == 12 and samples.tolist() == [12, 13]
    ring.write(np.arange(100, 125, dtype=np.float32))  # more than capacity at once
    samples, start = ring.read(0, 100)
    assert start == 30 and samples.tolist() == list(range(115, 125))
    assert ring._data.nbytes == 40, "fixed capacity"


def test_block_pool_is_fixed_and_counts_what_it_could_not_hold():
    pool = BlockPool(blocks=3, frames=4, channels=2)
    data = np.arange(40, dtype=np.int16).reshape(20, 2)
    indices = pool.fill(data)  # 5 blocks' worth into a 3-block pool
    assert len(indices) == 3 and pool.dropped_frames == 8
    assert np.array_equal(pool.view(indices[1]), data[4:8])
    for index in indices:
        pool.release(index)
    assert pool.free_blocks == 3


@pytest.fixture(scope="module")
def three_sentences(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vad")
    parts = [espeak(text, folder / f"{n}.wav") for n, text in enumerate(
        ["Good morning everyone.", "Let us look at the numbers.", "That is all for today."])]
    pause = np.zeros(int(1.5 * SAMPLE_RATE), dtype=np.float32)
    audio = [pause]
    for part in parts:
        audio += [sf.read(part, dtype="float32")[0], pause]
    return np.concatenate(audio)


def test_segmenter_finds_each_sentence(three_sentences):
    segmenter = Segmenter()
    utterances = []
    for start in range(0, len(three_sentences), 8000):  # fed in 0.5 s steps, like live
        utterances += segmenter.feed(three_sentences[start : start + 8000])
    utterances += segmenter.flush()
    assert len(utterances) == 3
    assert all(0.5 < (u.end - u.start) / SAMPLE_RATE < 4 for u in utterances)


def test_segmenter_cuts_long_speech_by_force(three_sentences):
    segmenter = Segmenter(SegmenterOptions(max_utterance_seconds=3.0, cut_search_seconds=1.0, min_silence_seconds=5))
    utterances = segmenter.feed(three_sentences) + segmenter.flush()
    assert len(utterances) >= 3
    pad = int(0.2 * SAMPLE_RATE)
    assert all(u.end - u.start <= 3 * SAMPLE_RATE + pad for u in utterances)


def test_repair_refuses_non_wav(tmp_path):
    bogus = tmp_path / "x.wav.partial"
    bogus.write_text("hello")
    with pytest.raises(MeetingRecorderError, match="not a WAV recording"):
        repair_wav(bogus)
    recovered, errors = recover_folder(tmp_path)
    assert recovered == [] and "x.wav.partial" in errors[0]
    assert bogus.exists(), "an unrepairable file is left for the user, not deleted"


def test_repair_drops_a_half_written_frame(tmp_path):
    path = tmp_path / "a.wav.partial"
    sf.write(path, np.ones((1000, 2), dtype=np.int16), 8000, format="WAV", subtype="PCM_16")
    with open(path, "ab") as handle:
        handle.write(b"\x01\x02\x03")  # 3 bytes of a 4-byte stereo frame
    seconds, rate = repair_wav(path)
    assert rate == 8000 and seconds == pytest.approx(1000 / 8000)
    assert sf.info(path).frames == 1000


def cli(*args):
    return subprocess.run([sys.executable, "-m", "meeting_recorder", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_recover_nothing_and_bad_record_arguments(tmp_path):
    result = cli("recover", str(tmp_path))
    assert result.returncode == 0 and "nothing to recover" in result.stdout
    result = cli("record", "--from-file", str(tmp_path / "missing.wav"), "--out", str(tmp_path))
    assert result.returncode == 2 and "missing.wav: file not found" in result.stderr
    result = cli("record", "--device", "no-such-device-xyz", "--out", str(tmp_path))
    assert result.returncode == 2 and "no-such-device-xyz" in result.stderr or "No audio input" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_repair_rf64_partial(tmp_path):
    """Recordings past 4 GB carry an RF64 header; its 64-bit sizes are what gets fixed."""
    path = tmp_path / "long.wav.partial"
    audio = (np.arange(16000 * 2) % 1000).astype(np.int16).reshape(-1, 2)
    with sf.SoundFile(path, "w", samplerate=16000, channels=2, format="RF64", subtype="PCM_16") as handle:
        handle.write(audio[:8000])
    with open(path, "ab") as handle:
        handle.write(audio[8000:].tobytes())  # written after the last header refresh
    data = bytearray(path.read_bytes())
    assert data[:4] == b"RF64"
    ds64 = data.find(b"ds64") + 8
    data[ds64 : ds64 + 24] = bytes(24)  # sizes as a kill before the first refresh leaves them
    path.write_bytes(bytes(data))
    seconds, rate = repair_wav(path)
    assert (seconds, rate) == (1.0, 16000)
    samples, _ = sf.read(path, dtype="int16")
    assert np.array_equal(samples, audio)


def test_writer_header_is_refreshed_while_recording(tmp_path):
    """The in-progress file opens in any reader and holds all but the last half second."""
    import time

    from meeting_recorder.core.writer import HEADER_REFRESH_SECONDS, RecordingWriter

    pool = BlockPool(blocks=50, frames=1600, channels=1)
    writer = RecordingWriter(tmp_path / "w.wav.partial", 16000, 1, pool)
    writer.start()
    block = np.ones((1600, 1), dtype=np.int16)
    for _ in range(30):  # 3 s of audio over ~1.5 s of wall time
        writer.submit(pool.fill(block))
        time.sleep(0.05)
    time.sleep(HEADER_REFRESH_SECONDS + 0.2)
    writer.submit(pool.fill(block))  # the next append refreshes the header
    time.sleep(0.3)
    assert sf.info(tmp_path / "w.wav.partial").duration >= 3.0
    writer.close()
    assert sf.info(tmp_path / "w.wav.partial").duration == pytest.approx(3.1)


def test_file_source_loops_sample_exact_with_one_decoder(tmp_path):
    """A looping FileSource (soak runs) repeats the file exactly, pass after pass, and
    does not open anything new per pass (threads and file descriptors stay put)."""
    import threading

    import psutil

    from meeting_recorder.core.sources import FileSource

    rng = np.random.default_rng(5)
    samples = rng.integers(-8000, 8000, 16000 * 3 // 2, dtype=np.int16)  # 1.5 s
    path = tmp_path / "loop.wav"
    sf.write(path, samples, 16000, subtype="PCM_16")
    passes = 6
    source = FileSource(path, speed=0, loop=True, max_seconds=passes * 1.5)
    process = psutil.Process()
    blocks, counts, ended = [], [], threading.Event()

    def on_block(block):
        blocks.append(block.copy())
        counts.append((process.num_threads(), process.num_fds()))

    source.start(on_block, lambda message: ended.set())
    assert ended.wait(30)
    source.stop()
    played = np.concatenate(blocks).reshape(-1)
    assert np.array_equal(played, np.tile(samples, passes))
    assert len(set(counts)) == 1, f"threads/fds changed while looping: {sorted(set(counts))}"
