"""Matching diarized speakers to enrolled profiles by voice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from meeting_recorder.core.speakers.profiles import SpeakerProfile
from meeting_recorder.core.speakers.vectors import unit

# Cosine similarity of an enrollment vector (made by ``enroll``) and a conversation speaker's
# centroid (normalised mean of the CAM++ vectors of its true turns), measured 2026-11:
# - espeak voices A/B/C of tests/conversations.py, enrolled with sentences that are not in the
#   conversations, three conversations (AB 45 s, ABC 55 s, ABC 90 s):
#     same voice 0.97–0.99 (17 s samples), 0.90–0.98 (3.3 s samples);
#     different voice 0.41–0.52 (A–B, B–C), 0.60–0.67 (A–C, the closest pair).
#   The same conversation through a telephone band (300–3400 Hz) plus noise, clean enrollment:
#     same 0.67–0.78, different 0.42–0.66 — espeak voices are fragile across channels.
#   Several other espeak voices (en-us+m3, en-gb+f2, ko, en-us+croak) are 0.86–0.94 from A:
#   CAM++ hears them as one synthetic speaker, so they cannot serve as "unknown" voices.
# - Real speech (shared/data): JFK 0–5.5 s vs 5.5–11 s (3.0 and 4.5 s of speech) 0.73, and 0.70
#   when the second half is telephone-band filtered; different speakers (JFK vs the two
#   stereo_diarization voices, and those two) 0.28–0.45. Embedder's 2–5 s clips: same
#   0.71–0.87, different 0.26–0.48.
# 0.70 sits above every different-speaker pair (real 0.48, espeak 0.67) and below the
# same-speaker pairs with same-channel audio. A wrong name misleads more than a missing one,
# so the threshold leans high; a longer sample, or one taken from a transcript segment of
# the same kind of recording, gives higher same-speaker similarity.
PROFILE_THRESHOLD = 0.70


def match_profiles(
    centroids: Mapping[str, np.ndarray],
    profiles: Sequence[SpeakerProfile],
    threshold: float = PROFILE_THRESHOLD,
) -> dict[str, str]:
    """Speaker label -> profile name, one to one, for pairs with cosine similarity ≥ threshold.

    The most similar pair is taken first; each label and each profile is used at most once,
    so two speakers never get the same name. Labels without a match are left out.
    """
    labels = list(centroids)
    if not labels or not profiles:
        return {}
    label_matrix = np.stack([unit(centroids[label]) for label in labels])
    profile_matrix = np.stack([unit(p.vector) for p in profiles])
    similarity = label_matrix @ profile_matrix.T
    pairs = sorted(
        ((float(similarity[i, j]), i, j) for i in range(len(labels)) for j in range(len(profiles))),
        key=lambda pair: -pair[0],
    )
    names: dict[str, str] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if labels[i] in names or j in used:
            continue
        names[labels[i]] = profiles[j].name
        used.add(j)
    return names
