import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
import srt
import webvtt

from meeting_recorder.core import export, private_files
from meeting_recorder.core.transcript import Segment, Transcript, Word


@pytest.fixture(scope="module")
def jfk_transcript(tiny_engine, jfk_path):
    return tiny_engine.transcribe_file(jfk_path)


@pytest.fixture
def speaker_transcript():
    return Transcript(
        file="/meetings/standup.m4a",
        duration=3725.5,
        language="ko",
        model="base",
        segments=[
            Segment(0.0, 2.5, "안녕하세요, 회의를 시작하겠습니다.", [Word(0.0, 1.0, " 안녕하세요,"), Word(1.2, 2.5, " 회의를")],
                    speaker="Speaker 1"),
            Segment(3723.25, 3725.5, "Thanks, bye.", [Word(3723.25, 3724.0, " Thanks,"), Word(3724.1, 3725.5, " bye.")],
                    speaker="Kim"),
        ],
    )


def test_srt_round_trips(jfk_transcript, tmp_path):
    [path] = export.export(jfk_transcript, tmp_path, ["srt"])
    subs = list(srt.parse(path.read_text(encoding="utf-8")))
    assert [s.content for s in subs] == [s.text for s in jfk_transcript.segments]
    for sub, segment in zip(subs, jfk_transcript.segments):
        assert sub.start.total_seconds() == pytest.approx(segment.start, abs=0.001)
        assert sub.end.total_seconds() == pytest.approx(segment.end, abs=0.001)


def test_vtt_round_trips_with_speakers_and_hours(speaker_transcript, tmp_path):
    [path] = export.export(speaker_transcript, tmp_path, ["vtt"])
    captions = webvtt.read(str(path))
    assert [c.text for c in captions] == ["Speaker 1: 안녕하세요, 회의를 시작하겠습니다.", "Kim: Thanks, bye."]
    assert captions[1].start == "01:02:03.250"
    assert captions[1].end == "01:02:05.500"


def test_json_schema_and_round_trip(speaker_transcript, jfk_transcript, tmp_path):
    for transcript in (speaker_transcript, jfk_transcript):
        [path] = export.export(transcript, tmp_path, ["json"])
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"file", "duration", "language", "model", "segments", "marks", "notes"}
        for segment in data["segments"]:
            assert set(segment) == {"start", "end", "text", "speaker", "words"}
            for word in segment["words"]:
                assert set(word) == {"start", "end", "word"}
        assert export.from_dict(data).segments[0].text == transcript.segments[0].text
    assert json.loads((tmp_path / "jfk.json").read_text())["segments"][0]["speaker"] is None


def test_txt_lines_parse_back(speaker_transcript, tmp_path):
    [path] = export.export(speaker_transcript, tmp_path, ["txt"])
    line = re.compile(r"^\[(\d+):(\d\d):(\d\d\.\d{3}) --> (\d+):(\d\d):(\d\d\.\d{3})\] (?:(.+?): )?(.*)$")
    parsed = [line.match(text) for text in path.read_text(encoding="utf-8").splitlines()]
    assert all(parsed)
    last = parsed[1].groups()
    assert float(last[0]) * 3600 + float(last[1]) * 60 + float(last[2]) == pytest.approx(3723.25)
    assert last[6:] == ("Kim", "Thanks, bye.")


def test_markdown_parses_as_document(speaker_transcript, tmp_path):
    from markdown_it import MarkdownIt

    [path] = export.export(speaker_transcript, tmp_path, ["md"])
    tokens = MarkdownIt().parse(path.read_text(encoding="utf-8"))
    inline = [t.content for t in tokens if t.type == "inline"]
    assert inline[0] == "Transcript: standup.m4a"
    assert any("**Kim:** Thanks, bye." in text for text in inline)


def test_all_formats_and_nothing_else(jfk_transcript, tmp_path):
    written = export.export(jfk_transcript, tmp_path, export.FORMATS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"jfk.{f}" for f in export.FORMATS)
    assert all(p.stat().st_size > 0 for p in written)


