"""Shared fixtures. Every test session uses its own cache folder, so tests never read or write
data/processed/ and never depend on an earlier run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Headless-Chromium fixtures (chromium_path, browser_page) shared by every browser test.
pytest_plugins = ["browser_support"]

_SESSION_CACHE = Path(tempfile.mkdtemp(prefix="newslens-test-cache-"))
os.environ["NEWSLENS_CACHE"] = str(_SESSION_CACHE)
os.environ.setdefault("PYTHONHASHSEED", "0")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data"


@pytest.fixture(scope="session")
def sample_corpus():
    """The embedded sample corpus, built once per session."""
    import newslens

    return newslens.load_corpus()


@pytest.fixture
def make_corpus(tmp_path):
    """Write a corpus folder from a dict {relative path: str | bytes} and return its path."""

    def _make(files: dict[str, str | bytes], *, name: str = "corpus") -> Path:
        root = tmp_path / name
        for rel, content in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        root.mkdir(parents=True, exist_ok=True)
        return root

    return _make


@pytest.fixture(scope="session")
def report_run(tmp_path_factory):
    """Every notebook executed once on the sample corpus, exactly as `newslens report` runs them.

    Returns the :class:`newslens.report.ReportResult`: ``.out_dir``, ``.executed`` (notebook stem
    -> executed .ipynb), ``.status``, ``.notebooks`` (per-notebook results with parameters).
    """
    from newslens import report

    out = tmp_path_factory.mktemp("reports")
    return report.run(out_dir=out, progress=False)


@pytest.fixture(scope="session")
def executed_notebook(report_run):
    """Read one notebook of `report_run` by stem (e.g. ``"03_framing"``), failing clearly if it
    was not executed."""
    import nbformat

    def _read(name: str):
        assert name in report_run.executed, (
            f"{name} was not executed: {sorted(report_run.executed)}"
        )
        return nbformat.read(report_run.executed[name], as_version=4)

    return _read
