"""Words to index terms, a user's query to an FTS5 expression, and highlights.

Why bigrams for Korean: FTS5's unicode61 tokenizer keeps a run of Hangul as one token
("회의록을" is one word), so "회의" would not find it; the trigram tokenizer finds substrings
but only of 3+ characters, and the most common Korean words (회의, 출시, 일정) have two
syllables. So before indexing, each run of Hangul/CJK becomes its overlapping bigrams plus
its last syllable ("회의록을" -> "회의 의록 록을 을"); a query run of 2+ syllables becomes the
phrase of its bigrams (every substring of 2+ syllables is found), a single syllable a
prefix query ("회*" matches every bigram that starts with it, and the last-syllable term).
Latin words stay words (unicode61 + porter: "meetings" finds "meeting").

Why the query is rebuilt rather than passed on: FTS5's query language gives meaning to
``"``, ``*``, ``(``, ``-``, ``:``, ``^``, AND/OR/NOT/NEAR; a user typing any of them must
get results, not a syntax error. The query is cut into words here, and every word goes to
FTS5 inside double quotes (a string, never an operator); double quotes typed by the user
mark phrases.

Highlights are found in Python on the segment's own text (the index holds bigrams, so
FTS5's ``highlight()`` would point into the wrong text); Latin words are matched against
the query through an in-memory FTS5 table with the same tokenizer, so "meet" highlights
exactly the words the index matched (stems, prefixes, diacritics).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass

from meeting_recorder.core.library_store import FTS_TOKENIZER

CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uac00-\ud7a3"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
)
_CJK = f"[{CJK_RANGES}]"
# A token as unicode61 sees one (letters and digits), with CJK runs apart from the rest.
TOKEN = re.compile(f"(?P<cjk>{_CJK}+)|(?P<word>[^\\W_{CJK_RANGES}]+)")
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 16
MAX_PHRASE_PARTS = 16
MIN_PREFIX_CHARS = 2  # "a" as you type would be a prefix of half the index: a whole word then
SNIPPET_CHARS = 160


_CJK_RUN = re.compile(f"{_CJK}+")


def _normal(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _cjk_terms(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _spaced_terms(match: re.Match) -> str:
    return " " + " ".join(_cjk_terms(match.group(0))) + " "


def index_terms(text: str) -> str:
    """The text the FTS index gets for a segment: each CJK run replaced by its bigrams plus
    its last syllable, set apart by spaces; the rest as it is (unicode61 splits it into
    the same words as ``TOKEN``)."""
    return _CJK_RUN.sub(_spaced_terms, _normal(text))


@dataclass(frozen=True)
class Part:
    text: str
    cjk: bool


@dataclass(frozen=True)
class Term:
    """One word of the query (its Latin/CJK pieces: "Q3출시" has two) or a quoted phrase."""

    parts: tuple[Part, ...]
    prefix: bool  # the last part is matched as a prefix (the word being typed)
    phrase: bool


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms


def _parts(text: str) -> tuple[Part, ...]:
    return tuple(Part(m.group(0).lower() if m.group("word") else m.group(0), bool(m.group("cjk")))
                 for m in TOKEN.finditer(_normal(text)))


def parse_query(query: str) -> Query:
    """Words and "quoted phrases" (an unclosed quote runs to the end). The last word is a
    prefix while it is being typed (no space after it), if it has 2+ characters."""
    terms: list[Term] = []
    query = query[:MAX_QUERY_CHARS]
    pieces = query.split('"')
    for number, piece in enumerate(pieces):
        quoted = number % 2 == 1
        chunks = [piece] if quoted else piece.split()
        for chunk in chunks:
            parts = _parts(chunk)[:MAX_PHRASE_PARTS]
            if parts and all(t.parts != parts for t in terms):  # "x x x" is "x"
                terms.append(Term(parts, False, quoted))
    if terms:
        typing = not query[-1:].isspace() and not (query.endswith('"') and query.count('"') % 2 == 0)
        last = terms[-1]
        tail = last.parts[-1]
        if tail.cjk:
            prefix = len(tail.text) == 1  # one syllable: every bigram that starts with it
        else:
            prefix = typing and len(tail.text) >= MIN_PREFIX_CHARS
        terms[-1] = Term(last.parts, prefix, last.phrase)
    # Single syllables inside other terms are prefixes too (see _fts_tokens).
    return Query(tuple(terms[:MAX_QUERY_TERMS]))


def _fts_tokens(term: Term) -> tuple[list[str], bool]:
    """The index tokens a term must match in a row (consecutively), and whether the last
    one is a prefix."""
    tokens: list[str] = []
    prefix = term.prefix
    for position, part in enumerate(term.parts):
        last = position == len(term.parts) - 1
        if not part.cjk:
            tokens.append(part.text)
        elif len(part.text) == 1:
            tokens.append(part.text)
            if last:
                prefix = True
        else:
            bigrams = [part.text[i:i + 2] for i in range(len(part.text) - 1)]
            # Inside a phrase the text's run ended here, so its last-syllable term follows.
            tokens.extend(bigrams if last else bigrams + [part.text[-1]])
    return tokens, prefix


def fts_expression(query: Query) -> str:
    """The FTS5 MATCH expression: every term ANDed, each a quoted string or phrase."""
    items = []
    for term in query.terms:
        tokens, prefix = _fts_tokens(term)
        if tokens:
            items.append('"' + " ".join(tokens) + '"' + ("*" if prefix else ""))
    return " AND ".join(items)


# -- highlights ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str  # lowercased Latin word or CJK run
    cjk: bool


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(0).lower() if m.group("word") else m.group(0), bool(m.group("cjk")))
            for m in TOKEN.finditer(text)]


class _WordMatcher:
    """Which words the index would match for a Latin query word: an in-memory FTS5 table
    with the same tokenizer (stems, diacritics and prefixes exactly as the search did)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE w USING fts5(word, tokenize='{FTS_TOKENIZER}')")

    def matching(self, words: list[str], query_words: list[tuple[str, bool]]) -> dict[tuple[str, bool], set[str]]:
        self._db.execute("DELETE FROM w")
        self._db.executemany("INSERT INTO w(rowid, word) VALUES (?, ?)", enumerate(words))
        found = {}
        for word, prefix in query_words:
            expression = '"' + word + '"' + ("*" if prefix else "")
            rows = self._db.execute("SELECT rowid FROM w WHERE w MATCH ?", (expression,)).fetchall()
            found[(word, prefix)] = {words[row[0]] for row in rows}
        return found


