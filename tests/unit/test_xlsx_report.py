"""``check --format xlsx -o report.xlsx``: an Xbench-like QA workbook, read back with openpyxl."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from service.cli.main import cli

PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "Lực lượng chức năng đã đến."\nmsgstr "The functional forces arrived ."\n')
XLIFF = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
         'srcLang="vi" trgLang="en"><file id="f1">\n<unit id="welcome-42"><segment>'
         '<source>Quả bóng đang ở trong sân của chúng ta.</source><target>The ball is in our yard.</target>'
         '</segment></unit></file></xliff>\n')
TMX = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
       'segtype="sentence" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/><body>\n'
       '<tu tuid="tm-7"><tuv xml:lang="vi"><seg>Lực lượng chức năng</seg></tuv>'
       '<tuv xml:lang="en"><seg>The functional forces came.</seg></tuv></tu>\n</body></tmx>\n')
MD = "# Title\n\nFirst paragraph is fine.\n\n=SUM(1) the ball is in our yard.\n"
FILES = {"a.po": PO, "b.xliff": XLIFF, "c.tmx": TMX, "d.md": MD}


def _report(tmp_path: Path, files: dict[str, str] = FILES) -> tuple[list[str], list[dict], object]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--format", "xlsx", "-o", str(out),
                                 *(str(tmp_path / n) for n in files)])
    assert r.exit_code == (1 if any(t != "Clean text.\n" for t in files.values()) else 0), r.output
    assert r.output == ""  # nothing but the workbook, and that went to the file
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    return header, rows, ws


def test_xlsx_header_is_frozen_with_an_autofilter_over_every_row(tmp_path):
    header, rows, ws = _report(tmp_path)
    assert header[:8] == ["File", "Segment ID", "Line", "Column", "Rule ID", "Category", "Tier", "Applied"]
    assert {"Source", "Target", "Suggestion", "Message"} <= set(header)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 1}"
    assert ws[1][0].font.b


def test_xlsx_rows_carry_segment_ids_source_target_and_suggestion(tmp_path):
    _header, rows, _ws = _report(tmp_path)
    by_file = {}
    for row in rows:
        by_file.setdefault(Path(row["File"]).name, []).append(row)
    assert set(by_file) == set(FILES)
    xl = next(r for r in by_file["b.xliff"] if r["Rule ID"] == "vi.ball-in-our-yard")
    assert xl["Segment ID"] == "welcome-42" and xl["Line"] == 3 and isinstance(xl["Column"], int)
    assert xl["Source"] == "Quả bóng đang ở trong sân của chúng ta." and xl["Target"] == "The ball is in our yard."
    assert "court" in xl["Suggestion"] and xl["Tier"] in ("auto", "suggest") and xl["Message"]
    tm = next(r for r in by_file["c.tmx"] if r["Rule ID"].startswith("vi."))
    assert tm["Segment ID"] == "tm-7" and tm["Source"] == "Lực lượng chức năng"
    po = next(r for r in by_file["a.po"] if r["Rule ID"].startswith("vi."))
    assert po["Segment ID"] == "Lực lượng chức năng đã đến." and po["Target"] == "The functional forces arrived ."
    assert po["Category"] and po["Applied"] in ("yes", "no")
    md = next(r for r in by_file["d.md"] if r["Rule ID"] == "vi.ball-in-our-yard")
    assert md["Segment ID"] == "line 5" and md["Line"] == 5 and not md["Source"]
    assert md["Target"] == "=SUM(1) the ball is in our yard."  # the paragraph, as text


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path):
    out = tmp_path / "r.xlsx"
    (tmp_path / "d.md").write_text(MD, encoding="utf-8")
    CliRunner().invoke(cli, ["check", "--no-grammar", "--format", "xlsx", "-o", str(out), str(tmp_path / "d.md")])
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_xlsx_of_clean_files_has_only_the_header(tmp_path):
    header, rows, ws = _report(tmp_path, {"clean.txt": "Clean text.\n"})
    last = openpyxl.utils.get_column_letter(len(header))
    assert rows == [] and header[0] == "File" and ws.auto_filter.ref == f"A1:{last}1"


def _run_with_stdout(args: list[str], tty: bool, cwd: Path) -> tuple[int, bytes, bytes]:
    cmd = [sys.executable, "-c", "from service.cli.main import main; main()", *args]
    if not tty:
        p = subprocess.run(cmd, capture_output=True, cwd=cwd, timeout=120)
        return p.returncode, p.stdout, p.stderr
    leader, follower = pty.openpty()
    try:
        p = subprocess.run(cmd, stdout=follower, stderr=subprocess.PIPE, cwd=cwd, timeout=120)
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        return p.returncode, seen, p.stderr
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_xlsx_refuses_to_write_a_workbook_to_a_terminal(tmp_path):
    (tmp_path / "d.md").write_text(MD, encoding="utf-8")
    env_cwd = Path(__file__).parents[2]
    code, out, err = _run_with_stdout(["check", "--no-grammar", "--format", "xlsx", str(tmp_path / "d.md")], True,
                                      env_cwd)
    assert code == 2 and b"-o/--output" in err and b"PK" not in out


def test_xlsx_goes_to_standard_output_when_it_is_a_pipe(tmp_path):
    (tmp_path / "d.md").write_text(MD, encoding="utf-8")
    code, out, _err = _run_with_stdout(["check", "--no-grammar", "--format", "xlsx", str(tmp_path / "d.md")], False,
                                       Path(__file__).parents[2])
    assert code == 1 and out.startswith(b"PK")
    (tmp_path / "piped.xlsx").write_bytes(out)
    ws = openpyxl.load_workbook(tmp_path / "piped.xlsx").active
    assert ws.max_row >= 2 and ws["A1"].value == "File"


def test_output_option_writes_text_formats_to_a_file(tmp_path):
    (tmp_path / "d.md").write_text(MD, encoding="utf-8")
    out = tmp_path / "report.csv"
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--format", "csv", "-o", str(out), str(tmp_path / "d.md")])
    assert r.exit_code == 1 and r.output == ""
    assert out.read_text("utf-8-sig").startswith("File,Segment ID") and "vi.ball-in-our-yard" in out.read_text("utf-8")
