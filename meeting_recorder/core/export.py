"""Transcript exports: TXT, SRT, WebVTT, JSON and Markdown, each written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pysubs2
from pysubs2.time import ms_to_str

from meeting_recorder.core.transcript import Segment, Transcript, Word

FORMATS = ("txt", "srt", "vtt", "json", "md")
EXTRA_FORMATS = ("rttm",)  # written on request (speaker turns for diarization tools)
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: mkstemp creates 0600 files, exports should honour the umask


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
    """Write to a temporary name in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp_name, 0o666 & ~_UMASK)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def export(transcript: Transcript, out_dir: str | Path, formats: Iterable[str], stem: str | None = None) -> list[Path]:
    """Write ``<out_dir>/<stem>.<fmt>`` for each format; everything is rendered before writing."""
    out_dir = Path(out_dir)
    stem = stem or Path(transcript.file).stem
    rendered = {fmt: RENDERERS[fmt](transcript) for fmt in parse_formats(list(formats))}
    written = []
    for fmt, text in rendered.items():
        target = out_dir / f"{stem}.{fmt}"
        write_atomic(target, text)
        written.append(target)
    return written
