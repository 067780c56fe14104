"""Speaker labels for a live session: embed each transcribed utterance, cluster it online.

``LiveLabels`` is used from the live transcriber's thread only. It never raises during a
session: a model that cannot load turns labels off, an utterance that cannot be embedded
keeps speaker None; both are reported once as a status message and transcription goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from meeting_recorder.core.speakers.campplus import SAMPLE_RATE
from meeting_recorder.core.speakers.embedding import Embedder
from meeting_recorder.core.speakers.online import DEFAULT_MAX_SPEAKERS, OnlineSpeakers


class LiveLabels:
    def __init__(
        self,
        embedder: Embedder,
        on_status: Callable[[str], None],
        *,
        max_speakers: int = DEFAULT_MAX_SPEAKERS,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.embedder = embedder
        self.on_status = on_status
        self.speakers = OnlineSpeakers(max_speakers=max_speakers, known=known)
        self.enabled = True
        self.failures = 0

    def load(self) -> None:
        """Load the speaker model if needed; on failure labels are off for this session."""
        if self.embedder.loaded:
            return
        self.on_status("Loading the speaker model…")
        try:
            self.embedder.load()
        except Exception as error:  # missing or corrupt weights: transcribe without speakers
            self.enabled = False
            self.on_status(f"Speaker labels are off: {error}")

    def label(self, samples: np.ndarray) -> str | None:
        """The speaker label for one utterance (16 kHz mono), or None if it cannot be told."""
        if not self.enabled:
            return None
        try:
            return self.speakers.assign(self.embedder.embed(samples), len(samples) / SAMPLE_RATE)
        except Exception as error:
            self.failures += 1
            if self.failures == 1:
                self.on_status(f"No speaker label for an utterance ({error}); further such misses are not reported.")
            return None
