"""Cleaning the cleaned text applies nothing (issue 14 item 11; the brief's "a fix is stable"):
`mtclean clean FOLDER --output-dir A` (default apply mode, the real LanguageTool), then
`mtclean clean A --output-dir B` changes no file, on a varied real-text sample: the sample
article, MLQE-PE train MT sentences of every language pair (a seeded draw, 12 sentences a file
as the audit built its 3,000 files) and the paragraphs in which the audit found a second clean
still changing the text.

Found on 2,921 such files: "abolished. a arm wrestling" -> the stop removed (split-sentence),
LanguageTool's "a arm" -> "an arm" next to it left out as "near an applied edit", and applied
by the next clean."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lt_fixture import ensure_running

pytest_plugins = ["tests.lt_fixture"]
pytestmark = [pytest.mark.chaos, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
MLQE = ROOT.parent / "shared" / "data" / "mlqe-pe-train"
FILES_PER_PAIR = int(os.environ.get("MTCLEAN_FIXPOINT_FILES", "8"))
# paragraphs a second clean changed (cut from the audit's files)
FOUND = [
    "Financial privileges in relation to taxation have been abolished. a arm wrestling is a wrestling match "
    "using hands only Leading the Roman army being Lucius Aemilius Paulus and Marcus Terentius Varro.",
]


def _build(folder: Path) -> int:
    folder.mkdir()
    (folder / "soleimani-vi-en.txt").write_bytes((ROOT / "samples" / "soleimani-vi-en.txt").read_bytes())
    (folder / "found.txt").write_text("\n\n".join(FOUND) + "\n", encoding="utf-8")
    rng = random.Random(14)
    pairs = sorted(MLQE.glob("*.jsonl"))
    assert pairs, f"MLQE-PE train data not found in {MLQE}"
    for path in pairs:
        rows = [json.loads(line)["mt"] for line in path.read_text(encoding="utf-8").splitlines()]
        for i in range(FILES_PER_PAIR):
            start = rng.randrange(0, len(rows) - 12)
            chunk = rows[start:start + 12]
            text = "\n\n".join(" ".join(chunk[j:j + 4]) for j in range(0, 12, 4)) + "\n"
            (folder / f"{path.stem}-{i:02d}.txt").write_text(text, encoding="utf-8")
    return 2 + FILES_PER_PAIR * len(pairs)


def _clean(src: Path, out: Path, lt_url: str, cwd: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MTCLEAN_LT_URL": lt_url, "MTCLEAN_GRAMMAR": "on",
           "MTCLEAN_CACHE": str(cwd / "cache")}
    r = subprocess.run([sys.executable, "-m", "service", "clean", str(src), "--output-dir", str(out), "--no-cache",
                        "-j", "2", "--format", "json"], capture_output=True, text=True, cwd=cwd, env=env,
                       timeout=900, check=False)
    assert r.returncode in (0, 1), r.stderr[-3000:]
    report = json.loads(r.stdout)
    for f in report["files"]:
        assert f["status"] == "ok", f
        assert f["passes"]["grammar"]["status"] == "ran", (f["rel"], f["passes"]["grammar"])
    return report


def test_cleaning_the_cleaned_text_applies_nothing(lt_session, tmp_path):
    lt_url = ensure_running(lt_session)
    files = _build(tmp_path / "in")
    first = _clean(tmp_path / "in", tmp_path / "once", lt_url, tmp_path)
    assert first["summary"]["files"] == files
    assert first["summary"]["changed"] >= 3  # the sample has edits to apply
    second = _clean(tmp_path / "once", tmp_path / "twice", lt_url, tmp_path)
    again = {f["rel"]: [(e["rule_id"], e["original"], e["replacements"]) for e in f["edits"] if e["applied"]]
             for f in second["files"] if f["applied"]}
    assert not again, f"a second clean applied edits in {len(again)} files: {again}"
    for path in (tmp_path / "once").rglob("*.txt"):
        assert (tmp_path / "twice" / path.relative_to(tmp_path / "once")).read_bytes() == path.read_bytes()
