"""The meeting library (core/library.py) on real SQLite files and real transcript/WAV files."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from meeting_recorder.core.export import from_dict, to_dict, to_json
from meeting_recorder.core.library import Library, LibraryError, SearchFilter
from meeting_recorder.core.transcript import Mark, Note
from tests.library_data import SAMPLE_MEETINGS, make_meeting, make_samples


@pytest.fixture
def rec(tmp_path: Path) -> Path:
    folder = tmp_path / "recordings"
    make_samples(folder)
    return folder


@pytest.fixture
def lib(tmp_path: Path, rec: Path):
    library = Library(tmp_path / "data" / "library.sqlite3", folders=[rec])
    yield library
    library.close()


def by_title(library: Library) -> dict:
    return {m.title: m for m in library.meetings()}


def test_a_new_library_scans_its_folders(lib: Library, rec: Path) -> None:
    meetings = lib.meetings()
    assert [m.title for m in meetings] == sorted(SAMPLE_MEETINGS, reverse=True)  # newest first
    first = by_title(lib)["2026-01-05_101500"]
    assert first.started_at == dt.datetime(2026, 1, 5, 10, 15).timestamp()  # local time, from the name
    assert first.source == "recording" and first.language == "en" and first.model == "tiny"
    assert first.audio_path == str(rec / "2026-01-05_101500.wav")
    assert first.transcript_path == str(rec / "2026-01-05_101500.json")
    assert [(t.kind, t.path) for t in first.tracks] == [("audio", first.audio_path)]
    assert first.speakers == ("Alice", "Bob", "Carol") and first.segment_count == 4
    assert first.duration == 18.0
    assert not (first.missing or first.audio_missing or first.transcript_missing)
    korean = by_title(lib)["2026-01-12_140000"]
    assert korean.speakers == ("민수", "지영") and korean.language == "ko"
    assert [s.text for s in lib.segments(korean.id)] == [s[3] for s in SAMPLE_MEETINGS["2026-01-12_140000"]]
    assert lib.speakers() == ["Alice", "Bob", "Carol", "민수", "지영"]


def test_adding_again_updates_the_same_meeting(lib: Library, rec: Path) -> None:
    json_path = rec / "2026-01-05_101500.json"
    before = lib.add_transcript(json_path)
    again = lib.add_recording(rec / "2026-01-05_101500.wav")
    assert again.id == before.id and len(lib.meetings()) == 3
    data = json.loads(json_path.read_text(encoding="utf-8"))
    data["segments"].append({"start": 18.0, "end": 20.0, "text": "One more thing.", "speaker": "Dave"})
    json_path.write_text(json.dumps(data), encoding="utf-8")
    updated = lib.add_transcript(json_path)
    assert updated.id == before.id and updated.segment_count == 5 and "Dave" in updated.speakers
    assert [h.text for h in lib.search("one more thing")] == ["One more thing."]


def test_audio_first_then_its_transcript_is_one_meeting(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    _, wav = make_meeting(folder, "2026-02-10_090000", transcript=False, audio_seconds=1.0)
    with Library(tmp_path / "lib.sqlite3") as library:
        audio_only = library.add_audio(wav)
        assert audio_only.transcript_path is None and audio_only.segment_count == 0
        assert audio_only.duration == pytest.approx(1.0, abs=0.01) and audio_only.source == "recording"
        library.set_tags(audio_only.id, ["todo"])
        # the Files queue transcribes it into Transcripts/, naming the audio in "file"
        json_path, _ = make_meeting(folder, "2026-02-10_090000", [(0.0, 1.0, "A", "Transcribed later.")],
                                    json_folder=folder / "Transcripts")
        meeting = library.add_transcript(json_path)
        assert meeting.id == audio_only.id and meeting.transcript_path == str(json_path)
        assert meeting.tags == ("todo",)  # the user's tags kept, and written into the new JSON
        assert json.loads(json_path.read_text(encoding="utf-8"))["tags"] == ["todo"]
        assert len(library.meetings()) == 1
        assert library.sync([folder]).added == 0 and len(library.meetings()) == 1  # the audio is claimed


def test_queue_transcripts_folder_finds_the_source_audio(tmp_path: Path) -> None:
    source = tmp_path / "downloads"
    json_path, wav = make_meeting(source, "interview", json_folder=tmp_path / "rec" / "Transcripts")
    with Library(tmp_path / "lib.sqlite3") as library:
        report = library.import_folder(tmp_path / "rec")
        assert (report.added, report.errors) == (1, ())
        meeting = library.meetings()[0]
        assert meeting.audio_path == str(wav) and meeting.title == "interview" and meeting.source == "import"
        assert meeting.started_at == pytest.approx(wav.stat().st_mtime)  # no date in the name


def test_call_recording_has_three_tracks(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    json_path, wav = make_meeting(folder, "2026-03-01_100000", call=True)
    with Library(tmp_path / "lib.sqlite3", folders=[folder]) as library:
        [meeting] = library.meetings()  # the .mic/.system tracks are not meetings of their own
        assert [(t.kind, Path(t.path).name) for t in meeting.tracks] == [
            ("mix", wav.name), ("mic", "2026-03-01_100000.mic.wav"), ("system", "2026-03-01_100000.system.wav")]
        removed = library.delete(meeting.id)
        assert {p.name for p in removed} == {wav.name, "2026-03-01_100000.mic.wav", "2026-03-01_100000.system.wav",
                                             json_path.name}
        assert list(folder.iterdir()) == []


def test_half_written_files_are_not_meetings(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    make_meeting(folder, "2026-03-02_100000")
    for name in ("2026-03-02_110000.wav.partial", "2026-03-02_110000.transcript.jsonl", ".x.json.123.abc.tmp",
                 "2026-03-02_120000.wav.mixing", "2026-03-02_130000.mic.wav", "2026-03-02_130000.system.wav",
                 ".hidden.json", "notes.txt"):
        (folder / name).write_bytes(b"RIFF....")
    with Library(tmp_path / "lib.sqlite3") as library:
        report = library.import_folder(folder)
        assert (report.added, report.errors) == (1, ())
        assert [m.title for m in library.meetings()] == ["2026-03-02_100000"]


def test_rename_and_tags_go_into_the_json_and_survive_a_rebuild(lib: Library, rec: Path, tmp_path: Path) -> None:
    meeting = by_title(lib)["2026-01-05_101500"]
    renamed = lib.rename(meeting.id, "  Release   planning ")
    assert renamed.title == "Release planning"
    tagged = lib.set_tags(meeting.id, ["release", "Q1", "Release", " "])
    assert tagged.tags == ("Q1", "release") and tagged.title == "Release planning"
    data = json.loads(Path(meeting.transcript_path).read_text(encoding="utf-8"))
    assert (data["title"], data["tags"]) == ("Release planning", ["Q1", "release"])
    assert len(data["segments"]) == 4 and data["segments"][0]["words"]  # the rest of the file kept
    assert lib.tags() == ["Q1", "release"]
    assert [m.title for m in lib.meetings(SearchFilter(tag="RELEASE"))] == ["Release planning"]
    assert lib.sync().updated == 0  # our own write is not a change to re-read
    lib.rebuild()
    assert by_title(lib)["Release planning"].tags == ("Q1", "release")
    lib.close()
    os.unlink(lib.path)  # the database lost: a new one is built from the files
    with Library(lib.path, folders=[rec]) as again:
        assert by_title(again)["Release planning"].tags == ("Q1", "release")
    cleared = Library(lib.path, folders=[rec])
    restored = cleared.rename(by_title(cleared)["Release planning"].id, "")
    assert restored.title == "2026-01-05_101500"
    assert "title" not in json.loads(Path(meeting.transcript_path).read_text(encoding="utf-8"))
    cleared.close()


def test_delete_removes_files_and_row(lib: Library, rec: Path) -> None:
    meeting = by_title(lib)["2026-02-02_093000"]
    for suffix in (".txt", ".srt", ".vtt", ".md"):
        (rec / f"2026-02-02_093000{suffix}").write_text("x", encoding="utf-8")
    removed = lib.delete(meeting.id)
    assert sorted(p.name for p in removed) == sorted(f"2026-02-02_093000{s}" for s in
                                                     (".wav", ".json", ".txt", ".srt", ".vtt", ".md"))
    assert not any(p.exists() for p in removed)
    with pytest.raises(LibraryError) as caught:
        lib.meeting(meeting.id)
    assert caught.value.code == "not_found" and str(meeting.id) in str(caught.value)
    assert lib.search("budget") == [] and lib.sync().added == 0
    keep = by_title(lib)["2026-01-12_140000"]
    assert lib.delete(keep.id, delete_files=False) == []
    assert Path(keep.transcript_path).exists() and Path(keep.audio_path).exists()


def test_files_deleted_outside_are_flagged_missing(lib: Library, rec: Path) -> None:
    meeting = by_title(lib)["2026-01-05_101500"]
    os.unlink(meeting.audio_path)
    report = lib.sync()
    assert report.missing == 0
    half = lib.meeting(meeting.id)
    assert half.audio_missing and not half.transcript_missing and not half.missing
    os.unlink(meeting.transcript_path)
    assert lib.sync().missing == 1
    gone = lib.meeting(meeting.id)
    assert gone.missing and gone.audio_missing and gone.transcript_missing
    assert lib.search("release date")  # still searchable, still listed
    assert lib.forget_missing() == 1 and len(lib.meetings()) == 2


def test_sync_reads_only_what_changed(lib: Library, rec: Path) -> None:
    assert lib.sync().unchanged == 3
    path = rec / "2026-01-12_140000.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0]["text"] = "편집된 문장입니다."  # the editor saved a correction
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    make_meeting(rec, "2026-04-01_080000", [(0.0, 1.0, "Eve", "A new meeting appeared.")])
    report = lib.sync()
    assert (report.added, report.updated, report.unchanged) == (1, 1, 2)
    assert [h.text for h in lib.search("편집")] == ["편집된 문장입니다."]


def test_imported_folders_are_remembered_beside_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "old recordings"
    make_meeting(folder, "team sync")
    db = tmp_path / "lib.sqlite3"
    with Library(db) as library:
        library.import_folder(folder)
    assert str(folder) in (tmp_path / "lib.sqlite3.folders").read_text(encoding="utf-8")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Library(db) as library:  # a new file: the remembered folder is scanned again
        assert [m.title for m in library.meetings()] == ["team sync"]


def test_filters(lib: Library) -> None:
    jan = dt.datetime(2026, 1, 1).timestamp()
    feb = dt.datetime(2026, 2, 1).timestamp()
    assert [m.title for m in lib.meetings(SearchFilter(since=jan, until=feb))] == [
        "2026-01-12_140000", "2026-01-05_101500"]
    assert [m.title for m in lib.meetings(SearchFilter(speaker="carol"))] == ["2026-01-05_101500"]
    assert [m.title for m in lib.meetings(SearchFilter(since=feb))] == ["2026-02-02_093000"]
    assert lib.meetings(SearchFilter(tag="nothing")) == []


def test_marks_and_notes_are_kept(tmp_path: Path) -> None:
    json_path, _ = make_meeting(tmp_path / "rec", "2026-05-01_100000", marks=[(2.0, "decision")],
                                notes=[(1.0, "ask Bob")])
    with Library(tmp_path / "lib.sqlite3") as library:
        meeting = library.add_transcript(json_path)
        assert meeting.marks == (Mark(2.0, "decision"),) and meeting.notes == (Note(1.0, "ask Bob"),)


def test_transcript_title_and_tags_round_trip() -> None:
    old = {"file": "a.wav", "duration": 1.0, "language": "en", "model": "tiny",
           "segments": [{"start": 0.0, "end": 1.0, "text": "hi", "speaker": None, "words": []}]}
    transcript = from_dict(old)
    assert (transcript.title, transcript.tags) == ("", [])
    assert "title" not in to_dict(transcript) and "tags" not in to_dict(transcript)
    transcript.title, transcript.tags = "Kickoff", ["a", "b"]
    again = from_dict(json.loads(to_json(transcript)))
    assert (again.title, again.tags) == ("Kickoff", ["a", "b"])


def test_the_editor_keeps_title_and_tags(tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    from meeting_recorder.core.export import RENDERERS, write_atomic
    from meeting_recorder.ui.transcript_model import load_transcript

    json_path, _ = make_meeting(tmp_path, "2026-05-02_100000", title="Design review", tags=["ux"])
    transcript, save_to = load_transcript(json_path)
    transcript.segments[0].text = "Edited."
    write_atomic(save_to, RENDERERS["json"](transcript))  # what TranscriptEditor.save does
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert (data["title"], data["tags"], data["segments"][0]["text"]) == ("Design review", ["ux"], "Edited.")


def test_a_transcript_whose_audio_is_gone_shows_it_missing(tmp_path: Path) -> None:
    json_path, wav = make_meeting(tmp_path / "rec", "2026-05-03_100000", with_audio=False)
    with Library(tmp_path / "lib.sqlite3") as library:
        meeting = library.add_transcript(json_path)
        assert meeting.audio_path == str(wav) and meeting.audio_missing and not meeting.missing
        make_meeting(tmp_path / "rec", "2026-05-03_100000")  # the audio comes back
        library.sync([tmp_path / "rec"])
        assert not library.meeting(meeting.id).audio_missing


def test_add_transcript_data_is_the_same_as_reading_the_json(tmp_path: Path) -> None:
    json_path, wav = make_meeting(tmp_path / "rec", "2026-01-12_140000", language="ko", tags=["kr"])
    transcript = from_dict(json.loads(json_path.read_text(encoding="utf-8")))
    with Library(tmp_path / "a.sqlite3") as read, Library(tmp_path / "b.sqlite3") as given:
        from_file = read.add_transcript(json_path)
        from_memory = given.add_transcript_data(transcript, json_path)
        assert from_memory == from_file
        assert [h.snippet for h in given.search("회의")] == [h.snippet for h in read.search("회의")]
        audio_only = given.add_transcript_data(transcript, None, wav)  # the same audio: the same meeting
        assert audio_only.id == from_memory.id
        with pytest.raises(ValueError):
            given.add_transcript_data(transcript, None)
