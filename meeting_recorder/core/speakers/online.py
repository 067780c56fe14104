"""Live speaker labels: online clustering of piece embeddings with bounded state.

Each committed utterance is cut into pieces (see ``live_labels``) and each piece's CAM++
vector gets a label here. Real voices vary more than synthetic ones: measured with CAM++ on
the Czech fillets dialogues (shared/data/real/fillets_cs), two ≥ 1 s pieces of one speaker
are only 0.52–0.65 alike (median; 0.39–0.50 at the 5th percentile), two speakers 0.39–0.44;
in the hardest file (``cave``) 0.52 against 0.44. Telephone-band assembled conversations
(tests/real_conversations.py): same 0.62–0.73, different 0.43–0.50; espeak voices: same
≈ 0.9, different 0.41–0.6. No fixed similarity threshold separates same from different in
all of these (a real speaker's own median is below espeak's different-voice level), and one
wrong join early on merges two voices for good: the old rule (join the nearest centroid at
cosine ≥ 0.60, else start a speaker) gave a real phone call one label for both people.

What does separate them is how a voice's pieces relate to each other, so decisions here are
relative to each speaker's own spread:

- Speaker k keeps the seconds-weighted sum S of its *confirmed* pieces' unit vectors, the
  total weight W and the sum of squared weights Q. ``v·S/W`` is the mean similarity of a
  piece to the speaker's pieces and ``(S·S − Q)/(W² − Q)`` the mean similarity between them
  (its cohesion; ``PRIOR_COHESION`` while it has one piece).
- Every piece gets the label of the nearest centroid (cosine). Once two voices have their own
  centroids, that is right for 0.99 of word time on every file above (oracle centroids).
- A piece is *confirmed* (moves the centroid) only when its mean similarity reaches
  ``CONFIRM_RATIO`` × the speaker's cohesion; otherwise it keeps the label but waits,
  unconfirmed, in a window of the last ``WINDOW`` pieces. So a new voice cannot drag a
  centroid towards itself, and the next pieces of that voice keep looking new.
- Evidence for a new voice: unconfirmed pieces in the window that agree with the latest
  (≥ 2 pieces and ≥ ``NEW_SPEAKER_SECONDS``) and, with every speaker's confirmed pieces,
  are more alike within each group than across, by ``NEW_GAP`` (mean within minus mean
  between). They become a new speaker. So does one long piece very unlike every speaker
  (``FAST_RATIO``) or one that matches an enrolled voice nobody has yet.
- Recovery when a centroid did blend two voices: the speaker's window pieces are split in
  two (average linkage); halves that differ by ``SPLIT_GAP`` become two speakers.

When pieces move to a new speaker their labels are revised: ``revisions()`` returns the
keys (given to ``assign``) of pieces whose label changed, so a caller can relabel the last
few seconds (``LiveLabels`` does so inside the utterance being labelled).

State is bounded: ``max_speakers`` rows of sums plus a window of ``WINDOW`` piece vectors.

Labels are "Speaker 1", "Speaker 2", … in order of appearance, or the name of an enrolled
person whose voice a new speaker matches (``known``). A speaker still settling (up to
``SETTLE_UTTERANCES`` confirmed pieces) that comes to match an enrolled person takes that
name; ``rename`` renames. Labels never change otherwise.

    speakers = OnlineSpeakers(known={"Alice": alice_vector})
    label = speakers.assign(embedder.embed(piece), seconds=len(piece) / 16000)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np

from meeting_recorder.core.speakers.vectors import unit

# Simulated live sessions (pieces cut as the live path cuts them, CAM++ vectors, word-time
# accuracy under the best label mapping; 2026-12): 6 fillets dialogues, 6 assembled
# real-voice conversations, 6 espeak conversations, 23 single-voice recordings.
# With these constants: fillets 0.89–0.99 per file (cave 0.89), real 0.88–0.96 (1 label where
# the live VAD hears a second voice for ~2 s only), espeak 0.84–1.00; never a label too many
# in a dialogue; one voice one label in 22 of 23 single-voice files (cave's big fish: two
# recording styles 0.4–0.5 apart, as far apart as two people). One at a time (fillets):
# CONFIRM_RATIO 0.80 gives cave one label (0.54), 0.84 a third (0.78); NEW_GAP 0.08 cave a
# third label, 0.12 cave 0.86 and library 0.92; SPLIT_GAP 0.12 cave and start a third label,
# 0.16 the same as 0.14; PRIOR_COHESION 0.60 the same, 0.70 library a third label (0.68);
# WINDOW 16 cave a third label, 32 the same; NEW_SPEAKER_SECONDS 2.0 the same (a one-voice
# file gets 2 labels), 3.0 real 0.92 -> 0.90.
CONFIRM_RATIO = 0.82
PRIOR_COHESION = 0.65  # a one-piece speaker's assumed cohesion (real voices 0.55–0.73)
NEW_GAP = 0.10  # unconfirmed pieces vs confirmed ones: (within + within) / 2 − between
# Two halves of one speaker's window pieces (average linkage), same measure: one voice cut
# in two scored ≤ 0.13 (95th percentile) on the real files, two voices 0.15–0.43 (median).
SPLIT_GAP = 0.14
NEW_SPEAKER_SECONDS = 2.5  # a new voice needs this much speech in ≥ 2 pieces
# … or one piece that long whose mean similarity to every speaker is under this share of
# that speaker's cohesion: different voices score 0.5–0.7 of it (espeak 0.5, fillets 0.68,
# real 0.6–0.7), a speaker's own odd pieces rarely under 0.6. 0.60 and 0.65 give the same
# results; 0.70 gives a fillets dialogue 4 labels. Without it (waiting for a second piece)
# real 3-voice and espeak 3-voice calls lose their third voice's first turn.
FAST_RATIO = 0.6
# Pieces waiting to be a new voice must be alike: each at least this share of its speaker's
# cohesion like the latest one, and all together at least this share of each speaker's.
AGREE_SHARE = 0.5
WINDOW = 24  # pieces remembered for finding new voices (a minute or so of speech)
# An enrolled person's vector must match a speaker's centroid this well to name it; the same
# value as the offline profile matching (profiles.PROFILE_THRESHOLD): a wrong name misleads
# more than a missing one.
DEFAULT_KNOWN_THRESHOLD = 0.70
DEFAULT_MAX_SPEAKERS = 8
# Shorter pieces are too noisy to move anything: they take the label of the speaker they
# match (cosine ≥ SHORT_THRESHOLD to its centroid), else the current speaker's.
MIN_SECONDS = 1.0
SHORT_THRESHOLD = 0.5
SETTLE_UTTERANCES = 3  # a speaker can still be matched to an enrolled name until this many
LABEL_FORMAT = "Speaker {}"


def _unit(vector: np.ndarray) -> np.ndarray:
    """Unit length in float32: the centroid rows are float32 (half the state)."""
    return unit(vector).astype(np.float32)


def _mean_within(vectors: np.ndarray) -> float | None:
    """Mean cosine similarity between distinct rows (unit vectors), None for one row."""
    n = len(vectors)
    if n < 2:
        return None
    return float(((vectors @ vectors.T).sum() - n) / (n * (n - 1)))


def _bisect(vectors: np.ndarray) -> np.ndarray:
    """Average-linkage clustering of unit rows down to two clusters: a mask of one of them."""
    total = (vectors @ vectors.T).astype(np.float64)  # summed similarity between clusters
    sizes = np.ones(len(vectors))
    members = [[i] for i in range(len(vectors))]
    active = list(range(len(vectors)))
    while len(active) > 2:
        mean = total[np.ix_(active, active)] / np.outer(sizes[active], sizes[active])
        np.fill_diagonal(mean, -np.inf)
        a, b = np.unravel_index(int(np.argmax(mean)), mean.shape)
        keep, gone = active[a], active[b]
        total[keep, :] += total[gone, :]
        total[:, keep] += total[:, gone]
        sizes[keep] += sizes[gone]
        members[keep] += members[gone]
        active.remove(gone)
    mask = np.zeros(len(vectors), dtype=bool)
    mask[members[active[0]]] = True
    return mask


@dataclass
class _Piece:
    vector: np.ndarray  # unit length
    seconds: float
    speaker: int
    key: Hashable
    confirmed: bool  # counted in its speaker's sums


class OnlineSpeakers:
    """Online speaker clustering for one session. Not thread-safe: call from one thread."""

    def __init__(
        self,
        *,
        max_speakers: int = DEFAULT_MAX_SPEAKERS,
        known: Mapping[str, np.ndarray] | None = None,
        known_threshold: float = DEFAULT_KNOWN_THRESHOLD,
        min_seconds: float = MIN_SECONDS,
        confirm_ratio: float = CONFIRM_RATIO,
        prior_cohesion: float = PRIOR_COHESION,
        new_gap: float = NEW_GAP,
        split_gap: float = SPLIT_GAP,
        new_speaker_seconds: float = NEW_SPEAKER_SECONDS,
        window: int = WINDOW,
        fast_ratio: float = FAST_RATIO,
    ) -> None:
        if max_speakers < 1:
            raise ValueError("max_speakers must be at least 1")
        self.max_speakers = max_speakers
        self.known_threshold = known_threshold
        self.min_seconds = min_seconds
        self.confirm_ratio = confirm_ratio
        self.prior_cohesion = prior_cohesion
        self.new_gap = new_gap
        self.split_gap = split_gap
        self.new_speaker_seconds = new_speaker_seconds
        self.fast_ratio = fast_ratio
        self._known_names = list(known or {})
        self._known = np.stack([_unit(v) for v in (known or {}).values()]) if known else None
        self._used_names: set[str] = set()
        self._sums: np.ndarray | None = None  # (max_speakers, dim): seconds-weighted sums of unit vectors
        self._weights = np.zeros(max_speakers, dtype=np.float64)  # W: confirmed seconds
        self._squares = np.zeros(max_speakers, dtype=np.float64)  # Q: sum of squared weights
        self._pieces = np.zeros(max_speakers, dtype=np.int64)  # confirmed pieces
        self._labels: list[str] = []
        self._numbered = 0  # "Speaker N" labels handed out so far
        self._last: int | None = None  # index of the most recent speaker
        self._window: deque[_Piece] = deque(maxlen=window)
        self._revised: dict[Hashable, str] = {}

    # -- queries ---------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self._labels)

    def labels(self) -> list[str]:
        return list(self._labels)

    def centroids(self) -> dict[str, np.ndarray]:
        """Label -> unit-length centroid (copies), in order of appearance."""
        return {label: self._centroid(i) for i, label in enumerate(self._labels)}

    def revisions(self) -> dict[Hashable, str]:
        """Keys of earlier pieces (as given to ``assign``) whose label changed since the last
        call, with their new label: pieces that turned out to be a new voice."""
        revised, self._revised = self._revised, {}
        return revised

    # -- updates ---------------------------------------------------------------------------
    def assign(self, vector: np.ndarray, seconds: float, key: Hashable = None) -> str:
        """The label of the speaker of one piece of speech (``vector``: its embedding).
        ``key`` names the piece in ``revisions()`` should its label change later."""
        vector = _unit(vector)
        if self._known is not None and self._known.shape[1] != len(vector):
            raise ValueError(f"enrolled voices have {self._known.shape[1]} dimensions, this embedding {len(vector)}")
        if self._sums is None:
            self._sums = np.zeros((self.max_speakers, len(vector)), dtype=np.float64)
        if not self._labels:
            first = _Piece(vector, seconds, 0, key, True)
            self._window.append(first)
            self._new_speaker([first])
            self._revised.pop(key, None)
            return self._label(0)
        centroids = self._sums[: self.count] / np.linalg.norm(self._sums[: self.count], axis=1, keepdims=True)
        similarities = centroids @ vector
        best = int(np.argmax(similarities))
        if seconds < self.min_seconds:
            # Too short to trust: the speaker it matches, else whoever spoke last.
            return self._label(best if similarities[best] >= SHORT_THRESHOLD else self._current())
        linked = float(vector @ self._sums[best]) / self._weights[best]
        piece = _Piece(vector, seconds, best, key, linked >= self.confirm_ratio * self._cohesion(best))
        if piece.confirmed:
            self._add(best, piece)
        self._window.append(piece)
        if not piece.confirmed and self.count < self.max_speakers and (
            self._known_name(vector, take=False) or self._unlike_all(piece)
        ):
            # Evidence enough on its own. Alone: taking the waiting pieces like it along gave a
            # real 3-voice call one speaker for two male voices (they were alike enough).
            self._adopt_waiting(self._new_speaker([piece]))
        elif self.count < self.max_speakers:
            if piece.confirmed:
                self._split(best)
            else:
                self._discover(piece)
        self._revised.pop(key, None)  # the caller gets this piece's label now
        return self._label(piece.speaker)

    def rename(self, label: str, new_name: str) -> None:
        """Call the speaker labelled ``label`` ``new_name`` from now on."""
        if label not in self._labels:
            raise KeyError(f"no speaker labelled {label!r}")
        if new_name != label and new_name in self._labels:
            raise ValueError(f"another speaker is already called {new_name!r}")
        index = self._labels.index(label)
        self._labels[index] = new_name
        self._used_names.add(new_name)
        self._pieces[index] = max(self._pieces[index], SETTLE_UTTERANCES)  # user's word is final

    # -- internals -------------------------------------------------------------------------
    def _current(self) -> int:
        return self._last if self._last is not None else 0

    def _label(self, index: int) -> str:
        self._last = index
        return self._labels[index]

    def _centroid(self, index: int) -> np.ndarray:
        assert self._sums is not None
        return _unit(self._sums[index])

    def _cohesion(self, index: int) -> float:
        """Mean similarity between the speaker's confirmed pieces (seconds-weighted)."""
        assert self._sums is not None
        pairs = self._weights[index] ** 2 - self._squares[index]
        if self._pieces[index] < 2 or pairs <= 1e-6:
            return self.prior_cohesion
        total = float(self._sums[index] @ self._sums[index])
        return (total - self._squares[index]) / pairs

    def _add(self, index: int, piece: _Piece) -> None:
        assert self._sums is not None
        self._sums[index] += piece.vector * piece.seconds
        self._weights[index] += piece.seconds
        self._squares[index] += piece.seconds**2
        self._pieces[index] += 1
        if self._pieces[index] <= SETTLE_UTTERANCES and self._labels[index] not in self._used_names:
            name = self._known_name(self._centroid(index))
            if name is not None:  # settling towards an enrolled voice: one-way upgrade
                self._labels[index] = name

    def _remove(self, index: int, piece: _Piece) -> None:
        assert self._sums is not None
        self._sums[index] -= piece.vector * piece.seconds
        self._weights[index] -= piece.seconds
        self._squares[index] -= piece.seconds**2
        self._pieces[index] -= 1

    def _new_speaker(self, pieces: list[_Piece]) -> int:
        """A speaker made of ``pieces`` (taken from whoever had them); their labels change."""
        assert self._sums is not None
        index = self.count
        for piece in pieces:
            if piece.confirmed and piece.speaker != index:
                self._remove(piece.speaker, piece)
        self._sums[index] = 0.0
        self._weights[index] = self._squares[index] = 0.0
        self._pieces[index] = 0
        self._labels.append("")  # named below, once the centroid is known
        for piece in pieces:
            piece.speaker, piece.confirmed = index, True
            self._sums[index] += piece.vector * piece.seconds
            self._weights[index] += piece.seconds
            self._squares[index] += piece.seconds**2
            self._pieces[index] += 1
        name = self._known_name(self._centroid(index))
        if name is None:
            self._numbered += 1
            name = LABEL_FORMAT.format(self._numbered)
            while name in self._labels:  # a user renamed someone to "Speaker N"
                self._numbered += 1
                name = LABEL_FORMAT.format(self._numbered)
        self._labels[index] = name
        for piece in pieces:
            if piece.key is not None:
                self._revised[piece.key] = name
        return index

    def _unlike_all(self, piece: _Piece) -> bool:
        """A long piece far less like every speaker than its own pieces are alike (cohesion
        measured on ≥ 2 pieces): a new voice without waiting for a second piece."""
        assert self._sums is not None
        return piece.seconds >= self.new_speaker_seconds and all(
            self._pieces[i] > 1
            and float(piece.vector @ self._sums[i]) / self._weights[i] < self.fast_ratio * self._cohesion(i)
            for i in range(self.count)
        )

    def _adopt_waiting(self, index: int) -> None:
        """Pieces still waiting (unconfirmed) that the new speaker ``index`` now claims, as it
        would had they come after it: closest to it, and as alike as its confirmed pieces
        must be. A new voice's first, shorter turn otherwise keeps the label of whoever it
        was nearest to when it came. Only the label moves: adding them to its sums too made
        a real 3-voice call lose its third voice (simulated 0.95 -> 0.82). Label-only:
        espeak 3-voice 0.90 -> 0.94, fillets and real voices unchanged, the quick-turn test
        conversation 0.78-0.98 -> 0.94-1.00 over 8 seeds."""
        assert self._sums is not None
        for piece in self._window:
            if piece.confirmed:
                continue
            links = self._sums[: self.count] @ piece.vector / self._weights[: self.count]
            if int(np.argmax(links)) == index and links[index] >= self.confirm_ratio * self._cohesion(index):
                piece.speaker = index
                if piece.key is not None:
                    self._revised[piece.key] = self._labels[index]

    def _agreeing(self, seed: _Piece) -> list[_Piece]:
        """``seed`` and the unconfirmed pieces in the window like it: each at least
        ``AGREE_SHARE`` of its speaker's cohesion."""
        return [
            p for p in self._window
            if not p.confirmed and (p is seed or p.vector @ seed.vector >= AGREE_SHARE * self._cohesion(p.speaker))
        ]

    def _discover(self, seed: _Piece) -> None:
        """The unconfirmed pieces in the window that agree with ``seed`` (the latest) become a
        new speaker if, together, they stand apart from every speaker."""
        assert self._sums is not None
        waiting = self._agreeing(seed)
        if len(waiting) < 2 or sum(p.seconds for p in waiting) < self.new_speaker_seconds:
            return
        new = np.stack([p.vector for p in waiting])
        within_new = _mean_within(new)
        assert within_new is not None
        for index in range(self.count):
            confirmed = [p.vector for p in self._window if p.speaker == index and p.confirmed]
            if confirmed:
                old = np.stack(confirmed)
                within_old = _mean_within(old)
                between = float((new @ old.T).mean())
            else:  # its confirmed pieces left the window: compare with the sums
                within_old = None
                between = float((new @ self._sums[index]).mean() / self._weights[index])
            if within_old is None:
                # One piece says nothing of how alike its voice is: assume no more alike than
                # the newcomers (an odd first piece must not make everyone after it "new").
                within_old = self._cohesion(index) if self._pieces[index] > 1 else min(self.prior_cohesion, within_new)
            if within_new < AGREE_SHARE * within_old or (within_new + within_old) / 2 - between < self.new_gap:
                return
        self._new_speaker(waiting)

    def _split(self, index: int) -> None:
        """Split speaker ``index`` if its pieces in the window form two distinct voices."""
        pieces = [p for p in self._window if p.speaker == index]
        if len(pieces) < 4:
            return
        vectors = np.stack([p.vector for p in pieces])
        seconds = np.array([p.seconds for p in pieces])
        mask = _bisect(vectors)
        for half in (mask, ~mask):
            if half.sum() < 2 or seconds[half].sum() < self.new_speaker_seconds:
                return
        within = (_mean_within(vectors[mask]) + _mean_within(vectors[~mask])) / 2  # type: ignore[operator]
        if within - float((vectors[mask] @ vectors[~mask].T).mean()) < self.split_gap:
            return
        # The half less like the speaker's older (confirmed, out of the window) speech is new;
        # without older speech, the half without the speaker's oldest piece in the window.
        confirmed = np.array([p.confirmed for p in pieces])
        assert self._sums is not None
        older = self._sums[index] - (vectors[confirmed] * seconds[confirmed, None]).sum(axis=0)
        if self._weights[index] - seconds[confirmed].sum() > 1e-3 and np.linalg.norm(older) > 1e-6:
            first, second = (_unit((vectors[h] * seconds[h, None]).sum(axis=0)) for h in (mask, ~mask))
            new = mask if first @ older < second @ older else ~mask
        else:
            new = ~mask if mask[0] else mask
        moving = [p for p, n in zip(pieces, new) if n]
        staying = [p for p, n in zip(pieces, new) if not n]
        self._new_speaker(moving)
        if self._weights[index] <= 1e-3:  # all it had moved: rebuild it from the other half
            self._sums[index] = 0.0
            self._weights[index] = self._squares[index] = 0.0
            self._pieces[index] = 0
            for piece in staying:
                piece.confirmed = True
                self._add(index, piece)

    def _known_name(self, centroid: np.ndarray, take: bool = True) -> str | None:
        """The best-matching enrolled name not given to anyone yet, if it matches well enough
        (``take``: and mark it given)."""
        if self._known is None:
            return None
        similarities = self._known @ centroid
        for i in np.argsort(-similarities):
            name = self._known_names[int(i)]
            if similarities[i] < self.known_threshold:
                return None
            if name not in self._used_names and name not in self._labels:
                if take:
                    self._used_names.add(name)
                return name
        return None
