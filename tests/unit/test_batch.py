"""Batch cleaning: folders and globs, bad files beside good ones, resume, --in-place backups,
reports, progress lines, exit statuses, and --via (a running service).  No grammar pass."""
from __future__ import annotations

import json
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.batch import run as batch
from service.cli.main import cli
from service.engine.options import CleanOptions
from service.engine.pipeline import RULE_PASSES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
GOOD = ["article.txt", "article.md", "article.html", "episode.srt", "episode.vtt", "messages.po", "units.xliff"]
CLEAN = ["clean.txt", "clean.md", "clean.po", "clean.docx"]


@pytest.fixture(autouse=True)
def _no_grammar(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("MTCLEAN_NO_GRAMMAR", "1")
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path / "user-cache"))


def _tree(root: Path, names: list[str], sub: str = "") -> Path:
    folder = root / sub if sub else root
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(FIXTURES / n, folder / n)
    return root


def _expected(name: str) -> bytes:
    p = FIXTURES / name
    return (FIXTURES / f"{p.stem}.expected{p.suffix}").read_bytes()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(args: list[str]):
    return CliRunner().invoke(cli, ["clean", "--no-grammar", *args])


def _bad_files(folder: Path) -> dict[str, str]:
    """Broken files, and a word each one's reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "binary.txt").write_bytes(b"GIF89a\x00\x01\x02binary")
    (folder / "latin1.md").write_bytes("café  au lait".encode("latin-1"))
    (folder / "broken.po").write_bytes(b'msgid "a"\nmsgstr "b"\nmsgstr\n')
    (folder / "broken.xliff").write_bytes(b'<xliff version="1.2"><file><body><trans-unit id="1"><target>x')
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip file")
    (folder / "huge.txt").write_bytes(b"who met him. in Syria. " * 4000)
    return {"binary.txt": "binary", "latin1.md": "utf-8", "broken.po": "po", "broken.xliff": "xliff",
            "broken.docx": "word", "huge.txt": "over the limit"}


def test_folder_with_bad_files_cleans_the_good_ones_and_reports_the_bad(tmp_path: Path):
    src = _tree(tmp_path / "in", GOOD[:4])
    _tree(src, GOOD[4:], "nested/deeper")
    reasons = _bad_files(src / "bad")
    (src / "picture.png").write_bytes(b"\x89PNG\r\n")  # another type: left alone, not an error
    before = _snapshot(src)
    out = tmp_path / "out"
    res = _run(["--output-dir", str(out), "--max-bytes", "50000", str(src)])
    assert res.exit_code == 2, res.output
    for name in GOOD[:4]:
        assert (out / name).read_bytes() == _expected(name)
    for name in GOOD[4:]:
        assert (out / "nested" / "deeper" / name).read_bytes() == _expected(name)
    for name, word in reasons.items():
        assert not (out / "bad" / name).exists()
        line = next(li for li in res.stderr.splitlines() if "error:" in li and name in li)
        assert word in line.lower(), line
    assert _snapshot(src) == before  # nothing overwritten unless asked
    assert "1 other file left alone" in res.stderr


def test_report_only_writes_nothing_and_exits_2_with_bad_files(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt", "messages.po"])
    _bad_files(src)
    before = _snapshot(src)
    res = _run(["--max-bytes", "50000", str(src)])
    assert res.exit_code == 2
    assert res.stdout == ""  # a folder: no cleaned text on stdout, only the report on stderr
    assert _snapshot(src) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "user-cache"]
    assert "article.txt: 5 applied" in res.stderr


def test_second_run_over_an_unchanged_folder_does_no_cleaning_work(tmp_path: Path):
    src = _tree(tmp_path / "in", GOOD + CLEAN)
    settings = CleanOptions(passes=RULE_PASSES)
    opts = batch.Options(cache_dir=tmp_path / "cache", jobs=2)
    items, _ = batch.collect([str(src)])
    first = batch.run(items, settings, opts)
    assert first.cleaned == len(GOOD + CLEAN) and first.from_cache == 0
    second = batch.run(items, settings, opts)
    assert second.cleaned == 0 and second.from_cache == len(GOOD + CLEAN)
    assert [o.applied for o in second.outcomes] == [o.applied for o in first.outcomes]
    assert batch.exit_status(second) == batch.exit_status(first) == 1
    (src / "clean.txt").write_text("who met him. in Syria.\n")  # one file changes: only it is cleaned
    third = batch.run(items, settings, opts)
    assert third.cleaned == 1 and third.from_cache == len(GOOD + CLEAN) - 1
    other = batch.run(items, CleanOptions(passes=RULE_PASSES, apply="none"), opts)
    assert other.cleaned == len(GOOD + CLEAN)  # other settings: cleaned again


def test_resume_through_the_cli_with_an_output_dir(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt", "clean.po"])
    out = tmp_path / "out"
    first = _run(["--output-dir", str(out), str(src)])
    assert "2 cleaned, 0 from cache" in first.stderr
    second = _run(["--output-dir", str(out), str(src)])
    assert "0 cleaned, 2 from cache" in second.stderr
    (out / "article.txt").unlink()  # a missing output is written again
    third = _run(["--output-dir", str(out), str(src)])
    assert "1 cleaned, 1 from cache" in third.stderr
    assert (out / "article.txt").read_bytes() == _expected("article.txt")


def test_in_place_keeps_a_backup_and_never_overwrites_one(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt", "clean.txt"])
    original = (src / "article.txt").read_bytes()
    res = _run(["--in-place", str(src)])
    assert res.exit_code == 0, res.output
    assert (src / "article.txt").read_bytes() == _expected("article.txt")
    assert (src / "article.txt.mtclean.bak").read_bytes() == original
    assert not (src / "clean.txt.mtclean.bak").exists()  # unchanged: not rewritten, no backup
    (src / "article.txt").write_text("who met him. in Syria.\n")
    _run(["--in-place", str(src)])
    assert (src / "article.txt.mtclean.bak").read_bytes() == original
    assert (src / "article.txt.mtclean.1.bak").read_text() == "who met him. in Syria.\n"
    assert not list(src.glob(".*tmp*"))


def test_in_place_without_backup(tmp_path: Path):
    src = _tree(tmp_path / "in", ["episode.srt"])
    _run(["--in-place", "--no-backup", str(src / "episode.srt")])
    assert (src / "episode.srt").read_bytes() == _expected("episode.srt")
    assert sorted(p.name for p in src.iterdir()) == ["episode.srt"]


def test_json_and_html_reports(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.html", "messages.po"])
    (src / "tags.txt").write_text("<script>alert(1)</script> who met him. in Syria.\n")
    (src / "broken.po").write_bytes(b'msgstr "x"\n')
    res = _run(["--report", str(tmp_path / "r.json"), str(src)])
    assert res.exit_code == 2
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema_version"] and data["kind"] == "mtclean-batch" and data["exit_status"] == 2
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert files["broken.po"]["status"] == "failed" and "PO" in files["broken.po"]["error"]["message"]
    po = files["messages.po"]
    assert po["applied"] == 6 and po["suggestions"] == 4
    assert any(e["rule_id"] == "bilingual.number-mismatch" and not e["applied"] for e in po["edits"])
    assert '-msgstr "Soleimanimani said so."' in po["diff"] and '+msgstr "Soleimani said so."' in po["diff"]
    assert data["summary"]["by_category"]["consistency"] == {"applied": 0, "suggested": 4}
    _run(["--report", str(tmp_path / "r.html"), str(src)])
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "</html>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Generalimimimani" in page and "broken.po" in page


def test_plain_progress_lines_and_summary_when_not_a_terminal(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt", "clean.txt"])
    res = _run([str(src)])
    assert "[1/2]" in res.stderr and "[2/2]" in res.stderr
    assert "2 files in" in res.stderr and "edits: 5 applied, 0 suggestions" in res.stderr
    assert res.exit_code == 0


def test_globs_and_exit_status_1_when_suggestions_remain(tmp_path: Path):
    src = _tree(tmp_path / "in", ["messages.po", "article.txt"], "a/b")
    res = _run(["--output-dir", str(tmp_path / "out"), str(tmp_path / "in" / "**" / "*.po")])
    assert res.exit_code == 1  # the bilingual flags remain to be reviewed
    assert (tmp_path / "out" / "a" / "b" / "messages.po").read_bytes() == _expected("messages.po")
    assert not (tmp_path / "out" / "a" / "b" / "article.txt").exists()
    assert "1 file with suggestions left" in res.stderr
    assert src.exists()


def test_single_file_without_output_still_goes_to_stdout(tmp_path: Path):
    res = _run([str(FIXTURES / "episode.srt")])
    assert res.stdout_bytes == _expected("episode.srt")
    res = _run(["--diff", str(FIXTURES / "messages.po")])
    assert '+msgstr "Soleimani said so."' in res.stdout and res.exit_code == 1


def test_output_dir_inside_the_input_folder_is_not_walked(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt"])
    _run(["--output-dir", str(src / "cleaned"), str(src)])
    res = _run(["--output-dir", str(src / "cleaned"), str(src)])
    assert "1 file in" in res.stderr
    assert not (src / "cleaned" / "cleaned").exists()


# -- --via: a running mtclean service ---------------------------------------------------------
def _stub_service():
    """A minimal stand-in for the service's job API (stdlib http.server; used only when the real
    service, service.web.app, cannot be imported)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from service.engine.pipeline import Cleaner
    from service.reporting import report

    cleaner, jobs = Cleaner(passes=RULE_PASSES), {}

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            names = frozenset(body["options"].get("glossary", []))
            c = Cleaner(passes=RULE_PASSES, glossary=names, rules=cleaner.rules) if names else cleaner
            job_id = uuid.uuid4().hex
            jobs[job_id] = report.to_json(c.clean(body["text"], body["options"]["apply"]))
            host = f"http://127.0.0.1:{self.server.server_port}"
            self._send(202, {"id": job_id, "url": f"{host}/v1/jobs/{job_id}", "state": "queued"})

        def do_GET(self):  # noqa: N802
            job_id = self.path.split("?")[0].rsplit("/", 1)[-1]
            self._send(200, {"id": job_id, "state": "done", "result": jobs[job_id]})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


