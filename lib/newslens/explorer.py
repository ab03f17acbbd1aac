"""The interactive term explorer: one self-contained HTML page, offline, no server.

Every shown term is a point, frequency in the corpus (log10) against its Fightin' Words z-score
for the chosen outlet against the rest (:func:`newslens.vocab.one_vs_rest`). Hovering shows the
counts per outlet, clicking shows the sentences that use the term per outlet (from
:func:`newslens.vocab.kwic`), and a search box finds terms. The page holds its data as JSON in
the page itself and its code inline (``templates/explorer.html``); a Content-Security-Policy
forbids loading anything, and corpus text is only inserted as text, never as HTML.

For large corpora the page stays small because it shows a capped selection, while the tables
behind it are computed in full: the ``top_n`` most distinctive terms of each outlet, at most
``max_sentences`` sentences per term and outlet, ``window`` characters of context. The page says
what was capped.

>>> import pandas as pd, tempfile
>>> from newslens import vocab
>>> counts = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
...                        "count": [5, 3, 5, 3]})
>>> scores = vocab.one_vs_rest(counts, prior=1.0)
>>> with tempfile.TemporaryDirectory() as d:
...     page = write(scores, None, out_dir=d)
...     page.name, "tank" in page.read_text(encoding="utf-8")
('term_explorer.html', True)
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from newslens.paths import PACKAGE_DIR

TEMPLATE = PACKAGE_DIR / "templates" / "explorer.html"
DEFAULT_FILENAME = "term_explorer.html"
#: Page budget: at most this many points and embedded sentences, whatever the corpus size.
DEFAULT_MAX_TERMS = 1500
DEFAULT_MAX_CONTEXTS = 6000
#: The JSON and title placeholders in the template.
_DATA_SLOT = "__NEWSLENS_DATA__"
_TITLE_SLOT = "__NEWSLENS_TITLE__"
# Characters that could end the <script> element or open an HTML comment inside it, or that
# JavaScript treated as line ends before ES2019. JSON allows \\u escapes for all of them.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCORE_COLUMNS = ("outlet", "term", "count", "frequency", "zeta")
_CONTEXT_COLUMNS = ("term", "outlet", "article_id", "left", "match", "right")


@cache
def _template() -> str:
    if not TEMPLATE.is_file():
        raise FileNotFoundError(f"explorer template {TEMPLATE} is missing; reinstall newslens")
    text = TEMPLATE.read_text(encoding="utf-8")
    if _DATA_SLOT not in text or _TITLE_SLOT not in text:
        raise ValueError(f"{TEMPLATE} lacks the {_DATA_SLOT} / {_TITLE_SLOT} placeholders")
    return text


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes, so ``</script>`` or ``<!--``
    in corpus text can neither close the element nor open a comment, and U+2028/U+2029 are
    escaped for old JavaScript parsers. ``JSON.parse`` reads the text back unchanged. NaN and
    infinity are not JSON and raise ``ValueError``.

    >>> script_json({"t": "</script><!--"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in _JSON_ESCAPES.items():
        text = text.replace(raw, esc)
    return text


def _ranked_terms(scores: pd.DataFrame, *, top_n: int) -> list[str]:
    """Distinct terms in priority order: every outlet's best term, then every second best ..."""
    _check_columns(scores, ("outlet", "term", "zeta"), name="scores")
    if int(top_n) < 1:
        raise ValueError(f"top_n must be >= 1, got {top_n}")
    ranked = scores.assign(_neg=-scores["zeta"].astype(float)).sort_values(
        ["outlet", "_neg", "term"], kind="stable"
    )
    top = ranked.groupby("outlet", sort=True).head(int(top_n))
    top = top.assign(_rank=top.groupby("outlet", sort=True).cumcount())
    top = top.sort_values(["_rank", "outlet", "term"], kind="stable")
    return list(dict.fromkeys(top["term"].astype(str)))


def select_terms(
    scores: pd.DataFrame, *, top_n: int = 150, max_terms: int = DEFAULT_MAX_TERMS
) -> list[str]:
    """The terms the page shows: each outlet's ``top_n`` highest z-scores, united, sorted.

    With many outlets the union is capped at ``max_terms``, taken round-robin by rank (every
    outlet's best term first, then every second best ...), so each outlet keeps its leaders.

    >>> s = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["b", "a", "a", "b"],
    ...                   "zeta": [2.0, -2.0, 2.0, -2.0]})
    >>> select_terms(s, top_n=1)
    ['a', 'b']
    """
    if int(max_terms) < 1:
        raise ValueError(f"max_terms must be >= 1, got {max_terms}")
    return sorted(_ranked_terms(scores, top_n=top_n)[: int(max_terms)])


