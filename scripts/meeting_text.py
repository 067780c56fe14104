"""Generated meeting transcripts for the library benchmark: mixed Korean/English meeting talk
made at run time from word lists and sentence templates (nothing generated is committed).

``meeting_json(rng, stem, folder, words)`` returns one meeting in the transcript JSON format
(``core.export.to_dict`` plus the library's optional ``title``/``tags``), about ``words``
whitespace-separated words over an hour, with speakers and word timings like a real export.
"""

from __future__ import annotations

import random

HOUR = 3600.0

SPEAKERS = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "김민준", "이서연", "박지훈", "최수아",
            "정우진", "강하은"]
TAGS = ["weekly", "release", "planning", "customer", "hiring", "retro", "주간회의", "디자인"]

# -- English ---------------------------------------------------------------------------------
VERBS = ["review", "update", "deploy", "migrate", "finalize", "test", "document", "estimate",
         "prioritize", "schedule", "refactor", "benchmark", "ship", "check", "share"]
THINGS = ["release notes", "onboarding guide", "database migration", "login page", "API gateway",
          "dashboard", "pricing model", "mobile app", "search feature", "quarterly report",
          "marketing plan", "hiring plan", "security audit", "test plan", "roadmap", "contract",
          "invoice", "deployment pipeline", "design review", "user survey"]
TEAMS = ["the backend team", "QA", "design", "marketing", "sales", "the platform team", "legal", "finance"]
WHEN = ["Friday", "next week", "the end of the month", "Monday morning", "the sprint review", "Q3", "tomorrow"]
DATES = ["March 3rd", "April 14th", "May 2nd", "June 20th", "July 1st", "September 9th", "October 15th"]
ENGLISH = [
    "I think we should {verb} the {thing} before {when}.",
    "Can you {verb} the {thing} by {when}?",
    "We decided the release date is {date}.",
    "The {thing} is blocked on {team} right now.",
    "Let's move the {thing} discussion to {when}.",
    "{team_cap} will handle the {thing}, and I'll follow up with {name}.",
    "Our budget for the {thing} is about {number} thousand dollars.",
    "The customer asked about the {thing} again yesterday.",
    "So the action item is to {verb} the {thing} and share it with {team}.",
    "I'm not sure the {thing} is ready, we still need to {verb} it.",
    "{name}, could you walk us through the {thing} quickly?",
    "The deadline for the {thing} moved to {when}.",
    "Okay, sounds good.", "Right, exactly.", "Yeah, I agree with that.", "Let me check and get back to you.",
]

# -- Korean (particles chosen by the last syllable's final consonant) ------------------------
THINGS_KO = ["출시 일정", "데이터베이스 이전", "로그인 화면", "대시보드", "가격 정책", "모바일 앱",
             "검색 기능", "분기 보고서", "마케팅 계획", "채용 계획", "보안 점검", "테스트 계획", "로드맵",
             "계약서", "배포 파이프라인", "디자인 검토", "사용자 설문", "온보딩 문서"]
TEAMS_KO = ["백엔드팀", "품질팀", "디자인팀", "마케팅팀", "영업팀", "플랫폼팀", "법무팀", "재무팀"]
VERBS_KO = ["검토", "업데이트", "배포", "마무리", "테스트", "정리", "공유", "확인"]
WHEN_KO = ["금요일", "다음 주", "이번 달 말", "월요일 오전", "스프린트 리뷰", "3분기", "내일"]
DATES_KO = ["3월 3일", "4월 14일", "5월 2일", "6월 20일", "7월 1일", "9월 9일", "10월 15일"]
KOREAN = [
    "{thing_ko_topic} {when_ko}까지 {verb_ko}해야 할 것 같아요.",
    "{team_ko}에서 {thing_ko_object} 맡아 주시면 좋겠습니다.",
    "릴리스 날짜는 {date_ko}로 결정했습니다.",
    "지난 회의에서 {thing_ko} 이야기를 했는데요, 아직 진행 중입니다.",
    "{thing_ko} 일정이 조금 밀릴 수도 있어요.",
    "회의록은 제가 정리해서 공유드릴게요.",
    "예산은 대략 {number}백만 원 정도로 잡고 있습니다.",
    "고객이 {thing_ko}에 대해서 다시 문의했어요.",
    "{name} 님, {thing_ko} 진행 상황 좀 설명해 주시겠어요?",
    "{thing_ko_subject} {team_ko} 쪽에서 막혀 있습니다.",
    "네, 좋습니다.", "맞아요.", "그럼 다음 안건으로 넘어가죠.", "잠깐만요, 확인해 보고 말씀드릴게요.",
    # mixed: English terms inside Korean sentences, as people speak
    "{thing} 관련해서 {team_ko}랑 미팅을 잡아 볼게요.",
    "QA 일정은 {when_ko}로 잡았습니다.",
    "API 연동은 {when_ko}까지 끝낼 수 있을 것 같아요.",
    "이번 sprint에서는 {thing_ko_object} 먼저 {verb_ko}하죠.",
]


def _has_final(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def _josa(word: str, with_final: str, without: str) -> str:
    return word + (with_final if _has_final(word) else without)


def sentence(rng: random.Random, korean: bool, names: list[str]) -> str:
    template = rng.choice(KOREAN if korean else ENGLISH)
    thing_ko = rng.choice(THINGS_KO)
    team = rng.choice(TEAMS)
    values = {
        "verb": rng.choice(VERBS), "thing": rng.choice(THINGS), "team": team, "team_cap": team[0].upper() + team[1:],
        "when": rng.choice(WHEN), "date": rng.choice(DATES), "name": rng.choice(names), "number": rng.randint(2, 90),
        "thing_ko": thing_ko, "thing_ko_topic": _josa(thing_ko, "은", "는"),
        "thing_ko_object": _josa(thing_ko, "을", "를"), "thing_ko_subject": _josa(thing_ko, "이", "가"),
        "team_ko": rng.choice(TEAMS_KO), "verb_ko": rng.choice(VERBS_KO), "when_ko": rng.choice(WHEN_KO),
        "date_ko": rng.choice(DATES_KO),
    }
    return template.format(**values)


def meeting_json(rng: random.Random, stem: str, folder: str, words: int = 10_000,
                 word_times: bool = True, duration: float = HOUR) -> dict:
    """One generated meeting: ~``words`` words in segments of 1-3 sentences over ``duration``."""
    names = rng.sample(SPEAKERS, rng.randint(2, 6))
    korean_share = rng.uniform(0.2, 0.8)
    texts: list[tuple[str, str]] = []  # (speaker, text)
    count = 0
    while count < words:
        speaker = rng.choice(names)
        text = " ".join(sentence(rng, rng.random() < korean_share, names) for _ in range(rng.randint(1, 3)))
        texts.append((speaker, text))
        count += len(text.split())
    step = duration / len(texts)
    segments = []
    for index, (speaker, text) in enumerate(texts):
        start, end = index * step, index * step + step * 0.9
        tokens = text.split()
        piece = (end - start) / len(tokens)
        word_list = ([{"start": round(start + i * piece, 3), "end": round(start + (i + 1) * piece, 3), "word": " " + t}
                      for i, t in enumerate(tokens)] if word_times else [])
        segments.append({"start": round(start, 3), "end": round(end, 3), "text": text, "speaker": speaker,
                         "words": word_list})
    data = {"file": f"{folder}/{stem}.wav", "duration": duration, "language": "ko", "model": "small",
            "segments": segments, "marks": [], "notes": []}
    if rng.random() < 0.6:
        data["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 2)))
    return data
