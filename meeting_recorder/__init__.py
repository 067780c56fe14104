"""Offline meeting recorder and transcriber."""

from meeting_recorder.core.privacy import configure_network
from meeting_recorder.core.resources import limit_malloc_arenas, limit_onednn_cache

__version__ = "0.1.0"

# Runs before anything can import huggingface_hub or pyannote (they read these at import).
configure_network()
# Before any thread starts: a bounded number of malloc arenas keeps long sessions flat.
limit_malloc_arenas()
# Before torch loads: oneDNN reads its cache size once.
limit_onednn_cache()