def _check_columns(df: Any, columns: Sequence[str], *, name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; got {list(df.columns)}")


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def page_data(
    scores: pd.DataFrame,
    contexts: pd.DataFrame | None,
    *,
    top_n: int = 150,
    max_sentences: int = 3,
    window: int = 80,
    title: str = "newslens term explorer",
    caveat: str = "",
    z_threshold: float = 1.96,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_contexts: int = DEFAULT_MAX_CONTEXTS,
) -> dict[str, Any]:
    """The data embedded in the page (a pure function of its inputs: same input, same page).

    Args:
        scores: :func:`newslens.vocab.one_vs_rest` output (``outlet``, ``term``, ``count``,
            ``frequency``, ``zeta``).
        contexts: :func:`newslens.vocab.kwic` output for (at least) the shown terms, or None.
        top_n: most distinctive terms per outlet to show.
        max_sentences: sentences per term and outlet to embed.
        window: characters of context kept on each side of a match.
        title: page title.
        caveat: a sample-size warning shown under the title (e.g. ``vocab.caveat(...)``).
        z_threshold: |zeta| beyond which points are coloured.
        max_terms: at most this many points in all (see :func:`select_terms`).
        max_contexts: at most this many sentences embedded in all; terms are served in
            priority order (round-robin by rank) and those past the budget get none (the page
            says so).

    Returns:
        A JSON-ready dict: ``outlets``, ``terms``, ``frequency``, ``counts`` and ``zeta``
        (one list per outlet, aligned with ``terms``), ``contexts`` (per term, per outlet, rows
        ``[article_id, left, match, right, cut_left, cut_right]``), and the texts describing what was capped.

    >>> s = pd.DataFrame({"outlet": ["X", "Y"], "term": ["war", "war"], "count": [1, 2],
    ...                   "frequency": [3, 3], "zeta": [-0.5, 0.5]})
    >>> d = page_data(s, None)
    >>> d["terms"], d["counts"], d["frequency"]
    (['war'], [[1], [2]], [3])
    """
    _check_columns(scores, _SCORE_COLUMNS, name="scores")
    if int(max_sentences) < 0:
        raise ValueError(f"max_sentences must be >= 0, got {max_sentences}")
    if int(window) < 1:
        raise ValueError(f"window must be >= 1 character, got {window}")
    outlets = sorted(str(o) for o in scores["outlet"].unique())
    if not outlets:
        raise ValueError("scores is empty: nothing to show (run vocab.one_vs_rest on a corpus)")
    if int(max_contexts) < 0:
        raise ValueError(f"max_contexts must be >= 0, got {max_contexts}")
    priority = _ranked_terms(scores, top_n=top_n)[: int(max_terms)]
    terms = sorted(priority)
    n_total = int(scores["term"].nunique())
    sub = scores[scores["term"].isin(terms)]
    zeta = sub.pivot(index="outlet", columns="term", values="zeta").reindex(
        index=outlets, columns=terms
    )
    counts = (
        sub.pivot(index="outlet", columns="term", values="count")
        .reindex(index=outlets, columns=terms)
        .fillna(0)
        .astype(np.int64)
    )
    freq = sub.groupby("term")["frequency"].max().reindex(terms).fillna(0).astype(np.int64)

    ctx: list[list[list[list[str]]]] = [[[] for _ in outlets] for _ in terms]
    if contexts is not None and int(max_sentences) > 0:
        _check_columns(contexts, _CONTEXT_COLUMNS, name="contexts")
        term_pos = {t: i for i, t in enumerate(terms)}
        outlet_pos = {o: k for k, o in enumerate(outlets)}
        for row in contexts.itertuples(index=False):
            i = term_pos.get(str(row.term))
            k = outlet_pos.get(str(row.outlet))
            if i is None or k is None or len(ctx[i][k]) >= int(max_sentences):
                continue
            left, right = str(row.left), str(row.right)
            start = getattr(row, "match_start", None)
            end = getattr(row, "match_end", None)
            text = getattr(row, "text", None)
            # Whether context was cut on either side (by kwic's window or by ours): the page
            # then shows an ellipsis.
            cut_left = len(left) > int(window) or (pd.notna(start) and int(start) > len(left))
            cut_right = len(right) > int(window) or (
                pd.notna(end) and isinstance(text, str) and len(text) - int(end) > len(right)
            )
            ctx[i][k].append(
                [
                    str(row.article_id),
                    left[-int(window) :],
                    str(row.match)[:200],
                    right[: int(window)],
                    bool(cut_left),
                    bool(cut_right),
                ]
            )
    # Embed sentences term by term in priority order until the page budget is spent.
    has_ctx = [False] * len(terms)
    used = 0
    term_pos_all = {t: i for i, t in enumerate(terms)}
    for term in priority:
        i = term_pos_all[term]
        n_rows = sum(len(rows) for rows in ctx[i])
        if used + n_rows > int(max_contexts):
            break
        used += n_rows
        has_ctx[i] = True
    for i, ok in enumerate(has_ctx):
        if not ok:
            ctx[i] = [[] for _ in outlets]
    n_without = has_ctx.count(False)
    n_shown = len(terms)
    caps = (
        f"Showing {n_shown} of {n_total} scored terms: the {int(top_n)} most distinctive "
        f"(highest zeta) of each outlet"
        + (f", at most {int(max_terms)} in all" if len(priority) >= int(max_terms) else "")
        + f". Up to {int(max_sentences)} sentence(s) per term and outlet, {int(window)} "
        f"characters of context on each side"
        + (
            f"; {n_without} lower-ranked term(s) have no sentences embedded (page budget of "
            f"{int(max_contexts):,} sentences)"
            if n_without and contexts is not None
            else ""
        )
        + ". Every term was scored; the caps only limit what this page shows."
    )
    sizes = scores.attrs.get("n", {})
    size_text = "; ".join(f"{o}: {int(sizes[o]):,} terms counted" for o in outlets if o in sizes)
    prior = scores.attrs.get("prior")
    summary = (
        f"{len(outlets)} outlets. Each point is a term: x = its frequency in the corpus (log10), "
        f"y = its Fightin' Words z-score (Monroe, Colaresi & Quinn 2008) for the chosen outlet "
        f"against all others pooled"
        + (f", prior {prior}" if prior is not None else "")
        + f"; |z| >= {z_threshold:g} coloured. "
        + (f"Sample: {size_text}." if size_text else "")
    )
    return {
        "title": str(title),
        "summary": summary,
        "caps_text": caps,
        "caveat": str(caveat),
        "z_threshold": float(z_threshold),
        "max_sentences": int(max_sentences),
        "window": int(window),
        "outlets": outlets,
        "terms": terms,
        "frequency": [int(f) for f in freq],
        "counts": [[int(v) for v in counts.loc[o]] for o in outlets],
        "zeta": [[_finite(v) for v in zeta.loc[o]] for o in outlets],
        "contexts": ctx,
        "has_contexts": has_ctx if contexts is not None else [False] * len(terms),
        "max_contexts": int(max_contexts),
    }


def render(data: dict[str, Any]) -> str:
    """The page's HTML for :func:`page_data` output.

    >>> "<title>T &amp; U</title>" in render({"title": "T & U"})
    True
    """
    # Split on the placeholders once, so text inserted for one can never be mistaken for the
    # other (a title or a sentence may contain the placeholder string itself).
    head, _, rest = _template().partition(_TITLE_SLOT)
    middle, _, tail = rest.partition(_DATA_SLOT)
    title = html.escape(str(data.get("title", "")), quote=True)
    return "".join([head, title, middle, script_json(data), tail])


def write(
    scores: pd.DataFrame,
    contexts: pd.DataFrame | None,
    *,
    out_dir: str | os.PathLike[str] = ".",
    filename: str = DEFAULT_FILENAME,
    top_n: int = 150,
    max_sentences: int = 3,
    window: int = 80,
    title: str = "newslens term explorer",
    caveat: str = "",
    z_threshold: float = 1.96,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_contexts: int = DEFAULT_MAX_CONTEXTS,
) -> Path:
    """Write the self-contained term explorer page and return its path.

    Args:
        scores: :func:`newslens.vocab.one_vs_rest` output.
        contexts: :func:`newslens.vocab.kwic` output for the shown terms (e.g.
            ``vocab.kwic(corpus, select_terms(scores, top_n=top_n), max_per_outlet=3)``), or
            None for a page without sentences.
        out_dir: folder to write into (created if missing); "." = next to the report, i.e. the
            working directory of the notebook.
        filename: the page's file name.
        top_n, max_sentences, window, title, caveat, z_threshold, max_terms, max_contexts: see
            :func:`page_data`.

    Returns:
        Path of the written page. It is written to a temporary file and renamed into place.
    """
    if not filename or Path(filename).name != filename:
        raise ValueError(f"filename must be a plain file name, got {filename!r}; use out_dir")
    data = page_data(
        scores,
        contexts,
        top_n=top_n,
        max_sentences=max_sentences,
        window=window,
        title=title,
        caveat=caveat,
        z_threshold=z_threshold,
        max_terms=max_terms,
        max_contexts=max_contexts,
    )
    text = render(data)
    folder = Path(out_dir).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{filename}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp creates the file readable by its owner only; a report page is for sharing.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target.resolve()
