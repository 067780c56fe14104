"""Glossaries: names and terms Whisper should spell the way the team does.

A glossary file is UTF-8 text with one term per line; blank lines and lines starting
with ``#`` are ignored (a term may contain spaces: "Kubernetes cluster", "김민수 팀장").
A meeting can have its own list on top of the global one; ``merge`` puts the meeting's
terms first, then the global ones, without duplicates (compared case-insensitively).

Whisper hears the glossary as faster-whisper's ``hotwords``: text placed before every
30 s chunk as if it had been said before. Whisper's prompt holds at most 224 tokens and
faster-whisper keeps only the first 223 of the hotwords, while the text of the previous
chunk shares the same room; ``hotwords`` therefore keeps the terms that come first (the
meeting's, then the global list in file order: put the most important terms at the top)
within ``DEFAULT_MAX_TOKENS`` and reports the terms it left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from meeting_recorder.core.errors import MeetingRecorderError

DEFAULT_MAX_TOKENS = 100  # of the 448 the decoder holds: room for the previous text (223) and the new
MAX_TERM_CHARS = 100
SEPARATOR = ", "

TokenCounter = Callable[[str], int]


class GlossaryError(MeetingRecorderError):
    """A glossary file cannot be read."""


def parse(text: str) -> list[str]:
    """The terms of a glossary text: one a line, ``#`` comments and blank lines skipped."""
    terms: list[str] = []
    for line in text.splitlines():
        term = " ".join(line.split())  # trims and folds inner runs of spaces/tabs
        if term and not term.startswith("#"):
            terms.append(term)
    return terms


def load(path: str | Path) -> list[str]:
    """The terms of a glossary file. Raises GlossaryError with a readable reason."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"Glossary file not found: {path}") from None
    except IsADirectoryError:
        raise GlossaryError(f"Glossary {path} is a folder; expected a text file with one term a line.") from None
    except OSError as error:
        raise GlossaryError(f"Cannot read the glossary file {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")  # a BOM from Windows editors is fine
    except UnicodeDecodeError as error:
        raise GlossaryError(
            f"Glossary file {path} is not UTF-8 text (byte {error.start}); save it as UTF-8."
        ) from None
    return parse(text)


def global_path() -> Path:
    """The user's glossary for every meeting (edited in Settings; a plain UTF-8 text file)."""
    from meeting_recorder.core.paths import user_data_dir

    return user_data_dir() / "glossary.txt"


def global_terms() -> list[str]:
    """The global glossary's terms; none when the file does not exist yet."""
    path = global_path()
    return load(path) if path.exists() else []


def save_global(text: str) -> Path:
    """Write the global glossary (atomically, private like every file the app makes)."""
    from meeting_recorder.core.private_files import atomic_write

    path = global_path()
    atomic_write(path, (text if text.endswith("\n") or not text else text + "\n").encode("utf-8"))
    return path


def merge(*lists: Iterable[str]) -> list[str]:
    """The lists in priority order (meeting first, then global), each term once."""
    seen: set[str] = set()
    merged: list[str] = []
    for terms in lists:
        for term in terms:
            term = " ".join(str(term).split())[:MAX_TERM_CHARS]
            key = term.casefold()
            if term and key not in seen:
                seen.add(key)
                merged.append(term)
    return merged


def estimate_tokens(text: str) -> int:
    """A cautious guess of Whisper's token count without its tokenizer: about 3 ASCII
    characters per token, and up to 2 tokens per other character (a Hangul syllable is
    3 UTF-8 bytes: common ones are one token, rare ones two or three)."""
    ascii_chars = sum(1 for c in text if ord(c) < 128)
    return -(-ascii_chars // 3) + 2 * (len(text) - ascii_chars)


@dataclass(frozen=True)
class Hotwords:
    text: str | None  # for faster-whisper's ``hotwords`` (None: no glossary)
    kept: tuple[str, ...]
    dropped: tuple[str, ...]  # left out to stay within the prompt's room


def hotwords(
    terms: Iterable[str],
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    count_tokens: TokenCounter | None = None,
) -> Hotwords:
    """Join the terms (first ones first) into a hotwords string of at most ``max_tokens``
    tokens (counted with ``count_tokens``, e.g. the model's tokenizer, else estimated).
    A term that does not fit is left out; later, shorter ones may still fit."""
    count = count_tokens or estimate_tokens
    kept: list[str] = []
    dropped: list[str] = []
    for term in merge(terms):
        candidate = SEPARATOR.join([*kept, term])
        if count(" " + candidate) <= max_tokens:
            kept.append(term)
        else:
            dropped.append(term)
    return Hotwords(SEPARATOR.join(kept) or None, tuple(kept), tuple(dropped))
