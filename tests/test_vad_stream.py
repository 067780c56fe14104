"""The live VAD as a stream: real Silero VAD on real meeting audio (AMI far-field) and a real
voice. Scored in blocks it must give what the whole stream scored at once gives (the model's
memory carried from block to block), so the utterances, and so the live words, do not depend
on where the blocks happen to fall; each stream (the two tracks of a call) keeps its own.
"""

from __future__ import annotations

import numpy as np

from meeting_recorder.core.audio import iter_blocks
from meeting_recorder.core.segmenter import FRAME, SAMPLE_RATE, Segmenter, SileroVad
from meeting_recorder.core.worker.client import shared_client
from meeting_recorder.core.worker.remote import RemoteVad
from tests.needs import needs
from tests.speech import JFK, SHARED_DATA

AMI = SHARED_DATA / "real" / "ami" / "dev00.flac"  # 30 s, 3 people talking, far field
needs_data = needs(not (AMI.is_file() and JFK.is_file()), "shared speech data is missing")
pytestmark = needs_data


def _audio(path) -> np.ndarray:
    samples = np.concatenate(list(iter_blocks(path)))
    return samples[: len(samples) // FRAME * FRAME]


def _in_blocks(vad, audio: np.ndarray, sizes: list[int]) -> np.ndarray:
    out, at, index = [], 0, 0
    while at < len(audio):
        size = sizes[index % len(sizes)] * FRAME
        out.append(vad(audio[at : at + size]))
        at, index = at + size, index + 1
    return np.concatenate(out)


def _utterances(audio: np.ndarray, block: int, delay: int = 0) -> list[tuple[int, int]]:
    """The segmenter's utterances of ``audio`` after ``delay`` samples of silence, fed in
    blocks of ``block`` samples, in the audio's own sample positions."""
    stream = np.concatenate([np.zeros(delay, np.float32), audio])
    segmenter = Segmenter()
    found = []
    for start in range(0, len(stream), block):
        found += segmenter.feed(stream[start : start + block])
    found += segmenter.flush()
    return [(u.start - delay, u.end - delay) for u in found]


def test_vad_in_blocks_scores_as_the_whole_stream_at_once():
    from faster_whisper.vad import get_vad_model

    audio = _audio(AMI)
    # faster-whisper scoring a file (its call zeroes the last 64 samples of what it is
    # given before scoring them: the last frame is left out of the comparison)
    whole = get_vad_model()(audio.copy()).reshape(-1)[:-1]
    assert 0.2 < (whole >= 0.5).mean() < 0.95  # real speech and real pauses
    for sizes in ([4], [1], [3, 1, 7, 2]):
        in_blocks = _in_blocks(SileroVad(), audio, sizes)[:-1]
        np.testing.assert_allclose(in_blocks, whole, atol=1e-5, err_msg=f"blocks of {sizes} frames")


def test_vad_leaves_the_callers_audio_alone():
    audio = _audio(JFK)[: 8 * FRAME]
    before = audio.copy()
    SileroVad()(audio)
    assert np.array_equal(audio, before)


def test_reset_starts_a_new_stream():
    audio = _audio(AMI)[: 200 * FRAME]
    vad = SileroVad()
    fresh = vad(audio[100 * FRAME :])
    vad.reset()
    vad(audio[: 100 * FRAME])
    carried = vad(audio[100 * FRAME :])
    vad.reset()
    np.testing.assert_allclose(vad(audio[100 * FRAME :]), fresh, atol=1e-6)
    assert np.abs(carried - fresh).max() > 0.01  # the memory matters, so reset does something


def test_utterances_do_not_depend_on_where_the_blocks_fall():
    """The same meeting audio fed in 0.25 s or 0.1 s blocks: the same utterances; starting
    one to three VAD frames later (a device that opened a little earlier): the same ones
    within 64 ms. (Scoring each 128 ms afresh, as before, moved one by 96 ms at one frame
    later, and at two and three frames gave 8 and 7 utterances instead of 9.)"""
    audio = _audio(AMI)
    expected = _utterances(audio, SAMPLE_RATE // 4)
    assert len(expected) >= 3
    assert _utterances(audio, SAMPLE_RATE // 10) == expected
    for frames in (1, 2, 3):
        # The model hears a few more frames of silence first: a boundary may move by a frame.
        later = _utterances(audio, SAMPLE_RATE // 4, delay=frames * FRAME)
        assert len(later) == len(expected), (frames, later, expected)
        moved = np.abs(np.array(later) - np.array(expected)).max()
        assert moved <= 2 * FRAME, (frames, later, expected)


def test_the_worker_keeps_one_vad_stream_per_holder():
    """A call's two tracks each have a VAD in the one worker process: interleaved calls must
    not mix their memories."""
    meeting, voice = _audio(AMI)[: 120 * FRAME], _audio(JFK)[: 120 * FRAME]
    expected_meeting, expected_voice = _in_blocks(SileroVad(), meeting, [4]), _in_blocks(SileroVad(), voice, [4])
    mic, system = RemoteVad(), RemoteVad()
    try:
        heard_meeting, heard_voice = [], []
        for at in range(0, 120 * FRAME, 4 * FRAME):
            heard_meeting.append(mic(meeting[at : at + 4 * FRAME]))
            heard_voice.append(system(voice[at : at + 4 * FRAME]))
        np.testing.assert_allclose(np.concatenate(heard_meeting), expected_meeting, atol=1e-5)
        np.testing.assert_allclose(np.concatenate(heard_voice), expected_voice, atol=1e-5)
        mic.reset()
        np.testing.assert_allclose(mic(meeting[: 4 * FRAME]), expected_meeting[:4], atol=1e-5)
    finally:
        mic.close()
        system.close()
    assert not shared_client().alive


def test_an_empty_block_scores_nothing():
    assert len(SileroVad()(np.zeros(0, np.float32))) == 0
