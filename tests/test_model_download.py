"""The model download, import and remove path, for real: real files, real HTTP on
127.0.0.1 (``tests/hub_server.py`` serves the embedded tiny.en files as the hub repository
of the catalog model ``tiny``), a real transcription with the downloaded model."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from meeting_recorder.core import model_catalog, model_download
from meeting_recorder.core.errors import Cancelled, ModelError
from meeting_recorder.core.model_catalog import (
    CATALOG,
    MARKER_NAME,
    MB,
    catalog_entry,
    installed_model_dir,
    installed_models,
    models_dir,
    partial_dir,
)
from meeting_recorder.core.model_download import (
    DownloadOptions,
    download_model,
    import_model,
    remove_model,
    resolve_endpoint,
)
from meeting_recorder.core.models import tiny_en_dir
from tests.hub_server import REVISION, HubServer

NAME = "tiny"  # a catalog model; the local hub serves the tiny.en files for every repository
FAST = DownloadOptions(retry_pause=0.05, progress_interval=0.0)
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    """Each test gets its own empty data folder and no proxy or mirror from the machine."""
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))
    for var in _PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_ENDPOINT", raising=False)


@pytest.fixture
def hub(monkeypatch) -> Iterator[HubServer]:
    server = HubServer(tiny_en_dir()).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.stop()


# -- a socket audit, process-wide but recording only while armed ---------------------------
_sinks: list[list[str]] = []
_hooked = False


def _audit(event: str, args: tuple) -> None:
    if _sinks and event.startswith("socket."):
        detail = args[0] if event == "socket.getaddrinfo" else args[1] if event == "socket.connect" else ""
        for sink in _sinks:
            sink.append(f"{event} {detail}".strip())


@contextlib.contextmanager
def socket_events() -> Iterator[list[str]]:
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    seen: list[str] = []
    _sinks.append(seen)
    try:
        yield seen
    finally:
        _sinks.remove(seen)


def _model_bin_gets(hub: HubServer) -> list:
    return [t for t in hub.transfers if t.file == "model.bin" and t.method == "GET"]


# -- the catalog ---------------------------------------------------------------------------
def test_catalog_matches_faster_whisper_repositories():
    from faster_whisper.utils import _MODELS

    for entry in CATALOG:
        assert _MODELS[entry.name] == entry.repo_id
    for name in ("tiny", "base", "small", "medium", "large-v3", "large-v3-turbo", "distil-large-v3"):
        entry = catalog_entry(name)
        assert entry.download_bytes > 0 and entry.ram_bytes > 0 and entry.vram_bytes > 0
    assert catalog_entry("tiny.en").embedded and catalog_entry("base").embedded
    assert catalog_entry("small").multilingual and not catalog_entry("small.en").multilingual


def test_endpoint_comes_from_the_argument_then_hf_endpoint(monkeypatch):
    assert resolve_endpoint() == "https://huggingface.co"
    monkeypatch.setenv("HF_ENDPOINT", "https://mirror.example/")
    assert resolve_endpoint() == "https://mirror.example"
    assert resolve_endpoint("http://127.0.0.1:9") == "http://127.0.0.1:9"


# -- download ------------------------------------------------------------------------------
def test_full_download_is_verified_installed_and_transcribes(hub, jfk_path):
    hub.bytes_per_second = 150 * MB  # long enough (~0.5 s) for a speed and a time left
    reports = []
    path = download_model(NAME, consent=True, progress=reports.append, options=FAST)
    assert path == models_dir() / NAME == installed_model_dir(NAME)
    assert not partial_dir(NAME).exists()
    marker = json.loads((path / MARKER_NAME).read_text(encoding="utf-8"))
    assert marker["revision"] == REVISION and marker["source"] == "downloaded"
    assert {name: facts["sha256"] for name, facts in marker["files"].items()} == {
        name: served.sha256 for name, served in hub.files.items()
    }
    assert sorted(t.file for t in hub.transfers) == sorted(hub.files)  # each file once
    total = sum(served.size for served in hub.files.values())
    done = [report.bytes_done for report in reports]
    assert done == sorted(done) and reports[-1].bytes_done == reports[-1].bytes_total == total
    assert any(r.bytes_per_second and r.seconds_left is not None for r in reports)
    assert {r.file for r in reports if r.phase == "verify"} == set(hub.files)

    listed = {model.name: model for model in installed_models()}
    assert listed["tiny.en"].source == "embedded" and listed["base"].source == "embedded"
    assert listed[NAME].source == "downloaded" and listed[NAME].path == path

    connections = hub.connections
    assert download_model(NAME, consent=True) == path  # already installed: no network
    assert hub.connections == connections

    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine

    engine = TranscriptionEngine(str(path))
    try:
        text = engine.transcribe_file(jfk_path, TranscribeOptions(language="en")).text
    finally:
        engine.close()
    assert "fellow americans" in text.lower()


def test_a_dropped_connection_is_resumed_with_a_range(hub):
    hub.drop_once.add("model.bin")
    size = hub.files["model.bin"].size
    download_model(NAME, consent=True, options=FAST)
    first, second = _model_bin_gets(hub)
    assert first.range is None and 0 < first.bytes_sent < size
    kept = size - second.bytes_sent
    assert second.range == f"bytes={kept}-" and second.status == 206
    assert 0 < kept <= first.bytes_sent
    assert hub.sent("model.bin") < 2 * size
    assert installed_model_dir(NAME) is not None


def test_an_interrupted_run_installs_nothing_and_the_next_run_resumes(hub):
    hub.drop_once.add("model.bin")
    size = hub.files["model.bin"].size
    with pytest.raises(ModelError, match=r"model.bin for tiny was interrupted \(the connection failed or was lost\)"):
        download_model(NAME, consent=True, options=DownloadOptions(retries=0))
    assert installed_model_dir(NAME) is None and not (models_dir() / NAME).exists()
    assert NAME not in {model.name for model in installed_models()}
    kept = (partial_dir(NAME) / "model.bin").stat().st_size
    assert 0 < kept < size

    download_model(NAME, consent=True, options=FAST)  # a second run
    assert _model_bin_gets(hub)[-1].range == f"bytes={kept}-"
    assert hub.sent("model.bin") < 2 * size
    assert installed_model_dir(NAME) is not None


def test_a_server_that_ignores_the_range_gets_the_file_from_the_start(hub):
    hub.drop_once.add("model.bin")
    with pytest.raises(ModelError, match="Download again to resume"):
        download_model(NAME, consent=True, options=DownloadOptions(retries=0))
    hub.ignore_range = True
    reports = []
    path = download_model(NAME, consent=True, progress=reports.append, options=FAST)
    last = _model_bin_gets(hub)[-1]
    assert last.range is not None and last.status == 200 and last.bytes_sent == hub.files["model.bin"].size
    assert (path / "model.bin").read_bytes() == hub.files["model.bin"].path.read_bytes()
    assert reports[-1].bytes_done == reports[-1].bytes_total == sum(f.size for f in hub.files.values())


def test_a_partial_of_another_file_version_is_not_resumed(hub):
    hub.drop_once.add("model.bin")
    with pytest.raises(ModelError, match="Download again to resume"):
        download_model(NAME, consent=True, options=DownloadOptions(retries=0))
    state_path = partial_dir(NAME) / model_download.STATE_NAME
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["files"]["model.bin"]["sha256"] = "0" * 64  # the repository has changed since
    state_path.write_text(json.dumps(state), encoding="utf-8")
    download_model(NAME, consent=True, options=FAST)
    assert _model_bin_gets(hub)[-1].range is None
    assert installed_model_dir(NAME) is not None


@pytest.mark.parametrize(("file", "problem"), [("model.bin", "sha256 mismatch"), ("config.json", "git hash mismatch")])
def test_a_corrupt_file_is_rejected_and_nothing_is_installed(hub, file, problem):
    hub.corrupt.add(file)
    expected = rf"{file} of tiny failed verification \({problem}\): it was deleted; download again"
    with pytest.raises(ModelError, match=expected):
        download_model(NAME, consent=True, options=FAST)
    assert installed_model_dir(NAME) is None and not (models_dir() / NAME).exists()
    assert not (partial_dir(NAME) / file).exists()

    hub.corrupt.clear()
    path = download_model(NAME, consent=True, options=FAST)
    assert (path / file).read_bytes() == hub.files[file].path.read_bytes()
    assert [t.file for t in hub.transfers].count(file) == 2  # only the rejected file again


def test_cancel_stops_within_a_second_and_a_later_download_resumes(hub):
    hub.bytes_per_second = 20 * MB
    cancel = threading.Event()
    set_at: list[float] = []

    def press_cancel() -> None:
        set_at.append(time.monotonic())
        cancel.set()

    timer = threading.Timer(1.0, press_cancel)
    timer.start()
    try:
        with pytest.raises(Cancelled):
            download_model(NAME, consent=True, cancel=cancel, options=FAST)
        stopped = time.monotonic()
    finally:
        timer.cancel()
        timer.join()
    assert stopped - set_at[0] < 1.0
    assert installed_model_dir(NAME) is None and not (models_dir() / NAME).exists()
    size = hub.files["model.bin"].size
    kept = (partial_dir(NAME) / "model.bin").stat().st_size
    assert 0 < kept < size

    hub.bytes_per_second = None
    download_model(NAME, consent=True, options=FAST)
    assert _model_bin_gets(hub)[-1].range == f"bytes={kept}-"
    assert installed_model_dir(NAME) is not None


def test_no_consent_makes_not_one_connection(hub):
    with socket_events() as seen:
        with pytest.raises(ModelError, match="needs your consent; nothing was downloaded"):
            download_model(NAME)
        with pytest.raises(ModelError, match="consent"):
            download_model(NAME, endpoint=hub.url, consent=False)
    assert seen == [] and hub.connections == 0
    assert not partial_dir(NAME).exists() and installed_model_dir(NAME) is None

    with socket_events() as seen:  # the two counters do see a connection
        socket.create_connection(("127.0.0.1", int(hub.url.rsplit(":", 1)[1])), timeout=5).close()
    assert any(event.startswith("socket.connect ('127.0.0.1'") for event in seen)
    for _ in range(100):
        if hub.connections:
            break
        time.sleep(0.01)
    assert hub.connections == 1


def test_one_download_of_a_model_at_a_time(hub):
    import fcntl

    models_dir()
    with open(model_catalog.lock_path(NAME), "a") as other_run:  # another window or command
        fcntl.flock(other_run.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ModelError, match="tiny is already being downloaded"):
            download_model(NAME, consent=True, options=FAST)
    assert hub.transfers == [] and not partial_dir(NAME).exists()
    download_model(NAME, consent=True, options=FAST)
    assert sorted(p.name for p in models_dir().iterdir()) == [NAME]  # no lock file left


def test_embedded_or_unknown_names_are_refused_without_network(hub):
    with pytest.raises(ModelError, match="embedded in the app; it needs no download"):
        download_model("tiny.en", consent=True)
    with pytest.raises(ModelError, match="Unknown model 'huge'"):
        download_model("huge", consent=True)
    assert hub.connections == 0


def test_too_little_disk_space_is_refused_before_any_file_is_written(hub, monkeypatch):
    monkeypatch.setattr(model_catalog, "free_bytes", lambda folder: 50 * MB)
    with pytest.raises(ModelError, match=r"Not enough free disk space for the model tiny: it needs 78\.\d MB"):
        download_model(NAME, consent=True, options=FAST)
    assert list(models_dir().iterdir()) == []
    assert hub.transfers == []  # the file list was read; no file was requested


def test_an_unreachable_server_is_a_clear_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(ModelError, match=r"Could not reach the model server .* \(the connection failed or was lost\)"):
        download_model(NAME, endpoint=endpoint, consent=True, options=FAST)
    assert list(models_dir().iterdir()) == []


def test_the_system_proxy_is_honoured(hub, monkeypatch):
    """With HTTP_PROXY set, the request goes to the proxy (the local hub, which also answers
    proxy requests) and the endpoint's host is never looked up here."""
    monkeypatch.setenv("HTTP_PROXY", hub.url)
    monkeypatch.setenv("NO_PROXY", "")
    with socket_events() as seen:
        path = download_model(NAME, endpoint="http://hub.invalid", consent=True, options=FAST)
    assert not [event for event in seen if "hub.invalid" in event]
    assert any(event.startswith("socket.connect ('127.0.0.1'") for event in seen)
    assert installed_model_dir(NAME) == path and hub.connections >= len(hub.files) + 1


