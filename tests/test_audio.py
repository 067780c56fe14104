import os

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.core import audio
from meeting_recorder.core.errors import AudioDecodeError
from tests.speech import ffmpeg

AUDIO_ARGS = {
    "wav": [],
    "flac": [],
    "mp3": ["-c:a", "libmp3lame"],
    "m4a": ["-c:a", "aac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
}
VIDEO_ARGS = {
    "mp4": ["-c:v", "mpeg4", "-c:a", "aac"],
    "mkv": ["-c:v", "mpeg4", "-c:a", "libopus"],
    "webm": ["-c:v", "libvpx", "-c:a", "libopus"],
}


@pytest.fixture(scope="module")
def source_wav(tmp_path_factory):
    """3 s of a 440 Hz tone at 44.1 kHz stereo: decoding must give 16 kHz mono."""
    path = tmp_path_factory.mktemp("media") / "tone.wav"
    t = np.arange(int(3 * 44100)) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    sf.write(path, np.stack([tone, tone], axis=1), 44100)
    return path


def _decoded_seconds(path) -> float:
    return sum(len(block) for block in audio.iter_blocks(path)) / audio.SAMPLE_RATE


@pytest.mark.parametrize("ext", sorted(AUDIO_ARGS))
def test_audio_formats_decode_to_16k_mono(source_wav, tmp_path, ext):
    target = tmp_path / f"tone.{ext}"
    ffmpeg("-i", str(source_wav), *AUDIO_ARGS[ext], str(target))
    info = audio.probe(target)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    blocks = list(audio.iter_blocks(target))
    assert all(block.dtype == np.float32 and block.ndim == 1 for block in blocks)
    assert _decoded_seconds(target) == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize("ext", sorted(VIDEO_ARGS))
def test_audio_track_of_video(source_wav, tmp_path, ext):
    target = tmp_path / f"clip.{ext}"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", str(source_wav),
           "-shortest", *VIDEO_ARGS[ext], str(target))
    audio.probe(target)
    assert _decoded_seconds(target) == pytest.approx(3.0, abs=0.15)


# -- bad inputs: each one a clear message naming the file -------------------------------


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(AudioDecodeError, match=r"empty\.wav: the file is empty"):
        audio.probe(path)


def test_text_file_named_wav(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("these are meeting notes, not audio\n" * 20)
    with pytest.raises(AudioDecodeError, match=r"notes\.wav: not a readable audio or video file"):
        audio.probe(path)


def test_truncated_wav(source_wav, tmp_path):
    path = tmp_path / "cut.wav"
    path.write_bytes(source_wav.read_bytes()[:20000])
    with pytest.raises(AudioDecodeError, match=r"cut\.wav: the WAV file is truncated"):
        audio.probe(path)


def test_wav_cut_inside_its_header(source_wav, tmp_path):
    path = tmp_path / "stub.wav"
    path.write_bytes(source_wav.read_bytes()[:30])
    with pytest.raises(AudioDecodeError, match=r"stub\.wav: .*truncated"):
        audio.probe(path)


def test_directory(tmp_path):
    with pytest.raises(AudioDecodeError, match="is a folder"):
        audio.probe(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(AudioDecodeError, match=r"nothere\.mp3: file not found"):
        audio.probe(tmp_path / "nothere.mp3")


def test_video_without_audio_track(tmp_path):
    path = tmp_path / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-t", "1", "-an", "-c:v", "mpeg4", str(path))
    with pytest.raises(AudioDecodeError, match=r"silent\.mp4: has no audio track"):
        audio.probe(path)


def test_vbr_mp3_without_length_tag_is_not_called_truncated(source_wav, tmp_path):
    """Without an Info/Xing frame FFmpeg guesses an MP3's length from its size and first
    bitrate; a quiet start makes that guess far too long. Only stated lengths are checked."""
    path = tmp_path / "quiet_start.mp3"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo:d=4", "-i", str(source_wav),
           "-filter_complex", "[0][1]concat=n=2:v=0:a=1", "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0",
           str(path))
    assert audio.probe(path).duration > 7.0 + 1.0  # the guess: longer than the 7 s it holds
    assert _decoded_seconds(path) == pytest.approx(7.0, abs=0.1)


def test_mp3_cut_short_of_its_info_frame(source_wav, tmp_path):
    whole = tmp_path / "whole.mp3"
    ffmpeg("-i", str(source_wav), "-c:a", "libmp3lame", str(whole))  # with its Info frame
    path = tmp_path / "cut.mp3"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2 + 7])
    audio.probe(path)  # the header is fine: the problem shows when decoding ends
    with pytest.raises(AudioDecodeError, match=r"cut\.mp3: the file is truncated \(it declares 3\.0 s of audio, only 1\.\d s"):
        _decoded_seconds(path)


def test_named_pipe_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.wav"
    os.mkfifo(path)  # opening it to read would wait for a writer forever
    with pytest.raises(AudioDecodeError, match=r"pipe\.wav: is not a regular file"):
        audio.probe(path)


def test_float_samples_reach_whisper_finite_and_in_range(tmp_path):
    path = tmp_path / "hot.wav"
    samples = np.array([0.5, np.nan, np.inf, -np.inf, 4.0, -4.0] * 1000, dtype=np.float32)
    sf.write(path, samples, audio.SAMPLE_RATE, subtype="FLOAT")
    decoded = np.concatenate(list(audio.iter_blocks(path)))
    assert np.isfinite(decoded).all() and np.abs(decoded).max() <= 1.0


# -- bounded windows ---------------------------------------------------------------------


def _speech_like(seconds: float, pause_at: list[float]) -> np.ndarray:
    rng = np.random.default_rng(0)
    samples = (0.3 * rng.standard_normal(int(seconds * audio.SAMPLE_RATE))).astype(np.float32)
    for at in pause_at:  # 0.4 s of silence: the place a good cut should pick
        start = int(at * audio.SAMPLE_RATE)
        samples[start : start + int(0.4 * audio.SAMPLE_RATE)] = 0
    return samples


def test_windows_are_bounded_and_lose_nothing():
    samples = _speech_like(100, pause_at=[25.0, 52.0, 81.0])
    blocks = np.array_split(samples, 400)
    windows = list(audio.iter_windows(iter(blocks), window_seconds=30, search_seconds=10))
    assert all(len(w) <= 30 * audio.SAMPLE_RATE for _, w in windows)
    assert np.array_equal(np.concatenate([w for _, w in windows]), samples)
    offsets = [offset for offset, _ in windows]
    assert offsets[0] == 0
    for (offset, window), next_offset in zip(windows, offsets[1:]):
        assert next_offset == pytest.approx(offset + len(window) / audio.SAMPLE_RATE)


def test_windows_cut_in_pauses():
    samples = _speech_like(70, pause_at=[25.0, 52.0])
    windows = list(audio.iter_windows(iter([samples]), window_seconds=30, search_seconds=10))
    cuts = [offset for offset, _ in windows[1:]]
    assert cuts[0] == pytest.approx(25.2, abs=0.2)
    assert cuts[1] == pytest.approx(52.2, abs=0.2)
