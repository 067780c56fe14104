"""Transcript exports: TXT, SRT, WebVTT, JSON and Markdown, each written atomically.

Marks and notes taken while recording are in the JSON (top-level ``marks`` and ``notes``),
and in TXT and Markdown as their own lines among the segments, by time; subtitles leave
them out (they are not speech).

A transcript holds people's words: a new export is created 0600 (in a 0700 folder if the
folder is new), through ``private_files.atomic_write``, so a crash or a kill -9 while
exporting leaves each file old or new, never half written. Temp files of an export that was
killed are removed by the next export of the same transcript (or by ``recover``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pysubs2
from pysubs2.time import ms_to_str

from meeting_recorder.core.private_files import atomic_write, private_dir, remove_stale_temps
from meeting_recorder.core.transcript import Mark, Note, Segment, Transcript, Word

FORMATS = ("txt", "srt", "vtt", "json", "md")
EXTRA_FORMATS = ("rttm",)  # written on request (speaker turns for diarization tools)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _stamp(seconds: float) -> str:
    return ms_to_str(_ms(seconds), fractions=True)


def _speaker_prefix(segment: Segment) -> str:
    return f"{segment.speaker}: " if segment.speaker else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _mark_text(mark: Mark) -> str:
    return f"⚑ Mark: {_one_line(mark.label)}" if mark.label.strip() else "⚑ Mark"


def _note_text(note: Note) -> str:
    return f"✎ Note: {_one_line(note.text)}"


def _in_time_order(transcript: Transcript) -> list[Segment | Mark | Note]:
    """Segments, marks and notes by time; a mark or note comes before a segment that
    starts at the same moment (and after one already being spoken)."""
    timed: list[tuple[float, int, Segment | Mark | Note]] = [(s.start, 1, s) for s in transcript.segments]
    timed += [(m.time, 0, m) for m in transcript.marks] + [(n.time, 0, n) for n in transcript.notes]
    return [item for _, _, item in sorted(timed, key=lambda t: (t[0], t[1]))]


def to_txt(transcript: Transcript) -> str:
    lines = []
    for item in _in_time_order(transcript):
        if isinstance(item, Segment):
            lines.append(f"[{_stamp(item.start)} --> {_stamp(item.end)}] {_speaker_prefix(item)}{item.text}")
        elif isinstance(item, Mark):
            lines.append(f"[{_stamp(item.time)}] {_mark_text(item)}")
        else:
            lines.append(f"[{_stamp(item.time)}] {_note_text(item)}")
    return "\n".join(lines) + "\n"


def _subtitles(transcript: Transcript, fmt: str) -> str:
    subs = pysubs2.SSAFile()
    for segment in transcript.segments:
        text = (_speaker_prefix(segment) + segment.text).replace("\n", " ")
        subs.append(pysubs2.SSAEvent(start=_ms(segment.start), end=_ms(segment.end), text=text))
    return subs.to_string(fmt)


def to_srt(transcript: Transcript) -> str:
    return _subtitles(transcript, "srt")


def to_vtt(transcript: Transcript) -> str:
    return _subtitles(transcript, "vtt")


def to_dict(transcript: Transcript) -> dict:
    """The JSON export; "title" and "tags" (the meeting library's) only when set."""
    named = {"title": transcript.title} if transcript.title else {}
    tagged = {"tags": list(transcript.tags)} if transcript.tags else {}
    return {
        "file": transcript.file,
        **named,
        **tagged,
        "duration": round(transcript.duration, 3),
        "language": transcript.language,
        "model": transcript.model,
        "segments": [
            {
                "start": round(s.start, 3),
                "end": round(s.end, 3),
                "text": s.text,
                "speaker": s.speaker,
                "words": [{"start": round(w.start, 3), "end": round(w.end, 3), "word": w.word} for w in s.words],
            }
            for s in transcript.segments
        ],
        "marks": [{"time": round(m.time, 3), "label": m.label} for m in transcript.marks],
        "notes": [{"time": round(n.time, 3), "text": n.text} for n in transcript.notes],
    }


def from_dict(data: dict) -> Transcript:
    """Inverse of ``to_dict`` (for the editor and tests); files from before marks and
    notes (or titles and tags) existed have none."""
    segments = [
        Segment(
            start=s["start"],
            end=s["end"],
            text=s["text"],
            speaker=s.get("speaker"),
            words=[Word(w["start"], w["end"], w["word"]) for w in s.get("words", [])],
        )
        for s in data["segments"]
    ]
    marks = [Mark(float(m["time"]), str(m.get("label") or "")) for m in data.get("marks") or []]
    notes = [Note(float(n["time"]), str(n["text"])) for n in data.get("notes") or []]
    tags = data.get("tags")
    return Transcript(data["file"], data["duration"], data["language"], data["model"], segments,
                      sorted(marks, key=lambda m: m.time), sorted(notes, key=lambda n: n.time),
                      title=str(data.get("title") or ""),
                      tags=[str(tag) for tag in tags] if isinstance(tags, list) else [])


def to_json(transcript: Transcript) -> str:
    return json.dumps(to_dict(transcript), ensure_ascii=False, indent=2) + "\n"


def to_md(transcript: Transcript) -> str:
    lines = [
        f"# Transcript: {Path(transcript.file).name}",
        "",
        f"- File: `{transcript.file}`",
        f"- Duration: {_stamp(transcript.duration)}",
        f"- Language: {transcript.language}",
        f"- Model: {transcript.model}",
        "",
    ]
    for item in _in_time_order(transcript):
        if isinstance(item, Segment):
            speaker = f"**{item.speaker}:** " if item.speaker else ""
            lines.append(f"**[{_stamp(item.start)}]** {speaker}{item.text}")
        elif isinstance(item, Mark):
            lines.append(f"**[{_stamp(item.time)}]** {_mark_text(item)}")
        else:  # a quote: what someone wrote, apart from what was said
            lines.append(f"> **[{_stamp(item.time)}]** {_note_text(item)}")
        lines.append("")
    return "\n".join(lines)


def _rttm_name(text: str) -> str:
    return "_".join(text.split()) or "unknown"  # RTTM fields are space-separated


def to_rttm(transcript: Transcript) -> str:
    """Speaker turns in RTTM (pyannote.core's writer); segments without a speaker are left out."""
    from pyannote.core import Annotation
    from pyannote.core import Segment as Span

    annotation = Annotation(uri=_rttm_name(Path(transcript.file).stem))
    for segment in transcript.segments:
        if segment.speaker and segment.end > segment.start:
            annotation[Span(segment.start, segment.end), len(annotation)] = _rttm_name(segment.speaker)
    return annotation.to_rttm()


RENDERERS: dict[str, Callable[[Transcript], str]] = {
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
    "json": to_json,
    "md": to_md,
    "rttm": to_rttm,
}


def parse_formats(value: str | Iterable[str]) -> list[str]:
    """"txt,srt" or ["txt", "srt"] → validated, de-duplicated list."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats = [item.strip().lower().lstrip(".") for item in items if item.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown or not formats:
        raise ValueError(
            f"Unknown export format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(RENDERERS)}."
        )
    return list(dict.fromkeys(formats))


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) in one step; a new file is 0600,
    an existing one keeps its mode. A missing folder is created 0700."""
    path = Path(path)
    private_dir(path.parent)
    atomic_write(path, text.encode("utf-8"))


def export(transcript: Transcript, out_dir: str | Path, formats: Iterable[str], stem: str | None = None) -> list[Path]:
    """Write ``<out_dir>/<stem>.<fmt>`` for each format; everything is rendered before writing."""
    out_dir = Path(out_dir)
    stem = stem or Path(transcript.file).stem
    rendered = {fmt: RENDERERS[fmt](transcript) for fmt in parse_formats(list(formats))}
    private_dir(out_dir)
    remove_stale_temps(out_dir, stem)  # left by an export of this transcript that was killed
    written = []
    for fmt, text in rendered.items():
        target = out_dir / f"{stem}.{fmt}"
        write_atomic(target, text)
        written.append(target)
    return written
