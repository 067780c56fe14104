import json
import os
import signal
import subprocess
import sys
import time

from tests.speech import JFK_TEXT, repeat_audio, wer


def cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "meeting_recorder", *args], capture_output=True, text=True, timeout=600, **kwargs
    )


def test_transcribe_writes_every_format(jfk_path, tmp_path):
    out = tmp_path / "out"
    result = cli("transcribe", str(jfk_path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"jfk.{f}" for f in ("txt", "srt", "vtt", "json", "md"))
    data = json.loads((out / "jfk.json").read_text())
    assert wer(JFK_TEXT, " ".join(s["text"] for s in data["segments"])) == 0
    assert data["model"] == "tiny.en" and data["language"] == "en"
    assert "jfk.flac: 100%" in result.stderr  # the per-file progress bar


def test_bad_files_get_one_line_each_and_the_rest_go_on(jfk_path, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.touch()
    text = tmp_path / "text.wav"
    text.write_text("not audio")
    folder = tmp_path / "folder"
    folder.mkdir()
    out = tmp_path / "out"
    result = cli("transcribe", str(empty), str(text), str(folder), str(tmp_path / "missing.ogg"),
                 str(jfk_path), "--format", "json", "--out", str(out))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {empty}: the file is empty (0 bytes)",
        f"error: {text}: not a readable audio or video file (Invalid data found when processing input)",
        f"error: {folder}: is a folder, not an audio or video file",
        f"error: {tmp_path / 'missing.ogg'}: file not found",
        "error: 4 of 5 file(s) failed",
    ]
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["jfk.json"]


def test_unknown_model_and_format_and_language(jfk_path, tmp_path):
    result = cli("transcribe", str(jfk_path), "--model", "large-v3", "--out", str(tmp_path))
    assert result.returncode == 2 and "is not installed" in result.stderr and "Traceback" not in result.stderr
    assert "meeting-recorder models download large-v3" in result.stderr  # says what to do
    result = cli("transcribe", str(jfk_path), "--format", "docx", "--out", str(tmp_path))
    assert result.returncode == 2 and "docx" in result.stderr
    result = cli("transcribe", str(jfk_path), "--language", "ko", "--model", "tiny.en", "--out", str(tmp_path))
    assert result.returncode == 2 and "English only" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_leaves_no_partial_output(jfk_path, tmp_path):
    long_file = repeat_audio(jfk_path, tmp_path / "long.wav", times=10)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "meeting_recorder", "transcribe", str(long_file), "--out", str(out)],
        stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    seen = ""
    while "long.wav:" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1)  # wait until the progress bar shows the job running
    os.kill(process.pid, signal.SIGINT)
    stderr = seen + process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    assert "interrupted; no partial output was written" in stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_window_without_display_says_so():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = cli(env=env)
    assert result.returncode == 2
    assert "no display found" in result.stderr and "Traceback" not in result.stderr
