"""Speaker bleed: the microphone also hears the remote side played by the speakers.

Without headphones the mic track carries the remote voices too (peers measured it only
~3 dB below the local voice), so the mic transcriber would write every remote line a
second time, attributed to "You". This module tells, frame by frame, the local speech in
the mic signal from the bleed of the system signal, and ``EchoFilter`` uses that to skip
utterances that are only echo and to drop (or trim) segments that are echo.

How a frame is judged (``analyze``, a pure function; numpy FFTs, no model):
1. The delay between what the system plays and what the mic hears (the acoustic/device
   path plus any residual misalignment of the tracks) is the peak of GCC-PHAT within
   [-max_lead, +max_delay].
2. Both signals go through the same 32 ms STFT and are summed into ~20 bands. The system's
   band powers are held with an exponential decay (a room's reverb tail keeps sounding in
   the mic after the system stopped) and widened by one frame (a delay a few ms off).
3. The echo path's gain per band is a LOW percentile of mic/system power over the frames
   where the system is active: pure bleed gives the path's gain itself, while double talk
   only ever raises the ratio, so the low percentile ignores it.
4. A frame is local speech where the mic clearly exceeds the predicted echo (a margin in
   dB) in enough of its power, and that excess is speech-loud.
Where the system is silent the prediction is zero, so everything is local (kept).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.ring_buffer import RingBuffer
from meeting_recorder.core.transcript import Segment

SAMPLE_RATE = 16000
FRAME = 512  # 32 ms analysis window
HOP = 256  # 16 ms between frames
_TINY = 1e-12


@dataclass(frozen=True)
class EchoOptions:
    max_delay_seconds: float = 0.5  # the mic may hear the system up to this much later …
    max_lead_seconds: float = 0.1  # … or this much earlier (residual track misalignment)
    band_count: int = 20  # log-spaced bands between 100 Hz and 7.8 kHz
    gain_percentile: float = 20.0  # LOW: double talk only raises mic/system ratios
    margin_db: float = 6.0  # the mic must exceed the predicted echo by this to be local
    local_power_share: float = 0.25  # … in at least this share of the frame's power
    reverb_decay_db_per_second: float = 80.0  # how fast the held system power fades
    system_active_db: float = 40.0  # system bands within this of their peak are active
    min_active_frames: int = 8  # fewer active system frames in a band: its gain is a guess
    speech_range_db: float = 35.0  # mic frames this far below the loud ones are not speech
    min_run_frames: int = 4  # shorter local runs (64 ms) are chance, not speech
    min_local_seconds: float = 0.2  # an utterance with less local speech is only echo
    min_local_share: float = 0.15  # … unless at least this share of its speech is local
    confident_peak: float = 8.0  # GCC peak / its median level: a clear delay
    segment_keep_share: float = 0.6  # a segment this local is kept whole
    segment_min_share: float = 0.3  # a segment without words is dropped below this
    word_keep_share: float = 0.35  # in a mixed segment, words at least this local stay
    word_pad_seconds: float = 0.04  # Whisper's word times are coarse


@dataclass(frozen=True, eq=False)
class EchoAnalysis:
    """Frame i covers mic samples [i*HOP, i*HOP + FRAME) from the analysed start."""

    speech: np.ndarray  # bool per frame: the mic has speech energy
    local: np.ndarray  # bool per frame: that speech is local (not only echo)
    delay: int | None  # samples the mic hears the system later (None: system silent)
    confidence: float  # GCC-PHAT peak over its median level (0 when not measured)

    @property
    def local_seconds(self) -> float:
        return float(np.count_nonzero(self.local)) * HOP / SAMPLE_RATE

    @property
    def speech_seconds(self) -> float:
        return float(np.count_nonzero(self.speech)) * HOP / SAMPLE_RATE

    def local_share(self, first: int, last: int) -> float | None:
        """Share of the speech frames centred in mic samples [first, last) that are local;
        None where that span holds no speech frame."""
        centres = np.arange(len(self.speech)) * HOP + FRAME // 2
        inside = (centres >= first) & (centres < last) & self.speech
        count = int(np.count_nonzero(inside))
        if count == 0:
            return None
        return float(np.count_nonzero(inside & self.local)) / count


@dataclass(frozen=True)
class EchoStats:
    utterances_checked: int = 0
    utterances_dropped: int = 0
    utterances_unchecked: int = 0  # no system audio for them: kept
    segments_checked: int = 0
    segments_dropped: int = 0
    segments_trimmed: int = 0  # mixed segments: their echo words dropped
    words_dropped: int = 0


# -- the pure analysis ---------------------------------------------------------------------


def estimate_delay(
    mic: np.ndarray, system: np.ndarray, system_start: int, lags: range
) -> tuple[int, float]:
    """GCC-PHAT: the lag d in ``lags`` (mic[t] ≈ g·system(t - d), positions relative to the
    mic's first sample; ``system`` starts at ``system_start``) and its peak over the median
    level of the correlation within ``lags``. Works at 8 kHz (half the cost; the frames
    judged later are 16 ms apart, so 2-sample steps are plenty)."""
    if system_start % 2:  # keep both signals on the even samples of one clock
        system, system_start = system[1:], system_start + 1
    mic_8k, system_8k = _halve(mic), _halve(system)
    start = system_start // 2
    low, high = lags.start // 2 + start, (lags.stop - 1) // 2 + start  # j range of interest
    # Circular correlation is exact for j in [low, high] once the size exceeds both bounds.
    size = _fast_length(max(len(system_8k) + high, len(mic_8k) - low) + 1)
    cross = np.fft.rfft(mic_8k, size) * np.conj(np.fft.rfft(system_8k, size))
    frequencies = np.fft.rfftfreq(size, 2.0 / SAMPLE_RATE)
    band = (frequencies >= 100) & (frequencies <= 3800)  # speech; not hum, not the fold
    magnitude = np.abs(cross)
    floor = 1e-3 * float(np.max(magnitude[band])) + _TINY  # bins with no energy stay quiet
    correlation = np.fft.irfft(np.where(band, cross / (magnitude + floor), 0), size)
    # correlation[j] = Σ mic[k + j]·system[k]: the lag d sits at j = d + system_start.
    candidates = np.arange(low, high + 1)
    values = correlation[candidates % size]
    best = int(np.argmax(values))
    level = float(np.median(np.abs(values))) + _TINY
    return 2 * int(candidates[best] - start), float(values[best]) / level


def _halve(samples: np.ndarray) -> np.ndarray:
    """16 → 8 kHz by averaging pairs (enough for finding a delay in the speech band)."""
    even = len(samples) // 2 * 2
    return samples[:even].reshape(-1, 2).mean(axis=1)


def analyze(
    mic: np.ndarray,
    system: np.ndarray,
    system_start: int,
    options: EchoOptions = EchoOptions(),
    delay_hint: int | None = None,
) -> EchoAnalysis:
    """Which frames of ``mic`` hold local speech, given the system audio ``system`` whose
    first sample is at position ``system_start`` relative to the mic's first sample (the
    system may start later or end earlier: frames without system audio count as local).
    ``delay_hint``: a delay measured before, used when this span's own peak is not clear."""
    mic = np.asarray(mic, dtype=np.float32)
    system = np.asarray(system, dtype=np.float32)
    bands = _band_matrix(options.band_count)
    mic_power = _band_powers(mic, bands)
    speech = mic_power.sum(axis=1) >= _speech_floor(mic_power.sum(axis=1), options)
    frames = len(speech)
    if frames == 0 or len(system) < FRAME or not np.any(np.abs(system) > 1e-5):
        return EchoAnalysis(speech, speech.copy(), None, 0.0)

    lags = range(-int(options.max_lead_seconds * SAMPLE_RATE), int(options.max_delay_seconds * SAMPLE_RATE) + 1)
    delay, confidence = estimate_delay(mic, system, system_start, lags)
    if confidence < options.confident_peak and delay_hint is not None:
        delay = delay_hint  # the path is stable: a weak peak (little echo here) is noise
    aligned, known_from, known_to = _aligned_system(system, system_start + delay, len(mic))
    system_power = _band_powers(aligned, bands)
    known_frames = _frames_within(known_from, known_to, len(mic), frames)

    held_db = _held_db(system_power, options)
    # The gain is measured against the system's own frame (not the held, widened power:
    # that is ≥ it, and its low percentile would then undershoot the path's gain).
    ratio_db = 10 * np.log10((mic_power + _TINY) / (system_power + _TINY))
    active = _active_system(system_power, known_frames, options)
    gain_db = _path_gain_db(ratio_db, active, options)
    echo = 10 ** ((held_db + gain_db[None, :] + options.margin_db) / 10)
    excess = np.maximum(mic_power - echo, 0.0).sum(axis=1)
    share = excess / (mic_power.sum(axis=1) + _TINY)
    floor = _speech_floor(mic_power.sum(axis=1), options)
    local = speech & (share >= options.local_power_share) & (excess >= floor)
    local |= speech & ~known_frames  # no system audio to compare with: keep
    return EchoAnalysis(speech, _without_short_runs(local, speech, options.min_run_frames), delay, confidence)