def test_unknown_format_writes_nothing(jfk_transcript, tmp_path):
    with pytest.raises(ValueError, match="docx"):
        export.export(jfk_transcript, tmp_path, ["txt", "docx"])
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_text("old")

    def broken_replace(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(private_files.os, "replace", broken_replace)  # a full disk at the rename
    with pytest.raises(OSError):
        export.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_rttm_round_trips_through_pyannote(speaker_transcript, tmp_path):
    from pyannote.database.util import load_rttm

    [path] = export.export(speaker_transcript, tmp_path, ["rttm"])
    [(uri, annotation)] = load_rttm(path).items()
    assert uri == "standup"
    turns = [(round(s.start, 3), round(s.end, 3), label) for s, _, label in annotation.itertracks(yield_label=True)]
    assert turns == [(0.0, 2.5, "Speaker_1"), (3723.25, 3725.5, "Kim")]


# -- privacy and crash safety ----------------------------------------------------------------
def test_exports_are_private_and_keep_a_mode_their_owner_chose(speaker_transcript, tmp_path):
    out = tmp_path / "new" / "Transcripts"
    written = export.export(speaker_transcript, out, export.FORMATS, stem="standup")
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {"0o600"}
    assert oct(out.stat().st_mode & 0o777) == oct((tmp_path / "new").stat().st_mode & 0o777) == "0o700"
    shared = out / "standup.txt"
    shared.chmod(0o644)  # shared on purpose: a new version of it stays shared
    export.export(speaker_transcript, out, ["txt"], stem="standup")
    assert oct(shared.stat().st_mode & 0o777) == "0o644"


def _long_transcript(word: str, count: int) -> Transcript:
    segments = [Segment(i * 2.0, i * 2.0 + 1.5, f"{word} {i}", [Word(i * 2.0, i * 2.0 + 1.0, f" {word}")],
                        speaker=f"Speaker {i % 3 + 1}") for i in range(count)]
    return Transcript("/meetings/long.wav", count * 2.0, "en", "tiny.en", segments)


# Writes the old and the new exports in turn (rendered once: the loop is all writes, so the
# kills land inside them), as export() does, until it is killed.
EXPORT_LOOP = """
import json, pathlib, sys
from meeting_recorder.core import export
out = pathlib.Path(sys.argv[1])
versions = [export.from_dict(json.load(open(path, encoding="utf-8"))) for path in sys.argv[2:4]]
rendered = [{fmt: export.RENDERERS[fmt](t) for fmt in export.FORMATS} for t in versions]
print("go", flush=True)
while True:
    for texts in rendered:
        for fmt, text in texts.items():
            export.write_atomic(out / f"long.{fmt}", text)
"""


def test_kill_9_during_export_leaves_each_file_old_or_new(tmp_path):
    old, new = _long_transcript("before", 3000), _long_transcript("after", 3000)
    expected = {fmt: {export.RENDERERS[fmt](t) for t in (old, new)} for fmt in export.FORMATS}
    sources = []
    for name, transcript in (("old", old), ("new", new)):
        sources.append(tmp_path / f"{name}.json")
        sources[-1].write_text(export.to_json(transcript), encoding="utf-8")
    out = tmp_path / "out"
    export.export(old, out, export.FORMATS, stem="long")
    rng, temps_left = random.Random(5), 0
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", EXPORT_LOOP, str(out), *map(str, sources)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline() == "go\n"
        time.sleep(rng.uniform(0.05, 1.0))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
        for fmt in export.FORMATS:  # never half a file: the old one or the new one
            assert (out / f"long.{fmt}").read_text(encoding="utf-8") in expected[fmt], fmt
        temps_left += len(list(out.glob(".*.tmp")))
    assert temps_left, "no kill landed inside a write"
    export.export(new, out, ["txt"], stem="long")  # the next export of it tidies what kills left
    assert sorted(p.name for p in out.iterdir()) == sorted(f"long.{fmt}" for fmt in export.FORMATS)
