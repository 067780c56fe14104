"""Library search: English words and prefixes, Korean substrings, phrases, filters, highlights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meeting_recorder.core.library import Library, SearchFilter
from meeting_recorder.core.library_search import fts_expression, index_terms, parse_query, snippet
from tests.library_data import make_meeting, make_samples


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search") / "rec"
    make_samples(folder)
    make_meeting(folder, "2026-03-09_150000", [
        (0.0, 5.0, "Dana", "회의록을 공유했고 회의실은 3층입니다."),
        (5.0, 9.0, "Eli", "The API 연동 is done; QA 일정은 미정."),
        (9.0, 30.0, "Dana", " ".join(["Lots of filler words here."] * 12) + " The key decision: 출시를 연기합니다. "
         + " ".join(["More filler afterwards."] * 10)),
    ], language="ko")
    library = Library(folder.parent / "lib.sqlite3", folders=[folder])
    yield library
    library.close()


def texts(hits) -> list[str]:
    return [h.text for h in hits]


def marked(hits) -> list[str]:
    return [h.snippet for h in hits]


def test_index_terms_make_korean_bigrams() -> None:
    assert index_terms("회의록을").split() == ["회의", "의록", "록을", "을"]
    assert index_terms("Q3출시 회의").split() == ["Q3", "출시", "시", "회의", "의"]
    assert index_terms("안").split() == ["안"]
    assert index_terms("Hello, world!") == "Hello, world!"  # FTS5 splits Latin words itself
    assert index_terms("\u1112\u116c\u110b\u1174").split() == ["회의", "의"]  # decomposed Hangul is composed first


def test_porter_leaves_korean_terms_alone() -> None:
    import sqlite3

    from meeting_recorder.core.library_store import FTS_TOKENIZER

    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{FTS_TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    db.execute("INSERT INTO t VALUES (?)", (index_terms("회의록을 meetings running 会議"),))
    assert sorted(term for (term,) in db.execute("SELECT term FROM v")) == sorted(
        ["회의", "의록", "록을", "을", "meet", "run", "会議", "議"])
    db.close()


def test_english_words_stems_and_diacritics(lib: Library) -> None:
    assert marked(lib.search("decided ")) == ["We [decided] the release date is March 3rd."]
    assert marked(lib.search("costs run ")) == ["[Running] [costs] are higher than planned."]  # stems
    assert marked(lib.search("cafe")) == ["Budget review: the [café] costs went up."]
    assert marked(lib.search("MEETINGS ")) == ["I'll send the [meeting] notes afterwards."]


def test_the_last_word_is_a_prefix_while_typing(lib: Library) -> None:
    assert "We decided the [release] date is March 3rd." in marked(lib.search("rel"))
    assert marked(lib.search("release da")) == ["We decided the [release] [date] is March 3rd."]
    assert lib.search("release da ") == []  # "da" finished: a whole word now
    # one letter is not a prefix (it would be a prefix of most of the index)
    assert lib.search("r") == []


def test_quoted_phrases(lib: Library) -> None:
    assert marked(lib.search('"release date"')) == ["We decided the [release date] is March 3rd."]
    assert lib.search('"date release"') == []
    assert marked(lib.search('"출시 일정')) == ["[출시 일정]은 다음 주 금요일로 정했습니다."]  # unclosed quote
    assert marked(lib.search('"다음 주 금"')) == ["출시 일정은 [다음 주 금]요일로 정했습니다."]


@pytest.mark.parametrize("query, expected", [
    ("회", {"오늘 [회]의록을 먼저 확인하겠습니다.", "[회]의 끝.", "[회]의록을 공유했고 [회]의실은 3층입니다."}),
    ("회의", {"오늘 [회의]록을 먼저 확인하겠습니다.", "[회의] 끝.", "[회의]록을 공유했고 [회의]실은 3층입니다."}),
    ("의록", {"오늘 회[의록]을 먼저 확인하겠습니다.", "회[의록]을 공유했고 회의실은 3층입니다."}),
    ("회의록을", {"오늘 [회의록을] 먼저 확인하겠습니다.", "[회의록을] 공유했고 회의실은 3층입니다."}),
    ("록을", {"오늘 회의[록을] 먼저 확인하겠습니다.", "회의[록을] 공유했고 회의실은 3층입니다."}),
    ("을", {"오늘 회의록[을] 먼저 확인하겠습니다.", "회의록[을] 공유했고 회의실은 3층입니다."}),
    ("정했습니다", {"출시 일정은 다음 주 금요일로 [정했습니다]."}),
    ("출시 일정", {"[출시] [일정]은 다음 주 금요일로 정했습니다."}),
    ("일정 출시", {"[출시] [일정]은 다음 주 금요일로 정했습니다."}),
    ("회의실", {"회의록을 공유했고 [회의실]은 3층입니다."}),
    ("3층", {"회의록을 공유했고 회의실은 [3층]입니다."}),
])
def test_korean_substrings(lib: Library, query: str, expected: set[str]) -> None:
    assert set(marked(lib.search(query))) == expected


def test_mixed_korean_and_english(lib: Library) -> None:
    assert marked(lib.search("API 연동")) == ["The [API] [연동] is done; QA 일정은 미정."]
    assert marked(lib.search("qa 일정")) == ["The API 연동 is done; [QA] [일정]은 미정."]
    assert marked(lib.search("release 정리")) == ["네, [release] notes는 제가 [정리]할게요."]
    assert marked(lib.search("notes는")) == ["네, release [notes는] 제가 정리할게요."]
    # Latin then Hangul is one phrase either way: Korean spacing after a Latin word varies
    assert marked(lib.search("Q3로드맵")) == ["[Q3 로드맵]도 같이 검토해 주세요."]
    assert marked(lib.search("Q3 로드맵")) == ["[Q3] [로드맵]도 같이 검토해 주세요."]


def test_highlights_are_spans_of_the_text(lib: Library) -> None:
    [hit] = lib.search("회의실")
    assert [hit.text[a:b] for a, b in hit.highlights] == ["회의실"]
    assert (hit.speaker, hit.start, hit.end, hit.segment_index) == ("Dana", 0.0, 5.0, 0)
    assert hit.meeting_title == "2026-03-09_150000"
    assert hit.started_at == dt.datetime(2026, 3, 9, 15, 0).timestamp()


def test_long_segments_get_a_cut_snippet(lib: Library) -> None:
    [hit] = lib.search("출시를")
    assert len(hit.text) > 160 and hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "[출시를]" in hit.snippet and len(hit.snippet) <= 165
    assert snippet("a" * 200, ()) == "a" * 160 + "…"


@pytest.mark.parametrize("query", [
    '"', '""', '"""', "*", "**", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "(", ")", "()", "-", "- release",
    "release -date", "+", "^", "^release", "col:release", "terms:release", "release*", "a OR b AND", "'",
    "\\", "{}", "[", "]", "release AND", "\x00", "\u200b", "🎉", "회의 OR", ":", "?", "%", "_", "release_date",
    "'; DROP TABLE meetings; --", "   ", "", "\n\t",
])
def test_hostile_input_never_raises(lib: Library, query: str) -> None:
    hits = lib.search(query)
    assert isinstance(hits, list)
    assert lib.meetings()  # nothing was harmed


