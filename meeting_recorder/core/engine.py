"""The transcription engine: one loaded Whisper model, files in, Transcripts out.

Files are fed to faster-whisper in bounded windows (see ``audio.iter_windows``) so peak
memory does not depend on the file's length. Each window is brought to a normal speech
level first (``levels.normalize``: quiet far-field audio gets up to +30 dB), so Whisper and
its VAD hear quiet rooms as well as close microphones; the file itself is only read.
``close()`` releases the model; the engine can be loaded again afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from meeting_recorder.core import audio, glossary, guards, levels, speed_estimate
from meeting_recorder.core.errors import Cancelled, ModelError
from meeting_recorder.core.inference_thread import InferenceThread
from meeting_recorder.core.loaded_model import LoadedModel
from meeting_recorder.core.models import DEFAULT_MODEL, choose_device, resolve_model
from meeting_recorder.core.paths import user_cache_dir
from meeting_recorder.core.progress import Progress, ProgressCallback, ProgressClock  # noqa: F401 (re-exported)
from meeting_recorder.core.resources import release_memory
from meeting_recorder.core.transcript import Segment, Transcript, Word

DEFAULT_WINDOW_SECONDS = 180.0  # peak RSS ~550 MB with tiny.en; 600 s needed ~860 MB
REDECODE_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # a loop decoded again: fallback on
SAMPLING_SEED = 20261202  # any fixed value: repeatable transcripts (see _build)


@dataclass(frozen=True)
class TranscribeOptions:
    language: str = "auto"  # "auto" or a Whisper language code ("en", "ko", …)
    word_timestamps: bool = True
    vad_filter: bool = True  # skip long silences; also avoids hallucinations on them
    beam_size: int = 5
    # Bring quiet audio up to a normal speech level before the VAD and Whisper hear it
    # (``levels.py``); applies to files (per window) and live audio, never to the recording.
    normalize_level: bool = True
    # Quality guards (``guards.py``): drop segments that are only subtitle phrases,
    # annotations or probably no speech; cut repetition loops and decode them again.
    drop_hallucinations: bool = True
    fix_repetitions: bool = True
    # Names and terms to spell as written (``glossary.py``), most important first; passed
    # to Whisper as hotwords, within the prompt's room.
    glossary: tuple[str, ...] = ()




def supported_languages() -> list[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return sorted(_LANGUAGE_CODES)


class TranscriptionEngine(LoadedModel):
    """Holds one Whisper model; ``close()`` releases it (usable as a context manager)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "auto",
        allow_download: bool | None = None,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
    ) -> None:
        super().__init__()
        self.model_name = model
        self.device_preference = device
        self.allow_download = allow_download
        self.window_seconds = window_seconds
        self._inference: InferenceThread | None = None

    # -- lifecycle (LoadedModel) -------------------------------------------------------
    @property
    def model(self) -> Any:
        """The faster_whisper.WhisperModel (loads it on first use)."""
        model = self._model  # loaded: no lock on this path (the live transcriber's, per utterance)
        if model is not None:
            return model
        with self._lock:
            return self._load_locked()

    def _build(self) -> Any:
        resolved = resolve_model(self.model_name, allow_download=self.allow_download)
        choice = choose_device(self.device_preference)
        self.device_used = choice.device
        import ctranslate2
        from faster_whisper import WhisperModel

        # Whisper samples when greedy decoding fails (temperature fallback); CTranslate2 seeds
        # each of its threads from the device's randomness unless told, so the same file could
        # come out in other words on the next run. A fixed seed makes a new model repeatable.
        ctranslate2.set_random_seed(SAMPLING_SEED)
        try:
            return WhisperModel(
                resolved.path,
                device=choice.device,
                compute_type=choice.compute_type,
                cpu_threads=choice.cpu_threads,
                download_root=str(user_cache_dir() / "hub"),
                local_files_only=Path(resolved.path).is_dir(),
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelError(
                f"Could not load the Whisper model '{self.model_name}' from {resolved.path}: {error} "
                "(expected a CTranslate2 Whisper model folder; it may be corrupt)."
            ) from error

    def _before_close(self) -> None:
        self._join_inference()

    def _unload(self, model: Any) -> None:
        model.model.unload_model()  # CTranslate2's buffers (and CUDA memory) now, not at GC

    # -- transcription -----------------------------------------------------------------
    def _check_language(self, language: str) -> str | None:
        if language in ("", "auto", None):
            return None
        if language not in supported_languages():
            raise ValueError(f"Unknown language code '{language}' (use auto, en, ko, …).")
        if language != "en" and not self.model.model.is_multilingual:
            raise ModelError(
                f"Model '{self.model_name}' understands English only; choose the 'base' model "
                f"for language '{language}'."
            )
        return language

    def transcribe_draft(self, samples: np.ndarray, options: TranscribeOptions = TranscribeOptions(), *,
                         language: str | None = None) -> str:
        """A quick provisional hypothesis of live audio (words shown while spoken): the
        encoder on this audio only, greedy, no timestamps (``partials.draft_text``)."""
        from meeting_recorder.core.partials import draft_text

        language = language if language is not None else self._check_language(options.language)
        if self._inference is not None:
            self._inference.wait_idle()  # a cancelled job ends its chunk first
        return draft_text(self.model, samples, language=language, hotwords=self._hotwords(options))

    def transcribe_samples(
        self,
        samples: np.ndarray,
        options: TranscribeOptions = TranscribeOptions(),
        *,
        offset: float = 0.0,
        language: str | None = None,
        cancel: threading.Event | None = None,
        on_segment: Callable[[Segment], None] | None = None,
    ) -> tuple[list[Segment], str]:
        """Transcribe 16 kHz mono float32 samples; times are shifted by ``offset``.

        Whisper works through 30 s chunks that cannot be interrupted, so it runs on the
        engine's helper thread: a cancel returns at once and the helper ends after its
        current chunk (``close()`` and the next job wait for it).
        """
        language = language if language is not None else self._check_language(options.language)
        cancel = cancel or threading.Event()
        model = self.model
        if self._inference is None:
            self._inference = InferenceThread()

        hotwords = self._hotwords(options)
        guard = guards.SegmentGuard(options.drop_hallucinations, options.fix_repetitions)

        def produce() -> Iterator[Any]:
            generator, info = model.transcribe(
                samples,
                language=language,
                beam_size=options.beam_size,
                word_timestamps=options.word_timestamps,
                vad_filter=options.vad_filter,
                hotwords=hotwords,
            )
            try:
                yield info.language
                for raw in generator:
                    for decoded in guard.feed(_to_decoded(raw)):
                        for segment in self._settle(decoded, samples, options, info.language, hotwords):
                            yield segment.shifted(offset)
                for decoded in guard.finish():
                    for segment in self._settle(decoded, samples, options, info.language, hotwords):
                        yield segment.shifted(offset)
            finally:
                generator.close()  # the generator holds the model; never leave it suspended

        segments: list[Segment] = []
        detected = language or "en"
        for item in self._inference.run(produce, cancel):
            if isinstance(item, str):
                detected = item
                continue
            segments.append(item)
            if on_segment is not None:
                on_segment(item)
        return segments, detected

    def _hotwords(self, options: TranscribeOptions) -> str | None:
        if not options.glossary:
            return None
        tokenizer = getattr(self.model, "hf_tokenizer", None)
        count = (lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)) if tokenizer else None
        return glossary.hotwords(options.glossary, count_tokens=count).text

    def _settle(
        self, decoded: guards.Decoded, samples: np.ndarray, options: TranscribeOptions,
        language: str, hotwords: str | None,
    ) -> list[Segment]:
        """A guarded segment as it will be kept: a stretch flagged for a repetition loop is
        decoded again without the previous text as a prompt (temperature fallback stays
        on), and ``guards.choose_redecoded`` picks what to keep. Runs on the helper thread."""
        if decoded.redecode is None:
            return [decoded.segment]
        start = max(0, int(decoded.segment.start * audio.SAMPLE_RATE))
        end = min(len(samples), int(decoded.segment.end * audio.SAMPLE_RATE))
        if end - start < audio.SAMPLE_RATE // 2:
            return guards.choose_redecoded(decoded, [])
        generator, _ = self.model.transcribe(
            samples[start:end],
            language=language,
            beam_size=options.beam_size,
            word_timestamps=options.word_timestamps,
            vad_filter=options.vad_filter,
            hotwords=hotwords,
            condition_on_previous_text=False,
            temperature=REDECODE_TEMPERATURES,
        )
        guard = guards.SegmentGuard(options.drop_hallucinations, options.fix_repetitions)
        again: list[guards.Decoded] = []
        try:
            for raw in generator:
                again.extend(guard.feed(_to_decoded(raw, start / audio.SAMPLE_RATE)))
            again.extend(guard.finish())
        finally:
            generator.close()
        return guards.choose_redecoded(decoded, again)

    def _join_inference(self) -> None:
        worker, self._inference = self._inference, None
        if worker is not None:
            worker.close()

    def transcribe_file(
        self,
        path: str | Path,
        options: TranscribeOptions = TranscribeOptions(),
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """Transcribe a whole file window by window. Raises Cancelled, AudioDecodeError."""
        info = audio.probe(path)
        language = self._check_language(options.language)
        with self._lock:
            self.load()
            started = time.monotonic()  # the model's speed, without its loading
            clock = ProgressClock(info.duration, progress)
            segments: list[Segment] = []
            processed = 0.0
            for offset, samples in self._windows(info.path, cancel, options.normalize_level):
                window_segments, detected = self.transcribe_samples(
                    samples,
                    options,
                    offset=offset,
                    language=language,
                    cancel=cancel,
                    on_segment=lambda segment: clock.report(segment.end),
                )
                language = language or detected  # later windows keep the first detection
                segments.extend(window_segments)
                processed = float(offset + len(samples) / audio.SAMPLE_RATE)
                clock.report(processed)
                del samples
                release_memory()  # hand each window's feature buffers back: flat RSS over hours
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            clock.finish(processed)
        speed_estimate.record_job(self.model_name, getattr(self, "device_used", ""), processed,
                                  time.monotonic() - started)  # the models' speed on this machine
        return Transcript(
            file=str(info.path),
            duration=processed,
            language=language or "en",
            model=self.model_name,
            segments=segments,
        )

    def _windows(
        self, path: Path, cancel: threading.Event | None, normalize_level: bool = True
    ) -> Iterator[tuple[float, np.ndarray]]:
        """The file as Whisper hears it: windows of 16 kHz mono, each at a normal level."""
        for offset, samples in audio.iter_windows(audio.iter_blocks(path), self.window_seconds):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            # In place: each window is a fresh array of its own (iter_windows copies the rest).
            yield offset, levels.normalize(samples, in_place=True) if normalize_level else samples


def _to_segment(raw: Any) -> Segment:
    words = [Word(float(w.start), float(w.end), w.word, float(w.probability)) for w in (raw.words or [])]
    return Segment(start=float(raw.start), end=float(raw.end), text=raw.text.strip(), words=words)


def _to_decoded(raw: Any, offset: float = 0.0) -> guards.Decoded:
    """A faster-whisper segment with its chunk's confidence figures, for the guards."""
    segment = _to_segment(raw)
    return guards.Decoded(
        segment.shifted(offset) if offset else segment,
        no_speech_prob=float(getattr(raw, "no_speech_prob", 0.0) or 0.0),
        avg_logprob=float(getattr(raw, "avg_logprob", 0.0) or 0.0),
        compression_ratio=float(getattr(raw, "compression_ratio", 1.0) or 1.0),
    )