@pytest.fixture
def service_url(request):
    """The real service (Redis, a Celery worker) when it can be imported, else the stub."""
    try:
        import service.web.app  # noqa: F401
        from tests import service_fixtures  # noqa: F401
    except ImportError:
        url, stop = _stub_service()
        yield url
        stop()
        return
    yield request.getfixturevalue("live_url")


pytest_plugins = ["tests.service_fixtures"]


def test_via_a_running_service_gives_the_same_files(tmp_path: Path, service_url):
    src = _tree(tmp_path / "in", ["article.txt", "messages.po", "units.xliff"])
    out = tmp_path / "out"
    res = _run(["--via", service_url, "--passes", ",".join(RULE_PASSES), "--output-dir", str(out), str(src)])
    assert res.exit_code == 1, res.output
    for name in ["article.txt", "messages.po", "units.xliff"]:
        assert (out / name).read_bytes() == _expected(name), name


def test_via_an_unreachable_service_fails_each_file_with_the_reason(tmp_path: Path):
    src = _tree(tmp_path / "in", ["article.txt"])
    res = _run(["--via", "http://127.0.0.1:9", "--output-dir", str(tmp_path / "out"), str(src)])
    assert res.exit_code == 2
    assert "cannot reach the mtclean service" in res.stderr
    assert not (tmp_path / "out" / "article.txt").exists()
