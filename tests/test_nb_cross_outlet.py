"""The cross-outlet notebook runs on the sample corpus and shows what it promises.

Uses the session-scoped `report_run` fixture (tests/conftest.py), which executes every notebook
once, exactly as `newslens report` does.
"""

from __future__ import annotations

import nbformat

NAME = "05_cross_outlet"


def _outputs(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{out.get('ename')}: {out.get('evalue')}"
            data = out.get("data", {})
            parts.extend(str(data.get(k, "")) for k in ("text/html", "text/markdown", "text/plain"))
            parts.append(str(out.get("text", "")))
    return "\n".join(parts)


def test_cross_outlet_notebook_ran_with_its_parameters(report_run):
    path = report_run.executed[NAME]
    nb = nbformat.read(path, as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    # Parameters papermill recorded (injected or defaults) must be the notebook's own names.
    declared = {
        "corpus",
        "outlets",
        "threshold",
        "candidate_threshold",
        "seed",
        "n_boot",
        "min_words_unique",
    }
    assert set(params) <= declared
    text = _outputs(nb)
    # The outlet x outlet matrix, per-outlet shares with intervals and sample sizes.
    for column in (
        "shared_sentences",
        "word_share",
        "word_low",
        "word_high",
        "n_articles",
        "too_small",
    ):
        assert column in text, column
    assert "image/png" in {
        k for c in nb.cells for o in c.get("outputs", []) for k in o.get("data", {})
    }
    # Side-by-side clusters (one column per outlet) and the near misses.
    assert "min_similarity" in text and "Closest pairs below the threshold" in text
    for outlet in ("Daily Mail", "Daily Mirror", "LBC", "The Sun"):
        assert outlet in text
    # Figures lined up, disagreements counted, and the evidence kept.
    assert "quantities reported by at least two outlets" in text
    assert "conflicts_with" in text and "evidence" in text
    assert "child / killed" in text
    # Who is named where, and the computed interpretation.
    assert "Vladimir Putin" in text and "Mariupol" in text
    assert "The most widely named person is Vladimir Putin" in text
