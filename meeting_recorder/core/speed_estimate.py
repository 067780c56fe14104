"""How fast each model runs on this machine, learned from real jobs: every file transcribed
records its model's real-time factor (seconds of work per second of audio, the median of the
last few); a model not used yet is estimated from a measured one and the catalog's cost
relative to tiny (``model_catalog.CatalogEntry.relative_cost``).

    record_job("tiny.en", "cpu", audio_seconds=600.0, wall_seconds=48.0)
    estimate_rtf("small")   # e.g. 0.40 (tiny.en measured 0.08 × 5): 1 h of audio in ~24 min
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

SPEED_FILE = "speed.json"
KEPT_PER_MODEL = 5  # the last jobs' figures; their median is the model's speed
MIN_AUDIO_SECONDS = 5.0  # shorter jobs are mostly start-up


def _path() -> Path:
    from meeting_recorder.core.paths import user_cache_dir

    return user_cache_dir() / SPEED_FILE


def _machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores {platform.processor()}"


def _read() -> dict:
    try:
        facts = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(facts, dict) or facts.get("machine") != _machine():
        return {}  # another machine's figures (a copied home folder) say nothing here
    return facts


def record_job(model: str, device: str, audio_seconds: float, wall_seconds: float) -> None:
    """Remember a finished job's speed (CPU jobs only: the estimates are for this CPU).
    Never raises: a speed note must not fail a transcription."""
    if device != "cpu" or audio_seconds < MIN_AUDIO_SECONDS or wall_seconds <= 0:
        return
    try:
        from meeting_recorder.core.private_files import atomic_write

        facts = _read() or {"machine": _machine(), "models": {}}
        kept = facts.setdefault("models", {}).setdefault(Path(model).name, [])
        kept.append(round(wall_seconds / audio_seconds, 4))
        del kept[:-KEPT_PER_MODEL]
        facts["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        atomic_write(_path(), json.dumps(facts).encode("utf-8"))
    except Exception:  # noqa: BLE001 — a read-only cache folder, a full disk: no figure, no harm
        pass


def measured_rtf(model: str) -> float | None:
    figures = _read().get("models", {}).get(Path(model).name)
    return statistics.median(figures) if figures else None


def estimate_rtf(model: str) -> tuple[float, bool] | None:
    """(real-time factor, measured?) for ``model`` on this machine's CPU, or None when no
    model has run here yet."""
    from meeting_recorder.core.model_catalog import catalog_entry
    from meeting_recorder.core.errors import ModelError

    own = measured_rtf(model)
    if own is not None:
        return own, True
    try:
        cost = catalog_entry(model).relative_cost
    except ModelError:
        return None
    for name, figures in _read().get("models", {}).items():
        try:
            reference = catalog_entry(name).relative_cost
        except ModelError:
            continue
        if figures:
            return statistics.median(figures) * cost / reference, False
    return None
