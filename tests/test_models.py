import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from meeting_recorder.core import models
from meeting_recorder.core.engine import TranscriptionEngine
from meeting_recorder.core.errors import ModelError


def test_tiny_en_is_embedded():
    resolved = models.resolve_model("tiny.en")
    assert (Path(resolved.path) / "model.bin").is_file()


def test_base_is_joined_once_atomically(tmp_path):
    target = models.base_model_dir(tmp_path)
    model_bin = target / "model.bin"
    assert model_bin.stat().st_size == models.BASE_MODEL_BYTES
    assert {p.name for p in target.iterdir()} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    stamp = model_bin.stat().st_mtime_ns
    assert models.base_model_dir(tmp_path) == target
    assert model_bin.stat().st_mtime_ns == stamp, "a complete join must be reused, not redone"
    assert [p.name for p in target.parent.iterdir()] == ["whisper-base"], "no staging folder left behind"


def test_base_with_wrong_size_is_joined_again(tmp_path):
    target = models.base_model_dir(tmp_path)
    with open(target / "model.bin", "r+b") as handle:
        handle.truncate(1000)  # an interrupted copy by some other tool
    models.base_model_dir(tmp_path)
    assert (target / "model.bin").stat().st_size == models.BASE_MODEL_BYTES


def test_missing_model_folder_names_the_path(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match=str(missing)):
        models.resolve_model(str(missing))


def test_incomplete_model_folder_says_what_is_missing(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match=r"missing model\.bin"):
        models.resolve_model(str(tmp_path))


def test_corrupt_model_gives_clear_error(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(models.tiny_en_dir(), broken)
    (broken / "model.bin").write_bytes(b"this is not a CTranslate2 model" * 100)
    engine = TranscriptionEngine(str(broken))
    with pytest.raises(ModelError, match=f"{broken}.*corrupt"):
        engine.load()
    assert not engine.loaded


def test_unreadable_config_is_reported(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(models.tiny_en_dir(), broken)
    (broken / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="config.json"):
        models.resolve_model(str(broken))


def test_hub_name_needs_explicit_permission():
    with pytest.raises(ModelError, match="--allow-download"):
        models.resolve_model("small", allow_download=False)
    # A name outside the catalog goes to faster-whisper as it is; catalog names go through the
    # verified downloader (test_model_download.py::test_allow_download_is_consent_…).
    assert models.resolve_model("my-hub-model", allow_download=True).path == "my-hub-model"


def test_cpu_device_uses_int8_on_physical_cores():
    choice = models.choose_device("cpu")
    assert choice == models.DeviceChoice("cpu", "int8", psutil.cpu_count(logical=False) or os.cpu_count())


def test_auto_device_on_this_machine():
    import ctranslate2

    choice = models.choose_device("auto")
    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    assert choice.device == expected


def _network_env_in_fresh_process(extra_env: dict[str, str]) -> dict:
    code = (
        "import json, os, meeting_recorder, huggingface_hub.constants as c;"
        "print(json.dumps({'offline': c.HF_HUB_OFFLINE,"
        " 'metrics': os.environ.get('PYANNOTE_METRICS_ENABLED')}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "PYANNOTE_METRICS_ENABLED")}
    env.update(extra_env)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_offline_and_no_telemetry_by_default():
    assert _network_env_in_fresh_process({}) == {"offline": True, "metrics": "false"}


def test_onnxruntime_telemetry_off(tmp_path):
    """The Silero VAD runs on onnxruntime, whose Linux builds keep a device id and an event
    database under ~/.cache/Microsoft unless told not to."""
    code = (
        "import numpy, meeting_recorder; from faster_whisper.vad import get_vad_model;"
        "get_vad_model()(numpy.zeros(2048, numpy.float32))"
    )
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"))
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert not list(tmp_path.rglob("*")), "onnxruntime wrote telemetry files"


def test_downloads_only_when_user_allows():
    allowed = _network_env_in_fresh_process({"MEETING_RECORDER_ALLOW_DOWNLOADS": "1"})
    assert allowed == {"offline": False, "metrics": "false"}
