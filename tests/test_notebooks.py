"""Every notebook runs headless on the sample corpus and follows the notebook conventions.

Notebook-specific checks (figures, tables) live in tests/test_nb_*.py and use the same
session-scoped `report_run` fixture, so each notebook executes once per test session.
"""

import ast
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_conventions(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.get("outputs") for c in code), "commit notebooks without outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.metadata["kernelspec"]["name"] == "newslens"
    # The parameters cell holds literals only, and no line papermill cannot parse.
    tree = ast.parse(tagged[0].source)
    for node in tree.body:
        assert isinstance(node, (ast.Assign, ast.AnnAssign)), ast.dump(node)
        ast.literal_eval(node.value)
    for line in tagged[0].source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            assert line.count("=") == 1, f"papermill cannot parse {line!r}: one '=' per line"
    # Thin notebooks: no definitions, no sys.path hacks.
    for cell in code:
        src = cell.source
        assert "sys.path" not in src
        for node in ast.walk(ast.parse(src.replace("%matplotlib inline", ""))):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)), (
                f"{path.name}: define functions in lib/newslens, not in a notebook"
            )


def test_every_notebook_runs(report_run):
    names = {p.stem for p in NOTEBOOKS}
    assert set(report_run.status) == names
    failed = {nb.name: nb.error for nb in report_run.notebooks if not nb.ok}
    assert not failed, failed


def test_reports_are_rendered_with_parameters(report_run):
    out = Path(report_run.out_dir)
    index = (out / "index.html").read_text()
    record = json.loads((out / "report.json").read_text())
    for nb in report_run.notebooks:
        assert nb.html.is_file() and nb.reader_html.is_file()
        assert nb.name in index
        executed = nbformat.read(nb.executed, as_version=4)
        assert "parameters" in executed.metadata["papermill"]
        assert nb.corpus_hash and nb.corpus_hash in index
        reader = nb.reader_html.read_text()
        assert "import newslens" not in reader  # the reader version has no code
    assert len(record["notebooks"]) == len(report_run.notebooks)


def test_overview_notebook(report_run):
    nb = nbformat.read(report_run.executed["00_corpus_overview"], as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # lengths, timeline, removed
    html_tables = " ".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    for outlet in ("Daily Mail", "Daily Mirror", "LBC", "The Sun", "Reach (syndicated)"):
        assert outlet in html_tables
    assert "appeal" in html_tables and "media-player" in html_tables  # the audit is shown