def test_operators_are_words(lib: Library) -> None:
    assert lib.search("NOT release") == []  # "not" must be in the segment too
    assert marked(lib.search("release -date")) == ["We decided the [release] [date] is March 3rd."]  # not a NOT
    assert fts_expression(parse_query('NEAR(a "b')) == '"near a" AND "b"'  # words joined by punctuation: a phrase
    assert fts_expression(parse_query("")) == ""


def test_filters(lib: Library) -> None:
    assert {h.speaker for h in lib.search("회의")} == {"민수", None, "Dana"}
    assert texts(lib.search("회의", SearchFilter(speaker="dana"))) == ["회의록을 공유했고 회의실은 3층입니다."]
    march = dt.datetime(2026, 3, 1).timestamp()
    assert {h.meeting_title for h in lib.search("회의", SearchFilter(since=march))} == {"2026-03-09_150000"}
    assert {h.meeting_title for h in lib.search("회의", SearchFilter(until=march))} == {
        "2026-01-12_140000", "2026-02-02_093000"}
    meeting = next(m for m in lib.meetings() if m.title == "2026-02-02_093000")
    assert texts(lib.search("회의", SearchFilter(meeting_id=meeting.id))) == ["회의 끝."]
    assert lib.search("회의", SearchFilter(tag="board")) == []
    lib.set_tags(meeting.id, ["Board"])
    try:
        assert texts(lib.search("회의", SearchFilter(tag="board"))) == ["회의 끝."]
    finally:
        lib.set_tags(meeting.id, [])


def test_limit_and_order(lib: Library) -> None:
    assert len(lib.search("회", limit=2)) == 2
    assert lib.search("회", limit=0) == []
    hits = lib.search("회의")
    assert hits[0].text == "회의 끝."  # the shortest segment ranks first (bm25)


def test_many_matches_are_capped_not_slow(tmp_path: Path) -> None:
    """A word in every segment: ranking stops at SEARCH_CANDIDATES; results still come."""
    segments = [(float(i), i + 1.0, "S", f"common word number {i} 공통 단어") for i in range(3000)]
    json_path, _ = make_meeting(tmp_path / "rec", "2026-06-01_100000", segments)
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_transcript(json_path)
        hits = library.search("common")
        assert len(hits) == 50 and all("[common]" in h.snippet for h in hits)
        assert len(library.search("공통 단어", limit=10)) == 10
        assert [h.text for h in library.search('"number 2999"')] == ["common word number 2999 공통 단어"]


def test_the_index_walk_stops_at_its_deadline(tmp_path: Path, monkeypatch) -> None:
    """Past the deadline the walk stops once a page of results is found (the newest rows
    found so far are ranked), or at the hard deadline with whatever it has: no error."""
    from meeting_recorder.core import library as library_module
    from meeting_recorder.core import library_rows

    segments = [(float(i), i + 1.0, "S", f"common words again {i}") for i in range(3000)]
    json_path, _ = make_meeting(tmp_path / "rec", "2026-06-02_100000", segments)
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_transcript(json_path)
        monkeypatch.setattr(library_module, "SEARCH_BUDGET_S", 0.0)
        hits = library.search("common", limit=10)
        assert len(hits) == 10  # a page of results, though past the deadline at once
        assert all(h.text.startswith("common words") for h in hits)
        monkeypatch.setattr(library_rows, "HARD_DEADLINE_S", -1.0)
        assert library.search('"again common"') == []  # interrupted before anything: no error
        assert len(library.search("words", limit=5)) <= 5
