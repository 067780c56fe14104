"""Fill untranslated entries of the Korean .ts from tab-separated files, then compile it.

    .venv/bin/python scripts/ts_fill.py TSV [TSV ...]

Each TSV line is ``context<TAB>English source<TAB>Korean``. Runs ``pyside6-lupdate`` first
(the same sources as ``tests/test_ui.py``), fills every ``type="unfinished"`` message whose
context and source match (or keeps lupdate's guess from the same text in another context), reports the ones still missing, and runs ``pyside6-lrelease``.
Several people can thus translate in their own files and merge once.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "meeting_recorder" / "ui"
TS = UI / "translations" / "meeting_recorder_ko.ts"
QM = TS.with_suffix(".qm")
BIN = ROOT / ".venv" / "bin"
CONTEXT = re.compile(r"<context>\s*<name>(.*?)</name>(.*?)</context>", re.S)
MESSAGE = re.compile(r"<message[^>]*>(?:(?!</message>).)*</message>", re.S)
SOURCE = re.compile(r"<source>(.*?)</source>", re.S)
UNFINISHED = re.compile(r'<translation type="unfinished">(.*?)</translation>', re.S)


def read_tsv(paths: list[str]) -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].strip():
                table[(parts[0], parts[1])] = parts[2]
    return table


def fill(text: str, table: dict[tuple[str, str], str]) -> tuple[str, list[tuple[str, str]]]:
    missing: list[tuple[str, str]] = []

    def in_context(match: re.Match) -> str:
        context = html.unescape(match.group(1))

        def one(message: re.Match) -> str:
            block = message.group(0)
            unfinished = UNFINISHED.search(block)
            if unfinished is None:
                return block
            source = html.unescape(SOURCE.search(block).group(1))
            korean = table.get((context, source))
            if korean is not None:
                done = html.escape(korean, quote=False)
            elif unfinished.group(1):  # lupdate's guess: this context's same text, translated elsewhere
                done = unfinished.group(1)
                print(f"taken from another context: {context}\t{source}")
            else:
                missing.append((context, source))
                return block
            return block.replace(unfinished.group(0), f"<translation>{done}</translation>")

        return match.group(0).replace(match.group(2), MESSAGE.sub(one, match.group(2)))

    return CONTEXT.sub(in_context, text), missing


def main(paths: list[str]) -> int:
    sources = [*sorted(str(p) for p in UI.glob("*.py")), str(ROOT / "meeting_recorder" / "messages.py")]
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(TS), "-no-obsolete"], check=True,
                   capture_output=True)
    text, missing = fill(TS.read_text(encoding="utf-8"), read_tsv(paths))
    TS.write_text(text, encoding="utf-8")
    for context, source in missing:
        print(f"missing: {context}\t{source}")
    subprocess.run([str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, capture_output=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