# -- import --------------------------------------------------------------------------------
def test_import_of_a_folder(tmp_path):
    path = import_model(tiny_en_dir(), name="my-tiny")
    assert path == installed_model_dir("my-tiny")
    for source in tiny_en_dir().iterdir():
        assert (path / source.name).read_bytes() == source.read_bytes()
    listed = {model.name: model for model in installed_models()}
    assert listed["my-tiny"].source == "imported" and listed["my-tiny"].languages == "English only"
    with pytest.raises(ModelError, match="already installed"):
        import_model(tiny_en_dir(), name="my-tiny")
    with pytest.raises(ModelError, match="name of an embedded model"):
        import_model(tiny_en_dir(), name="base")

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="incomplete: missing model.bin"):
        import_model(broken)
    assert sorted(p.name for p in models_dir().iterdir()) == ["my-tiny"]


@pytest.mark.parametrize("folder", ["", "faster-whisper-tiny.en/"])
def test_import_of_a_zip(tmp_path, folder):
    archive = tmp_path / "office-model.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        for source in sorted(tiny_en_dir().iterdir()):
            out.write(source, folder + source.name)
    path = import_model(archive)
    assert path == installed_model_dir("office-model")
    assert sorted(p.name for p in path.iterdir() if p.name != MARKER_NAME) == sorted(
        p.name for p in tiny_en_dir().iterdir()
    )
    assert (path / "model.bin").read_bytes() == (tiny_en_dir() / "model.bin").read_bytes()


