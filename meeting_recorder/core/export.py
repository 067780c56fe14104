"""Transcript exports: TXT, SRT, WebVTT, JSON and Markdown, each written atomically.

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
from meeting_recorder.core.transcript import Segment, Transcript, Word

FORMATS = ("txt", "srt", "vtt", "json", "md")
EXTRA_FORMATS = ("rttm",)  # written on request (speaker turns for diarization tools)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _stamp(seconds: float) -> str:
    return ms_to_str(_ms(seconds), fractions=True)


def _speaker_prefix(segment: Segment) -> str:
    return f"{segment.speaker}: " if segment.speaker else ""


def to_txt(transcript: Transcript) -> str:
    lines = [
        f"[{_stamp(s.start)} --> {_stamp(s.end)}] {_speaker_prefix(s)}{s.text}" for s in transcript.segments
    ]
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
    return {
        "file": transcript.file,
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
    }


def from_dict(data: dict) -> Transcript:
    """Inverse of ``to_dict`` (for the editor and tests)."""
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
    return Transcript(data["file"], data["duration"], data["language"], data["model"], segments)


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
    for s in transcript.segments:
        speaker = f"**{s.speaker}:** " if s.speaker else ""
        lines.append(f"**[{_stamp(s.start)}]** {speaker}{s.text}")
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
