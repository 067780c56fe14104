"""Two audio devices on one clock: the system-audio track follows the microphone's.

Two sound devices run on their own crystals (±100 ppm is common: 360 ms apart after an
hour) and start at different moments (a PulseAudio stream takes ~3 s), so two tracks
written side by side drift apart. ``TrackAligner`` measures both and edits the follower
track (system audio) so its frames land where the reference track (microphone) has the
same instant.

Measuring. A block arrives when its device has captured it, plus a delivery delay that is
never negative and grows when the machine is busy. So each clock is fitted as a *lower*
line: of every few arrivals only the least late one counts.

* The reference's clock against the monotonic clock: arrival time over its frame count.
* The follower against the reference: at each follower block's arrival, ``x`` = follower
  frames received / its rate (its clock), ``y`` = the reference's clock at that moment (from
  the line above), and the line ``y − x = a + c·x``: ``c`` is the drift, ``a`` the offset.

Each line is an exponentially weighted least-squares fit (O(1) running means and
co-moments; old data fades with ``memory_seconds``, so a drift that changes with
temperature is followed). A point far off its line (a catch-up burst after a stalled
thread) is left out; if points stay off for ``step_seconds`` the device really lost (or
gained) audio and the line moves by that step. "Far" is five times the median distance
(late points cannot inflate a median), at least 20 ms of device time, widened by the fit's
own uncertainty while it is young. The first ``skip_seconds`` are left out:
stream start-up is bursty.

Correcting. Until the offset is known (~6 s) the follower's audio is held back (bounded);
then it comes out at once, after silence for the start offset (or with its start dropped
if the follower started first). From then on the follower's output length follows
``(x + a + c·x)·rate``: single frames dropped or repeated at evenly spaced places in a
block (inaudible), never more than ``max_slew_ppm`` of the audio; a step is applied at
once (silence, or frames dropped). If the reference stops delivering, the last line is
kept (extrapolated).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AlignerOptions:
    skip_seconds: float = 2.0  # start-up (bursty) left out of the fits
    bucket: int = 10  # of this many arrivals, the least late one is a point of a line
    settle_points: int = 3  # points before the offset is trusted (and outliers judged)
    memory_seconds: float = 600.0  # time constant of the fits' exponential forgetting
    max_drift_ppm: float = 2000.0  # a slope beyond this is noise of a short fit
    max_slew_ppm: float = 1000.0  # most frames dropped/repeated per frame of audio after the start
    deadband_seconds: float = 0.001  # errors below this are left alone (no edits from jitter)
    outlier_factor: float = 5.0  # a point further off than this × the mean distance is an outlier …
    outlier_floor_seconds: float = 0.02  # … or further than this, whichever is larger
    step_seconds: float = 5.0  # outliers for this long (monotonic clock) are a real step (a gap)
    hold_seconds: float = 15.0  # most follower audio held back while the start is measured


UNIT_POINTS = 30  # points of the reference's line before its slope converts units


class _LineFit:
    """Exponentially weighted least squares of z on x (West's update: stable for days)."""

    def __init__(self, memory: float) -> None:
        self.memory = memory
        self.weight = 0.0
        self.mean_x = 0.0
        self.mean_z = 0.0
        self.sxx = 0.0
        self.sxz = 0.0
        self.last_x = 0.0

    def add(self, x: float, z: float) -> None:
        if self.weight > 0.0:
            fade = math.exp(-max(0.0, x - self.last_x) / self.memory)
            self.weight *= fade
            self.sxx *= fade
            self.sxz *= fade
        self.last_x = x
        self.weight += 1.0
        dx = x - self.mean_x
        self.mean_x += dx / self.weight
        self.mean_z += (z - self.mean_z) / self.weight
        self.sxx += dx * (x - self.mean_x)
        self.sxz += dx * (z - self.mean_z)

    def shift(self, offset: float) -> None:
        self.mean_z += offset

    def slope(self, limit: float) -> float:
        if self.sxx <= 0.0:
            return 0.0
        return min(limit, max(-limit, self.sxz / self.sxx))

    def at(self, x: float, limit: float) -> float:
        return self.mean_z + self.slope(limit) * (x - self.mean_x)


class _LowerLine:
    """A line through points whose noise is lateness: the least late of every ``bucket``
    points is fitted; one far off is an outlier, and outliers that last are a step."""

    def __init__(self, options: AlignerOptions, slope_limit: float) -> None:
        self.options = options
        self.slope_limit = slope_limit
        self.fit = _LineFit(options.memory_seconds)
        self._count = 0
        self._best_x = 0.0
        self._best_z = math.inf
        self._best_key = math.inf
        self._noise = options.outlier_floor_seconds / options.outlier_factor  # median |distance|
        self.unit = 1.0  # z's seconds per device second (the reference's line: monotonic ones)
        self._step_since: float | None = None  # monotonic time when the outliers began
        self._step_sum = 0.0
        self._step_count = 0

    @property
    def points(self) -> float:
        return self.fit.weight

    def slope(self) -> float:
        return self.fit.slope(self.slope_limit)

    def at(self, x: float) -> float:
        return self.fit.at(x, self.slope_limit)

    def add(self, x: float, z: float, now: float) -> float:
        """One observation; returns the step the line just moved by (0.0: none)."""
        key = z - self.slope() * x  # least late, the line's slope taken out
        if key < self._best_key:
            self._best_x, self._best_z, self._best_key = x, z, key
        self._count += 1
        if self._count < self.options.bucket:
            return 0.0
        x, z = self._best_x, self._best_z
        self._count, self._best_key = 0, math.inf
        return self._judge(x, z, now)

    def _bound(self, x: float) -> float:
        """How far off the line a point at ``x`` may be: the floor or a multiple of the median
        distance, widened by the line's own uncertainty there (a young fit's slope is rough)."""
        fit, options = self.fit, self.options
        spread = math.sqrt(1.0 + 1.0 / fit.weight + (x - fit.mean_x) ** 2 / fit.sxx) if fit.sxx > 0 else 10.0
        return max(options.outlier_floor_seconds * self.unit, options.outlier_factor * self._noise) * spread

    def _judge(self, x: float, z: float, now: float) -> float:
        options = self.options
        if self.fit.weight < options.settle_points:
            self.fit.add(x, z)
            return 0.0
        distance = z - self.at(x)
        bound = self._bound(x)
        # The median |distance| (5 % steps): however many late points come, they move it no
        # faster than on-time ones do (a mean clipped at the bound grew 20 % per outlier).
        self._noise *= 1.05 if abs(distance) > self._noise else 1 / 1.05
        if abs(distance) <= bound:
            self.fit.add(x, z)
            self._step_since = None
            return 0.0
        # A catch-up burst after a stalled thread (rejected: a burst of 200 late blocks would
        # move the line by half a second) — or, if it lasts, a real step. "Lasts" on the
        # monotonic clock: a burst rushes through both devices' time.
        if self._step_since is None:
            self._step_since, self._step_sum, self._step_count = now, 0.0, 0
        self._step_sum += distance
        self._step_count += 1
        if now - self._step_since < options.step_seconds or self._step_count < options.settle_points:
            return 0.0
        step = self._step_sum / self._step_count
        self.fit.shift(step)
        self._step_since = None
        return step


class TrackAligner:
    """Keeps a follower track (system audio) on the reference track's clock (microphone).
    Thread-safe: ``reference_arrived`` is called from the reference source's thread,
    ``align`` from the follower source's thread; the properties from anywhere.
    ``clock`` is the monotonic clock both are read against (a test's simulated one)."""

    def __init__(
        self,
        reference_rate: int,
        follower_rate: int,
        reference_block_frames: int,
        options: AlignerOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reference_rate = reference_rate
        self.follower_rate = follower_rate
        self.options = options or AlignerOptions()
        self._clock = clock
        self._lock = threading.Lock()
        # Reference side (written by its thread, under the lock).
        self._ref_frames = 0
        self._ref_block = reference_block_frames
        self._ref_last_arrival: float | None = None
        self._ref_seconds_per_frame = 1.0 / reference_rate  # monotonic; a file may play faster
        self._ref_intervals = 0
        self._ref_scale = 0.0  # monotonic seconds per reference second, fixed at the first point
        self._ref_line = _LowerLine(self.options, slope_limit=math.inf)  # arrival − scale·u over u
        # Follower side (its thread).
        self._line = _LowerLine(self.options, slope_limit=self.options.max_drift_ppm * 1e-6)  # y − x over x
        self._received = 0  # follower frames received (its clock)
        self._emitted = 0  # frames returned by align (the follower track's length)
        self._first_reference: float | None = None  # reference seconds at the first observation
        self._last_offset = 0.0  # the latest y − x: the guess if the fit never got data
        self._settled = False
        self._held: np.ndarray | None = None  # the follower's audio until settled (bounded)
        self._held_frames = 0
        self._drop_pending = 0  # start frames still to drop (the follower started first)
        self._jump = False  # a step was found: apply it at once
        self._correcting = False

    # -- reference thread ------------------------------------------------------------------
    def reference_arrived(self, frames: int) -> None:
        """The reference device just delivered ``frames`` frames."""
        now = self._clock()
        with self._lock:
            last = self._ref_last_arrival
            if last is not None and frames > 0:
                # Mean interval: how long a block lasts on the monotonic clock (for "stopped").
                self._ref_intervals += 1
                weight = max(0.02, 1.0 / self._ref_intervals)
                self._ref_seconds_per_frame += weight * ((now - last) / frames - self._ref_seconds_per_frame)
            self._ref_frames += frames
            self._ref_block = frames or self._ref_block
            self._ref_last_arrival = now
            seconds = self._ref_frames / self.reference_rate
            if seconds >= self.options.skip_seconds:
                if not self._ref_scale:
                    self._ref_scale = self._ref_seconds_per_frame * self.reference_rate
                line = self._ref_line
                line.add(seconds, now - self._ref_scale * seconds, now)
                if line.points >= UNIT_POINTS:  # its floor in monotonic seconds (a file played fast: fewer)
                    line.unit = min(1.0, max(1e-6, self._ref_scale + line.slope()))

    def _reference_seconds(self, now: float) -> float | None:
        """The reference clock now (seconds); None before it starts or once it has stopped
        (no arrival for 8 blocks' time): then the last line is kept, unobserved."""
        last = self._ref_last_arrival
        if last is None or now - last > 8 * self._ref_block * self._ref_seconds_per_frame:
            return None
        line = self._ref_line
        if line.points < 2:  # not fitted yet: its count, and the time since it last came
            inside = min(self._ref_block, (now - last) / self._ref_seconds_per_frame)
            return (self._ref_frames + inside) / self.reference_rate
        # now = scale·u + mean_z + slope·(u − mean_x), solved for u
        slope = line.slope()
        return (now - line.fit.mean_z + slope * line.fit.mean_x) / (self._ref_scale + slope)

    # -- follower thread -------------------------------------------------------------------
    def align(self, block: np.ndarray) -> np.ndarray:
        """A follower block (int16 frames × channels) → the frames to write for it: nothing
        while the start is measured (the first ~6 s are held), then once the held audio
        after the start offset's silence, then each block with a frame or so more or less."""
        now = self._clock()
        with self._lock:
            reference = self._reference_seconds(now)
            started = self._ref_last_arrival is not None
            self._received += len(block)
            x = self._received / self.follower_rate
            if reference is not None:
                self._observe(x, reference, now)
            if not started:
                return block[:0]  # before the reference track's first frame: nothing to place
            if not self._settled:
                if self._hold(block):
                    return block[:0]
                block = self._release(block)
                self._settled = True
            target = round((x + self._offset_at(x)) * self.follower_rate)
            out = self._edit(block, target - (self._emitted + len(block)))
            self._emitted += len(out)
            return out

    def _observe(self, x: float, reference: float, now: float) -> None:
        self._last_offset = reference - x
        if self._first_reference is None:
            self._first_reference = reference
        # Reference time, not follower time: a start-up burst rushes through the latter.
        if reference - self._first_reference >= self.options.skip_seconds:
            if self._line.add(x, reference - x, now):
                self._jump = True

    def _hold(self, block: np.ndarray) -> bool:
        """Keep ``block`` until the start is measured; False when it is time to release."""
        if self._held is None:
            frames = int(self.options.hold_seconds * self.follower_rate)
            self._held = np.empty((frames,) + block.shape[1:], dtype=block.dtype)
        room = len(self._held) - self._held_frames
        if self._line.points >= self.options.settle_points or len(block) > room:
            return False  # measured (or the hold is full: go with the best guess so far)
        self._held[self._held_frames : self._held_frames + len(block)] = block
        self._held_frames += len(block)
        return True

    def _release(self, block: np.ndarray) -> np.ndarray:
        """The held audio and ``block`` as one block; the hold is freed."""
        held, self._held = self._held, None
        assert held is not None
        joined = np.concatenate([held[: self._held_frames], block])
        self._held_frames = 0
        return joined

    def _offset_at(self, x: float) -> float:
        """Reference seconds minus follower seconds at follower time ``x``."""
        return self._line.at(x) if self._line.points else self._last_offset

    def _edit(self, block: np.ndarray, error: int) -> np.ndarray:
        """``block`` made ``error`` frames longer (> 0) or shorter (< 0)."""
        if self._emitted == 0 or self._drop_pending or self._jump:  # start offset, steps: at once
            self._jump = False
            if error >= 0:
                self._drop_pending = 0
                return np.concatenate([np.zeros((error,) + block.shape[1:], block.dtype), block])
            self._drop_pending = max(0, -error - len(block))
            return block[-error:]
        # Hysteresis: start correcting past the deadband, then go on until on time, so the
        # error swings 0…deadband instead of sitting at its edge.
        deadband = 0 if self._correcting else self.options.deadband_seconds * self.follower_rate
        self._correcting = abs(error) > deadband
        if not self._correcting or not len(block):
            return block
        most = max(1, int(len(block) * self.options.max_slew_ppm * 1e-6))
        count = min(abs(error), most, len(block) // 2)
        places = ((np.arange(count) + 0.5) * len(block) / count).astype(np.intp)
        if error > 0:
            return np.insert(block, places, block[places], axis=0)
        return np.delete(block, places, axis=0)

    # -- reports ---------------------------------------------------------------------------
    @property
    def drift_ppm(self) -> float:
        """How fast the follower's clock runs against the reference's (+: it is fast)."""
        with self._lock:
            slope = self._line.slope()
        return (1.0 / (1.0 + slope) - 1.0) * 1e6

    @property
    def offset_seconds(self) -> float:
        """How much later than the reference the follower started (< 0: it started first)."""
        with self._lock:
            return self._offset_at(0.0)

    @property
    def shift_seconds(self) -> float:
        """Silence added minus frames dropped so far (the follower track's total correction;
        audio still held at the start counts as dropped)."""
        with self._lock:
            return (self._emitted - self._received) / self.follower_rate
