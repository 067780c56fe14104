"""Realistic meetings on disk for the library's tests (core, UI, CLI, benchmark may import it).

    json_path, wav_path = make_meeting(folder, "2026-01-05_101500", [
        (0.0, 2.5, "Alice", "Let's fix the release date."),
        (2.5, 5.0, "Bob", "다음 주 회의록을 보내 주세요."),
    ])

writes ``folder/<stem>.wav`` (a short real WAV; ``audio_seconds`` long) and ``folder/<stem>.json``
(the ``core.export`` JSON a recording gets: "file" names the WAV, "duration" is the last
segment's end). Options:
- ``with_audio=False``: only the JSON (its "file" names a WAV that is not there);
- ``call=True``: also ``<stem>.mic.wav`` and ``<stem>.system.wav`` (a call's tracks);
- ``json_folder=path``: the JSON goes there instead (the Files queue's ``Transcripts/``);
- ``transcript=False``: only the audio (not transcribed yet);
- ``title=``, ``tags=``, ``marks=[(time, label)]``, ``notes=[(time, text)]``, ``language``, ``model``.
``SAMPLE_MEETINGS`` has a few mixed English/Korean meetings; ``make_samples(folder)`` writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile

SAMPLE_RATE = 16000

SAMPLE_MEETINGS: dict[str, list[tuple[float, float, str | None, str]]] = {
    "2026-01-05_101500": [
        (0.0, 4.0, "Alice", "Good morning, let's go over the release plan."),
        (4.0, 9.0, "Bob", "We decided the release date is March 3rd."),
        (9.0, 14.0, "Alice", "The marketing team needs the final build by Friday."),
        (14.0, 18.0, "Carol", "I'll send the meeting notes afterwards."),
    ],
    "2026-01-12_140000": [
        (0.0, 3.0, "민수", "오늘 회의록을 먼저 확인하겠습니다."),
        (3.0, 7.5, "지영", "출시 일정은 다음 주 금요일로 정했습니다."),
        (7.5, 11.0, "민수", "Q3 로드맵도 같이 검토해 주세요."),
        (11.0, 15.0, "지영", "네, release notes는 제가 정리할게요."),
    ],
    "2026-02-02_093000": [
        (0.0, 5.0, "Alice", "Budget review: the café costs went up."),
        (5.0, 9.0, "Bob", "Running costs are higher than planned."),
        (9.0, 12.0, None, "회의 끝."),
    ],
}


def _tone(path: Path, seconds: float, frequency: float = 220.0) -> None:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    soundfile.write(str(path), (0.1 * np.sin(2 * np.pi * frequency * t)).astype(np.float32), SAMPLE_RATE,
                    subtype="PCM_16")


def transcript_dict(audio: str, segments, language: str = "en", model: str = "tiny",
                    title: str | None = None, tags=None, marks=(), notes=()) -> dict:
    data = {
        "file": audio,
        "duration": round(max((s[1] for s in segments), default=0.0), 3),
        "language": language,
        "model": model,
        "segments": [{"start": s, "end": e, "text": text, "speaker": speaker,
                      "words": [{"start": s, "end": e, "word": w} for w in text.split()[:3]]}
                     for s, e, speaker, text in segments],
        "marks": [{"time": t, "label": label} for t, label in marks],
        "notes": [{"time": t, "text": text} for t, text in notes],
    }
    if title:
        data["title"] = title
    if tags:
        data["tags"] = list(tags)
    return data


def make_meeting(folder: str | Path, stem: str, segments=None, with_audio: bool = True, language: str = "en",
                 *, model: str = "tiny", call: bool = False, json_folder: str | Path | None = None,
                 transcript: bool = True, title: str | None = None, tags=None, marks=(), notes=(),
                 audio_seconds: float = 0.5, audio_suffix: str = ".wav") -> tuple[Path | None, Path]:
    """Write one meeting's files; returns (json_path or None, audio_path)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / f"{stem}{audio_suffix}"
    if with_audio:
        _tone(wav, audio_seconds)
        if call:
            _tone(folder / f"{stem}.mic.wav", audio_seconds, 330.0)
            _tone(folder / f"{stem}.system.wav", audio_seconds, 440.0)
    if not transcript:
        return None, wav
    segments = segments if segments is not None else SAMPLE_MEETINGS.get(stem, [(0.0, 1.0, "Alice", "Hello.")])
    out = Path(json_folder) if json_folder is not None else folder
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{stem}.json"
    data = transcript_dict(str(wav), segments, language, model, title, tags, marks, notes)
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return json_path, wav


def make_samples(folder: str | Path) -> dict[str, tuple[Path | None, Path]]:
    """The SAMPLE_MEETINGS as recordings in ``folder`` (Korean ones with language "ko")."""
    made = {}
    for stem, segments in SAMPLE_MEETINGS.items():
        korean = any("\uac00" <= ch <= "\ud7a3" for _, _, _, text in segments for ch in text)
        made[stem] = make_meeting(folder, stem, segments, language="ko" if korean else "en")
    return made
