"""``meeting-recorder library …`` on a real SQLite file and real transcript/audio files."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile

from meeting_recorder.cli import main
from meeting_recorder.cli_library import parse_date

ENGLISH = [  # (start, speaker, text)
    (3.0, "Alice", "Good morning, let's start with the budget."),
    (754.5, "Bob", "We decided the release date is March 3rd."),
    (1210.0, "Alice", "Okay, the customers asked about pricing again."),
]
KOREAN = [
    (5.0, "김민준", "회의록은 제가 정리해서 공유드릴게요."),
    (3725.0, "이서연", "API 연동은 다음 주까지 끝낼 수 있을 것 같아요."),
]


def make_meeting(folder: Path, stem: str, lines: list[tuple[float, str, str]], audio: bool = True,
                 language: str = "en") -> Path:
    """A recording as the recorder leaves it: <stem>.wav, <stem>.json and <stem>.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / f"{stem}.wav"
    if audio:
        soundfile.write(wav, np.zeros(16000, dtype=np.int16), 16000)
    segments = [{"start": start, "end": start + 4.0, "text": text, "speaker": speaker, "words": []}
                for start, speaker, text in lines]
    data = {"file": str(wav), "duration": lines[-1][0] + 5.0, "language": language, "model": "tiny",
            "segments": segments, "marks": [{"time": 60.0, "label": "decision"}], "notes": []}
    transcript = folder / f"{stem}.json"
    transcript.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / f"{stem}.txt").write_text("\n".join(t for _, _, t in lines), encoding="utf-8")
    return transcript


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A user home of its own: the default library and recordings folder live in it."""
    home = tmp_path / "home"
    monkeypatch.setenv("MEETING_RECORDER_HOME", str(home))
    return home


@pytest.fixture
def two_meetings(home):
    recordings = home / "recordings"
    make_meeting(recordings, "2026-03-02_100000", ENGLISH)
    make_meeting(recordings, "2026-03-05_140000", KOREAN, language="ko")
    return recordings


def library(capsys, *args) -> tuple[int, str, str]:
    code = main(["library", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_finds_the_recordings_folder_newest_first(two_meetings, capsys):
    code, out, err = library(capsys, "list")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "Date", "Length", "Title", "Speakers", "Tags", "Files"]
    assert "2026-03-05 14:00" in lines[1] and "2026-03-05_140000" in lines[1] and "김민준, 이서연" in lines[1]
    assert "2026-03-02 10:00" in lines[2] and "Alice, Bob" in lines[2] and "00:20:15" in lines[2]
    assert lines[-1] == "2 meeting(s)"


def test_search_english_and_korean_with_time_speaker_and_marked_match(two_meetings, capsys):
    code, out, err = library(capsys, "search", "release")
    assert code == 0, err
    assert "2026-03-02_100000  2026-03-02 10:00" in out
    assert "00:12:34  Bob: We decided the [release] date is March 3rd." in out
    assert out.splitlines()[-1] == "1 result(s)"
    code, out, _ = library(capsys, "search", "회의")  # a 2-syllable substring of 회의록은
    assert code == 0 and "00:00:05  김민준: [회의]록은 제가 정리해서 공유드릴게요." in out
    code, out, _ = library(capsys, "search", "API", "연동")
    assert code == 0 and "01:02:05  이서연: [API] [연동]은" in out
    code, out, _ = library(capsys, "search", "custom")  # a prefix, as typed
    assert "the [customers] asked" in out


def test_search_filters_and_no_results(two_meetings, capsys):
    code, out, _ = library(capsys, "search", "budget", "--speaker", "Bob")
    assert code == 0 and out.strip() == "no results for 'budget'"
    code, out, _ = library(capsys, "search", "budget", "--speaker", "alice")
    assert "Alice: Good morning, let's start with the [budget]." in out
    code, out, _ = library(capsys, "search", "회의", "--since", "2026-03-03")
    assert "[회의]" in out
    code, out, _ = library(capsys, "search", "회의", "--until", "2026-03-04")
    assert out.strip() == "no results for '회의'"
    code, out, _ = library(capsys, "search", "xylophone")
    assert code == 0 and out.strip() == "no results for 'xylophone'"
    code, out, err = library(capsys, "search", "budget", "--since", "last tuesday")
    assert code == 2 and "'last tuesday' is not a date" in err


def test_show_says_where_the_files_are_and_which_are_missing(two_meetings, capsys):
    library(capsys, "list")
    english = _id_of(capsys, "2026-03-02_100000")
    code, out, err = library(capsys, "show", str(english))
    assert code == 0, err
    assert out.splitlines()[0] == f"Meeting {english}: 2026-03-02_100000"
    assert "Speakers:   Alice, Bob" in out and "Date:       2026-03-02 10:00 (local time)" in out
    assert "00:01:00  decision" in out  # the mark
    assert f"audio:      {two_meetings / '2026-03-02_100000.wav'}\n" in out
    assert f"transcript: {two_meetings / '2026-03-02_100000.json'}\n" in out
    assert f"txt:        {two_meetings / '2026-03-02_100000.txt'}\n" in out
    (two_meetings / "2026-03-02_100000.wav").unlink()  # deleted outside the app
    code, out, _ = library(capsys, "show", str(english))
    assert "[audio missing]" in out.splitlines()[0]
    assert f"{two_meetings / '2026-03-02_100000.wav'}  (missing)" in out
    code, out, _ = library(capsys, "list", "--missing")
    assert "audio missing" in out and out.splitlines()[-1] == "1 meeting(s)"


def test_rm_unknown_id_is_a_clear_error(two_meetings, capsys):
    code, out, err = library(capsys, "rm", "999", "--yes")
    assert code == 1
    assert err.strip() == "error: no meeting with id 999 (see: meeting-recorder library list)"
    code, _, err = library(capsys, "show", "999")
    assert code == 1 and "no meeting with id 999" in err and "Traceback" not in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rm_asks_then_deletes_audio_transcripts_and_row(two_meetings, capsys, monkeypatch):
    library(capsys, "list")
    english = _id_of(capsys, "2026-03-02_100000")
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, _ = library(capsys, "rm", str(english))
    assert code == 0 and "nothing deleted" in out and (two_meetings / "2026-03-02_100000.wav").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal and no --yes: refuses
    code, _, err = library(capsys, "rm", str(english))
    assert code == 2 and "without --yes" in err
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    code, out, _ = library(capsys, "rm", str(english))
    assert code == 0 and f"removed meeting {english} '2026-03-02_100000'" in out
    assert sorted(p.name for p in two_meetings.iterdir()) == [
        "2026-03-05_140000.json", "2026-03-05_140000.txt", "2026-03-05_140000.wav"]
    code, out, _ = library(capsys, "list")
    assert "2026-03-02" not in out and out.splitlines()[-1] == "1 meeting(s)"
    code, out, _ = library(capsys, "search", "release")
    assert out.strip() == "no results for 'release'"


def test_rebuild_after_the_database_is_deleted_keeps_titles_and_tags(two_meetings, home, capsys):
    library(capsys, "list")
    english = _id_of(capsys, "2026-03-02_100000")
    assert library(capsys, "rename", str(english), "Release", "planning")[1].strip() == \
        f"meeting {english} is now 'Release planning'"
    assert "tags: planning, release" in library(capsys, "tag", str(english), "release", "planning")[1]
    db = next((home / "data").glob("library.sqlite3"))
    for path in db.parent.glob("library.sqlite3*"):
        path.unlink()
    code, out, err = library(capsys, "rebuild")
    assert code == 0, err
    assert out.splitlines()[-1] == "2 meeting(s) in the library"
    code, out, _ = library(capsys, "list", "--tag", "release")
    assert "Release planning" in out and out.splitlines()[-1] == "1 meeting(s)"
    code, out, _ = library(capsys, "search", "회의록")
    assert "[회의록]은" in out


def test_import_a_folder_into_a_library_of_its_own(tmp_path, home, capsys):
    folder = tmp_path / "old meetings"
    make_meeting(folder, "standup", ENGLISH, audio=False)
    db = tmp_path / "elsewhere.sqlite3"
    code, out, err = library(capsys, "import", str(folder), "--db", str(db))
    assert code == 0, err
    assert out.startswith(f"imported {folder}: 1 added")
    code, out, _ = library(capsys, "search", "--db", str(db), "--no-sync", '"release date"')
    assert "We decided the [release date] is March 3rd." in out
    assert not (home / "data" / "library.sqlite3").exists()  # --db: the default library is untouched
    code, _, err = library(capsys, "import", str(tmp_path / "nope"), "--db", str(db))
    assert code == 1 and "not a folder" in err


def test_usage_errors(home, capsys):
    code, _, err = library(capsys)
    assert code == 2 and "choose an action" in err
    code, _, err = library(capsys, "list", "--since", "2026-03-05", "--until", "2026-03-01")
    assert code == 2 and "--since is not before --until" in err


def test_parse_date_days_count_whole():
    now = datetime(2026, 3, 10, 15, 30)
    assert parse_date("2026-03-02") == datetime(2026, 3, 2).timestamp()
    assert parse_date("2026-03-02", end_of_day=True) == datetime(2026, 3, 3).timestamp()
    assert parse_date("2026-03-02 10:15") == datetime(2026, 3, 2, 10, 15).timestamp()
    assert parse_date("today", now=now) == datetime(2026, 3, 10).timestamp()
    assert parse_date("yesterday", end_of_day=True, now=now) == datetime(2026, 3, 10).timestamp()
    assert parse_date("7d", now=now) == datetime(2026, 3, 3).timestamp()
    assert parse_date("2w", now=now) == datetime(2026, 2, 24).timestamp()


def _id_of(capsys, title: str) -> int:
    """The id of the meeting titled ``title`` (from ``library list``)."""
    main(["library", "list", "--no-sync"])
    out = capsys.readouterr().out
    return int(next(line for line in out.splitlines() if title in line).split()[0])
