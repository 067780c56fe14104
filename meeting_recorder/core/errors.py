"""Errors that carry a message meant for the user (no traceback needed)."""


class MeetingRecorderError(Exception):
    """Base class: str(error) is a complete, user-readable sentence."""


class ModelError(MeetingRecorderError):
    """A model is missing, corrupt, or would need a download that is not allowed."""


class AudioDecodeError(MeetingRecorderError):
    """An input file cannot be read as audio."""


class Cancelled(MeetingRecorderError):
    """The user cancelled a job; nothing was written."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class EnrollmentError(MeetingRecorderError):
    """A voice sample cannot be enrolled (no speech, too little speech)."""


class ProfileError(MeetingRecorderError):
    """A speaker-profile request cannot be done (unknown, duplicate or invalid name)."""


class ProfileStoreError(MeetingRecorderError):
    """The speaker-profile file cannot be read or written."""
