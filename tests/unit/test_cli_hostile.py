"""The command line under hostile input (issue 14 item 10): clear messages and exit 2 (never a
traceback with exit 1, which means "edits found"), a FIFO refused without being read, and
``review --in-place`` that never rewrites a file on q or the end of the answers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "He met him. in Syria. A convoy ran to the runway.\n"


def mtclean(args: list[str], cwd: Path, answers: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "service", *args], input=answers, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60, check=False)


@pytest.mark.parametrize("codec", ["hex", "base64"])
def test_a_non_text_encoding_is_exit_2(tmp_path, codec):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for cmd in (["check", "--no-grammar"], ["clean", "--no-grammar"]):
        r = mtclean([*cmd, "--encoding", codec, "a.txt"], tmp_path)
        assert r.returncode == 2, r.stderr
        assert "not a text encoding" in r.stderr and "Traceback" not in r.stderr


def test_max_bytes_below_one_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    r = mtclean(["check", "--no-grammar", "--max-bytes", "-1", "a.txt"], tmp_path)
    assert r.returncode == 2 and "--max-bytes" in r.stderr and "over the limit" not in r.stderr


def test_a_fifo_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "f.txt")  # nobody writes: reading it would block forever
    r = mtclean(["check", "--no-grammar", "f.txt"], tmp_path)
    assert r.returncode == 2 and "not a regular file" in r.stderr
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(tmp_path / "dir" / "pipe.txt")
    r = mtclean(["clean", "--no-grammar", "dir", "--output-dir", "out"], tmp_path)
    assert r.returncode == 2 and "pipe.txt" in r.stderr and "FIFO" in r.stderr and "Traceback" not in r.stderr


def test_a_symlink_loop_in_a_batch_folder_is_exit_2(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink("loop.txt", tmp_path / "dir" / "loop.txt")
    os.symlink("b.md", tmp_path / "dir" / "c.md")
    os.symlink("c.md", tmp_path / "dir" / "b.md")
    r = mtclean(["clean", "--no-grammar", "dir", "--output-dir", "out"], tmp_path)
    assert r.returncode == 2, r.stderr
    assert "symbolic link loop" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("answers", ["", "q\n"])
def test_review_in_place_quit_before_any_answer_leaves_the_file(tmp_path, answers):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    before = path.stat().st_mtime_ns
    r = mtclean(["review", "--no-grammar", "--in-place", "a.txt"], tmp_path, answers)
    assert r.returncode == 0, r.stderr
    assert path.read_text(encoding="utf-8") == TEXT and path.stat().st_mtime_ns == before
    assert "left unchanged" in r.stderr
    assert not (tmp_path / "a.txt.mtclean.bak").exists()


def test_review_in_place_rewrite_keeps_a_backup(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    r = mtclean(["review", "--no-grammar", "--in-place", "a.txt"], tmp_path, "y\n")
    assert r.returncode == 0, r.stderr
    assert path.read_text(encoding="utf-8") != TEXT
    assert (tmp_path / "a.txt.mtclean.bak").read_text(encoding="utf-8") == TEXT
