"""newslens.explorer: the offline term explorer page, unit-tested and driven in headless Chromium.

The browser tests use the shared fixtures of tests/browser_support.py (``browser_page``): they
are skipped with instructions when Chromium is missing, and fail under ``CI=true``.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from newslens import explorer, vocab

HOSTILE = 'They said </script><script>window.__pwned = 1</script> <!-- and <img src=x onerror="window.__pwned = 2">'


def _sentences(rows):
    df = pd.DataFrame(rows, columns=["article_id", "outlet", "text"])
    df["sentence"] = df.groupby("article_id").cumcount()
    df["start"] = 0
    df["in_quote"] = False
    return df


@pytest.fixture
def small():
    s = _sentences(
        [
            ("x1", "X", "Russian soldiers cried for their mothers."),
            ("x1", "X", "The soldiers were captured near Kyiv."),
            ("y1", "Y", HOSTILE),
            ("y1", "Y", "Captured soldiers called for peace."),
            ("z1", "Z", "Putin\u2019s army is faltering, officials said."),
        ]
    )
    counts = vocab.term_counts(s)
    scores = vocab.one_vs_rest(counts)
    contexts = vocab.kwic(s, explorer.select_terms(scores, top_n=50), max_per_outlet=3)
    return s, scores, contexts


# ---------------------------------------------------------------------------------------------
# pure parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("</script>", '"\\u003c/script\\u003e"'),
        ("<!-- x -->", '"\\u003c!-- x --\\u003e"'),
        ("a & b", '"a \\u0026 b"'),
        ("line\u2028sep", '"line\\u2028sep"'),
        ("Putin\u2019s", '"Putin\u2019s"'),
    ],
)
def test_script_json_escapes(raw, expected):
    out = explorer.script_json(raw)
    assert out == expected
    assert json.loads(out) == raw


def test_script_json_rejects_nan():
    with pytest.raises(ValueError):
        explorer.script_json({"z": float("nan")})


def test_select_terms_caps_per_outlet(small):
    _, scores, _ = small
    one = explorer.select_terms(scores, top_n=1)
    assert len(one) <= 3 and one == sorted(one)
    for _, grp in scores.groupby("outlet"):
        assert grp["term"].iloc[0] in one
    with pytest.raises(ValueError, match="top_n"):
        explorer.select_terms(scores, top_n=0)


def test_page_data_aligns_and_caps(small):
    _, scores, contexts = small
    data = explorer.page_data(scores, contexts, top_n=2, max_sentences=1, window=10)
    n = len(data["terms"])
    assert data["outlets"] == ["X", "Y", "Z"]
    assert n < scores["term"].nunique()
    assert all(len(row) == n for row in data["counts"] + data["zeta"])
    assert len(data["frequency"]) == n and len(data["contexts"]) == n
    assert f"Showing {n} of {scores['term'].nunique()} scored terms" in data["caps_text"]
    for i, term in enumerate(data["terms"]):
        rows = scores[scores.term == term].set_index("outlet")
        assert [data["counts"][k][i] for k in range(3)] == rows.loc[
            ["X", "Y", "Z"], "count"
        ].tolist()
        for k in range(3):
            assert len(data["contexts"][i][k]) <= 1
            for _aid, left, match, right, _cut_left, _cut_right in data["contexts"][i][k]:
                assert len(left) <= 10 and len(right) <= 10
                assert match.lower().replace("\u2019", "'") == term


def test_page_data_budget_caps_points_and_sentences(small):
    _, scores, contexts = small
    data = explorer.page_data(scores, contexts, top_n=50, max_terms=4, max_contexts=2)
    assert len(data["terms"]) == 4
    # round-robin by rank: every outlet's best term is among the first
    for _, grp in scores.groupby("outlet"):
        assert grp["term"].iloc[0] in data["terms"]
    embedded = sum(len(rows) for per_term in data["contexts"] for rows in per_term)
    assert embedded <= 2
    for i, ok in enumerate(data["has_contexts"]):
        if not ok:
            assert data["contexts"][i] == [[], [], []]
    assert "at most 4 in all" in data["caps_text"]
    assert "no sentences embedded" in data["caps_text"]
    with pytest.raises(ValueError, match="max_terms"):
        explorer.select_terms(scores, max_terms=0)


def test_page_data_is_deterministic(small):
    _, scores, contexts = small
    a = explorer.page_data(scores, contexts)
    b = explorer.page_data(scores.sample(frac=1.0, random_state=2), contexts)
    assert a == b


def test_page_data_errors(small):
    _, scores, contexts = small
    with pytest.raises(ValueError, match="missing column"):
        explorer.page_data(scores.drop(columns="zeta"), contexts)
    with pytest.raises(ValueError, match="contexts is missing"):
        explorer.page_data(scores, contexts.drop(columns="left"))
    with pytest.raises(ValueError, match="empty"):
        explorer.page_data(scores.iloc[0:0], None)


def test_render_escapes_title_and_data():
    html = explorer.render({"title": "</title><script>x</script>", "t": HOSTILE})
    assert "<script>x</script>" not in html
    assert "window.__pwned" in html  # present as escaped JSON text ...
    body = html.split('id="explorer-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body  # ... but nothing in the data can close the element
    assert json.loads(body)["t"] == HOSTILE


def test_render_placeholder_text_in_title_is_harmless():
    html = explorer.render({"title": "__NEWSLENS_DATA__"})
    assert html.count('id="explorer-data">{') == 1


def test_write_is_self_contained(small, tmp_path):
    _, scores, contexts = small
    page = explorer.write(scores, contexts, out_dir=tmp_path / "sub", top_n=5)
    assert page == (tmp_path / "sub" / explorer.DEFAULT_FILENAME).resolve()
    html = page.read_text(encoding="utf-8")
    # no external resources of any kind
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "default-src 'none'" in html
    assert list(tmp_path.joinpath("sub").iterdir()) == [page]  # no temp file left behind
    with pytest.raises(ValueError, match="filename"):
        explorer.write(scores, contexts, out_dir=tmp_path, filename="../x.html")


# ---------------------------------------------------------------------------------------------
# in the browser

pytest_browser = pytest.mark.browser


def _open(page, path):
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("#plot circle")


@pytest_browser
def test_browser_search_click_and_hover(browser_page, small, tmp_path):
    _, scores, contexts = small
    path = explorer.write(scores, contexts, out_dir=tmp_path, top_n=50)
    page = browser_page
    _open(page, path)
    assert page.locator("#plot circle").count() == len(explorer.select_terms(scores, top_n=50))
    assert "Showing" in page.inner_text("#caps")

    page.fill("#search", "soldier")
    assert page.locator("#results button").first.inner_text() == "soldiers"
    page.locator('#plot circle[data-term="soldiers"]').click()
    assert page.inner_text("#details h2") == "soldiers"
    sentences = page.locator("#details p.kwic").all_inner_texts()
    assert any("Russian soldiers cried for their mothers." in s for s in sentences)
    assert any("Captured soldiers called for peace." in s for s in sentences)
    assert page.locator("#details mark").all_inner_texts()[0] == "soldiers"

    page.fill("#search", "no-such-term")
    assert "no term" in page.inner_text("#results")

    page.select_option("#outlet", label="Z")
    page.fill("#search", "putin's")
    page.locator("#results button").first.click()
    assert page.inner_text("#details h2") == "putin's"
    assert "Putin\u2019s army is faltering" in page.inner_text("#details")
    page.locator('#plot circle[data-term="putin\'s"]').hover()
    assert "Z" in page.inner_text("#tooltip") and page.is_visible("#tooltip")

    assert page.errors == []
    assert page.blocked_requests == []


@pytest_browser
def test_browser_hostile_text_is_shown_not_run(browser_page, small, tmp_path):
    _, scores, contexts = small
    path = explorer.write(scores, contexts, out_dir=tmp_path, top_n=50, title=HOSTILE)
    page = browser_page
    _open(page, path)
    page.fill("#search", "onerror")
    page.locator("#results button").first.click()
    text = page.inner_text("#details")
    assert "<script>window.__pwned = 1</script> <!-- and <img src=x" in text
    assert "\u2026" in text  # the context was cut and the page says so
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.inner_text("#title") == HOSTILE
    assert page.errors == []


@pytest_browser
def test_browser_sample_corpus_page(browser_page, sample_corpus, tmp_path):
    counts = vocab.term_counts(sample_corpus, ngram_range=(1, 2), min_count=2)
    scores = vocab.one_vs_rest(counts)
    terms = explorer.select_terms(scores, top_n=25)
    contexts = vocab.kwic(sample_corpus, terms, max_per_outlet=3)
    caveat = vocab.caveat(vocab.sample_sizes(sample_corpus))
    path = explorer.write(scores, contexts, out_dir=tmp_path, top_n=25, caveat=caveat)
    page = browser_page
    _open(page, path)
    assert "single article" in page.inner_text("#caveat")
    top = scores[scores.outlet == "The Sun"]["term"].iloc[0]
    page.select_option("#outlet", label="The Sun")
    page.fill("#search", top)
    assert top in page.locator("#results button").all_inner_texts()
    page.locator(f'#results button[data-term="{top}"]').click()
    n_sun = int(scores[(scores.outlet == "The Sun") & (scores.term == top)]["count"].iloc[0])
    assert page.locator("#details p.kwic").count() >= min(n_sun, 1)
    assert page.errors == []
    assert page.blocked_requests == []
