"""Reading meetings from disk: transcript JSONs, audio files, a call's tracks, folders.

What is a meeting on disk:
- a transcript JSON (``core.export`` format: a dict with a list of ``segments``), next to
  its audio (``<stem>.wav`` beside ``<stem>.json``, as recordings are written) or naming it
  in its ``"file"`` key (the Files queue writes ``<recordings>/Transcripts/<stem>.json``);
- an audio file no transcript names (recorded, or imported, not transcribed yet).
A call is ``<stem>.wav`` (the mix) with ``<stem>.mic.wav`` and ``<stem>.system.wav`` beside
it: one meeting with three tracks. Half-written files are not meetings: ``.wav.partial``
(recording), ``.wav.mixing`` (a call being mixed), ``.tmp`` (atomic writes), journals
(``.transcript.jsonl``), and a call's tracks before they are mixed.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from meeting_recorder.core.transcript import Mark, Note, Transcript

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".wma",
                  ".mp4", ".mkv", ".webm", ".mov", ".avi")
TRACK_KINDS = ("mic", "system")
EDITED_SUFFIX = ".edited.json"  # the editor's save of a live journal (ui/transcript_model.py)
TRANSCRIPT_SUFFIXES = (".json", ".txt", ".srt", ".vtt", ".md", ".rttm", EDITED_SUFFIX)
RECORDING_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})_(\d{2})(\d{2})(\d{2})(?:-\d+)?$")


class ScanError(Exception):
    """A file that is not a meeting's (``code``: "not_a_transcript", "not_audio" or "io")."""

    def __init__(self, code: str, path: str, reason: str, foreign: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.code, self.path, self.reason = code, path, reason
        self.foreign = foreign  # another program's JSON (no "segments"): a folder scan passes over it


@dataclass(frozen=True)
class SegmentRow:
    start: float
    end: float
    speaker: str | None
    text: str


@dataclass
class MeetingData:
    """Everything the library stores about one meeting, read from its files."""

    audio_path: str | None
    transcript_path: str | None
    tracks: list[tuple[str, str]]  # (kind, path)
    default_title: str
    started_at: float
    duration: float
    language: str = ""
    model: str = ""
    segments: list[SegmentRow] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    title: str = ""  # the user's, from the JSON
    tags: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))


def absolute(path: str | Path) -> str:
    return os.path.abspath(os.fspath(path))


def stem_of(path: str | Path) -> str:
    name = Path(path).name
    if name.endswith(EDITED_SUFFIX):
        return name[: -len(EDITED_SUFFIX)]
    return Path(name).stem


def started_from_name(stem: str) -> float | None:
    """``2026-01-05_101500`` (or ``-2``…), local time, as unix seconds; None for other names."""
    match = RECORDING_NAME.match(stem)
    if not match:
        return None
    try:
        return _dt.datetime(*(int(g) for g in match.groups())).timestamp()
    except ValueError:
        return None


