"""Offline speaker diarization on locally shipped weights. Nothing here touches the network.

1. pyannote.audio's SpeakerDiarization (segmentation-3.0 + CAM++ chunk embeddings, no PLDA)
   finds turns and clusters them (``pipeline``).
2. Each pyannote speaker whose turns hold two voices is split (``clustering``): its turns are
   embedded in pieces, and pieces that fall into two distinct groups become two speakers.
3. Long inputs go window by window (bounded memory); the windows' speakers are linked by
   centroid (``linking``), so labels are global and stable.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from meeting_recorder.core.loaded_model import LoadedModel
from meeting_recorder.core import audio
from meeting_recorder.core.progress import ProgressCallback
from meeting_recorder.core.errors import Cancelled
from meeting_recorder.core.resources import release_memory
from meeting_recorder.core.speakers.clustering import MIN_PIECE_SECONDS, Counts
from meeting_recorder.core.speakers.linking import (
    WindowSpeaker,
    cluster_centroids,
    global_turns,
    label_of_clusters,
    link_speakers,
)
from meeting_recorder.core.speakers.progress import WindowProgress
from meeting_recorder.core.speakers.threads import torch_threads
from meeting_recorder.core.speakers.turns import SpeakerTurn
from meeting_recorder.core.speakers.weights import SpeakerWeights, find_weights

SAMPLE_RATE = audio.SAMPLE_RATE
# A pyannote speaker whose pieces fall into two groups with centroids less similar than this
# is two people. Real voices (scripts/eval_speakers.py, 2026-12): one speaker's two halves
# 0.72–0.91, two merged voices 0.60–0.72 (assembled conversations), so 0.73. 0.70 left one
# of six real conversations merged; 0.76 gave the same results as 0.73.
DEFAULT_THRESHOLD = 0.73
# Window speakers whose centroids have at least this cosine similarity are one person
# (3-minute dev conversations in 60 s windows: same voice ≥ 0.94, different ≤ 0.70).
DEFAULT_LINK_THRESHOLD = 0.80
DEFAULT_WINDOW_SECONDS = 600.0
# Cosine margin by which a piece must sound more like another speaker to move to it: 0 to 0.1
# gave the same DER on the real sets (confusion 0.7 -> 0.4 % on the assembled conversations).
REASSIGN_MARGIN = 0.05
MIN_TAIL_SECONDS = 60.0  # a shorter last window is joined to the previous one
MIN_WINDOW_SAMPLES = SAMPLE_RATE // 10


@dataclass(frozen=True)
class DiarizeOptions:
    num_speakers: int | None = None  # exact count when known; else automatic within min/max
    min_speakers: int | None = None
    max_speakers: int | None = None
    threshold: float = DEFAULT_THRESHOLD  # cosine similarity below which a speaker is split in two
    link_threshold: float = DEFAULT_LINK_THRESHOLD  # cosine similarity: same speaker across windows
    exclusive: bool = True  # one speaker at a time; False adds second speakers' overlapped speech


@dataclass(frozen=True)
class Diarization:
    turns: list[SpeakerTurn]  # with ``exclusive=False`` also overlapped speech (turns overlap)
    centroids: dict[str, np.ndarray]  # label -> unit embedding of that speaker's voice


@dataclass
class _Window:
    turns: list[tuple[float, float, str]]  # absolute times, window-local labels
    speakers: list[WindowSpeaker]
    overlaps: list[tuple[float, float, str]] = field(default_factory=list)  # second speakers
    vectors: list[np.ndarray | None] = field(default_factory=list)  # each turn's embedding


class Diarizer(LoadedModel):
    """Holds one pyannote pipeline; ``close()`` releases it (usable as a context manager)."""

    def __init__(
        self,
        *,
        weights: SpeakerWeights | None = None,
        num_threads: int | None = 1,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        segmentation_step: float = 0.5,  # of the 10 s chunk; pyannote's 0.1 is 4x slower, no better here
        batch_size: int = 8,
    ) -> None:
        self.weights = weights
        self.num_threads = num_threads
        self.window_seconds = window_seconds
        self.segmentation_step = segmentation_step
        self.batch_size = batch_size
        super().__init__()

    # -- lifecycle (LoadedModel): the model is (pyannote pipeline, CAM++ encoder) ----------
    @property
    def _pipeline(self) -> Any:
        return self._model[0] if self._model is not None else None

    @property
    def _encoder(self) -> Any:
        return self._model[1] if self._model is not None else None

    def _build(self) -> Any:
        """The pipeline (seconds: imports pyannote). ModelError if weights are missing."""
        from meeting_recorder.core.speakers.pipeline import build_pipeline

        with torch_threads(self.num_threads):
            return build_pipeline(self.weights or find_weights(), self.segmentation_step, self.batch_size)

    # -- diarization -------------------------------------------------------------------
    def diarize(self, waveform: Mapping[str, Any] | np.ndarray, options: DiarizeOptions = DiarizeOptions(),
                **kwargs: Any) -> list[SpeakerTurn]:
        """Turns for audio in memory (see ``analyze``)."""
        return self.analyze(waveform, options, **kwargs).turns

    def diarize_file(self, path: str | Path, options: DiarizeOptions = DiarizeOptions(), **kwargs: Any) -> list[SpeakerTurn]:
        """Turns for a file (see ``analyze_file``)."""
        return self.analyze_file(path, options, **kwargs).turns

    def analyze(
        self,
        waveform: Mapping[str, Any] | np.ndarray,
        options: DiarizeOptions = DiarizeOptions(),
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Diarization:
        """Audio in memory: ``{"waveform": tensor/array, "sample_rate": sr}`` or 16 kHz mono
        float32 samples. Longer than ``window_seconds``: windowed. Raises Cancelled."""
        samples = _as_mono_16k(waveform)
        duration = len(samples) / SAMPLE_RATE
        windows = _memory_windows(samples, self.window_seconds)
        return self.diarize_windows(windows, options, total_seconds=duration, progress=progress, cancel=cancel)

    def analyze_file(
        self,
        path: str | Path,
        options: DiarizeOptions = DiarizeOptions(),
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Diarization:
        """Any file PyAV decodes, streamed: memory stays at about two windows."""
        info = audio.probe(path)
        blocks = audio.iter_blocks(info.path)
        tail = _tail_seconds(self.window_seconds)
        windows = _join_short_tail(audio.iter_windows(blocks, self.window_seconds), tail)
        return self.diarize_windows(
            windows, options, total_seconds=info.duration, progress=progress, cancel=cancel
        )

    def diarize_windows(
        self,
        windows: Iterable[tuple[float, np.ndarray]],
        options: DiarizeOptions = DiarizeOptions(),
        *,
        total_seconds: float | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Diarization:
        """Diarize consecutive (start seconds, 16 kHz samples) windows and link their speakers."""
        cancel = cancel or threading.Event()
        clock = WindowProgress(total_seconds, progress, cancel)
        with self._lock, torch_threads(self.num_threads):
            pipeline, _encoder = self._load_locked()
            results: list[_Window] = []
            for index, (offset, samples, last) in enumerate(_flag_last(windows)):
                if cancel.is_set():
                    raise Cancelled()
                clock.start_window(offset, len(samples) / SAMPLE_RATE)
                single = index == 0 and last
                results.append(self._diarize_window(pipeline, index, offset, samples, options, single, clock))
                del samples
                release_memory()  # each window's arrays go back to the OS: flat RSS on long files
            if cancel.is_set():
                raise Cancelled()
        diarization = _link(results, options)
        clock.finish()
        return diarization

    def _diarize_window(
        self, pipeline: Any, index: int, offset: float, samples: np.ndarray,
        options: DiarizeOptions, single: bool, clock: WindowProgress,
    ) -> _Window:
        from meeting_recorder.core.speakers.clustering import label_window
        from meeting_recorder.core.speakers.pipeline import run_pipeline

        if len(samples) < MIN_WINDOW_SAMPLES:  # pyannote rejects empty input; nothing to find anyway
            return _Window([], [])
        count = _pyannote_counts(options, single)
        exclusive, overlapped = (_tracks(a) for a in run_pipeline(pipeline, samples, count, clock.hook))
        tick = functools.partial(clock.hook, "turns", None)
        counts = _counts(options, single)
        local, extra, speakers = label_window(
            self._encoder, samples, exclusive, overlapped, options.threshold, options.link_threshold, counts, tick
        )
        return _Window(
            [(offset + p.start, offset + p.end, str(p.speaker)) for p in local],
            [WindowSpeaker(index, str(k), s.vector, s.seconds) for k, s in enumerate(speakers)],
            [] if options.exclusive else [(offset + start, offset + end, str(k)) for start, end, k in extra],
            [p.vector for p in local],
        )


def _tracks(annotation: Any) -> list[tuple[float, float, str]]:
    return [(seg.start, seg.end, str(label)) for seg, _, label in annotation.itertracks(yield_label=True)]


def _counts(options: DiarizeOptions, single_window: bool) -> Counts:
    """Speaker-count limits for one window. A window of a long file may hold fewer speakers
    than the file, so only the upper bound applies there; the rest is enforced when linking."""
    if single_window:
        return Counts(options.num_speakers, options.min_speakers, options.max_speakers)
    return Counts(upper=options.num_speakers or options.max_speakers)


def _pyannote_counts(options: DiarizeOptions, single_window: bool) -> dict[str, int]:
    counts = _counts(options, single_window)
    kwargs = {"num_speakers": counts.exact, "min_speakers": counts.lower, "max_speakers": counts.upper}
    return {key: value for key, value in kwargs.items() if value}


def _link(windows: list[_Window], options: DiarizeOptions) -> Diarization:
    speakers = [s for w in windows for s in w.speakers]
    assignment = link_speakers(
        speakers,
        options.link_threshold,
        min_count=options.num_speakers or options.min_speakers,
        max_count=options.num_speakers or options.max_speakers,
    )
    cluster_of = {(s.window, s.label): cluster for s, cluster in zip(speakers, assignment)}
    global_centroids = cluster_centroids(speakers, assignment)
    turns = [(start, end, _closer_speaker(cluster_of[(index, label)], vector, end - start, global_centroids))
             for index, w in enumerate(windows) for (start, end, label), vector in zip(w.turns, w.vectors)]
    overlaps = [(start, end, cluster_of[(index, label)])
                for index, w in enumerate(windows) for start, end, label in w.overlaps]
    labels = label_of_clusters(turns)
    centroids = {labels[c]: vector for c, vector in global_centroids.items() if c in labels}
    extra = [SpeakerTurn(start, end, labels[c]) for start, end, c in overlaps if c in labels]
    return Diarization(sorted(global_turns(turns) + extra, key=lambda t: (t.start, t.end)), centroids)


def _closer_speaker(speaker: int, vector: np.ndarray | None, seconds: float,
                    centroids: Mapping[int, np.ndarray]) -> int:
    """A piece that sounds clearly more like another speaker's voice than its own goes to that
    speaker (a piece of a voice merged into someone else's cluster in a short window)."""
    if vector is None or seconds < MIN_PIECE_SECONDS or len(centroids) < 2:
        return speaker
    closest = max(centroids, key=lambda c: float(centroids[c] @ vector))
    if float(centroids[closest] @ vector) - float(centroids[speaker] @ vector) > REASSIGN_MARGIN:
        return closest
    return speaker


def _as_mono_16k(waveform: Mapping[str, Any] | np.ndarray) -> np.ndarray:
    """In-memory audio -> contiguous float32 16 kHz mono samples."""
    if isinstance(waveform, Mapping):
        data, rate = waveform["waveform"], int(waveform.get("sample_rate", SAMPLE_RATE))
    else:
        data, rate = waveform, SAMPLE_RATE
    if hasattr(data, "detach"):  # a torch tensor
        data = data.detach().cpu().numpy()
    data = np.array(data, dtype=np.float32, copy=None)
    if not data.flags.writeable:  # torch.from_numpy warns on read-only buffers
        data = data.copy()
    if data.ndim == 2:  # (channels, time), as pyannote takes it
        data = data.mean(axis=0)
    data = data.reshape(-1)
    if rate != SAMPLE_RATE:
        from meeting_recorder.core.speakers.pipeline import resample

        data = resample(data, rate, SAMPLE_RATE)
    return np.ascontiguousarray(data)


def _memory_windows(samples: np.ndarray, window_seconds: float) -> Iterator[tuple[float, np.ndarray]]:
    """Views of ``samples`` cut at quiet moments, the last one at least MIN_TAIL_SECONDS."""
    window = int(window_seconds * SAMPLE_RATE)
    search = int(min(20.0, window_seconds / 2) * SAMPLE_RATE)
    tail = int(_tail_seconds(window_seconds) * SAMPLE_RATE)
    start = 0
    while len(samples) - start > window + tail:
        chunk = samples[start : start + window]
        cut = audio.quiet_cut(chunk, window - search)
        yield start / SAMPLE_RATE, samples[start : start + cut]
        start += cut
    yield start / SAMPLE_RATE, samples[start:]


def _tail_seconds(window_seconds: float) -> float:
    return min(MIN_TAIL_SECONDS, window_seconds / 2)


def _join_short_tail(
    windows: Iterator[tuple[float, np.ndarray]], tail_seconds: float
) -> Iterator[tuple[float, np.ndarray]]:
    """If the last window is shorter than ``tail_seconds``, join it to the one before (a few
    seconds alone give poor embeddings and could not be linked reliably)."""
    previous: tuple[float, np.ndarray] | None = None
    for current in windows:
        if previous is not None:
            if len(current[1]) < tail_seconds * SAMPLE_RATE:
                current = (previous[0], np.concatenate([previous[1], current[1]]))
            else:
                yield previous
        previous = current
    if previous is not None:
        yield previous


def _flag_last(windows: Iterable[tuple[float, np.ndarray]]) -> Iterator[tuple[float, np.ndarray, bool]]:
    """(offset, samples, is_last), looking one window ahead."""
    iterator = iter(windows)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current[0], current[1], following is None
        current = following
