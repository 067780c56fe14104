#!/usr/bin/env python3
"""Enrollment on real voices: is the profile threshold right for real people?

Usage::

    .venv/bin/python scripts/eval_enrollment.py

Each real voice of ``tests/real_conversations.py`` is enrolled (``enroll``) from a clip of
its own that is not in the conversations (``real_voice_clip``, 20 s); each fillets fish is
enrolled from its lines in *another* dialogue (the spans of the reference, the way a user
enrolls a transcript segment). Every conversation is then diarized by the app, and the
cosine similarity of every profile to every diarized speaker's centroid is printed, split
into same person / other person, with how ``match_profiles`` names the speakers at the
profile threshold. Goal: every same-person similarity above the threshold, every other
below it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_writer import machine  # noqa: E402
from eval_speakers import fillets_set  # noqa: E402

CLIP_SECONDS = 20.0
ENROLL_LINES_SECONDS = 30.0  # at most this much of a fish's lines from the other dialogue


def true_speaker(reference, turns, label: str) -> str | None:
    """The reference speaker that talks most during ``label``'s turns."""
    from pyannote.core import Segment

    talk: dict[str, float] = {}
    for turn in turns:
        if turn.speaker == label:
            crop = reference.crop(Segment(turn.start, turn.end))
            for name in crop.labels():
                talk[name] = talk.get(name, 0.0) + crop.label_duration(name)
    return max(talk, key=talk.__getitem__) if talk else None


def fish_profiles(embedder, dialogue) -> dict[str, np.ndarray]:
    """Profiles of both fish from one dialogue's reference lines (a transcript's segments)."""
    from meeting_recorder.core.audio import iter_blocks
    from meeting_recorder.core.speakers.vectors import unit

    samples = np.concatenate(list(iter_blocks(dialogue.path)))
    profiles = {}
    for fish in dialogue.reference.labels():
        total, seconds = np.zeros(192), 0.0
        for segment in dialogue.reference.label_timeline(fish):
            if seconds >= ENROLL_LINES_SECONDS:
                break
            clip = samples[int(segment.start * 16000) : int(segment.end * 16000)]
            total += embedder.embed(clip) * segment.duration
            seconds += segment.duration
        profiles[fish] = unit(total)
    return profiles


def main() -> int:
    import meeting_recorder  # noqa: F401  (offline/privacy variables first)
    from meeting_recorder.core.speakers import Diarizer, Embedder
    from meeting_recorder.core.speakers.enrollment import enroll
    from meeting_recorder.core.speakers.matching import PROFILE_THRESHOLD, match_profiles
    from meeting_recorder.core.speakers.profiles import SpeakerProfile
    from tests.real_conversations import build_real_conversations, real_voice_clip

    print(f"eval_enrollment  {time.strftime('%Y-%m-%dT%H:%M:%S')}\nmachine: {machine()}")
    same, other, rows = [], [], []
    with tempfile.TemporaryDirectory(prefix="eval_enrollment_") as tmp, Embedder() as embedder, Diarizer() as diarizer:
        conversations = [(name, c.path, c.reference()) for name, c in build_real_conversations(Path(tmp))]
        voices = sorted({v for _, _, ref in conversations for v in ref.labels()})
        profiles = {v: enroll(embedder, v, real_voice_clip(v, Path(tmp) / "clips", CLIP_SECONDS)).vector for v in voices}
        dialogues = fillets_set()
        jobs = [(name, path, ref, profiles) for name, path, ref in conversations]
        for index, dialogue in enumerate(dialogues):  # fish enrolled from the next dialogue
            other_dialogue = dialogues[(index + 1) % len(dialogues)]
            jobs.append((dialogue.uri, dialogue.path, dialogue.reference, fish_profiles(embedder, other_dialogue)))
        for name, path, reference, voice_profiles in jobs:
            result = diarizer.analyze_file(path)
            truth = {label: true_speaker(reference, result.turns, label) for label in result.centroids}
            named = match_profiles(result.centroids, [SpeakerProfile(v, p, 20.0) for v, p in voice_profiles.items()])
            for label, centroid in result.centroids.items():
                for voice, vector in voice_profiles.items():
                    similarity = float(np.dot(vector, centroid) / np.linalg.norm(vector) / np.linalg.norm(centroid))
                    (same if truth[label] == voice else other).append(similarity)
            right = sum(named.get(label) == truth[label] for label in result.centroids)
            wrong = sum(label in named and named[label] != truth[label] for label in result.centroids)
            rows.append((name, len(result.centroids), right, wrong))
    print(f"\nprofile threshold {PROFILE_THRESHOLD:.2f}")
    print(f"same person : n={len(same):3d}  min {min(same):.3f}  p10 {np.percentile(same, 10):.3f}  median {np.median(same):.3f}")
    print(f"other person: n={len(other):3d}  max {max(other):.3f}  p90 {np.percentile(other, 90):.3f}  median {np.median(other):.3f}")
    print(f"\n{'conversation':42s} speakers  named right  named wrong")
    for name, count, right, wrong in rows:
        print(f"{name:42s} {count:8d} {right:12d} {wrong:12d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
