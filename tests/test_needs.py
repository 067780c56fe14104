"""Under `make test` (MEETING_RECORDER_STRICT_TESTS=1) a missing model or data file fails
the run; elsewhere it skips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.needs import STRICT_ENV

ROOT = Path(__file__).resolve().parent.parent
PROBE = '''
from tests.needs import needs, needs_modules, skip_or_fail

@needs(True, "the speech fixture is missing")
def test_marked():
    pass

@needs_modules("no_such_module_xyz")
def test_module():
    pass

def test_inside():
    skip_or_fail("Xvfb is not installed")
'''


def run_probe(tmp_path: Path, strict: bool) -> str:
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {**os.environ, STRICT_ENV: "1" if strict else "0", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest", "--rootdir", str(ROOT),
                           "-c", str(ROOT / "pyproject.toml"), str(tmp_path / "test_probe.py")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    return done.stdout.strip().splitlines()[-1]


def test_missing_requirements_skip_normally_and_fail_under_make_test(tmp_path):
    assert run_probe(tmp_path, strict=False).startswith("3 skipped")
    assert run_probe(tmp_path, strict=True).startswith("1 failed, 2 errors")  # setup errors fail the run too
