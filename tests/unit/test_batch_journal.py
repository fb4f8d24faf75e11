"""Batch re-runs after a kill (issue 14 item 11): a file written in place is recorded in the
folder's journal before the write, so a re-run (whose cache was never saved) neither cleans it
twice nor backs up the cleaned text; the only backup holds the original."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = "who met him. in Syria. A convoy ran to the runway.\n"


def _clean(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "service", "clean", "--no-grammar", "--no-cache", "--in-place",
                           str(folder)], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_a_rerun_without_cache_never_cleans_twice_or_backs_up_cleaned_text(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(ORIGINAL, encoding="utf-8")
    first = _clean(folder)
    assert first.returncode in (0, 1), first.stderr
    cleaned = (folder / "a.txt").read_text(encoding="utf-8")
    assert cleaned != ORIGINAL
    assert (folder / "a.txt.mtclean.bak").read_text(encoding="utf-8") == ORIGINAL
    (folder / "a.txt").touch()  # as after a kill: nothing but the journal says it was cleaned
    second = _clean(folder)
    assert second.returncode in (0, 1), second.stderr
    assert "cleaned in place by an earlier run (journal)" in second.stderr and "1 skipped" in second.stderr
    assert (folder / "a.txt").read_text(encoding="utf-8") == cleaned
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".bak")) == ["a.txt.mtclean.bak"]
    # an edit by a person afterwards is cleaned again (the journal holds contents, not names)
    (folder / "a.txt").write_text(cleaned + "who met him. in Iraq.\n", encoding="utf-8")
    third = _clean(folder)
    assert "who met him. in Iraq" not in (folder / "a.txt").read_text(encoding="utf-8"), third.stderr
