#!/usr/bin/env python3
"""Korean accuracy as CER (character error rate; spaces and punctuation not counted), for the
installed multilingual models, language "ko" and "auto", with the quality guards on.

Usage::

    .venv/bin/python scripts/eval_korean.py [--models base] [--voices ko]

No real Korean recordings are available offline here, so the speech is espeak-ng's Korean
voice (crude: expect high CER; the published KsponSpeech CER of Whisper base is 22.9 %). Its
value is the comparison between settings on the same audio, and the check that no guard
drops real Korean speech. The audio is made at run time in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = (
    "안녕하세요. 오늘 회의를 시작하겠습니다.",
    "다음 분기 예산은 지난 분기보다 십 퍼센트 늘었습니다.",
    "출시 일정은 다음 달 말로 정했습니다.",
    "고객 지원 팀의 의견을 먼저 듣고 싶습니다.",
    "회의록은 오늘 오후에 모두에게 보내 드리겠습니다.",
    "질문이 없으면 여기서 마치겠습니다. 감사합니다.",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="base", help="comma list of multilingual models (default base)")
    args = parser.parse_args(argv)

    from meeting_recorder.core.engine import TranscribeOptions, TranscriptionEngine
    from tests.speech import cer, espeak

    print(f"eval_korean  {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}  (espeak-ng Korean, {len(SENTENCES)} sentences)")
    with tempfile.TemporaryDirectory(prefix="meeting-recorder-korean-") as temp:
        audio = [espeak(text, Path(temp) / f"s{i}.wav", voice="ko") for i, text in enumerate(SENTENCES)]
        for model in args.models.split(","):
            engine = TranscriptionEngine(model)
            try:
                for language in ("ko", "auto"):
                    references, hypotheses, detected = [], [], []
                    for text, path in zip(SENTENCES, audio):
                        transcript = engine.transcribe_file(path, TranscribeOptions(language=language))
                        references.append(text)
                        hypotheses.append(transcript.text)
                        detected.append(transcript.language)
                    overall = cer(" ".join(references), " ".join(hypotheses))
                    print(f"\n{model}, language {language}: CER {overall:.1%}  (languages seen: {', '.join(detected)})")
                    for reference, hypothesis in zip(references, hypotheses):
                        print(f"  {cer(reference, hypothesis):6.1%}  {reference}  →  {hypothesis}")
            finally:
                engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
