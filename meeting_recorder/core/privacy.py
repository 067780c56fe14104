"""Network policy: offline unless the user explicitly allows downloads.

huggingface_hub and pyannote read these variables when they are imported, so this runs
from ``meeting_recorder/__init__`` and again from the CLI once flags are parsed.
"""

import os

ALLOW_DOWNLOADS_ENV = "MEETING_RECORDER_ALLOW_DOWNLOADS"


def downloads_allowed() -> bool:
    return os.environ.get(ALLOW_DOWNLOADS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def configure_network(allow_downloads: bool | None = None) -> None:
    """Turn pyannote and onnxruntime telemetry off and keep the Hugging Face hub offline
    unless allowed."""
    if allow_downloads is None:
        allow_downloads = downloads_allowed()
    # Telemetry is never wanted, downloads or not.
    os.environ["PYANNOTE_METRICS_ENABLED"] = "false"
    # onnxruntime >= 1.29 (Silero VAD) otherwise keeps a device id and an event database
    # in ~/.cache/Microsoft and wakes a 1DS uploader (3 threads, 4 files) now and then.
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    if allow_downloads:
        os.environ[ALLOW_DOWNLOADS_ENV] = "1"
        os.environ.pop("HF_HUB_OFFLINE", None)
    else:
        os.environ["HF_HUB_OFFLINE"] = "1"
