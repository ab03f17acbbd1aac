"""notebooks/03_framing.ipynb, executed once per session by the `report_run` fixture."""

from __future__ import annotations

import pytest

NAME = "03_framing"
OUTLETS = ("Daily Mail", "Daily Mirror", "LBC", "The Sun", "Reach (syndicated)")


@pytest.fixture(scope="module")
def executed(executed_notebook):
    return executed_notebook(NAME)


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_framing_notebook_runs_without_errors(executed):
    errors = [o for o in outputs(executed) if o.get("output_type") == "error"]
    assert not errors, [(o["ename"], o["evalue"]) for o in errors]


def test_parameters_are_recorded(executed):
    params = executed.metadata["papermill"]["parameters"]
    source = next(c.source for c in executed.cells if "parameters" in c.metadata.get("tags", []))
    for name in ("corpus", "outlets", "codebook", "second_codebook", "cues", "seed", "n_boot"):
        assert f"{name} " in source or f"{name}:" in source
    assert isinstance(params, dict)


def test_tables_figures_and_caveats_are_shown(executed):
    outs = outputs(executed)
    images = [o for o in outs if "image/png" in o.get("data", {})]
    # prevalence dots, heatmap, narrator and quoted heatmaps, cue rates, policy-frames heatmap
    assert len(images) >= 6
    html = " ".join(o["data"].get("text/html", "") for o in outs if "data" in o)
    for column in ("share", "low", "high", "too_small", "note", "per_1000", "n_words", "matches"):
        assert f">{column}<" in html, column
    for outlet in OUTLETS:
        assert outlet in html
    markdown = " ".join(o["data"].get("text/markdown", "") for o in outs if "data" in o)
    # sample sizes and the one-article caveat are computed, not typed
    assert "**Sample:**" in markdown and "represented by a single article" in markdown
    assert "Security and defense" in markdown  # the second codebook ran
    assert "not validated on this corpus" in markdown
