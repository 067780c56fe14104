"""Offline meeting recorder and transcriber."""

from meeting_recorder.core.privacy import configure_network

__version__ = "0.1.0"

# Runs before anything can import huggingface_hub or pyannote (they read these at import).
configure_network()
