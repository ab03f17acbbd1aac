"""The command line: contracts used by outside checks, exit codes and error messages."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LBC = ROOT / "data" / "raw" / "lbc_2022-03-02_captured-soldiers-call-for-end-to-war.txt"


def run(*args, check=False):
    proc = subprocess.run(
        [sys.executable, "-m", "newslens", *args], capture_output=True, text=True, timeout=600
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_clean_json_contract():
    proc = run("clean", str(LBC), "--json", check=True)
    out = json.loads(proc.stdout)
    for key in ("headline", "byline", "published", "body", "removed"):
        assert key in out
    assert out["published"] == "2022-03-02"
    assert out["byline"] == "Patrick Grafton-Green"
    assert "\n\n" in out["body"] and "Loading audio" not in out["body"]
    assert all({"line", "text", "reason"} <= set(r) for r in out["removed"])
    assert any(r["text"] == "Loading audio..." for r in out["removed"])


def test_clean_plain_and_missing_file(tmp_path):
    assert "Russian prisoners of war" in run("clean", str(LBC), check=True).stdout
    proc = run("clean", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "nope.txt" in proc.stderr


def test_build_contract(make_corpus, tmp_path):
    root = make_corpus(
        {
            "articles.csv": "file,outlet\na.txt,Alpha\nmissing.txt,Beta\n",
            "a.txt": "A headline here\n\nThe army said it had advanced. Residents said “we are afraid”.\n",
            "b.bin": b"\x00\x01",
        }
    )
    out = tmp_path / "tables"
    proc = run("build", str(root), "--out", str(out), "--quiet", check=True)
    assert "missing.txt" in proc.stdout and "b.bin" in proc.stdout  # says what it skipped and why
    for table in ("articles", "sentences", "quotes", "terms", "removed", "skipped"):
        df = pd.read_parquet(out / table)
        assert len(df.columns)
    assert pd.read_parquet(out / "articles")["outlet"].tolist() == ["Alpha"]


def test_build_bad_corpus_exit_code(tmp_path):
    proc = run("build", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "articles.csv").write_text("path,source\nx.txt,y\n")
    proc = run("build", str(tmp_path / "c"))
    assert proc.returncode == 2 and "outlet" in proc.stderr and "articles.csv" in proc.stderr


def test_quotes_json_contract():
    proc = run("quotes", str(LBC), "--json", check=True)
    rows = json.loads(proc.stdout)
    assert len(rows) >= 10
    for row in rows:
        assert {"text", "speaker", "verb", "group"} <= set(row)
        assert not row["text"].startswith(('"', "“"))


def test_report_bad_parameter_is_usage_error():
    proc = run("report", "-p", "novalue")
    assert proc.returncode == 2 and "key=value" in proc.stderr.lower()


def test_version_and_module_entry_point():
    assert run("--version", check=True).stdout.startswith("newslens ")
    exe = Path(sys.executable).parent / "newslens"
    if exe.exists():
        assert subprocess.run([str(exe), "--help"], capture_output=True).returncode == 0
