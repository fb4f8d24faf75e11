"""``mtclean review``, driven with scripted answers on standard input (a real subprocess)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.review_helpers import expected_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "soleimani-vi-en.txt"


def review(args: list[str], answers: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "service", "review", "--no-grammar", *args], input=answers,
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def sample_edits() -> list[dict[str, Any]]:
    """The sample's edits from the engine, in the order the review asks about them."""
    from service.core.model import Edit
    from service.engine.pipeline import Cleaner
    from service.reporting.report import edit_dicts

    result = Cleaner().clean(SAMPLE.read_text(encoding="utf-8"), "auto")
    return [{**d, "id": str(i), "auto": Edit.from_dict(d).is_auto} for i, d in enumerate(edit_dicts(result))]


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def test_scripted_answers_accept_reject_edit_skip_and_quit(article, sample_edits, tmp_path):
    out = tmp_path / "reviewed.txt"
    r = review([str(article), "--output", str(out)], "y\nn\ne\na pursuit car\ns\n?\ny\nq\n", tmp_path)
    assert r.returncode == 0, r.stderr
    suggestions = [e for e in sample_edits if not e["auto"]]
    decisions = {suggestions[0]["id"]: ("accept", None), suggestions[1]["id"]: ("reject", None),
                 suggestions[2]["id"]: ("modify", "a pursuit car"), suggestions[4]["id"]: ("accept", None)}
    original = SAMPLE.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == expected_text(original, sample_edits, decisions)
    assert article.read_text(encoding="utf-8") == original  # untouched without --in-place
    assert r.stdout == ""
    # the terminal shows the context and the change, and the help for '?'
    s0 = suggestions[0]
    assert f"(1/{len(suggestions)}) {s0['rule_id']}" in r.stderr
    assert f"[-{s0['original']}-]{{+{s0['replacements'][0]}+}}" in r.stderr
    assert s0["message"] in r.stderr and "e - edit" in r.stderr and "q - quit" in r.stderr
    assert f"(6/{len(suggestions)})" in r.stderr and f"(7/{len(suggestions)})" not in r.stderr
    assert "accepted 2, rejected 1, modified 1, skipped" in r.stderr


def test_in_place_quit_keeps_the_answers_given_so_far_with_a_backup(article, sample_edits, tmp_path):
    r = review([str(article), "--in-place"], "y\nq\n", tmp_path)  # like git add -p: q keeps what was answered
    assert r.returncode == 0, r.stderr
    first = next(e for e in sample_edits if not e["auto"])
    original = SAMPLE.read_text(encoding="utf-8")
    want = expected_text(original, sample_edits, {first["id"]: ("accept", None)})
    assert want != original and article.read_text(encoding="utf-8") == want
    backup = tmp_path / "article.txt.mtclean.bak"
    assert backup.read_bytes() == SAMPLE.read_bytes()
    assert "kept the 1 answers given so far" in r.stderr and str(backup) in r.stderr
    assert not list(tmp_path.glob(".article.txt.*"))  # no temporary file left


@pytest.mark.parametrize("answers", ["", "y\n", "y\nn\ne\na pursuit car\n", "y\ne\n"])
def test_in_place_end_of_the_answers_leaves_the_file_untouched(article, tmp_path, answers):
    before = article.stat()
    r = review([str(article), "--in-place"], answers, tmp_path)  # standard input closed mid-review
    assert r.returncode == 0, r.stderr
    assert article.read_bytes() == SAMPLE.read_bytes()
    assert article.stat().st_mtime_ns == before.st_mtime_ns and article.stat().st_ino == before.st_ino
    assert not (tmp_path / "article.txt.mtclean.bak").exists()
    assert "left unchanged" in r.stderr and "q to keep" in r.stderr


def test_no_answers_keep_the_auto_edits_like_clean(article, tmp_path):
    r = review([str(article)], "", tmp_path)
    clean = subprocess.run([sys.executable, "-m", "service", "clean", "--no-grammar", str(article)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and r.stdout == clean.stdout != SAMPLE.read_text(encoding="utf-8")


def test_all_asks_about_the_auto_edits_too_and_diff_prints_the_diff(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("He met him. in Syria. A convoy ran to the runway.\n", encoding="utf-8")
    r = review([str(path), "--all", "--diff"], "n\ny\n", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "(1/2) punctuation.split-sentence" in r.stderr and "(2/2) wc.convoy-ran" in r.stderr
    assert r.stdout.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert "-He met him. in Syria. A convoy ran to the runway.\n+He met him. in Syria. A convoy drove to the runway.\n" \
        in r.stdout


def test_bad_invocations_are_exit_2_with_a_message(tmp_path):
    r = review(["-"], "", tmp_path)
    assert r.returncode == 2 and "give a file" in r.stderr
    r = review([str(tmp_path / "missing.txt")], "", tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr
    (tmp_path / "a.txt").write_text("He met him. in Syria.\n", encoding="utf-8")
    r = review([str(tmp_path / "a.txt"), "--in-place", "--output", str(tmp_path / "b.txt")], "", tmp_path)
    assert r.returncode == 2 and "not both" in r.stderr
