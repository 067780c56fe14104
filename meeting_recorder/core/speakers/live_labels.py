"""Speaker labels for a live session: embed each transcribed utterance, cluster it online.

People take turns with shorter pauses than the live VAD's 0.5 s end of utterance, so one
utterance can hold two voices. ``turns`` therefore cuts an utterance at its Whisper segment
boundaries and at pauses between words, joins pieces too short for a reliable embedding
to a neighbour, and labels each piece; the transcriber gives every word the label of the
piece it falls in and splits segments where that changes (as the offline path does).

A new voice is only told apart once a few of its pieces agree with each other and not with
the speakers so far (``OnlineSpeakers``); until then its pieces carry the label of the
nearest speaker. When the new speaker is confirmed, the labels of its earlier pieces are
revised: inside the utterance being labelled ``turns`` applies that itself; pieces of
earlier utterances (already shown) are listed in ``revised`` as (start, end, new label) in
session seconds, for a caller that can relabel text it has already shown. On the real
fillets dialogues that is the difference between 0.89–0.99 (labels as first given) and
0.98–0.99 (revised) of the word time labelled right.

``LiveLabels`` is used from the live transcriber's thread only. It never raises during a
session: a model that cannot load turns labels off, an utterance that cannot be embedded
keeps speaker None; both are reported once as a status message and transcription goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from meeting_recorder.core.events import Event, ModelLoading, SpeakerLabelMissed, SpeakerLabelsOff
from meeting_recorder.core.speakers.campplus import SAMPLE_RATE
from meeting_recorder.core.speakers.embedding import Embedder
from meeting_recorder.core.speakers.turns import SpeakerTurn
from meeting_recorder.core.speakers.online import DEFAULT_MAX_SPEAKERS, OnlineSpeakers
from meeting_recorder.core.transcript import Segment

# A pause between two words at least this long may be a change of speaker.
TURN_GAP_SECONDS = 0.2
# Pieces shorter than this join a neighbour: CAM++ vectors of shorter clips are too noisy
# to tell voices apart (same-voice similarity falls from >= 0.81 to 0.69 under 1 s).
MIN_PIECE_SECONDS = 1.0
# Revisions of already shown pieces kept for the caller (oldest dropped first).
MAX_REVISED = 64


def pieces_at_pauses(
    segments: Sequence[Segment],
    offset: float,
    duration: float,
    min_gap: float = TURN_GAP_SECONDS,
    min_piece: float = MIN_PIECE_SECONDS,
) -> list[tuple[float, float]]:
    """(start, end) pieces, in seconds from ``offset``, covering [0, duration] without gaps:
    cut between segments and where words are ``min_gap`` apart, no piece under ``min_piece``
    (unless the whole utterance is shorter)."""
    cuts: list[float] = []
    for index, segment in enumerate(segments):
        if index > 0:
            cuts.append((segments[index - 1].end + segment.start) / 2 - offset)
        words = segment.words
        cuts += [(a.end + b.start) / 2 - offset for a, b in zip(words, words[1:]) if b.start - a.end >= min_gap]
    bounds = [0.0, *sorted(c for c in cuts if 0.0 < c < duration), duration]
    pieces: list[tuple[float, float]] = []
    for start, end in zip(bounds, bounds[1:]):
        if pieces and (end - start < min_piece or pieces[-1][1] - pieces[-1][0] < min_piece):
            pieces[-1] = (pieces[-1][0], end)  # too short on its own: joins the piece before
        else:
            pieces.append((start, end))
    return pieces


class LiveLabels:
    def __init__(
        self,
        embedder: Embedder,
        on_status: Callable[[Event], None],
        *,
        max_speakers: int = DEFAULT_MAX_SPEAKERS,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.embedder = embedder
        self.on_status = on_status
        self.speakers = OnlineSpeakers(max_speakers=max_speakers, known=known)
        self.enabled = True
        self.failures = 0
        # (start, end, label) in session seconds: earlier pieces found to be another voice.
        self.revised: deque[tuple[float, float, str]] = deque(maxlen=MAX_REVISED)

    def load(self) -> None:
        """Load the speaker model if needed; on failure labels are off for this session."""
        if self.embedder.loaded:
            return
        self.on_status(ModelLoading("speaker"))
        try:
            self.embedder.load()
        except Exception as error:  # missing or corrupt weights: transcribe without speakers
            self.enabled = False
            self.on_status(SpeakerLabelsOff(str(error)))

    def turns(
        self, samples: np.ndarray, offset: float, segments: Sequence[Segment], *, split: bool = True
    ) -> list[SpeakerTurn]:
        """Labelled turns (absolute seconds) covering one utterance that began at ``offset``;
        pieces that cannot be labelled are left out. ``split=False``: one label for the whole
        utterance (one embedding instead of several, for a transcriber that is behind)."""
        duration = len(samples) / SAMPLE_RATE
        labelled: dict[tuple[float, float], str] = {}
        for start, end in pieces_at_pauses(segments, offset, duration) if split else [(0.0, duration)]:
            span = (offset + start, offset + end)
            label = self.label(samples[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)], key=span)
            if label is not None:
                labelled[span] = label
        if self.enabled:
            for span, label in self.speakers.revisions().items():
                if span in labelled:
                    labelled[span] = label  # a piece of this utterance: not shown yet
                else:
                    self.revised.append((*span, label))
        return [SpeakerTurn(start, end, label) for (start, end), label in labelled.items()]

    def label(self, samples: np.ndarray, key: tuple[float, float] | None = None) -> str | None:
        """The speaker label for one piece of speech (16 kHz mono), or None if it cannot be
        told. ``key`` names the piece in later revisions (``turns`` uses its span)."""
        if not self.enabled:
            return None
        try:
            return self.speakers.assign(self.embedder.embed(samples), len(samples) / SAMPLE_RATE, key=key)
        except Exception as error:
            self.failures += 1
            if self.failures == 1:
                self.on_status(SpeakerLabelMissed(str(error)))
            return None
