"""Transcribing a recorded call from its two tracks (``x.wav`` with ``x.mic.wav`` and
``x.system.wav`` beside it): the microphone's segments are the local person's, the system
track is diarized into the remote speakers, and the microphone's segments that are only
the speakers' echo are dropped, as live (``core/echo.py``). The merged transcript belongs
to the mix, so it is exported next to it as for any file.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import soundfile

from meeting_recorder.core.call_tracks import call_base, track_wav
from meeting_recorder.core.engine import Progress, TranscribeOptions
from meeting_recorder.core.transcript import Segment, Transcript

if TYPE_CHECKING:
    from meeting_recorder.core.engine import ProgressCallback, TranscriptionEngine
    from meeting_recorder.core.speakers.diarizer import Diarizer
    from meeting_recorder.core.transcribe_job import SpeakerRequest

SELF_NAME = "You"
ECHO_MARGIN_SECONDS = 0.6  # system audio read around a mic segment: the acoustic delay and more
ANALYSIS_RATE = 16000


def call_tracks_for(path: str | Path) -> tuple[Path, Path] | None:
    """(mic, system) when ``path`` is the mix of a call whose tracks are beside it."""
    path = Path(path)
    if path.suffix.lower() != ".wav" or call_base(path) is not None:
        return None
    base = path.with_suffix("")
    mic, system = track_wav(base, "mic"), track_wav(base, "system")
    return (mic, system) if mic.is_file() and system.is_file() else None


def _span(path: Path, start: float, end: float) -> np.ndarray:
    """Mono 16 kHz samples of ``path`` over [start, end) seconds (zeros outside the file).
    Linear resampling: the echo analysis compares band powers, not waveforms."""
    with soundfile.SoundFile(str(path)) as track:
        rate = track.samplerate
        first, last = max(0, int(start * rate)), max(0, int(end * rate))
        track.seek(min(first, track.frames))
        data = track.read(max(0, last - first), dtype="float32", always_2d=True).mean(axis=1)
    pad = np.zeros(int(max(0.0, -start) * rate), np.float32)
    data = np.concatenate([pad, data]) if len(pad) else data
    count = max(0, int(round((end - start) * ANALYSIS_RATE)))
    if rate == ANALYSIS_RATE or not len(data):
        out = data[:count]
    else:
        positions = np.arange(count) * rate / ANALYSIS_RATE
        out = np.interp(positions, np.arange(len(data)), data, right=0.0).astype(np.float32)
    return np.pad(out, (0, count - len(out)))


def echo_free(segment: Segment, mic: Path, system: Path) -> Segment | None:
    """The segment's local speech: itself, only its local words (Whisper often writes a
    local line and the echo after it as one segment), or None when it is only echo."""
    from meeting_recorder.core.echo import EchoOptions, analyze, local_part

    options = EchoOptions()
    mic_audio = _span(mic, segment.start, segment.end)
    system_audio = _span(system, segment.start - ECHO_MARGIN_SECONDS, segment.end + ECHO_MARGIN_SECONDS)
    analysis = analyze(mic_audio, system_audio, -int(ECHO_MARGIN_SECONDS * ANALYSIS_RATE), options)
    return local_part(segment, analysis, int(round(segment.start * ANALYSIS_RATE)), options)


def transcribe_call(
    engine: "TranscriptionEngine",
    diarizer: "Diarizer | None",
    mix: Path,
    tracks: tuple[Path, Path],
    options: TranscribeOptions,
    speakers: "SpeakerRequest | None",
    *,
    progress: "ProgressCallback | None" = None,
    cancel: threading.Event | None = None,
    self_name: str = SELF_NAME,
) -> Transcript:
    """The call's transcript: the mic track's segments as ``self_name`` (echo dropped),
    the system track's with its speakers, in the order spoken."""
    from meeting_recorder.core.transcribe_job import transcribe_with_speakers

    mic, system = tracks
    cancel = cancel or threading.Event()

    def part(index: int) -> "ProgressCallback | None":
        """The two tracks one after the other: each is half of the job."""
        if progress is None:
            return None

        def report(step: Progress) -> None:
            fraction = None if step.fraction is None else (index + step.fraction) / 2
            eta = step.eta_seconds
            if index == 0 and eta is not None and step.fraction is not None and step.fraction < 1:
                eta += eta / (1 - step.fraction)  # the second track takes about as long as the first
            progress(Progress(step.processed_seconds, fraction, eta))

        return report

    local = engine.transcribe_file(mic, options, progress=part(0), cancel=cancel)
    remote = transcribe_with_speakers(engine, diarizer, system, options, speakers, progress=part(1), cancel=cancel)
    mine = [part for segment in local.segments if (part := echo_free(segment, mic, system)) is not None]
    for segment in mine:
        segment.speaker = self_name
    segments = sorted([*mine, *remote.segments], key=lambda s: s.start)
    return Transcript(str(mix), max(local.duration, remote.duration), local.language, local.model, segments)