_matchers = threading.local()


def _matcher() -> _WordMatcher:
    if getattr(_matchers, "matcher", None) is None:
        _matchers.matcher = _WordMatcher()
    return _matchers.matcher


def _latin_words(query: Query) -> list[tuple[str, bool]]:
    wanted = []
    for term in query.terms:
        for position, part in enumerate(term.parts):
            if not part.cjk:
                wanted.append((part.text, term.prefix and position == len(term.parts) - 1))
    return list(dict.fromkeys(wanted))


def _part_span(part: Part, token: _Token, first: bool, last: bool, prefix: bool,
               latin: dict[tuple[str, bool], set[str]]) -> tuple[int, int] | None:
    """Where ``part`` matches inside ``token`` (None if it does not)."""
    if part.cjk != token.cjk:
        return None
    if not part.cjk:
        return (token.start, token.end) if token.text in latin.get((part.text, prefix and last), set()) else None
    text, run = part.text, token.text
    if first and last:  # a substring anywhere
        at = run.find(text)
        return (token.start + at, token.start + at + len(text)) if at >= 0 else None
    if first:  # the end of the text's run
        return (token.end - len(text), token.end) if run.endswith(text) else None
    if last:  # the start of the text's run
        return (token.start, token.start + len(text)) if run.startswith(text) else None
    return (token.start, token.end) if run == text else None


def _term_spans(term: Term, tokens: list[_Token], latin: dict) -> list[tuple[int, int]]:
    spans = []
    n = len(term.parts)
    for i in range(len(tokens) - n + 1):
        found = []
        for k, part in enumerate(term.parts):
            span = _part_span(part, tokens[i + k], k == 0, k == n - 1, term.prefix, latin)
            if span is None:
                break
            found.append(span)
        else:
            spans.append((found[0][0], found[-1][1]))
            if n == 1 and term.parts[0].cjk:  # every occurrence inside this run too
                run, text = tokens[i], term.parts[0].text
                at = run.text.find(text, found[0][0] - run.start + 1)
                while at >= 0:
                    spans.append((run.start + at, run.start + at + len(text)))
                    at = run.text.find(text, at + 1)
    return spans


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def highlights(query: Query, texts: list[str]) -> list[tuple[tuple[int, int], ...]]:
    """For each text, the character spans that match the query (sorted, not overlapping)."""
    tokenized = [_tokens(text) for text in texts]
    words = sorted({t.text for tokens in tokenized for t in tokens if not t.cjk})
    wanted = _latin_words(query)
    latin = _matcher().matching(words, wanted) if words and wanted else {}
    result = []
    for tokens in tokenized:
        spans: list[tuple[int, int]] = []
        for term in query.terms:
            spans += _term_spans(term, tokens, latin)
        result.append(_merged(spans))
    return result


def snippet(text: str, spans: tuple[tuple[int, int], ...], width: int = SNIPPET_CHARS) -> str:
    """``text`` with each span wrapped in [ ]; a long text is cut around the first match."""
    begin, finish = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        begin = max(0, min(first - width // 3, len(text) - width))
        finish = begin + width
        if begin > 0:  # do not start or end inside a word
            space = text.find(" ", begin, first if spans else finish)
            begin = space + 1 if space >= 0 else begin
        if finish < len(text):
            space = text.rfind(" ", max(begin, spans[0][1] if spans else begin), finish)
            finish = space if space > 0 else finish
    out, at = [], begin
    for start, end in spans:
        start, end = max(start, begin), min(end, finish)
        if start >= end:
            continue
        out += [text[at:start], "[", text[start:end], "]"]
        at = end
    out.append(text[at:finish])
    body = "".join(out).strip()
    return ("…" if begin > 0 else "") + body + ("…" if finish < len(text) else "")