def is_meeting_audio(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or path.suffix.lower() not in AUDIO_SUFFIXES:
        return False
    return not any(name.endswith(f".{kind}.wav") for kind in TRACK_KINDS)


def is_transcript_file(path: Path) -> bool:
    name = path.name
    return name.endswith(".json") and not name.startswith(".")


def call_tracks(audio: str) -> list[tuple[str, str]]:
    """The tracks of a meeting whose main audio is ``audio``: a call's mix, mic and system
    (when ``<stem>.mic.wav`` is beside it), else the audio alone."""
    path = Path(audio)
    base = path.with_name(path.name[: -len(path.suffix)] if path.suffix else path.name)
    found = [(kind, str(base.with_name(f"{base.name}.{kind}.wav"))) for kind in TRACK_KINDS]
    found = [(kind, track) for kind, track in found if os.path.isfile(track)]
    if not found:
        return [("audio", audio)]
    return [("mix", audio), *found]


def audio_duration(path: str) -> float | None:
    """Seconds of audio; None when neither libsndfile nor FFmpeg can read it."""
    try:
        import soundfile

        return float(soundfile.info(path).duration)
    except Exception:  # noqa: BLE001 - not every format: ask FFmpeg
        pass
    try:
        import av

        with av.open(path) as container:
            if not container.streams.audio:
                return None
            return float(container.duration or 0) / 1_000_000
    except Exception:  # noqa: BLE001 - not audio
        return None


def _mtime(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


def started_at(audio: str | None, transcript: str | None) -> float:
    for path in (audio, transcript):
        if path:
            from_name = started_from_name(stem_of(path))
            if from_name is not None:
                return from_name
    return _mtime(audio) or _mtime(transcript) or 0.0


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} is not a number")
    return float(value)


def _segment_rows(raw: object) -> list[SegmentRow]:
    if not isinstance(raw, list):
        raise ValueError("no list of segments")
    rows = []
    for number, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError(f"segment {number} has no text")
        speaker = item.get("speaker")
        rows.append(SegmentRow(_number(item.get("start"), f"segment {number}'s start"),
                               _number(item.get("end"), f"segment {number}'s end"),
                               speaker if isinstance(speaker, str) and speaker else None, item["text"]))
    return rows


def read_json(path: str) -> dict:
    """The transcript's JSON object; ScanError when it cannot be read or is not a transcript."""
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except OSError as error:
        raise ScanError("io", path, error.strerror or str(error)) from error
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ScanError("not_a_transcript", path, f"not JSON ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        foreign = not isinstance(data, dict) or "segments" not in data
        raise ScanError("not_a_transcript", path, "not a transcript (no list of segments)", foreign)
    return data


def clean_tags(tags: object) -> list[str]:
    """One-line, case-insensitively unique tags, sorted case-insensitively."""
    seen: dict[str, str] = {}
    for tag in tags if isinstance(tags, (list, tuple, set, frozenset)) else []:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return sorted(seen.values(), key=lambda t: (t.casefold(), t))


def transcript_data(data: dict, transcript: str, audio: str | None = None) -> MeetingData:
    """A meeting from a transcript's JSON; ``audio`` defaults to its "file" (relative to the
    JSON's folder if relative) when on disk, else an audio file with the same stem beside it."""
    try:
        segments = _segment_rows(data["segments"])
        marks = [Mark(float(m["time"]), str(m.get("label") or "")) for m in data.get("marks") or []]
        notes = [Note(float(n["time"]), str(n["text"])) for n in data.get("notes") or []]
        duration = float(data.get("duration") or 0.0)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ScanError("not_a_transcript", transcript, f"not a transcript ({error})") from error
    audio = absolute(audio) if audio else find_audio(data.get("file"), transcript)
    title = data.get("title")
    if not duration and segments:
        duration = max(s.end for s in segments)
    return MeetingData(
        audio_path=audio,
        transcript_path=transcript,
        tracks=call_tracks(audio) if audio else [],
        default_title=stem_of(audio or transcript),
        started_at=started_at(audio, transcript),
        duration=duration,
        language=str(data.get("language") or ""),
        model=str(data.get("model") or ""),
        segments=segments,
        marks=sorted(marks, key=lambda m: m.time),
        notes=sorted(notes, key=lambda n: n.time),
        title=" ".join(title.split()) if isinstance(title, str) else "",
        tags=clean_tags(data.get("tags")),
    )


def find_audio(recorded: object, transcript: str) -> str | None:
    """The JSON's "file" if it is on disk, else an audio file with its stem beside it, else
    "file" anyway (the meeting then shows its audio as missing), else None."""
    candidates = []
    if isinstance(recorded, str) and recorded:
        path = Path(recorded)
        candidates.append(path if path.is_absolute() else Path(transcript).parent / path)
    stem = stem_of(transcript)
    candidates += [Path(transcript).with_name(stem + suffix) for suffix in AUDIO_SUFFIXES]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None and candidates[0].suffix.lower() in AUDIO_SUFFIXES and isinstance(recorded, str) and recorded:
        found = candidates[0]
    return absolute(found) if found else None


def plain_dict(transcript: Transcript) -> dict:
    """What ``transcript_data`` reads, from a Transcript in memory (no words: not indexed)."""
    return {"file": transcript.file, "duration": transcript.duration, "language": transcript.language,
            "model": transcript.model, "title": transcript.title, "tags": transcript.tags,
            "segments": [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker}
                         for s in transcript.segments],
            "marks": [{"time": m.time, "label": m.label} for m in transcript.marks],
            "notes": [{"time": n.time, "text": n.text} for n in transcript.notes]}


def read_transcript(path: str, audio: str | None = None) -> MeetingData:
    return transcript_data(read_json(path), path, audio)


def audio_data(audio: str) -> MeetingData:
    if not os.path.isfile(audio):
        raise ScanError("io", audio, "file not found" if not os.path.exists(audio) else "not a file")
    if Path(audio).suffix.lower() not in AUDIO_SUFFIXES:
        raise ScanError("not_audio", audio, "not an audio file")
    duration = audio_duration(audio)
    if duration is None:
        raise ScanError("not_audio", audio, "cannot be read as audio")
    return MeetingData(audio_path=audio, transcript_path=None, tracks=call_tracks(audio),
                       default_title=stem_of(audio), started_at=started_at(audio, None), duration=duration)


@dataclass(frozen=True)
class FolderFiles:
    transcripts: list[str]
    audio: list[str]


def walk(folder: str) -> FolderFiles:
    """Transcript JSONs and meeting audio under ``folder`` (recursive; hidden folders and
    files skipped). A ``<stem>.edited.json`` counts only when no ``<stem>.json`` is beside it."""
    transcripts, audio = [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in sorted(files):
            path = Path(root, name)
            if is_transcript_file(path):
                if name.endswith(EDITED_SUFFIX) and stem_of(path) + ".json" in names:
                    continue
                transcripts.append(absolute(path))
            elif is_meeting_audio(path):
                audio.append(absolute(path))
    return FolderFiles(transcripts, audio)


def companion_files(audio_paths: list[str], transcripts: list[str]) -> list[str]:
    """Every file a delete removes that is on disk: the audio tracks, and each transcript
    format (``<stem>.json/.txt/.srt/.vtt/.md/.rttm/.edited.json``) beside each of
    ``transcripts`` (the transcript JSON; for a recording also ``<stem>.json`` beside its
    audio). Files beside an imported audio are the user's, not ours: they stay."""
    found = list(audio_paths)
    for transcript in transcripts:
        base = Path(transcript)
        found += [transcript] + [str(base.with_name(stem_of(base) + suffix)) for suffix in TRANSCRIPT_SUFFIXES]
    return [p for p in dict.fromkeys(found) if os.path.lexists(p)]
