"""One file to a speaker-attributed transcript: Whisper, then diarization, then a speaker
for every word. The CLI, the window's file queue and the benchmarks share this."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.progress import Progress, ProgressCallback, ProgressClock
from meeting_recorder.core.speaker_assignment import assign_speakers
from meeting_recorder.core.speakers.diarizer import Diarization, DiarizeOptions, Diarizer
from meeting_recorder.core.speakers.linking import SpeakerTurn
from meeting_recorder.core.transcript import Transcript

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.profiles import SpeakerProfile

# Share of the job's time spent transcribing (tiny.en RTF ~0.07 vs diarization ~0.10 on 2 cores).
TRANSCRIBE_SHARE = 0.4
DISPLAY_LABEL = "Speaker {}"


@dataclass(frozen=True)
class SpeakerRequest:
    """Speakers for an offline job: the count limits and the enrolled voices to name."""

    options: DiarizeOptions = field(default_factory=DiarizeOptions)
    profiles: Sequence[SpeakerProfile] = ()  # enrolled voices, named when they match
    name_threshold: float | None = None  # None: the profiles module's default


def parse_speaker_count(value: str) -> DiarizeOptions | None:
    """``auto`` -> automatic count, ``off`` -> None, ``N`` -> exactly N. ValueError otherwise."""
    text = value.strip().lower()
    if text == "off":
        return None
    if text == "auto":
        return DiarizeOptions()
    if text.isdigit() and 1 <= int(text) <= 20:
        return DiarizeOptions(num_speakers=int(text))
    raise ValueError(f"--speakers takes auto, off or a number from 1 to 20, not '{value}'")


def transcribe_with_speakers(
    engine: TranscriptionEngine,
    diarizer: Diarizer | None,
    path: str | Path,
    options: TranscribeOptions = TranscribeOptions(),
    speakers: SpeakerRequest | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Transcript:
    """Transcribe ``path``; with ``speakers`` (and a diarizer) every segment gets a speaker.
    Raises Cancelled, AudioDecodeError, ModelError."""
    cancel = cancel or threading.Event()
    if speakers is None or diarizer is None:
        return engine.transcribe_file(path, options, progress=progress, cancel=cancel)
    clock: ProgressClock | None = None

    def phase(start: float, span: float) -> ProgressCallback:
        def report(step: Progress) -> None:
            nonlocal clock
            if progress is None or step.fraction is None:
                return
            if clock is None:  # the total is known from the first report
                total = step.processed_seconds / step.fraction if step.fraction else None
                clock = ProgressClock(total, progress)
            if clock.duration:
                clock.report(clock.duration * (start + span * step.fraction))

        return report

    transcript = engine.transcribe_file(path, options, progress=phase(0.0, TRANSCRIBE_SHARE), cancel=cancel)
    diarization = diarizer.analyze_file(
        path, speakers.options, progress=phase(TRANSCRIBE_SHARE, 1.0 - TRANSCRIBE_SHARE), cancel=cancel
    )
    names = speaker_names(diarization, speakers)
    turns = [SpeakerTurn(t.start, t.end, names[t.speaker]) for t in diarization.turns]
    transcript.segments = assign_speakers(transcript.segments, turns)
    if progress is not None:
        progress(Progress(transcript.duration, 1.0, 0.0))
    return transcript


def speaker_names(diarization: Diarization, speakers: SpeakerRequest) -> dict[str, str]:
    """Diarization label -> what users see: an enrolled person's name when the voice matches
    a profile, else "Speaker 1", "Speaker 2", … in order of first turn."""
    from meeting_recorder.core.speakers.profiles import match_profiles

    limit = {} if speakers.name_threshold is None else {"threshold": speakers.name_threshold}
    names = dict(match_profiles(diarization.centroids, speakers.profiles, **limit))
    number = 0
    for label in dict.fromkeys(t.speaker for t in diarization.turns):
        if label not in names:
            number += 1
            names[label] = DISPLAY_LABEL.format(number)
    return names
