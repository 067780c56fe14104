"""Which Whisper model runs for a language.

An English-only model (``tiny.en``) turns other languages into English-sounding nonsense that
changes from run to run, so the default model follows the language: English → ``tiny.en``
(fast), any other language → the multilingual model. With language "auto" the language is
identified first, by the multilingual model on the file's first speech, and the English-only
model is used only when that says English. A model the user chose by name is kept as it is.

    choice = model_for("auto", "auto")          # None: the language must be detected first
    with LanguageDetector() as detector:
        language, probability = detector.detect_file("talk.m4a")
    choice = after_detection(language, probability)   # ModelChoice("base", "ko", "detected", …)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from meeting_recorder.core.events import ModelChosen
from meeting_recorder.core.loaded_model import LoadedModel

AUTO_MODEL = "auto"  # "choose by language" (the default)
ENGLISH_MODEL = "tiny.en"
MULTILINGUAL_MODEL = "base"
DETECT_SECONDS = 120.0  # audio decoded to find speech for identification (bounded memory: 7.7 MB)
DETECT_SEGMENTS = 2  # 30 s windows of speech Whisper looks at

Reason = Literal["chosen", "language", "detected", "no_speech"]


@dataclass(frozen=True)
class ModelChoice:
    model: str  # a model name for ``resolve_model``
    language: str  # the language to pass ("auto" lets the model decide)
    reason: Reason  # why this model: the user chose it, the language asked for it, or detection
    detected: str | None = None  # the language identified, when it was
    probability: float | None = None


def english_only(model: str) -> bool:
    """Whisper's English-only checkpoints are named ``*.en``."""
    return Path(model).name.endswith(".en")


def model_for(requested: str, language: str) -> ModelChoice | None:
    """The model for a job, or None when the language must be detected first."""
    if requested and requested != AUTO_MODEL:
        return ModelChoice(requested, language or "auto", "chosen")
    if language == "en":
        return ModelChoice(ENGLISH_MODEL, "en", "language")
    if language not in ("", "auto", None):
        return ModelChoice(MULTILINGUAL_MODEL, language, "language")
    return None


def after_detection(language: str | None, probability: float) -> ModelChoice:
    """The model once the language is known (no speech found: the multilingual model decides)."""
    if not language:
        return ModelChoice(MULTILINGUAL_MODEL, "auto", "no_speech")
    model = ENGLISH_MODEL if language == "en" else MULTILINGUAL_MODEL
    return ModelChoice(model, language, "detected", language, round(float(probability), 3))


def live_model(requested: str, language: str) -> str:
    """The model of a live recording: nothing to identify the language from before it starts,
    so "auto" with language "auto" takes the multilingual model (which then finds the
    language itself); an English-only model only for English."""
    choice = model_for(requested, language)
    return MULTILINGUAL_MODEL if choice is None else choice.model


def as_event(file: str, choice: ModelChoice) -> ModelChosen:
    """The choice as core reports it (the CLI and the window put it into words)."""
    return ModelChosen(file, choice.model, choice.reason, choice.detected or choice.language, choice.probability or 0.0)


class LanguageDetector(LoadedModel):
    """The multilingual Whisper model, used to identify the language of a file's first speech."""

    def __init__(self, model: str = MULTILINGUAL_MODEL, device: str = "auto") -> None:
        self.model_name = model
        self.device = device
        super().__init__()

    def _build(self) -> Any:
        from meeting_recorder.core.engine import TranscriptionEngine

        engine = TranscriptionEngine(self.model_name, device=self.device)
        engine.load()
        return engine

    def _unload(self, engine: Any) -> None:
        engine.close()

    def detect_samples(self, samples: np.ndarray) -> tuple[str | None, float]:
        """(language, probability) of 16 kHz mono speech; (None, 0.0) when there is none."""
        from faster_whisper.vad import get_speech_timestamps

        if not len(samples) or not get_speech_timestamps(samples):
            return None, 0.0
        with self._lock:
            whisper = self._load_locked().model
            language, probability, _ = whisper.detect_language(
                samples, vad_filter=True, language_detection_segments=DETECT_SEGMENTS
            )
        return language, float(probability)

    def detect_file(self, path: str | Path) -> tuple[str | None, float]:
        """The language of the first speech in ``path`` (at most DETECT_SECONDS decoded)."""
        from meeting_recorder.core.audio import SAMPLE_RATE, iter_blocks

        budget, blocks = int(DETECT_SECONDS * SAMPLE_RATE), []
        for block in iter_blocks(path):
            blocks.append(block[:budget])
            budget -= len(blocks[-1])
            if budget <= 0:
                break
        samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        return self.detect_samples(np.nan_to_num(samples.astype(np.float32, copy=False)))
