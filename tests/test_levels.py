"""Level normalization for the models (core/levels.py): the gain stage itself, and quiet real
speech transcribed offline and live as well as loud speech, with the recording untouched."""

import numpy as np
import pytest
import soundfile as sf

from meeting_recorder.core import levels
from meeting_recorder.core.levels import FRAME, LevelFollower, LevelOptions, frame_levels_db, gain_db_for, normalize
from meeting_recorder.core.live_session import LiveCallbacks, LiveSession, LiveSettings
from meeting_recorder.core.sources import FileSource
from tests.speech import JFK_TEXT, wer

RATE = levels.SAMPLE_RATE


def db(x: float) -> float:
    return float(10 ** (x / 20))


def speech_like(seconds: float, speech_dbfs: float, floor_dbfs: float = -90.0, seed: int = 0) -> np.ndarray:
    """Bursts of noise (0.4 s on, 0.3 s off) at ``speech_dbfs`` over a noise floor."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    signal = rng.standard_normal(n).astype(np.float32) * db(floor_dbfs)
    on = (np.arange(n) % int(0.7 * RATE)) < int(0.4 * RATE)
    signal[on] = rng.standard_normal(int(on.sum())).astype(np.float32) * db(speech_dbfs)
    return signal


def speech_level(samples: np.ndarray) -> float:
    return float(np.percentile(frame_levels_db(samples), LevelOptions().speech_percentile))


def scaled_jfk(jfk_path, dbfs: float, out):
    """jfk.flac (its own rate and channels) at ``dbfs`` RMS, as a 16-bit WAV like a recording."""
    samples, rate = sf.read(jfk_path, dtype="float64", always_2d=True)
    sf.write(out, samples * (db(dbfs) / np.sqrt(np.mean(np.square(samples)))), rate, subtype="PCM_16")
    return out


# -- the gain stage --------------------------------------------------------------------------
def test_quiet_speech_reaches_the_target_level():
    quiet = speech_like(10, -45)
    out = normalize(quiet)
    assert speech_level(quiet) == pytest.approx(-45, abs=0.5)
    assert speech_level(out) == pytest.approx(LevelOptions().target_dbfs, abs=0.5)
    assert out.dtype == np.float32 and out is not quiet
    np.testing.assert_allclose(out, quiet * (out[0] / quiet[0]), rtol=1e-5)  # one plain gain, no distortion


def test_gain_is_capped_at_max():
    out = normalize(speech_like(10, -75, floor_dbfs=-120))
    assert speech_level(out) == pytest.approx(-75 + LevelOptions().max_gain_db, abs=0.5)


def test_noise_and_silence_are_not_made_loud():
    options = LevelOptions()
    noise = np.random.default_rng(1).standard_normal(10 * RATE).astype(np.float32) * db(-60)
    out = normalize(noise)  # nothing but room noise: lifted at most to the noise ceiling
    assert gain_db_for(frame_levels_db(noise)) == pytest.approx(options.noise_ceiling_dbfs + 60, abs=0.5)
    assert np.percentile(frame_levels_db(out), 50) <= options.noise_ceiling_dbfs + 0.5
    # Speech over a noisy floor: the floor may not pass the ceiling either.
    noisy = speech_like(10, -40, floor_dbfs=-58)
    assert np.percentile(frame_levels_db(normalize(noisy)), 10) <= options.noise_ceiling_dbfs + 0.5
    silence = np.zeros(5 * RATE, dtype=np.float32)
    assert not normalize(silence).any()
    hiss = np.random.default_rng(2).standard_normal(5 * RATE).astype(np.float32) * db(-96)  # 16-bit dither
    assert np.sqrt(np.mean(np.square(normalize(hiss)))) <= db(-96 + options.max_gain_db) * 1.01


def test_loud_audio_passes_untouched(jfk_path):
    samples, _ = sf.read(jfk_path, dtype="float32")
    mono = np.ascontiguousarray(samples.mean(axis=1) if samples.ndim > 1 else samples)
    assert normalize(mono) is mono  # no gain, no copy, no limiter
    assert gain_db_for(frame_levels_db(speech_like(5, -12))) == 0.0  # louder than the target: never attenuated


def test_amplified_peaks_never_clip():
    quiet = speech_like(10, -45)
    quiet[RATE : RATE + 200] = 0.5  # a click at -6 dBFS, +25 dB would take it to 8.9
    quiet[2 * RATE : 2 * RATE + 200] = -0.5
    out = normalize(quiet)
    assert np.abs(out).max() <= 1.0
    assert out[RATE] > levels.LIMIT_KNEE and out[2 * RATE] < -levels.LIMIT_KNEE  # bent, sign kept
    # Below the knee the limiter changes nothing; it is monotonic and continuous above it.
    ramp = np.linspace(-3, 3, 6001, dtype=np.float32)
    bent = levels.apply_gain(ramp.copy(), 0.001)
    small = np.abs(ramp) < levels.LIMIT_KNEE * 0.999
    np.testing.assert_allclose(bent[small], ramp[small] * db(0.001), rtol=1e-6)
    assert np.all(np.diff(bent) >= 0) and np.abs(bent).max() <= 1.0
    assert np.abs(np.diff(bent)).max() < 2 * (ramp[1] - ramp[0])


def test_in_place_changes_the_window_and_returns_it():
    quiet = speech_like(3, -45)
    out = normalize(quiet, in_place=True)
    assert out is quiet and speech_level(quiet) == pytest.approx(-20, abs=0.5)


# -- streaming (live) --------------------------------------------------------------------------
def test_follower_adapts_quickly_and_agrees_with_the_offline_gain():
    quiet = speech_like(30, -45, floor_dbfs=-80)
    follower = LevelFollower()
    block = RATE // 4  # the live transcriber's usual read
    outputs, gains = [], []
    for start in range(0, len(quiet), block):
        outputs.append(follower.process(quiet[start : start + block]))
        gains.append(follower.gain_db)
    offline = gain_db_for(frame_levels_db(quiet))
    assert gains[4] > offline - 3, "within a second the VAD already hears a normal level"
    assert gains[-1] == pytest.approx(offline, abs=0.5)
    out = np.concatenate(outputs)
    assert speech_level(out[10 * RATE :]) == pytest.approx(-20, abs=1.0)
    # The gain glides inside each block: no step at block boundaries.
    ratio = out[1:] / np.where(quiet[1:] == 0, 1, quiet[1:])
    assert np.abs(np.diff(20 * np.log10(np.abs(ratio)))).max() < 0.5
    # apply(): the current gain for audio already measured (an utterance for Whisper).
    np.testing.assert_allclose(follower.apply(quiet[:RATE]), quiet[:RATE] * db(follower.gain_db), rtol=1e-5)


def test_follower_memory_is_fixed_and_tiny_blocks_still_count():
    follower = LevelFollower(history_seconds=5.0)
    size = follower._history.shape
    rng = np.random.default_rng(3)
    for _ in range(3000):  # 10 minutes of 0.2 s blocks of quiet noise bursts
        follower.process(rng.standard_normal(3200).astype(np.float32) * db(-50))
    assert follower._history.shape == size and len(follower._pending) < FRAME
    tiny = LevelFollower()
    for n in range(400):  # blocks shorter than one 30 ms frame: 0.2 s at -45 dBFS, 0.2 s at -90
        tiny.process(speech_like(0.02, -45 if n % 20 < 10 else -90, seed=n))
    assert tiny._count == 400 * 320 // FRAME and tiny.gain_db > 0


# -- real speech, through the app ----------------------------------------------------------------
@pytest.mark.parametrize("level", [-20.0, -45.0, -55.0])
def test_quiet_real_speech_is_transcribed_offline(tiny_engine, jfk_path, tmp_path, level):
    path = scaled_jfk(jfk_path, level, tmp_path / "jfk.wav")
    transcript = tiny_engine.transcribe_file(path)
    assert wer(JFK_TEXT, " ".join(s.text for s in transcript.segments)) <= 0.15
    # Whisper and its VAD hear the file at a normal speech level, whatever its own level.
    (_, window), = tiny_engine._windows(path, None)
    assert speech_level(window) == pytest.approx(max(-20.0, speech_level(_decoded(path))), abs=1.0)


def _decoded(path) -> np.ndarray:
    from meeting_recorder.core.audio import iter_blocks

    return np.concatenate(list(iter_blocks(path)))


def test_quiet_live_recording_is_transcribed_and_saved_untouched(tiny_engine, jfk_path, tmp_path):
    path = scaled_jfk(jfk_path, -45.0, tmp_path / "quiet.wav")
    segments = []
    session = LiveSession(
        FileSource(path, speed=0),
        LiveSettings(out_dir=tmp_path / "out", model="tiny.en", speakers=False, keep_models_loaded=True),
        LiveCallbacks(segment=segments.append),
        engine=tiny_engine,
    )
    session.start()
    assert session.wait(120)
    result = session.stop()
    recorded, rate = sf.read(result.recording, dtype="int16", always_2d=True)
    original, original_rate = sf.read(path, dtype="int16", always_2d=True)
    assert rate == original_rate and recorded.shape == original.shape
    assert np.array_equal(recorded, original), "the recording keeps the quiet level, sample for sample"
    # Without the gain the live VAD heard only half of it (WER 0.45); at -20 dBFS live gets ~0.1-0.2.
    assert wer(JFK_TEXT, " ".join(s.text for s in segments)) <= 0.25
