"""benchmarks/README.md as run_all.py re-renders it from one test run's results folder."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def rendered_readme(results: Path, work: Path) -> str:
    """The text of a copy of benchmarks/README.md (in ``work``) after ``run_all.py
    --readme-only`` has rendered the JSON results in ``results`` into it."""
    readme = work / "README.md"
    shutil.copy(BENCH / "README.md", readme)
    out = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--readme-only",
                          "--readme", str(readme), "--results", str(results)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return readme.read_text()


def block(text: str, name: str) -> str:
    """The ``<!-- BEGIN name -->`` … ``<!-- END name -->`` block of ``text``."""
    return text[text.index(f"<!-- BEGIN {name} -->"):text.index(f"<!-- END {name} -->")]
