"""The rendered reports in a real browser (headless Chromium, file:// URLs, no network).

* every report of the sample run (the ``report_run`` fixture of conftest) renders its text and
  every figure, raises no page error and requests nothing from the network;
* a corpus whose articles carry ``<script>`` and ``onerror`` payloads, run through
  ``notebooks/00_corpus_overview.ipynb`` with ``-p corpus=...``, reaches the HTML escaped: shown
  as text, never executed;
* even raw HTML a notebook displays without escaping cannot run a script (the pages' CSP).
"""

from __future__ import annotations

import json
from pathlib import Path

import browser_support
import nbformat
import pytest
from newslens import report
from newslens.paths import project_root

SCRIPT_PAYLOAD = "<script>window.__pwned = 1</script>"
IMG_PAYLOAD = '<img src="x" onerror="window.__pwned = 2">'
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
OVERVIEW = project_root() / "notebooks" / "00_corpus_overview.ipynb"


def _n_figures(executed: Path) -> int:
    nb = nbformat.read(executed, as_version=4)
    return sum(
        any(mime in out.get("data", {}) for mime in IMAGE_MIMES)
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


def _open(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")


def _loaded_images(page) -> list[int]:
    return page.evaluate(
        "[...document.images].filter(i => i.complete && i.naturalWidth > 0).map(i => i.naturalWidth)"
    )


def _pwned(page):
    return page.evaluate("typeof window.__pwned === 'undefined' ? null : window.__pwned")


def _assert_renders(page, path: Path, *, n_figures: int) -> None:
    _open(page, path)
    text = page.inner_text("body")
    assert len(text.strip()) > 50, f"{path.name}: page body is (nearly) empty"
    assert len(_loaded_images(page)) >= n_figures, f"{path.name}: figures missing or broken"
    assert page.errors == [], f"{path.name}: {page.errors}"
    assert page.blocked_requests == [], f"{path.name} needs the network: {page.blocked_requests}"
    assert _pwned(page) is None


# --------------------------------------------------------------------------------------------
# The sample reports
# --------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_sample_reports_render_with_figures(report_run, browser_page, tmp_path):
    out_dir = Path(report_run.out_dir)
    assert report_run.executed, "the report run executed no notebook"
    figures = {stem: _n_figures(Path(nb)) for stem, nb in report_run.executed.items()}
    # The overview plots lengths and dates: no figure at all means the kernel displayed none
    # (e.g. a non-inline matplotlib backend), which the per-page check alone could not see.
    assert sum(figures.values()) > 0, figures
    for stem, n_figures in sorted(figures.items()):
        _assert_renders(browser_page, out_dir / f"{stem}.html", n_figures=n_figures)
        _assert_renders(browser_page, out_dir / f"{stem}.reader.html", n_figures=n_figures)
        # The reader version shows no code and no prompts (markdown cells stay).
        assert browser_page.locator(".jp-CodeCell .jp-InputArea").count() == 0
        assert browser_page.locator(".jp-InputPrompt, .jp-OutputPrompt").count() == 0
    _open(browser_page, out_dir / "index.html")
    hrefs = browser_page.eval_on_selector_all(
        "a", "links => links.map(a => a.getAttribute('href'))"
    )
    for stem in report_run.executed:
        assert f"{stem}.html" in hrefs and f"{stem}.reader.html" in hrefs
    assert browser_page.errors == [] and browser_page.blocked_requests == []
    # One screenshot, to look at when changing the templates (pytest keeps recent tmp dirs).
    first = sorted(report_run.executed)[0]
    _open(browser_page, out_dir / f"{first}.reader.html")
    shot = tmp_path / f"{first}.reader.png"
    browser_page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


# --------------------------------------------------------------------------------------------
# Hostile article text
# --------------------------------------------------------------------------------------------


@pytest.fixture
def hostile_corpus(tmp_path) -> Path:
    """Two page dumps whose headline, body and outlet name carry script payloads."""
    root = tmp_path / "hostile corpus"
    (root / "raw").mkdir(parents=True)
    body = (
        f"Troops {SCRIPT_PAYLOAD} were captured near the city, officials said on Tuesday.\n\n"
        f'A spokesman said: "We will not comment {IMG_PAYLOAD} on the reports."\n\n'
        "The ministry denied the claim and said the soldiers would be exchanged.\n"
    )
    (root / "raw" / "a.txt").write_text(
        f"Captured soldiers {SCRIPT_PAYLOAD} speak out\n\n{body}", encoding="utf-8"
    )
    (root / "raw" / "b.txt").write_text(
        "Prisoners appear at a press conference in Kyiv\n\n"
        "Several soldiers spoke to reporters on Wednesday about the invasion.\n\n"
        f"One said he had been told {SCRIPT_PAYLOAD} it was an exercise.\n",
        encoding="utf-8",
    )
    (root / "articles.csv").write_text(
        "id,file,outlet,published\n"
        f'a,raw/a.txt,"{SCRIPT_PAYLOAD}",2022-03-02\n'
        "b,raw/b.txt,Plain Outlet,2022-03-03\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_corpus_is_escaped_in_the_overview(hostile_corpus, browser_page, tmp_path):
    if not OVERVIEW.is_file():
        pytest.skip(f"{OVERVIEW} not written yet")
    out_dir = tmp_path / "reports"
    result = report.run(
        notebooks=[OVERVIEW.stem],
        parameters={"corpus": str(hostile_corpus)},
        out_dir=out_dir,
        progress=False,
    )
    assert result.ok, result.notebooks[0].error
    stem = OVERVIEW.stem
    for name in (f"{stem}.html", f"{stem}.reader.html"):
        source = (out_dir / name).read_text(encoding="utf-8")
        # Not vacuous: the article text did reach the page, escaped.
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in source, name
        assert "<script>window.__pwned" not in source, f"{name}: unescaped article text"
        assert 'onerror="window.__pwned' not in source, f"{name}: unescaped article text"
        _open(browser_page, out_dir / name)
        assert SCRIPT_PAYLOAD in browser_page.inner_text("body"), "payload not shown as text"
        assert _pwned(browser_page) is None
        # A CSP refusal here would mean unescaped markup reached the page.
        assert browser_page.errors == [] and browser_page.blocked_requests == []
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index


@pytest.mark.browser
@pytest.mark.slow
def test_unescaped_html_output_still_cannot_run_scripts(browser_page, tmp_path):
    """Defence in depth: a notebook that displays raw HTML (a bug) still runs no script."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Raw HTML output\n\nA figure and raw markup."),
            nbformat.v4.new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "import pandas as pd\n"
                "from IPython.display import HTML, Markdown, display\n"
                f"payload = {json.dumps(SCRIPT_PAYLOAD + IMG_PAYLOAD)}\n"
                "fig, ax = plt.subplots(figsize=(3, 2))\n"
                "ax.bar(['a', 'b'], [1, 2])\n"
                "plt.show()\n"
                "display(HTML(payload))\n"
                "display(Markdown(payload))\n"
                "pd.DataFrame({'text': [payload]}).style"
            ),
        ],
        metadata={"kernelspec": {"name": "newslens", "display_name": "Python (newslens)"}},
    )
    nbformat.write(nb, nb_dir / "01_raw.ipynb")
    result = report.run(config=nb_dir, out_dir=tmp_path / "out", progress=False)
    assert result.ok, result.notebooks[0].error
    for name in ("01_raw.html", "01_raw.reader.html"):
        page_path = tmp_path / "out" / name
        assert "<script>window.__pwned" in page_path.read_text(encoding="utf-8")  # really raw
        _open(browser_page, page_path)
        assert _pwned(browser_page) is None
        assert len(_loaded_images(browser_page)) >= 1
        assert browser_page.errors, "the CSP should have refused the inline script"
        assert all("Content Security Policy" in e for e in browser_page.errors), browser_page.errors
        assert browser_page.blocked_requests == []


# --------------------------------------------------------------------------------------------
# Without Chromium: skip with instructions on a user's machine, fail in CI
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [
        ("", pytest.skip.Exception),
        ("false", pytest.skip.Exception),
        ("true", pytest.fail.Exception),
    ],
)
def test_missing_chromium_skips_or_fails_in_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="apt-get install chromium"):
        browser_support._unavailable("Chromium not found", browser_support.ENABLE_HINT)


def test_find_chromium_falls_back_to_path(monkeypatch, tmp_path):
    fake = tmp_path / "chromium-browser"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(browser_support, "DEBIAN_CHROMIUM", tmp_path / "absent")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser_support.find_chromium() == str(fake)
    fake.unlink()
    assert browser_support.find_chromium() is None
