"""What is in a corpus: articles per outlet, lengths, dates, what the cleaner removed and why,
quote share and skipped files. The tables and figures behind ``notebooks/00_corpus_overview``.

Every function takes a :class:`newslens.corpus.Corpus` and returns a tidy DataFrame, a matplotlib
Figure or (``describe``) Markdown whose corpus-derived text is HTML-escaped, so article text
can never inject markup into a rendered report.

>>> import newslens
>>> from newslens import overview
>>> overview.outlet_table(newslens.load_corpus()).columns[:3].tolist()
['outlet', 'articles', 'sentences']
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pandas as pd

from newslens.corpus import Corpus

# Below this many articles per outlet, differences between outlets cannot be told apart from
# differences between the stories each outlet happened to cover.
MIN_ARTICLES_PER_OUTLET = 3


def outlet_table(corpus: Corpus) -> pd.DataFrame:
    """One row per outlet: articles, sentences, words, words per article, quote share, dates.

    Columns: ``outlet, articles, sentences, words, median_words, min_words, max_words,
    quoted_share, quotes, first_published, last_published, printed_dates, removed_lines``;
    sorted by outlet. ``quoted_share`` is the share of the outlet's body words inside direct
    quotes (words pooled over its articles).
    """
    arts = corpus.articles
    if arts.empty:
        return pd.DataFrame(
            columns=[
                "outlet",
                "articles",
                "sentences",
                "words",
                "median_words",
                "min_words",
                "max_words",
                "quoted_share",
                "quotes",
                "first_published",
                "last_published",
                "printed_dates",
                "removed_lines",
            ]
        )
    rows = []
    for outlet, d in arts.groupby("outlet", sort=True):
        words = d["n_words"]
        dates = d["published"].dropna().sort_values()
        rows.append(
            {
                "outlet": outlet,
                "articles": len(d),
                "sentences": int(d["n_sentences"].sum()),
                "words": int(words.sum()),
                "median_words": float(words.median()),
                "min_words": int(words.min()),
                "max_words": int(words.max()),
                "quoted_share": float((d["quoted_share"] * words).sum() / max(int(words.sum()), 1)),
                "quotes": int(d["n_quotes"].sum()),
                "first_published": dates.iloc[0] if len(dates) else None,
                "last_published": dates.iloc[-1] if len(dates) else None,
                "printed_dates": int((d["date_source"] == "printed").sum()),
                "removed_lines": int(d["n_removed"].sum()),
            }
        )
    return pd.DataFrame(rows)


def article_table(corpus: Corpus) -> pd.DataFrame:
    """One row per article with its outlet, date (and where the date came from), headline and sizes."""
    cols = [
        "article_id",
        "outlet",
        "published",
        "date_source",
        "headline",
        "byline",
        "n_paragraphs",
        "n_sentences",
        "n_words",
        "n_quotes",
        "quoted_share",
        "n_removed",
        "duplicate_of",
    ]
    arts = corpus.articles
    return (
        arts[[c for c in cols if c in arts.columns]]
        .sort_values(["outlet", "article_id"])
        .reset_index(drop=True)
    )


def removed_by_reason(corpus: Corpus) -> pd.DataFrame:
    """Removed lines per outlet and reason (the cleaner's audit), as a wide table of counts.

    Rows are outlets (sorted), columns are reasons (sorted), plus ``total``.
    """
    rem = corpus.removed
    if rem.empty:
        return pd.DataFrame({"outlet": corpus.outlets, "total": 0})
    wide = rem.pivot_table(
        index="outlet", columns="reason", values="line", aggfunc="count", fill_value=0
    )
    wide = wide.reindex(sorted(wide.columns), axis=1)
    wide["total"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide.reset_index()


def removed_examples(corpus: Corpus, *, per_reason: int = 3, max_chars: int = 120) -> pd.DataFrame:
    """A few removed lines for each reason, so a reader can check the cleaner's decisions.

    Args:
        per_reason: how many examples per reason (the first ones by article and line).
        max_chars: longer lines are shortened with an ellipsis.

    Columns: ``reason, outlet, article_id, line, text``; sorted by reason, article, line.
    """
    if per_reason < 1:
        raise ValueError(f"per_reason must be at least 1, got {per_reason}")
    rem = corpus.removed.sort_values(["reason", "article_id", "line"])
    ex = rem.groupby("reason", sort=True).head(per_reason).copy()
    ex["text"] = [t if len(t) <= max_chars else t[: max_chars - 1] + "…" for t in ex["text"]]
    return ex[["reason", "outlet", "article_id", "line", "text"]].reset_index(drop=True)


def skipped_table(corpus: Corpus) -> pd.DataFrame:
    """What the build skipped or flagged, and why (``kept`` says whether the article was still used)."""
    return corpus.skipped[["file", "line", "reason", "kept", "detail"]].reset_index(drop=True)


def plot_lengths(corpus: Corpus) -> plt.Figure:
    """Words per article, one point per article, by outlet (with the outlet median)."""
    arts = corpus.articles.sort_values(["outlet", "article_id"])
    outlets = sorted(arts["outlet"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(len(outlets), 1)))
    for i, outlet in enumerate(outlets):
        w = arts.loc[arts["outlet"] == outlet, "n_words"]
        ax.scatter(w, [i] * len(w), color="tab:blue", alpha=0.7, zorder=3)
        ax.plot([w.median()] * 2, [i - 0.3, i + 0.3], color="black", lw=2, zorder=4)
        ax.annotate(
            f"n={len(w)}",
            (1.0, i),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_xlabel("words in the cleaned body (points = articles, bar = median)")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_timeline(corpus: Corpus) -> plt.Figure:
    """Publication dates by outlet; hollow markers for dates that are inferred, not printed."""
    arts = corpus.articles.dropna(subset=["published"]).copy()
    outlets = sorted(corpus.articles["outlet"].unique())
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(len(outlets), 1)))
    if not arts.empty:
        arts["date"] = pd.to_datetime(arts["published"], errors="coerce")
        arts = arts.dropna(subset=["date"])
        for i, outlet in enumerate(outlets):
            d = arts[arts["outlet"] == outlet]
            printed = d["date_source"] == "printed"
            ax.scatter(
                d.loc[printed, "date"],
                [i] * int(printed.sum()),
                color="tab:green",
                zorder=3,
                label="printed" if i == 0 else None,
            )
            ax.scatter(
                d.loc[~printed, "date"],
                [i] * int((~printed).sum()),
                facecolors="none",
                edgecolors="tab:orange",
                zorder=3,
                label="inferred / manifest" if i == 0 else None,
            )
        ax.legend(loc="best", fontsize=8)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_xlabel("published")
    ax.grid(axis="x", alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def plot_removed(corpus: Corpus) -> plt.Figure:
    """Removed lines per outlet, stacked by reason."""
    wide = removed_by_reason(corpus).set_index("outlet").drop(columns="total")
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(len(wide), 1)))
    if wide.shape[1]:
        wide.plot.barh(stacked=True, ax=ax, width=0.7, colormap="tab20")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xlabel("lines removed by the cleaner")
    ax.set_ylabel("")
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def describe(corpus: Corpus) -> str:
    """A short Markdown paragraph on what the corpus can and cannot support, computed from it.

    Outlet names and any other corpus text are HTML-escaped.
    """
    t = outlet_table(corpus)
    n_art = int(t["articles"].sum()) if len(t) else 0
    small = t[t["articles"] < MIN_ARTICLES_PER_OUTLET]["outlet"].tolist()
    esc = html.escape
    parts = [
        f"The corpus holds **{n_art} articles** from **{len(t)} outlets** "
        f"({int(t['sentences'].sum()) if len(t) else 0} sentences, {int(t['words'].sum()) if len(t) else 0} words after cleaning)."
    ]
    if len(t):
        most = t.sort_values(["quoted_share", "outlet"], ascending=[False, True]).iloc[0]
        least = t.sort_values(["quoted_share", "outlet"]).iloc[0]
        parts.append(
            f"Quoted speech ranges from {least['quoted_share']:.0%} of the words ({esc(str(least['outlet']))}) "
            f"to {most['quoted_share']:.0%} ({esc(str(most['outlet']))})."
        )
    if small:
        names = ", ".join(esc(str(s)) for s in small)
        parts.append(
            f"**Sample size:** {len(small)} of {len(t)} outlets have fewer than {MIN_ARTICLES_PER_OUTLET} "
            f"articles ({names}). For them, any difference from another outlet may be a difference "
            "between the particular stories, not between the outlets: treat such comparisons as "
            "descriptions of these articles, not as evidence about the outlets."
        )
    sk = corpus.skipped
    if len(sk):
        dropped = int((~sk["kept"]).sum())
        parts.append(
            f"{dropped} input(s) were skipped and {int(sk['kept'].sum())} flagged but kept; "
            "the table below says which and why."
        )
    return " ".join(parts)
