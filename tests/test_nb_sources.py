"""notebooks/02_sources.ipynb, executed once per session by the `report_run` fixture."""

from __future__ import annotations

import pytest

NAME = "02_sources"
OUTLETS = ("Daily Mail", "Daily Mirror", "LBC", "The Sun", "Reach (syndicated)")


@pytest.fixture(scope="module")
def executed(executed_notebook):
    return executed_notebook(NAME)


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_sources_notebook_runs_without_errors(executed):
    errors = [o for o in outputs(executed) if o.get("output_type") == "error"]
    assert not errors, [(o["ename"], o["evalue"]) for o in errors]


def test_parameters_are_recorded(executed):
    assert isinstance(executed.metadata["papermill"]["parameters"], dict)
    cells = [c for c in executed.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    for name in ("corpus", "outlets", "roles", "verbs", "seed", "n_boot"):
        assert f"{name} " in cells[0].source or f"{name}:" in cells[0].source


def test_tables_figures_and_caveats_are_shown(executed):
    outs = outputs(executed)
    images = [o for o in outs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # speaker groups, reporting verbs, quote share
    html = " ".join(o["data"].get("text/html", "") for o in outs if "data" in o)
    for column in (
        "speaker_canonical",
        "group_cue",
        "evidence",
        "verb_class",
        "estimate",
        "low",
        "high",
        "too_small",
        "n_speakers",
        "speech_cue",
    ):
        assert f">{column}<" in html, column
    for outlet in OUTLETS:
        assert outlet in html
    markdown = " ".join(o["data"].get("text/markdown", "") for o in outs if "data" in o)
    assert "**Sample:**" in markdown and "represented by a single article" in markdown
    assert "single-article outlets cannot be compared" in markdown