def test_a_zip_with_path_traversal_or_without_a_model_is_rejected(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as out:
        out.write(tiny_en_dir() / "config.json", "config.json")
        out.writestr("model.bin", b"x" * 100)
        out.writestr("tokenizer.json", "{}")
        out.writestr("../evil", "owned")
    with pytest.raises(ModelError, match="not a safe model archive: entry '../evil'"):
        import_model(evil)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as out:
        out.writestr("notes.txt", "no model here")
    with pytest.raises(ModelError, match="does not hold one Whisper model"):
        import_model(empty)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_STORED) as out:
        for source in sorted(tiny_en_dir().iterdir()):
            out.write(source, source.name)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside model.bin: its CRC no longer matches
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="damaged.zip is damaged or not a usable .zip"):
        import_model(damaged)
    not_zip = tmp_path / "model.zip"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="neither a model folder nor a .zip"):
        import_model(not_zip)
    assert not (tmp_path / "evil").exists() and not (models_dir().parent / "evil").exists()
    assert list(models_dir().iterdir()) == []


# -- what counts as installed, and remove --------------------------------------------------
def test_a_folder_without_a_true_marker_is_not_installed():
    path = import_model(tiny_en_dir(), name="cut")
    with open(path / "model.bin", "r+b") as model_bin:
        model_bin.truncate(1000)
    assert installed_model_dir("cut") is None
    (models_dir() / "bare").mkdir()
    assert installed_model_dir("bare") is None
    assert {model.name for model in installed_models()} == {"tiny.en", "base"}