def _fast_length(n: int) -> int:
    """The smallest 2^a·3^b ≥ n (fast for numpy's FFT)."""
    best = 1 << max(0, (n - 1).bit_length())
    three = 1
    while three < best:
        size = three << max(0, (-(-n // three) - 1).bit_length())
        best = min(best, size)
        three *= 3
    return best


def _band_matrix(count: int) -> np.ndarray:
    """(FRAME//2 + 1, bands) 0/1 matrix summing FFT bins into log-spaced bands."""
    bins = FRAME // 2 + 1
    edges = np.unique(np.round(np.geomspace(100, 7800, count + 1) * FRAME / SAMPLE_RATE).astype(int))
    matrix = np.zeros((bins, len(edges) - 1), dtype=np.float32)
    for index, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        matrix[low:high, index] = 1.0
    return matrix


_WINDOW = np.hanning(FRAME).astype(np.float32)
_SCALE = 2.0 / (FRAME * float(np.sum(_WINDOW**2)))  # band powers ≈ mean square of the signal


def _band_powers(samples: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """(frames, bands) power of each 32 ms frame, every HOP samples (the end padded)."""
    frames = max(0, -(-(len(samples) - FRAME) // HOP) + 1) if len(samples) >= HOP else 0
    if frames == 0:
        return np.zeros((0, bands.shape[1]), dtype=np.float64)
    padded = np.zeros((frames - 1) * HOP + FRAME, dtype=np.float32)
    padded[: len(samples)] = samples[: len(padded)]
    windows = np.lib.stride_tricks.sliding_window_view(padded, FRAME)[::HOP] * _WINDOW
    spectrum = np.fft.rfft(windows, axis=1)
    power = spectrum.real**2 + spectrum.imag**2
    return (power @ bands).astype(np.float64) * _SCALE


def _speech_floor(frame_power: np.ndarray, options: EchoOptions) -> float:
    """Speech-loud: within ``speech_range_db`` of the loud frames, clearly above the noise
    floor, and not digital near-silence."""
    if len(frame_power) == 0:
        return float("inf")
    loud, noise = np.percentile(frame_power, [95, 10])
    return float(max(loud * 10 ** (-options.speech_range_db / 10), noise * 4.0, 1e-8))


def _aligned_system(system: np.ndarray, first: int, length: int) -> tuple[np.ndarray, int, int]:
    """The system audio as the mic hears it (``system`` starting at mic position ``first``),
    over mic samples [0, length), and the samples [from, to) where it is known."""
    aligned = np.zeros(length, dtype=np.float32)
    low, high = max(0, first), min(length, first + len(system))
    if high <= low:
        return aligned, 0, 0
    aligned[low:high] = system[low - first : high - first]
    return aligned, low, high


def _frames_within(low: int, high: int, length: int, frames: int) -> np.ndarray:
    """Per frame: whether every sample it covers lies in [low, high) (samples past the
    mic's end are padding and count as known)."""
    starts = np.arange(frames) * HOP
    ends = np.minimum(starts + FRAME, length)
    return (starts >= low) & (ends <= high) & (high > low)


def _held_db(system_power: np.ndarray, options: EchoOptions) -> np.ndarray:
    """System band power (dB) widened by ±1 frame and held with the reverb decay: what may
    still sound in the room. The running max of s(t-k) - k·r is cummax(s + t·r) - t·r."""
    power = system_power.copy()
    power[1:] = np.maximum(power[1:], system_power[:-1])
    power[:-1] = np.maximum(power[:-1], system_power[1:])
    power_db = 10 * np.log10(power + _TINY)
    ramp = (np.arange(len(power)) * options.reverb_decay_db_per_second * HOP / SAMPLE_RATE)[:, None]
    return np.maximum.accumulate(power_db + ramp, axis=0) - ramp


def _active_system(system_power: np.ndarray, known: np.ndarray, options: EchoOptions) -> np.ndarray:
    """(frames, bands): the system itself sounds there (not just its held tail): speech-loud
    (10 dB over the span's noise floor and over -65 dBFS, so a span of mere system noise
    has no active frame) and the band within ``system_active_db`` of its peak."""
    frame_power = system_power.sum(axis=1)
    noise = float(np.percentile(frame_power[known], 10)) if np.any(known) else 0.0
    loud_frame = (frame_power >= max(10 * noise, 10**-6.5)) & known
    peak = system_power.max(axis=0, keepdims=True)
    return (system_power > peak * 10 ** (-options.system_active_db / 10)) & loud_frame[:, None]


def _path_gain_db(ratio_db: np.ndarray, active: np.ndarray, options: EchoOptions) -> np.ndarray:
    """Per band: a low percentile of mic/system power over the active frames. Bands
    with too few active frames take the median of the others; none at all: no echo."""
    gains = np.full(ratio_db.shape[1], np.nan)
    for band in range(ratio_db.shape[1]):
        values = ratio_db[active[:, band], band]
        if len(values) >= options.min_active_frames:
            gains[band] = np.percentile(values, options.gain_percentile)
    if np.all(np.isnan(gains)):
        return np.full(ratio_db.shape[1], -200.0)  # the system never really sounded
    return np.where(np.isnan(gains), np.nanmedian(gains), gains)


def _without_short_runs(local: np.ndarray, speech: np.ndarray, min_run: int) -> np.ndarray:
    """``local`` with runs shorter than ``min_run`` cleared where they lie inside longer
    speech (sporadic frames in echo); a short burst of speech that is all local stays."""
    if min_run <= 1 or not np.any(local):
        return local
    edges = np.diff(np.concatenate([[0], local.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    out = local.copy()
    for start, end in zip(starts, ends):
        whole = (start == 0 or not speech[start - 1]) and (end == len(speech) or not speech[end])
        if end - start < min_run and not whole:
            out[start:end] = False
    return out


def local_part(segment: Segment, analysis: EchoAnalysis, start: int, options: EchoOptions = EchoOptions()
               ) -> Segment | None:
    """What of ``segment`` is local speech (``analysis`` of the mic from absolute sample
    ``start``; segment times are seconds on that clock): the segment itself when mostly
    local or not judgeable, None when echo, only its local words when mixed (Whisper often
    writes the local line and the echo after it as one segment)."""
    share = analysis.local_share(*_span(segment.start, segment.end, start, 0.0))
    if share is None or share >= options.segment_keep_share:
        return segment
    if not segment.words:
        return segment if share >= options.segment_min_share else None
    words = []
    for word in segment.words:
        word_share = analysis.local_share(*_span(word.start, word.end, start, options.word_pad_seconds))
        if (share if word_share is None else word_share) >= options.word_keep_share:
            words.append(word)
    if not words:
        return None
    if len(words) == len(segment.words):
        return segment
    text = "".join(word.word for word in words).strip()
    return Segment(words[0].start, words[-1].end, text, words, segment.speaker)


def _span(begin: float, end: float, start: int, pad: float) -> tuple[int, int]:
    """Seconds on the session clock → mic samples relative to ``start``."""
    return int(round((begin - pad) * SAMPLE_RATE)) - start, int(round((end + pad) * SAMPLE_RATE)) - start


# -- the filter the mic transcriber calls ---------------------------------------------------


class EchoFilter:
    """Drops what the mic heard only from the speakers. Called on the mic transcriber's
    thread: ``keep_utterance`` before Whisper, ``keep_segments`` after it (the analysis of
    the last audio is reused); drafts of an utterance in progress may call both too.
    ``stats()`` may be read from any thread; it counts each utterance once, by the verdict
    on its latest (longest) audio, so drafts do not inflate it.

    It reads the system ring over the utterance's span (± the delay range), waiting up to
    ``wait_seconds`` for the system track to catch up. Where no system audio is there
    (overwritten, or the system track ended) everything is kept."""

    def __init__(
        self, system_ring: RingBuffer, wait_seconds: float = 1.0, options: EchoOptions = EchoOptions()
    ) -> None:
        self.system_ring = system_ring
        self.wait_seconds = wait_seconds
        self.options = options
        self._lock = threading.Lock()  # guards the counts: stats() may come from another thread
        self._done = dict.fromkeys(EchoStats.__dataclass_fields__, 0)  # utterances judged for good
        self._pending: tuple[int, dict[str, int]] | None = None  # (start, counts) of the latest one
        self._delay: int | None = None  # the last clearly measured delay (the path is stable)
        self._cached: tuple[int, int, EchoAnalysis | None] | None = None  # (start, length, result)
        self._stalled_at: int | None = None  # ring.written when a wait last timed out
        self._ended = False

    def system_ended(self) -> None:
        """The system track will get no more audio: stop waiting for it."""
        self._ended = True

    def stats(self) -> EchoStats:
        with self._lock:
            pending = self._pending[1] if self._pending else {}
            return EchoStats(**{name: count + pending.get(name, 0) for name, count in self._done.items()})

    @property
    def delay_seconds(self) -> float | None:
        return None if self._delay is None else self._delay / SAMPLE_RATE

    def keep_utterance(self, audio: np.ndarray, start: int) -> bool:
        """False when the utterance (mic samples from absolute position ``start``) holds
        (almost) no local speech: it is only the remote side heard through the speakers."""
        analysis = self.analysis(audio, start)
        if analysis is None:
            self._record(start, {"utterances_unchecked": 1})
            return True
        o = self.options
        speech, local = analysis.speech_seconds, analysis.local_seconds
        # No speech frame at all: nothing to judge (silence is not the echo's business).
        keep = speech == 0 or local >= o.min_local_seconds or local / speech >= o.min_local_share
        self._record(start, {"utterances_checked": 1, "utterances_dropped": int(not keep)})
        return keep

    def keep_segments(self, segments: list[Segment], audio: np.ndarray, start: int) -> list[Segment]:
        """The segments that are local speech: a mostly-echo segment goes, a mixed one keeps
        only its local words (segment times are seconds on the session clock)."""
        analysis = self.analysis(audio, start)
        if analysis is None:
            return list(segments)
        kept: list[Segment] = []
        counts = {"segments_checked": len(segments), "segments_dropped": 0, "segments_trimmed": 0, "words_dropped": 0}
        for segment in segments:
            part = local_part(segment, analysis, start, self.options)
            if part is None:
                counts["segments_dropped"] += 1
            elif part is not segment:
                counts["segments_trimmed"] += 1
                counts["words_dropped"] += len(segment.words) - len(part.words)
            if part is not None:
                kept.append(part)
        self._record(start, counts, segments_only=True)
        return kept

    def analysis(self, audio: np.ndarray, start: int) -> EchoAnalysis | None:
        """The frame analysis of mic ``audio`` from ``start`` (None: no system audio to
        compare with). Cached for the last audio."""
        if self._cached is not None and self._cached[:2] == (start, len(audio)):
            return self._cached[2]
        result = self._analyze(audio, start)
        self._cached = (start, len(audio), result)
        return result

    def _record(self, start: int, counts: dict[str, int], segments_only: bool = False) -> None:
        """The latest verdict on the utterance from ``start``: it replaces the earlier ones
        of the same kind (a draft's); a new start makes the previous verdicts final."""
        with self._lock:
            if self._pending is not None and self._pending[0] != start:
                for name, count in self._pending[1].items():
                    self._done[name] += count
                self._pending = None
            if self._pending is None:
                self._pending = (start, {})
            pending = self._pending[1]
            if not segments_only:  # a new look at the utterance: its segments come again
                pending.clear()
            pending.update(counts)

    def _analyze(self, audio: np.ndarray, start: int) -> EchoAnalysis | None:
        o = self.options
        first = start - int(o.max_delay_seconds * SAMPLE_RATE)
        # The mic's own span is waited for; the little beyond it (a system track running
        # late) is read if there: frames without system audio count as local.
        self._wait_for_system(start + len(audio))
        last = start + len(audio) + int(o.max_lead_seconds * SAMPLE_RATE)
        system, system_first = self.system_ring.read(max(0, first), last)
        if len(system) < FRAME or system_first >= start + len(audio):
            return None  # overwritten already, or never captured
        result = analyze(audio, system, system_first - start, o, self._delay)
        if result.delay is not None and result.confidence >= o.confident_peak:
            self._delay = result.delay
        return result

    def _wait_for_system(self, position: int) -> None:
        """Wait for the system ring to reach ``position``, unless its track ended or it
        did not move since a wait last timed out (no second wait on a dead track)."""
        ring = self.system_ring
        if self._ended or ring.written >= position:
            return
        if self._stalled_at is not None and ring.written == self._stalled_at:
            return
        self._stalled_at = None if ring.wait_for(position, self.wait_seconds) else ring.written
