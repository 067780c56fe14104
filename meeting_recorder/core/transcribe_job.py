"""One file to a speaker-attributed transcript: Whisper, then diarization, then a speaker
for every word. The CLI, the window's file queue and the benchmarks share this."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
from meeting_recorder.core.errors import Cancelled
from meeting_recorder.core.progress import Progress, ProgressCallback, ProgressClock
from meeting_recorder.core.speaker_assignment import assign_speakers
from meeting_recorder.core.speakers.diarizer import Diarization, DiarizeOptions, Diarizer
from meeting_recorder.core.speakers.turns import SpeakerTurn
from meeting_recorder.core.transcript import Transcript

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.profiles import SpeakerProfile

# Weight of transcription in the progress of a job with speakers (both run at once; tiny.en
# RTF ~0.09, diarization ~0.075 on 2 cores).
TRANSCRIBE_SHARE = 0.5
DISPLAY_LABEL = "Speaker {}"
# Linux allows 255 bytes per file name. A transcript is "<stem>.<fmt>", written through the
# hidden temp ".<stem>.<fmt>.<pid>.<random>.tmp" (+22 bytes), and the window's queue may add
# "-2": a stem longer than this is cut (at a character boundary) so every name fits.
MAX_STEM_BYTES = 200


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
    from meeting_recorder.core.call_transcribe import call_tracks_for, transcribe_call

    tracks = call_tracks_for(path)
    if tracks is not None:  # a recorded call: "You" on the mic track, the speakers on the other
        return transcribe_call(engine, diarizer, Path(path), tracks, options, speakers, progress=progress, cancel=cancel)
    if speakers is None or diarizer is None:
        return engine.transcribe_file(path, options, progress=progress, cancel=cancel)
    # Whisper and diarization run side by side: CTranslate2 gains little from its second
    # thread on 2 cores, so the diarization (one torch thread) mostly hides behind it
    # (a 3-minute conversation: 18.4 s + 13.4 s one after the other, 18.8 s side by side).
    stop = _JobCancel(cancel)  # the user's cancel, or a failure of the other half
    both = _CombinedProgress(progress, TRANSCRIBE_SHARE)
    diarized: dict[str, object] = {}

    def diarize() -> None:
        try:
            diarized["result"] = diarizer.analyze_file(path, speakers.options, progress=both.diarization, cancel=stop)
        except BaseException as error:  # handed to the caller's thread below
            diarized["error"] = error
            stop.set()

    worker = threading.Thread(target=diarize, name="diarization")
    worker.start()
    try:
        transcript = engine.transcribe_file(path, options, progress=both.transcription, cancel=stop)
        worker.join()  # inside the try: Ctrl+C while waiting for the diarization stops it too
    except BaseException as error:
        stop.set()
        worker.join()
        failure = diarized.get("error")
        if isinstance(error, Cancelled) and isinstance(failure, Exception) and not cancel.is_set():
            raise failure from None  # Whisper only stopped because diarization failed
        raise
    if "error" in diarized:
        raise diarized["error"]  # type: ignore[misc]
    diarization: Diarization = diarized["result"]  # type: ignore[assignment]
    names = speaker_names(diarization, speakers)
    turns = [SpeakerTurn(t.start, t.end, names[t.speaker]) for t in diarization.turns]
    transcript.segments = assign_speakers(transcript.segments, turns)
    if progress is not None:
        progress(Progress(transcript.duration, 1.0, 0.0))
    return transcript


class _JobCancel(threading.Event):
    """Set by either half of a job when it fails, or by the caller's own cancel."""

    def __init__(self, outer: threading.Event) -> None:
        super().__init__()
        self._outer = outer

    def is_set(self) -> bool:
        return super().is_set() or self._outer.is_set()


class _CombinedProgress:
    """One progress for two parts running at once: a weighted mean of their fractions."""

    def __init__(self, callback: ProgressCallback | None, transcription_share: float) -> None:
        self._callback = callback
        self._share = transcription_share
        self._fractions = [0.0, 0.0]
        self._clock: ProgressClock | None = None
        self._lock = threading.Lock()

    def transcription(self, step: Progress) -> None:
        self._report(0, step)

    def diarization(self, step: Progress) -> None:
        self._report(1, step)

    def _report(self, part: int, step: Progress) -> None:
        if self._callback is None or not step.fraction:
            return
        with self._lock:  # the two parts report from their own threads
            if self._clock is None:  # the total follows from the first report past 0
                self._clock = ProgressClock(step.processed_seconds / step.fraction, self._callback)
            self._fractions[part] = step.fraction
            if self._clock.duration:
                done = self._share * self._fractions[0] + (1.0 - self._share) * self._fractions[1]
                self._clock.report(self._clock.duration * done)


def speaker_names(diarization: Diarization, speakers: SpeakerRequest) -> dict[str, str]:
    """Diarization label -> what users see: an enrolled person's name when the voice matches
    a profile, else "Speaker 1", "Speaker 2", … in order of first turn."""
    from meeting_recorder.core.speakers.matching import match_profiles

    limit = {} if speakers.name_threshold is None else {"threshold": speakers.name_threshold}
    names = dict(match_profiles(diarization.centroids, speakers.profiles, **limit))
    number = 0
    for label in dict.fromkeys(t.speaker for t in diarization.turns):
        if label not in names:
            number += 1
            names[label] = DISPLAY_LABEL.format(number)
    return names


def display_path(path: str | Path) -> str:
    """``path`` as a file manager shows it: bytes that are not UTF-8 (a Latin-1 name) become
    U+FFFD. Transcripts are UTF-8 text, which cannot hold such bytes."""
    return os.fsencode(path).decode("utf-8", "replace")


def output_stem(source: str | Path) -> str:
    """The transcript files' stem for ``source``: its name without the extension, readable
    (``display_path``) and at most MAX_STEM_BYTES bytes long."""
    stem = Path(display_path(source)).stem
    encoded = stem.encode("utf-8")
    if len(encoded) <= MAX_STEM_BYTES:
        return stem
    return encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore")  # a cut character is dropped


def exportable(transcript: Transcript) -> Transcript:
    """``transcript`` ready for ``export``: its ``file`` as ``display_path`` shows it."""
    shown = display_path(transcript.file)
    return transcript if shown == transcript.file else replace(transcript, file=shown)
