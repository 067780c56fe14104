"""Errors that carry a message meant for the user (no traceback needed).

An error made from an event (``AudioDecodeError(FileNotFound(path))``) keeps it as
``.event`` so each front end renders it in its own words; ``str(error)`` is the English.
"""

from __future__ import annotations

from meeting_recorder.core.events import Event


class MeetingRecorderError(Exception):
    """Base class: str(error) is a complete, user-readable sentence."""

    def __init__(self, message: "str | Event" = "") -> None:
        self.event: Event | None = message if isinstance(message, Event) else None
        super().__init__(message)

    def __str__(self) -> str:
        if self.event is not None:
            from meeting_recorder.messages import render  # words live outside core

            return render(self.event)
        return super().__str__()


def reason_of(error: BaseException) -> str:
    """An exception as a short reason for an event: the OS's words for OS errors, else its text."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


class ModelError(MeetingRecorderError):
    """A model is missing, corrupt, or would need a download that is not allowed."""


class AudioDecodeError(MeetingRecorderError):
    """An input file cannot be read as audio."""


class DiskSpaceError(MeetingRecorderError):
    """Too little free space where a recording would be written."""


class FolderError(MeetingRecorderError):
    """A folder the app must write to cannot be created or written."""


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


# issue 17: Ray cluster (core/cluster)
class ClusterUnreachable(MeetingRecorderError):
    """The Ray cluster at ``address`` did not answer (or refused us); nothing was started."""

    def __init__(self, address: "str | Event", reason: str = "") -> None:
        from meeting_recorder.core.events import ClusterNotReachable

        event = address if isinstance(address, Event) else ClusterNotReachable(address, reason)
        super().__init__(event)


class ClusterUnavailable(MeetingRecorderError):
    """Ray is not installed (``pip install meeting-recorder[cluster]``)."""

    def __init__(self, message: "str | Event" = "") -> None:
        from meeting_recorder.core.events import ClusterNotInstalled

        super().__init__(message or ClusterNotInstalled())


class ClusterWorkersLost(MeetingRecorderError):
    """No worker could run (event ClusterNoWorkers), or one file's workers kept dying
    (event ClusterFileLost)."""