def test_remove_deletes_the_model_and_any_partial(hub):
    path = import_model(tiny_en_dir(), name="spare")
    remove_model("spare")
    assert not path.exists() and installed_model_dir("spare") is None

    hub.drop_once.add("model.bin")
    with pytest.raises(ModelError, match="interrupted"):
        download_model(NAME, consent=True, options=DownloadOptions(retries=0))
    assert partial_dir(NAME).exists()
    remove_model(NAME)
    assert not partial_dir(NAME).exists()
    assert list(models_dir().iterdir()) == []

    with pytest.raises(ModelError, match="embedded in the app and cannot be removed"):
        remove_model("tiny.en")
    with pytest.raises(ModelError, match="nothing to remove"):
        remove_model(NAME)
    with pytest.raises(ModelError, match="cannot be a model name"):
        remove_model("../data")


def test_paths_are_under_the_app_data_folder(tmp_path):
    assert models_dir() == tmp_path / "home" / "data" / "models"
    assert partial_dir(NAME) == models_dir() / ".partial-tiny"
    assert isinstance(models_dir(), Path)


def test_cli_models_download_list_use_and_remove(hub, jfk_path, tmp_path, capsys, monkeypatch):
    """The CLI end to end: no yes → nothing fetched; --yes downloads; the model is listed and
    used by name; removed, a clear message says how to get it back."""
    from meeting_recorder.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no one to say yes
    assert main(["models", "download", NAME]) == 2
    assert "nothing was downloaded" in capsys.readouterr().err and hub.connections == 0
    assert main(["models", "download", NAME, "--yes"]) == 0
    assert capsys.readouterr().out.strip() == str(models_dir() / NAME)
    assert main(["models", "list"]) == 0
    listing = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]}
    assert listing[NAME] == "downloaded" and listing["tiny.en"] == "embedded" and listing["small"] == "available"
    out = tmp_path / "out"
    assert main(["transcribe", str(jfk_path), "--model", NAME, "--language", "en", "--speakers", "off",
                 "--format", "txt", "--out", str(out)]) == 0
    assert "fellow Americans" in (out / "jfk.txt").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["models", "remove", NAME]) == 0 and installed_model_dir(NAME) is None
    assert main(["transcribe", str(jfk_path), "--model", NAME, "--out", str(out)]) == 2
    assert f"meeting-recorder models download {NAME}" in capsys.readouterr().err


def test_allow_download_is_consent_and_goes_through_verification(hub, jfk_path, tmp_path, monkeypatch):
    """``transcribe --allow-download --model NAME`` fetches a catalog model the same verified way."""
    from meeting_recorder.cli import main
    from meeting_recorder.core.privacy import ALLOW_DOWNLOADS_ENV

    # --allow-download opens the process's network settings: put them back after the test.
    monkeypatch.setenv(ALLOW_DOWNLOADS_ENV, "0")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    out = tmp_path / "out"
    assert main(["transcribe", str(jfk_path), "--model", NAME, "--allow-download", "--language", "en",
                 "--speakers", "off", "--format", "txt", "--out", str(out)]) == 0
    assert installed_model_dir(NAME) is not None and sorted(t.file for t in hub.transfers) == sorted(hub.files)
    assert "fellow Americans" in (out / "jfk.txt").read_text(encoding="utf-8")
