"""notebooks/01_sentiment.ipynb: structure of the source, and what the executed report holds."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_sentiment.ipynb"
STEM = "01_sentiment"
EXPECTED_PARAMETERS = {
    "corpus",
    "outlets",
    "unit",
    "targets",
    "neutral_threshold",
    "n_boot",
    "n_perm",
    "seed",
    "arc_bins",
    "evidence_k",
}


def _source() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_source_notebook_is_thin_and_parameterised():
    nb = _source()
    assert nb.metadata.kernelspec.name == "newslens"
    assert nb.metadata.kernelspec.display_name == "Python (newslens)"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = set()
    for node in tree.body:  # literals only: papermill overrides them, nothing is derived here
        assert isinstance(node, ast.Assign | ast.AnnAssign)
        ast.literal_eval(node.value)
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        names.add(target.id)
    assert names == EXPECTED_PARAMETERS
    for c in code:  # logic lives in the library
        body = ast.parse(c.source).body
        assert not any(
            isinstance(n, ast.FunctionDef | ast.ClassDef | ast.For | ast.While) for n in body
        )
        assert "sys.path" not in c.source


@pytest.fixture(scope="module")
def executed(report_run):
    assert report_run.status.get(STEM) == "ok", f"{STEM} failed: {report_run.failed}"
    return nbformat.read(report_run.executed[STEM], as_version=4)


def _outputs(nb, kind: str) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if kind in data:
                out.append(data[kind])
    return out


@pytest.mark.slow
def test_executed_notebook_outputs(executed, report_run):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    # per-outlet points + intervals, voices, arc, heatmap
    assert len(_outputs(executed, "image/png")) >= 4
    html = "\n".join(_outputs(executed, "text/html"))
    for column in (
        "estimate",
        "too_small",
        "caveat",
        "p_adjusted",
        "effect_size",
        "n_narrator",
        "most negative",
        "most positive",
        "target",
    ):
        assert column in html, column
    text = "\n".join(_outputs(executed, "text/markdown"))
    assert "sentences." in text and "single article" in text  # the sample-size limits
    out_dir = Path(report_run.out_dir)
    assert (out_dir / f"{STEM}.html").is_file() and (out_dir / f"{STEM}.reader.html").is_file()


@pytest.mark.slow
def test_parameters_are_recorded(executed, report_run):
    recorded = executed.metadata["papermill"]["parameters"]
    result = {nb.name: nb for nb in report_run.notebooks}[STEM]
    assert recorded == result.parameters
    assert EXPECTED_PARAMETERS >= set(result.parameters)
    assert EXPECTED_PARAMETERS <= set(result.parameters) | set(result.defaults)


@pytest.mark.slow
def test_rerun_with_same_seed_gives_identical_tables(executed, sample_corpus):
    """The notebook's summary table equals a fresh library run with the same seed."""
    import pandas as pd
    from newslens import sentiment

    cells = {c.source.split("\n")[-1]: c for c in executed.cells if c.cell_type == "code"}
    fresh = sentiment.outlet_summary(sentiment.scored(sample_corpus.sentences), n_boot=2000, seed=0)
    fresh_tests = sentiment.outlet_tests(sample_corpus.sentences, n_perm=5000, seed=0)
    # pandas' defaults outside a terminal, as in the kernel, so the text is comparable
    with pd.option_context("display.max_columns", 20, "display.width", 80, "display.max_rows", 60):
        assert cells["summary"].outputs[0]["data"]["text/plain"] == repr(fresh)
        assert cells["tests"].outputs[0]["data"]["text/plain"] == repr(fresh_tests)
