"""The speed column of the model manager: learned from real jobs on this machine."""

from __future__ import annotations

import pytest

from meeting_recorder.core import speed_estimate
from meeting_recorder.core.engine import TranscribeOptions


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))


def test_a_real_job_is_measured_and_other_models_are_estimated_from_it(tiny_engine, jfk_path):
    assert speed_estimate.estimate_rtf("small") is None  # nothing has run here yet
    tiny_engine.transcribe_file(jfk_path, TranscribeOptions(language="en"))
    rtf = speed_estimate.measured_rtf("tiny.en")
    assert rtf is not None and 0 < rtf < 5
    assert speed_estimate.estimate_rtf("tiny.en") == (rtf, True)
    small, measured = speed_estimate.estimate_rtf("small")
    assert not measured and small == pytest.approx(rtf * 5)  # the catalog: small costs 5x tiny
    for _ in range(10):  # bounded: the last few jobs per model
        speed_estimate.record_job("tiny.en", "cpu", 60.0, 6.0)
    assert speed_estimate.measured_rtf("tiny.en") == pytest.approx(0.1)
    speed_estimate.record_job("base", "cuda", 60.0, 1.0)  # GPU jobs say nothing of the CPU
    speed_estimate.record_job("base", "cpu", 1.0, 1.0)  # too short to count
    assert speed_estimate.measured_rtf("base") is None
