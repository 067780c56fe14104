"""Core's events (``core/events.py``) in the user's language.

Each event code has an English template in ``meeting_recorder/messages.py`` (marked there
for ``pyside6-lupdate``, context "CoreMessages"); here the template is translated and its
fields filled in. An error that carries no event (a library's own exception) is shown as
its text.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from meeting_recorder.core.events import Event
from meeting_recorder.messages import CONTEXT, template_fields, template_for


def translate_event(event: Event) -> str:
    """``event`` in the installed UI language (English if it has no template yet)."""
    template = template_for(event)
    if template is None:
        return f"{event.code} {event.fields()}"
    return QCoreApplication.translate(CONTEXT, template).format(**template_fields(event))


def describe_error(error: BaseException) -> str:
    """What to show for an exception: its event translated, else its own text."""
    event = getattr(error, "event", None)
    return translate_event(event) if isinstance(event, Event) else str(error)
