"""Vocabulary comparison between outlets: which words and phrases set each outlet apart.

Everything here works on the corpus tables (``sentences``, ``terms``; see
``docs/architecture.md``) or on plain ``term -> count`` mappings, so it runs the same on the
five-article sample and on hundreds of thousands of articles.

* :func:`term_counts` counts unigrams and n-grams per outlet or per article (lower-casing, stop
  words, minimum count, quoted speech kept or dropped, optional stemming).
* :func:`fightin_words` is the log-odds ratio with a Dirichlet prior of Monroe, Colaresi & Quinn
  (2008); :func:`one_vs_rest` scores every outlet against the pooled rest at once,
  :func:`top_terms` ranks them and :func:`zscore_matrix` turns them into an outlet x term
  matrix; :func:`pairwise` compares two chosen outlets; :func:`prior_pseudocounts` builds the
  uniform, pooled or background-corpus prior.
* :func:`keyness` and :func:`keyness_one_vs_rest` give the log-likelihood G2 (Dunning 1993),
  multiple-comparison corrected p-values, and the log ratio effect size (Hardie 2014), so
  significance and size are reported apart.
* :func:`mtld`, :func:`lexical_diversity`: MTLD (McCarthy & Jarvis 2010) per article and per
  outlet with a bootstrap interval over articles; :func:`overlap` (Jaccard) and
  :func:`unique_terms`; :func:`kwic` shows the sentences behind a term.
* :func:`plot_monroe`, :func:`plot_one_vs_rest`, :func:`plot_zscore_heatmap` and
  :func:`place_labels` draw the figures; :func:`sample_sizes` and :func:`caveat` say what the
  sample can show.

>>> a = {"soldier": 10, "war": 5, "mother": 1}
>>> b = {"soldier": 2, "war": 5, "mother": 9}
>>> fightin_words(a, b, prior=0.5)["zeta"].round(2).to_dict()
{'soldier': 3.12, 'war': 0.0, 'mother': -2.89}
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from newslens import segment, stats

# ---------------------------------------------------------------------------------------------
# constants

#: McCarthy & Jarvis (2010) factor size: a factor ends when the running type-token ratio
#: falls to this value.
MTLD_THRESHOLD = 0.72
#: Default total pseudo-count a_0 of the pooled and background priors. Monroe et al. (2008,
#: sec. 3.5) leave it to the analyst; 500 keeps the prior well below the size of any real
#: corpus while still shrinking terms seen once or twice.
DEFAULT_STRENGTH = 500.0
#: Hardie (2014): a zero frequency is replaced by this before taking the log ratio.
LOG_RATIO_ZERO = 0.5
#: Fewer articles than this per outlet and differences between outlets cannot be told apart from
#: differences between the stories they covered.
MIN_ARTICLES = 5

PriorKind = Literal["pooled", "uniform", "background"]
Stemmer = Literal["porter", "snowball"]

COUNT_COLUMNS = ["outlet", "term", "count"]
ARTICLE_COUNT_COLUMNS = ["article_id", "outlet", "term", "count"]
FW_COLUMNS = ["count_a", "count_b", "prior", "delta", "var", "zeta"]
OVR_COLUMNS = [
    "outlet",
    "term",
    "count",
    "count_rest",
    "frequency",
    "prior",
    "delta",
    "var",
    "zeta",
]
KEYNESS_COLUMNS = [
    "count_a",
    "count_b",
    "expected_a",
    "expected_b",
    "g2",
    "p_value",
    "p_adjusted",
    "significant",
    "log_ratio",
]
KWIC_COLUMNS = [
    "term",
    "outlet",
    "article_id",
    "sentence",
    "match_start",
    "match_end",
    "start",
    "end",
    "left",
    "match",
    "right",
    "text",
]

# A token is a word when it holds at least one letter or digit; segment.tokens already drops
# punctuation, but user-supplied tables may not.
_WORDLIKE = re.compile(r"\w")
# segment.tokens turns curly apostrophes into "'", so finding a token back in the raw sentence
# must accept any apostrophe.
_APOSTROPHES = "['\u2019\u2018\u02bc`]"


# ---------------------------------------------------------------------------------------------
# input helpers


def _table(corpus: Any, name: str) -> pd.DataFrame:
    """``corpus.<name>`` for a Corpus, or the DataFrame itself."""
    if isinstance(corpus, pd.DataFrame):
        return corpus
    table = getattr(corpus, name, None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"corpus must be a newslens Corpus (from newslens.load_corpus) or a {name} DataFrame, "
            f"got {type(corpus).__name__}"
        )
    return table


def _require(df: pd.DataFrame, columns: Iterable[str], *, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; expected the documented columns "
            f"(see docs/architecture.md), got {list(df.columns)}"
        )


def _select_outlets(df: pd.DataFrame, outlets: Sequence[str] | None) -> pd.DataFrame:
    if not outlets:
        return df
    if isinstance(outlets, str):
        outlets = [outlets]
    known = set(df["outlet"].unique())
    unknown = sorted(set(outlets) - known)
    if unknown:
        raise ValueError(
            f"outlets={unknown} not in the corpus; choose from {sorted(known)} (or [] for all)"
        )
    return df[df["outlet"].isin(list(outlets))]


def _check_ngram_range(ngram_range: tuple[int, int]) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in ngram_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"ngram_range must be a pair (min_n, max_n), got {ngram_range!r}"
        ) from None
    if lo < 1 or hi < lo:
        raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n, got {ngram_range!r}")
    return lo, hi


def stopword_set(stopwords: str | Path | Iterable[str] | None = None) -> frozenset[str]:
    """The stop words used for filtering, lower-cased.

    Args:
        stopwords: None for ``newslens.segment.stopwords()`` (the shipped offline list); a path
            to a text file with one word per line (``#`` starts a comment); or an iterable of
            words.

    >>> sorted(stopword_set(["The", "of"]))
    ['of', 'the']
    """
    if stopwords is None:
        return frozenset(w.lower() for w in segment.stopwords())
    if isinstance(stopwords, str | Path):
        # segment reads (and caches) word files with errors naming the file and line.
        return frozenset(w.lower() for w in segment.stopwords(stopwords))
    return frozenset(str(w).lower() for w in stopwords)


@cache
def _stem_function(stemmer: str | None) -> Callable[[str], str] | None:
    if stemmer is None:
        return None
    # Both stemmers are pure code in nltk: no downloaded data needed.
    from nltk.stem import PorterStemmer, SnowballStemmer

    if stemmer == "porter":
        stem = PorterStemmer().stem
    elif stemmer == "snowball":
        stem = SnowballStemmer("english").stem
    else:
        raise ValueError(f"stemmer={stemmer!r}: use None, 'porter' or 'snowball'")
    # Vocabulary follows Zipf's law, so a bounded cache absorbs nearly every call.
    return lru_cache(maxsize=200_000)(stem)


# ---------------------------------------------------------------------------------------------
# counting


def _normaliser(
    *, lower: bool, drop_stopwords: bool, stop: frozenset[str], stemmer: str | None
) -> Callable[[str], tuple[list[str], list[bool]]]:
    """Sentence -> (normalised tokens, is-stop-word flags)."""
    stem = _stem_function(stemmer)
    tokens_of = segment.tokens

    def run(text: str) -> tuple[list[str], list[bool]]:
        toks = [t for t in tokens_of(text, lower=lower) if _WORDLIKE.search(t)]
        if not drop_stopwords:
            flags = [False] * len(toks)
        elif lower:
            flags = [t in stop for t in toks]
        else:
            flags = [t.lower() in stop for t in toks]
        if stem is not None:
            # Stemmers lower-case; restore nothing, since a stemmed term is a lower-case key.
            toks = [stem(t) for t in toks]
        return toks, flags

    return run


def _ngrams(toks: list[str], flags: list[bool], lo: int, hi: int) -> list[str]:
    """All n-grams of one sentence; with stop words on, an n-gram may not start or end with one.

    The start/end rule follows textacy's ``filter_stops``: it keeps phrases such as
    "prisoners of war" while dropping "of the".
    """
    out: list[str] = []
    n_tok = len(toks)
    for n in range(lo, hi + 1):
        if n == 1:
            out.extend(t for t, f in zip(toks, flags, strict=True) if not f)
            continue
        for i in range(n_tok - n + 1):
            if flags[i] or flags[i + n - 1]:
                continue
            out.append(" ".join(toks[i : i + n]))
    return out


def _frame_from_counters(counters: dict[str, Counter]) -> tuple[np.ndarray, list[str], np.ndarray]:
    keys: list[np.ndarray] = []
    terms: list[str] = []
    counts: list[int] = []
    for k, counter in counters.items():
        terms.extend(counter.keys())
        counts.extend(counter.values())
        keys.append(np.full(len(counter), k, dtype=object))
    key_arr = np.concatenate(keys) if keys else np.array([], dtype=object)
    return key_arr, terms, np.asarray(counts, dtype=np.int64)


def term_counts(
    corpus: Any,
    *,
    by: Literal["outlet", "article"] = "outlet",
    ngram_range: tuple[int, int] = (1, 1),
    lower: bool = True,
    drop_stopwords: bool = True,
    stopwords: str | Path | Iterable[str] | None = None,
    min_count: int = 1,
    include_quotes: bool = True,
    stemmer: Stemmer | None = None,
    outlets: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count terms (unigrams and n-grams) per outlet or per article.

    Tokens come from ``newslens.segment.tokens`` applied to each sentence; n-grams never cross a
    sentence boundary. With ``drop_stopwords`` a unigram that is a stop word is dropped, and an
    n-gram is dropped when its first or last word is one (so "prisoners of war" stays). Lower-cased
    unigrams without stemming are summed from the corpus ``terms`` table when there is one, which
    is much faster than tokenising again.

    Args:
        corpus: a Corpus from ``newslens.load_corpus`` or a ``sentences`` DataFrame (columns
            ``article_id``, ``outlet``, ``text``, and ``in_quote`` when quotes are dropped).
        by: ``"outlet"`` or ``"article"``.
        ngram_range: (min_n, max_n) words per term, e.g. (1, 2) for unigrams and bigrams.
        lower: lower-case tokens first.
        drop_stopwords: drop stop words as described above.
        stopwords: None for the shipped list, a file path, or an iterable of words.
        min_count: keep terms whose count over the whole (selected) corpus is at least this.
        include_quotes: False drops sentences inside direct quotes (``in_quote``), to compare
            the outlets' own words rather than the words of the people they quote.
        stemmer: None, ``"porter"`` or ``"snowball"`` (nltk, no downloaded data).
        outlets: restrict to these outlets (None or [] = all).

    Returns:
        ``by="outlet"``: columns ``outlet``, ``term``, ``count`` ordered by (outlet, term);
        ``by="article"``: ``article_id``, ``outlet``, ``term``, ``count`` ordered by
        (article_id, term). Only non-zero counts are listed.

    >>> s = pd.DataFrame({"article_id": ["a1", "a1"], "outlet": ["X", "X"],
    ...                   "text": ["The soldiers cried.", "Soldiers surrendered."],
    ...                   "in_quote": [False, True]})
    >>> term_counts(s).to_dict("records")
    [{'outlet': 'X', 'term': 'cried', 'count': 1}, {'outlet': 'X', 'term': 'soldiers', 'count': 2}, {'outlet': 'X', 'term': 'surrendered', 'count': 1}]
    """
    if by not in ("outlet", "article"):
        raise ValueError(f"by={by!r}: use 'outlet' or 'article'")
    lo, hi = _check_ngram_range(ngram_range)
    if int(min_count) < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    stop = stopword_set(stopwords) if drop_stopwords else frozenset()
    stem = _stem_function(stemmer)  # validates the name early

    terms_table = None if isinstance(corpus, pd.DataFrame) else getattr(corpus, "terms", None)
    fast = (
        (lo, hi) == (1, 1)
        and lower
        and stem is None
        and isinstance(terms_table, pd.DataFrame)
        and not terms_table.empty
    )
    if fast:
        out = _counts_from_terms(
            terms_table, by=by, stop=stop, include_quotes=include_quotes, outlets=outlets
        )
    else:
        sentences = _table(corpus, "sentences")
        _require(sentences, ["article_id", "outlet", "text"], name="sentences")
        sentences = _select_outlets(sentences, outlets)
        if not include_quotes:
            _require(sentences, ["in_quote"], name="sentences")
            sentences = sentences[~sentences["in_quote"].astype(bool)]
        out = _count_sentences(
            sentences,
            by=by,
            lo=lo,
            hi=hi,
            lower=lower,
            drop_stopwords=drop_stopwords,
            stop=stop,
            stemmer=stemmer,
        )
    if int(min_count) > 1 and not out.empty:
        total = out.groupby("term", sort=False)["count"].transform("sum")
        out = out[total >= int(min_count)]
    return out.reset_index(drop=True)


def _counts_from_terms(
    terms: pd.DataFrame,
    *,
    by: str,
    stop: frozenset[str],
    include_quotes: bool,
    outlets: Sequence[str] | None,
) -> pd.DataFrame:
    _require(terms, ["article_id", "outlet", "term", "in_quote", "count"], name="terms")
    t = _select_outlets(terms, outlets)
    # Decide once per distinct term, not once per row: the vocabulary is far smaller.
    dropped = [u for u in t["term"].unique() if u in stop or not _WORDLIKE.search(u)]
    keep = ~t["term"].isin(dropped)
    if not include_quotes:
        keep &= ~t["in_quote"].astype(bool)
    t = t[keep.to_numpy(dtype=bool)]
    keys = ["outlet", "term"] if by == "outlet" else ["article_id", "outlet", "term"]
    out = t.groupby(keys, sort=True, observed=True)["count"].sum().reset_index()
    out["count"] = out["count"].astype(np.int64)
    cols = COUNT_COLUMNS if by == "outlet" else ARTICLE_COUNT_COLUMNS
    return out[cols]


def _count_sentences(
    sentences: pd.DataFrame,
    *,
    by: str,
    lo: int,
    hi: int,
    lower: bool,
    drop_stopwords: bool,
    stop: frozenset[str],
    stemmer: str | None,
) -> pd.DataFrame:
    key_col = "outlet" if by == "outlet" else "article_id"
    counters: dict[str, Counter] = {}
    keys_texts = zip(sentences[key_col].tolist(), sentences["text"].tolist(), strict=True)
    if (lo, hi) == (1, 1) and stemmer is None:
        # Plain unigrams: count every token, then drop stop words and non-words once per
        # distinct term (the vocabulary is far smaller than the token stream).
        tokens_of = segment.tokens
        for key, text in keys_texts:
            counter = counters.get(key)
            if counter is None:
                counter = counters[key] = Counter()
            counter.update(tokens_of(text if isinstance(text, str) else "", lower=lower))
        vocab_seen = set().union(*counters.values()) if counters else set()
        bad = {
            t
            for t in vocab_seen
            if not _WORDLIKE.search(t) or (drop_stopwords and t.lower() in stop)
        }
        for counter in counters.values():
            for t in bad.intersection(counter):
                del counter[t]
    else:
        norm = _normaliser(lower=lower, drop_stopwords=drop_stopwords, stop=stop, stemmer=stemmer)
        for key, text in keys_texts:
            toks, flags = norm(text if isinstance(text, str) else "")
            grams = _ngrams(toks, flags, lo, hi)
            if grams:
                counter = counters.get(key)
                if counter is None:
                    counter = counters[key] = Counter()
                counter.update(grams)
    counters = {k: c for k, c in counters.items() if c}
    keys, terms, counts = _frame_from_counters(counters)
    out = pd.DataFrame({key_col: keys, "term": terms, "count": counts})
    if by == "article":
        outlet_of = sentences.drop_duplicates("article_id").set_index("article_id")["outlet"]
        out["outlet"] = out["article_id"].map(outlet_of)
        out = out[ARTICLE_COUNT_COLUMNS]
        out = out.sort_values(["article_id", "term"], kind="stable")
    else:
        out = out.sort_values(["outlet", "term"], kind="stable")
    out[key_col] = out[key_col].astype(str)
    out["term"] = out["term"].astype(str)
    return out


def outlet_totals(counts: pd.DataFrame, outlet: str) -> pd.Series:
    """One outlet's ``term -> count`` Series from a :func:`term_counts` table.

    >>> c = pd.DataFrame({"outlet": ["X", "Y"], "term": ["war", "war"], "count": [3, 1]})
    >>> outlet_totals(c, "X").to_dict()
    {'war': 3}
    """
    _require(counts, COUNT_COLUMNS, name="counts")
    rows = counts[counts["outlet"] == outlet]
    if rows.empty:
        raise ValueError(
            f"outlet={outlet!r} has no counts; choose from {sorted(counts['outlet'].unique())}"
        )
    return rows.groupby("term", sort=True)["count"].sum()


# ---------------------------------------------------------------------------------------------
# Fightin' Words


def _as_series(counts: Mapping[str, float] | pd.Series, *, name: str) -> pd.Series:
    if isinstance(counts, pd.Series):
        s = counts.astype(float)
    elif isinstance(counts, Mapping):
        s = pd.Series(dict(counts), dtype=float)
    else:
        raise TypeError(f"{name} must be a term -> count mapping, got {type(counts).__name__}")
    s.index = s.index.astype(str)
    if s.index.has_duplicates:
        s = s.groupby(level=0).sum()
    if s.isna().any() or (s < 0).any():
        bad = s[s.isna() | (s < 0)].index[:3].tolist()
        raise ValueError(f"{name} must hold non-negative counts; bad terms: {bad}")
    return s


def fightin_words(
    counts_a: Mapping[str, float] | pd.Series,
    counts_b: Mapping[str, float] | pd.Series,
    *,
    prior: float | Mapping[str, float] | pd.Series = 0.01,
) -> pd.DataFrame:
    """Log-odds ratio with a Dirichlet prior, and its z-score (Fightin' Words).

    Method: Monroe, Colaresi & Quinn (2008), "Fightin' Words", *Political Analysis* 16(4),
    eqs. 16 and 19-22. For term w, groups i (= a) and j (= b) with sizes n_i, n_j, prior
    pseudo-counts a_w and a_0 = sum of a_w over the vocabulary (the terms seen in a or b):

        delta_w = log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w))
                - log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
        var(delta_w) ~ 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
        zeta_w = delta_w / sqrt(var(delta_w))

    Positive zeta: the term is more typical of ``a``. Unlike raw frequency differences or the
    plain log-odds ratio, zeta neither rewards frequent words by size alone nor rare words by
    chance.

    Args:
        counts_a, counts_b: ``term -> count`` mappings (dict, Counter or Series).
        prior: a number (the same pseudo-count a_w for every term: the uninformative prior), or
            a ``term -> pseudo-count`` mapping (an informative prior, e.g. from
            :func:`prior_pseudocounts`), which must give a positive value for every term seen in
            ``a`` or ``b``; its other terms are ignored.

    Returns:
        DataFrame indexed by ``term`` (terms with a non-zero count in a or b) with columns
        ``count_a``, ``count_b``, ``prior`` (a_w), ``delta``, ``var``, ``zeta``; ordered by
        zeta descending, then term. ``attrs`` holds ``n_a``, ``n_b`` and ``a0``.

    Raises:
        ValueError: when either side has no counts, or the prior is not positive for a term.

    >>> fw = fightin_words({"war": 6, "peace": 2}, {"war": 2, "peace": 6}, prior=1)
    >>> fw.loc["war", ["count_a", "count_b"]].tolist(), round(float(fw.loc["war", "zeta"]), 4)
    ([6.0, 2.0], 2.4557)
    """
    a = _as_series(counts_a, name="counts_a")
    b = _as_series(counts_b, name="counts_b")
    vocab = a.index.union(b.index)
    ya = a.reindex(vocab, fill_value=0.0).to_numpy()
    yb = b.reindex(vocab, fill_value=0.0).to_numpy()
    seen = (ya + yb) > 0
    vocab, ya, yb = vocab[seen], ya[seen], yb[seen]
    if ya.sum() == 0 or yb.sum() == 0:
        side = "counts_a" if ya.sum() == 0 else "counts_b"
        raise ValueError(f"{side} is empty: Fightin' Words needs counts on both sides")
    if isinstance(prior, Mapping | pd.Series):
        p = _as_series(prior, name="prior")
        aw = p.reindex(vocab).to_numpy()
        missing = vocab[np.isnan(aw) | (np.nan_to_num(aw) <= 0)]
        if len(missing):
            raise ValueError(
                f"prior has no positive pseudo-count for {len(missing)} term(s), e.g. "
                f"{missing[:3].tolist()}; build it with vocab.prior_pseudocounts(...) over the "
                f"vocabulary of both sides, or pass a number"
            )
    else:
        value = float(prior)
        if not value > 0:
            raise ValueError(f"prior must be a positive pseudo-count, got {prior!r}")
        aw = np.full(len(vocab), value)
    out = _fw_arrays(ya, yb, aw)
    df = pd.DataFrame(
        {"count_a": ya, "count_b": yb, "prior": aw, **out},
        index=pd.Index(vocab, name="term"),
    )
    df = _sort_desc_then_term(df, "zeta")
    df.attrs.update(n_a=float(ya.sum()), n_b=float(yb.sum()), a0=float(aw.sum()))
    return df


def _fw_arrays(ya: np.ndarray, yb: np.ndarray, aw: np.ndarray) -> dict[str, np.ndarray]:
    """Monroe et al. (2008) eqs. 16, 19-22 on aligned arrays (shared by the pairwise and
    one-vs-rest scorers)."""
    a0 = aw.sum()
    na, nb = ya.sum(), yb.sum()
    delta = np.log((ya + aw) / (na + a0 - ya - aw)) - np.log((yb + aw) / (nb + a0 - yb - aw))
    var = 1.0 / (ya + aw) + 1.0 / (yb + aw)
    return {"delta": delta, "var": var, "zeta": delta / np.sqrt(var)}


def _sort_desc_then_term(df: pd.DataFrame, col: str) -> pd.DataFrame:
    # Sorting on (-value, term) makes ties deterministic.
    key = pd.DataFrame({"v": -df[col].to_numpy(), "t": df.index.to_numpy()})
    order = np.lexsort((key["t"].to_numpy(dtype=str), key["v"].to_numpy()))
    return df.iloc[order]


def load_background(path: str | Path) -> pd.Series:
    """Read background-corpus counts for an informative prior from a CSV file.

    The file needs the columns ``term`` and ``count`` (e.g. word frequencies of a large news
    corpus); repeated terms are summed.

    Raises:
        FileNotFoundError, ValueError: naming the file and the problem.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "bg.csv")
    ...     _ = open(p, "w").write("term,count\\nwar,10\\npeace,4\\n")
    ...     load_background(p).to_dict()
    {'peace': 4.0, 'war': 10.0}
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise FileNotFoundError(f"background counts file {p} not found (CSV with term,count)")
    try:
        df = pd.read_csv(p, dtype={"term": str}, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{p}: cannot read as CSV with columns term,count ({exc})") from exc
    if not {"term", "count"} <= set(df.columns):
        raise ValueError(f"{p}: needs columns 'term' and 'count', found {list(df.columns)}")
    count = pd.to_numeric(df["count"], errors="coerce")
    bad = count.isna() | (count < 0)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # 1-based, after the header
        raise ValueError(f"{p}, line {line}: count must be a non-negative number")
    return count.groupby(df["term"].astype(str)).sum().astype(float).sort_index()


def prior_pseudocounts(
    counts: Mapping[str, float] | pd.Series,
    *,
    kind: PriorKind = "pooled",
    strength: float = DEFAULT_STRENGTH,
    background: Mapping[str, float] | pd.Series | str | Path | None = None,
) -> pd.Series:
    """Dirichlet prior pseudo-counts a_w for Fightin' Words over a vocabulary.

    Method: Monroe, Colaresi & Quinn (2008), sec. 3.5: an informative prior a_w = a_0 * pi_w,
    with pi_w the term's share in a reference distribution and a_0 (``strength``) the total
    pseudo-count, i.e. how many words' worth of belief the prior adds.

    * ``"pooled"``: pi_w from ``counts`` themselves (the pooled corpus of the compared groups);
    * ``"uniform"``: pi_w = 1 / |V| (uninformative; a_w = strength / |V|);
    * ``"background"``: pi_w from a background corpus, add-0.5 smoothed so a term missing from
      the background still has a positive pseudo-count: pi_w = (b_w + 0.5) / sum_V (b_v + 0.5).

    Args:
        counts: pooled ``term -> count`` of the corpus; its terms are the vocabulary V.
        kind: ``"pooled"``, ``"uniform"`` or ``"background"``.
        strength: a_0, the total pseudo-count (> 0).
        background: background counts (mapping, or a CSV path for :func:`load_background`);
            required for ``kind="background"``.

    Returns:
        Series ``term -> a_w`` indexed by the sorted vocabulary, summing to ``strength``.

    >>> prior_pseudocounts({"war": 3, "peace": 1}, strength=8).to_dict()
    {'peace': 2.0, 'war': 6.0}
    """
    c = _as_series(counts, name="counts")
    c = c[c > 0].sort_index()
    if c.empty:
        raise ValueError("counts is empty: no vocabulary to put a prior on")
    strength = float(strength)
    if not strength > 0:
        raise ValueError(f"strength must be a positive total pseudo-count, got {strength}")
    if kind == "pooled":
        share = c / c.sum()
    elif kind == "uniform":
        share = pd.Series(1.0 / len(c), index=c.index)
    elif kind == "background":
        if background is None:
            raise ValueError("kind='background' needs background= (a mapping or a CSV path)")
        bg = (
            load_background(background)
            if isinstance(background, str | Path)
            else _as_series(background, name="background")
        )
        smoothed = bg.reindex(c.index, fill_value=0.0) + 0.5
        share = smoothed / smoothed.sum()
    else:
        raise ValueError(f"kind={kind!r}: use 'pooled', 'uniform' or 'background'")
    return (share * strength).rename("prior").rename_axis("term")


def _dense(counts: pd.DataFrame) -> tuple[list[str], pd.Index, np.ndarray]:
    """Outlet x term count matrix (outlets are few; the vocabulary stays one axis)."""
    _require(counts, COUNT_COLUMNS, name="counts")
    outlet_cat = pd.Categorical(counts["outlet"])
    term_cat = pd.Categorical(counts["term"])
    mat = np.zeros((len(outlet_cat.categories), len(term_cat.categories)), dtype=np.float64)
    np.add.at(mat, (outlet_cat.codes, term_cat.codes), counts["count"].to_numpy(dtype=float))
    return [str(o) for o in outlet_cat.categories], pd.Index(term_cat.categories.astype(str)), mat


def one_vs_rest(
    counts: pd.DataFrame,
    *,
    prior: PriorKind | float = "pooled",
    strength: float = DEFAULT_STRENGTH,
    background: Mapping[str, float] | pd.Series | str | Path | None = None,
) -> pd.DataFrame:
    """Fightin' Words z-scores of every outlet against all the other outlets pooled.

    Method: Monroe, Colaresi & Quinn (2008) eqs. 16, 19-22 (see :func:`fightin_words`), run
    once per outlet with group i = the outlet and group j = the rest of the corpus, all with the
    same prior. Compares every outlet at once instead of two at a time.

    Args:
        counts: a :func:`term_counts` table (``outlet``, ``term``, ``count``) with >= 2 outlets.
        prior: ``"pooled"``, ``"uniform"``, ``"background"`` (see :func:`prior_pseudocounts`)
            or a number (the same pseudo-count for every term).
        strength: a_0 for the named priors.
        background: background counts or CSV path for ``prior="background"``.

    Returns:
        Columns ``outlet``, ``term``, ``count`` (in the outlet), ``count_rest``, ``frequency``
        (corpus total), ``prior``, ``delta``, ``var``, ``zeta``: one row per outlet and term of
        the vocabulary (including terms the outlet never uses: strongly negative zeta), ordered
        by (outlet, zeta descending, term). ``attrs["n"]`` maps outlet -> tokens counted.

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> ovr = one_vs_rest(c, prior=1.0)
    >>> ovr[ovr.outlet == "X"].term.tolist()
    ['tank', 'war', 'cry']
    """
    outlets, vocab, mat = _dense(counts)
    if len(outlets) < 2:
        raise ValueError(
            f"one_vs_rest needs at least 2 outlets with counts, found {outlets}; with one outlet "
            f"there is nothing to compare against"
        )
    total = mat.sum(axis=0)
    if isinstance(prior, str):
        aw = (
            prior_pseudocounts(
                pd.Series(total, index=vocab), kind=prior, strength=strength, background=background
            )
            .reindex(vocab)
            .to_numpy()
        )
    else:
        value = float(prior)
        if not value > 0:
            raise ValueError(
                f"prior must be 'pooled', 'uniform', 'background' or > 0, got {prior!r}"
            )
        aw = np.full(len(vocab), value)
    frames = []
    n_by_outlet = {}
    for k, outlet in enumerate(outlets):
        ya = mat[k]
        yb = total - ya
        n_by_outlet[outlet] = float(ya.sum())
        res = _fw_arrays(ya, yb, aw)
        # Sort within the outlet block: zeta descending, ties by term.
        order = np.lexsort((vocab.to_numpy(dtype=str), -res["zeta"]))
        frames.append(
            pd.DataFrame(
                {
                    "outlet": outlet,
                    "term": vocab.to_numpy(dtype=object)[order],
                    "count": ya[order].astype(np.int64),
                    "count_rest": yb[order].astype(np.int64),
                    "frequency": total[order].astype(np.int64),
                    "prior": aw[order],
                    "delta": res["delta"][order],
                    "var": res["var"][order],
                    "zeta": res["zeta"][order],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.attrs["n"] = n_by_outlet
    out.attrs["prior"] = (
        f"{prior} (a0 = {float(aw.sum()):g})" if isinstance(prior, str) else f"a_w = {prior:g}"
    )
    return out


def pairwise(
    counts: pd.DataFrame,
    outlet_a: str,
    outlet_b: str,
    *,
    prior: PriorKind | float = "pooled",
    strength: float = DEFAULT_STRENGTH,
    background: Mapping[str, float] | pd.Series | str | Path | None = None,
) -> pd.DataFrame:
    """Fightin' Words between two chosen outlets.

    Method: Monroe, Colaresi & Quinn (2008) eqs. 16, 19-22 via :func:`fightin_words`; the named
    priors are computed over the two outlets' pooled vocabulary (or background, see
    :func:`prior_pseudocounts`).

    Returns:
        :func:`fightin_words`' table (positive zeta = typical of ``outlet_a``).

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> pairwise(c, "X", "Y", prior=1.0).index.tolist()
    ['tank', 'war', 'cry']
    """
    if outlet_a == outlet_b:
        raise ValueError(f"outlet_a and outlet_b are both {outlet_a!r}; choose two outlets")
    a = outlet_totals(counts, outlet_a)
    b = outlet_totals(counts, outlet_b)
    if isinstance(prior, str):
        pooled = a.add(b, fill_value=0)
        p: float | pd.Series = prior_pseudocounts(
            pooled, kind=prior, strength=strength, background=background
        )
    else:
        p = float(prior)
    return fightin_words(a, b, prior=p)


def top_terms(
    scores: pd.DataFrame, *, n: int = 10, end: Literal["top", "bottom"] = "top"
) -> pd.DataFrame:
    """Each outlet's ``n`` most (``end="top"``) or least typical terms from :func:`one_vs_rest`.

    Returns:
        The rows of ``scores`` with a ``rank`` column (1 = most extreme) after ``outlet``,
        ordered by (outlet, rank).

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> top_terms(one_vs_rest(c, prior=1.0), n=1)[["outlet", "rank", "term"]].values.tolist()
    [['X', 1, 'tank'], ['Y', 1, 'cry']]
    """
    _require(scores, ["outlet", "term", "zeta"], name="scores")
    if int(n) < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if end not in ("top", "bottom"):
        raise ValueError(f"end={end!r}: use 'top' or 'bottom'")
    sign = -1.0 if end == "top" else 1.0
    ranked = scores.assign(_key=sign * scores["zeta"].astype(float)).sort_values(
        ["outlet", "_key", "term"], kind="stable"
    )
    out = ranked.groupby("outlet", sort=True).head(int(n)).drop(columns="_key")
    out.insert(1, "rank", out.groupby("outlet").cumcount() + 1)
    return out.reset_index(drop=True)


def zscore_matrix(
    scores: pd.DataFrame, *, top_n: int = 10, terms: Sequence[str] | None = None
) -> pd.DataFrame:
    """Outlet x term matrix of :func:`one_vs_rest` z-scores for the most distinctive terms.

    Args:
        scores: :func:`one_vs_rest` output.
        top_n: for each outlet, its ``top_n`` highest-zeta terms (ignored with ``terms``).
        terms: explicit terms (columns in this order).

    Returns:
        DataFrame indexed by outlet (sorted), one column per term. Without ``terms`` the columns
        are grouped by the outlet whose top term they are (outlets in order, zeta descending
        within), each term listed once.

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> zscore_matrix(one_vs_rest(c, prior=1.0), top_n=1).columns.tolist()
    ['tank', 'cry']
    """
    _require(scores, ["outlet", "term", "zeta"], name="scores")
    if terms is None:
        if int(top_n) < 1:
            raise ValueError(f"top_n must be >= 1, got {top_n}")
        chosen: list[str] = []
        # scores is ordered by (outlet, zeta desc, term), so head() is each outlet's top.
        for term in scores.groupby("outlet", sort=True).head(int(top_n))["term"]:
            if term not in chosen:
                chosen.append(term)
    else:
        chosen = list(dict.fromkeys(str(t) for t in terms))
        unknown = sorted(set(chosen) - set(scores["term"]))
        if unknown:
            raise ValueError(f"terms {unknown[:5]} are not in scores")
    sub = scores[scores["term"].isin(chosen)]
    mat = sub.pivot(index="outlet", columns="term", values="zeta")
    return mat.reindex(columns=chosen).sort_index()


# ---------------------------------------------------------------------------------------------
# keyness


def keyness(
    counts_a: Mapping[str, float] | pd.Series,
    counts_b: Mapping[str, float] | pd.Series,
    *,
    correction: Literal["holm", "fdr_bh"] = "holm",
    alpha: float = 0.05,
    zero: float = LOG_RATIO_ZERO,
) -> pd.DataFrame:
    """Keyness of every term: log-likelihood G2 with corrected p-values, and the log ratio.

    Method: G2 of Dunning (1993, *Computational Linguistics* 19(1)) in the two-cell form of
    Rayson & Garside (2000, "Comparing corpora using frequency profiling"): with a, b the term's
    counts and c, d the corpus sizes, E1 = c (a + b) / (c + d), E2 = d (a + b) / (c + d) and
    G2 = 2 (a ln(a / E1) + b ln(b / E2)) (0 ln 0 = 0). p-values from chi-square with 1 df,
    adjusted over all terms with ``newslens.stats.adjust_pvalues``. Effect size: Hardie's (2014)
    log ratio, log2((a / c) / (b / d)), with a zero count replaced by ``zero`` (0.5, as Hardie
    suggests) so it stays finite; each unit is a doubling of relative frequency.

    Args:
        counts_a, counts_b: ``term -> count`` mappings (a = the study corpus).
        correction: ``"holm"`` (family-wise error) or ``"fdr_bh"`` (false discovery rate).
        alpha: level for the ``significant`` column (on adjusted p-values).
        zero: replacement for a zero count in the log ratio only.

    Returns:
        DataFrame indexed by ``term`` with ``count_a``, ``count_b``, ``expected_a``,
        ``expected_b``, ``g2``, ``p_value``, ``p_adjusted``, ``significant``, ``log_ratio``
        (positive = more frequent in a); ordered by g2 descending, then term. ``attrs`` holds
        ``n_a``, ``n_b``.

    >>> k = keyness({"war": 10, "the": 90}, {"war": 2, "the": 98})
    >>> round(float(k.loc["war", "g2"]), 3), round(float(k.loc["war", "log_ratio"]), 3)
    (5.822, 2.322)
    """
    a = _as_series(counts_a, name="counts_a")
    b = _as_series(counts_b, name="counts_b")
    vocab = a.index.union(b.index)
    ya = a.reindex(vocab, fill_value=0.0).to_numpy()
    yb = b.reindex(vocab, fill_value=0.0).to_numpy()
    seen = (ya + yb) > 0
    vocab, ya, yb = vocab[seen], ya[seen], yb[seen]
    c, d = ya.sum(), yb.sum()
    if c == 0 or d == 0:
        side = "counts_a" if c == 0 else "counts_b"
        raise ValueError(f"{side} is empty: keyness needs counts on both sides")
    if not zero > 0:
        raise ValueError(f"zero must be a positive replacement count, got {zero}")
    res = _keyness_arrays(ya, yb, c, d, zero=zero)
    p_adj = stats.adjust_pvalues(res["p_value"], method=correction)
    df = pd.DataFrame(
        {
            "count_a": ya,
            "count_b": yb,
            "expected_a": res["expected_a"],
            "expected_b": res["expected_b"],
            "g2": res["g2"],
            "p_value": res["p_value"],
            "p_adjusted": p_adj,
            "significant": p_adj < alpha,
            "log_ratio": res["log_ratio"],
        },
        index=pd.Index(vocab, name="term"),
    )
    df = _sort_desc_then_term(df, "g2")
    df.attrs.update(n_a=float(c), n_b=float(d), correction=correction, alpha=alpha)
    return df


def _keyness_arrays(
    ya: np.ndarray, yb: np.ndarray, c: float, d: float, *, zero: float
) -> dict[str, np.ndarray]:
    """Rayson & Garside (2000) G2 and Hardie (2014) log ratio on aligned arrays."""
    e1 = c * (ya + yb) / (c + d)
    e2 = d * (ya + yb) / (c + d)
    # xlogy gives 0 * log(0) = 0, the convention of the G2 formula.
    g2 = 2.0 * (special.xlogy(ya, ya / e1) + special.xlogy(yb, yb / e2))
    g2 = np.maximum(g2, 0.0)  # rounding can give -1e-16 when a/E1 == 1
    p = sps.chi2.sf(g2, df=1)
    fa = np.where(ya > 0, ya, zero) / c
    fb = np.where(yb > 0, yb, zero) / d
    return {
        "expected_a": e1,
        "expected_b": e2,
        "g2": g2,
        "p_value": p,
        "log_ratio": np.log2(fa / fb),
    }


def keyness_one_vs_rest(
    counts: pd.DataFrame,
    *,
    correction: Literal["holm", "fdr_bh"] = "holm",
    alpha: float = 0.05,
    zero: float = LOG_RATIO_ZERO,
) -> pd.DataFrame:
    """Keyness (G2, corrected p, log ratio) of every outlet against all other outlets pooled.

    Method: as :func:`keyness` (Dunning 1993; Rayson & Garside 2000; Hardie 2014); p-values are
    adjusted within each outlet over all its terms (one family per outlet).

    Returns:
        Columns ``outlet``, ``term``, ``count``, ``count_rest``, ``expected``, ``g2``,
        ``p_value``, ``p_adjusted``, ``significant``, ``log_ratio``; ordered by (outlet, g2
        descending, term). ``attrs["n"]`` maps outlet -> tokens.

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "the", "war", "the"],
    ...                   "count": [10, 90, 2, 98]})
    >>> keyness_one_vs_rest(c).query("outlet == 'X'").term.tolist()
    ['war', 'the']
    """
    outlets, vocab, mat = _dense(counts)
    if len(outlets) < 2:
        raise ValueError(f"keyness_one_vs_rest needs at least 2 outlets, found {outlets}")
    total = mat.sum(axis=0)
    n_all = total.sum()
    frames = []
    n_by_outlet = {}
    terms = vocab.to_numpy(dtype=object)
    for k, outlet in enumerate(outlets):
        ya = mat[k]
        yb = total - ya
        c = ya.sum()
        n_by_outlet[outlet] = float(c)
        res = _keyness_arrays(ya, yb, c, n_all - c, zero=zero)
        p_adj = stats.adjust_pvalues(res["p_value"], method=correction)
        order = np.lexsort((vocab.to_numpy(dtype=str), -res["g2"]))
        frames.append(
            pd.DataFrame(
                {
                    "outlet": outlet,
                    "term": terms[order],
                    "count": ya[order].astype(np.int64),
                    "count_rest": yb[order].astype(np.int64),
                    "expected": res["expected_a"][order],
                    "g2": res["g2"][order],
                    "p_value": res["p_value"][order],
                    "p_adjusted": p_adj[order],
                    "significant": p_adj[order] < alpha,
                    "log_ratio": res["log_ratio"][order],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(n=n_by_outlet, correction=correction, alpha=alpha)
    return out


# ---------------------------------------------------------------------------------------------
# lexical measures


def _mtld_pass(tokens: Sequence[str], threshold: float) -> float:
    factors = 0.0
    types: set[str] = set()
    n = 0
    ttr = 1.0
    for tok in tokens:
        n += 1
        types.add(tok)
        ttr = len(types) / n
        if ttr <= threshold:
            factors += 1.0
            types = set()
            n = 0
            ttr = 1.0
    if n > 0:
        # The remainder counts as the fraction of a factor it has covered.
        factors += (1.0 - ttr) / (1.0 - threshold)
    return len(tokens) / factors if factors > 0 else math.nan


def mtld(tokens: Sequence[str], *, threshold: float = MTLD_THRESHOLD) -> float:
    """Measure of Textual Lexical Diversity of a token sequence.

    Method: McCarthy & Jarvis (2010), *Behavior Research Methods* 42(2), 381-392. Reading
    forward, a factor ends each time the running type-token ratio falls to ``threshold`` (0.72);
    the leftover segment counts as a partial factor (1 - TTR) / (1 - threshold). MTLD = tokens /
    factors, averaged over a forward and a backward pass. Roughly: the mean length of a stretch
    of text that keeps a TTR above 0.72; unlike TTR it does not fall with text length. The
    authors advise at least 100 tokens.

    Args:
        tokens: the words, in order (lower-case them first for a case-blind measure).
        threshold: factor size, in (0, 1).

    Returns:
        MTLD, or NaN for an empty sequence and when no factor completes and every token is
        distinct (TTR stays 1: diversity cannot be measured).

    >>> mtld(["a", "b", "a", "b"])
    4.0
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    toks = list(tokens)
    if not toks:
        return math.nan
    fwd = _mtld_pass(toks, threshold)
    bwd = _mtld_pass(toks[::-1], threshold)
    return float(np.mean([fwd, bwd])) if not (math.isnan(fwd) or math.isnan(bwd)) else math.nan


def article_tokens(
    corpus: Any,
    *,
    include_quotes: bool = True,
    lower: bool = True,
    outlets: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Running tokens of each article (all words, stop words kept), in reading order.

    Returns:
        Columns ``article_id``, ``outlet``, ``tokens`` (list of str), ordered by article_id.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "sentence": [0, 1],
    ...                   "text": ["Hello there.", "Bye."], "in_quote": [False, False]})
    >>> article_tokens(s).tokens.tolist()
    [['hello', 'there', 'bye']]
    """
    sentences = _table(corpus, "sentences")
    _require(sentences, ["article_id", "outlet", "text"], name="sentences")
    sentences = _select_outlets(sentences, outlets)
    if not include_quotes:
        _require(sentences, ["in_quote"], name="sentences")
        sentences = sentences[~sentences["in_quote"].astype(bool)]
    if "sentence" in sentences.columns:
        sentences = sentences.sort_values(["article_id", "sentence"], kind="stable")
    else:
        sentences = sentences.sort_values("article_id", kind="stable")
    rows: dict[str, list[str]] = {}
    outlet_of: dict[str, str] = {}
    for aid, outlet, text in zip(
        sentences["article_id"].tolist(),
        sentences["outlet"].tolist(),
        sentences["text"].tolist(),
        strict=True,
    ):
        toks = [
            t
            for t in segment.tokens(text if isinstance(text, str) else "", lower=lower)
            if _WORDLIKE.search(t)
        ]
        rows.setdefault(aid, []).extend(toks)
        outlet_of[aid] = outlet
    ids = sorted(rows)
    return pd.DataFrame(
        {
            "article_id": ids,
            "outlet": [outlet_of[i] for i in ids],
            "tokens": [rows[i] for i in ids],
        },
        columns=["article_id", "outlet", "tokens"],
    )


def lexical_diversity(
    corpus: Any,
    *,
    include_quotes: bool = True,
    outlets: Sequence[str] | None = None,
    threshold: float = MTLD_THRESHOLD,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    min_articles: int = MIN_ARTICLES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MTLD per article and per outlet, with a bootstrap interval over articles.

    Method: MTLD of McCarthy & Jarvis (2010) (see :func:`mtld`) for each article; an outlet's
    value is the mean over its articles, with a percentile bootstrap interval resampling
    articles (``newslens.stats.bootstrap_ci``; Efron & Tibshirani 1993), so the interval
    reflects variation between articles, the unit that was sampled.

    Args:
        corpus: Corpus or sentences DataFrame.
        include_quotes: False measures only the outlets' own sentences.
        outlets: restrict to these outlets.
        threshold: MTLD factor size.
        n_boot, ci, seed: bootstrap settings.
        min_articles: outlets with fewer articles get a ``note`` saying the value describes
            those articles, not the outlet.

    Returns:
        ``(per_outlet, per_article)``. ``per_outlet``: ``outlet``, ``n_articles``, ``n_tokens``,
        ``mtld`` (mean of article MTLDs), ``ci_low``, ``ci_high`` (NaN with one article),
        ``method``, ``note``; ordered by outlet. ``per_article``: ``article_id``, ``outlet``,
        ``n_tokens``, ``mtld``; ordered by article_id.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "text": ["a b a b"]})
    >>> per_outlet, _ = lexical_diversity(s)
    >>> per_outlet[["outlet", "n_articles", "mtld"]].to_dict("records")
    [{'outlet': 'X', 'n_articles': 1, 'mtld': 4.0}]
    """
    toks = article_tokens(corpus, include_quotes=include_quotes, outlets=outlets)
    per_article = pd.DataFrame(
        {
            "article_id": toks["article_id"],
            "outlet": toks["outlet"],
            "n_tokens": toks["tokens"].map(len).astype(np.int64),
            "mtld": [mtld(t, threshold=threshold) for t in toks["tokens"]],
        }
    )
    rows = []
    for outlet, grp in per_article.groupby("outlet", sort=True):
        res = stats.bootstrap_ci(grp["mtld"].to_numpy(), n_boot=n_boot, ci=ci, seed=seed)
        n_art = len(grp)
        if n_art < 2:
            note = "one article: no interval; the value describes that article, not the outlet"
        elif n_art < min_articles:
            note = f"only {n_art} articles: interval is rough, conclusions about the outlet weak"
        else:
            note = ""
        rows.append(
            {
                "outlet": outlet,
                "n_articles": n_art,
                "n_tokens": int(grp["n_tokens"].sum()),
                "mtld": res.estimate,
                "ci_low": res.low,
                "ci_high": res.high,
                "method": res.method,
                "note": note,
            }
        )
    cols = ["outlet", "n_articles", "n_tokens", "mtld", "ci_low", "ci_high", "method", "note"]
    return pd.DataFrame(rows, columns=cols), per_article


def overlap(counts: pd.DataFrame) -> pd.DataFrame:
    """Vocabulary overlap (Jaccard index) between every pair of outlets.

    Method: Jaccard (1912): |A ∩ B| / |A ∪ B| over the sets of terms each outlet uses. Longer
    texts use more distinct words, so compare outlets of similar size, or filter the counts
    (``min_count``) first.

    Returns:
        Columns ``outlet_a``, ``outlet_b`` (outlet_a < outlet_b), ``n_terms_a``, ``n_terms_b``,
        ``shared``, ``union``, ``jaccard``; ordered by (outlet_a, outlet_b).

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y"], "term": ["war", "tank", "war"],
    ...                   "count": [1, 1, 4]})
    >>> overlap(c)[["outlet_a", "outlet_b", "shared", "union", "jaccard"]].to_dict("records")
    [{'outlet_a': 'X', 'outlet_b': 'Y', 'shared': 1, 'union': 2, 'jaccard': 0.5}]
    """
    _require(counts, COUNT_COLUMNS, name="counts")
    used = counts[counts["count"] > 0]
    sets = {o: frozenset(g["term"]) for o, g in used.groupby("outlet", sort=True)}
    rows = []
    for a, b in combinations(sorted(sets), 2):
        shared = len(sets[a] & sets[b])
        union = len(sets[a] | sets[b])
        rows.append(
            {
                "outlet_a": a,
                "outlet_b": b,
                "n_terms_a": len(sets[a]),
                "n_terms_b": len(sets[b]),
                "shared": shared,
                "union": union,
                "jaccard": shared / union if union else math.nan,
            }
        )
    cols = ["outlet_a", "outlet_b", "n_terms_a", "n_terms_b", "shared", "union", "jaccard"]
    return pd.DataFrame(rows, columns=cols)


def unique_terms(counts: pd.DataFrame, *, min_count: int = 1) -> pd.DataFrame:
    """Terms used by exactly one outlet.

    Args:
        counts: :func:`term_counts` table.
        min_count: only list terms the outlet uses at least this often.

    Returns:
        Columns ``outlet``, ``term``, ``count``; ordered by (outlet, count descending, term).

    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y"], "term": ["war", "tank", "war"],
    ...                   "count": [1, 2, 4]})
    >>> unique_terms(c).to_dict("records")
    [{'outlet': 'X', 'term': 'tank', 'count': 2}]
    """
    _require(counts, COUNT_COLUMNS, name="counts")
    used = counts[counts["count"] > 0]
    n_outlets = used.groupby("term", sort=False)["outlet"].transform("nunique")
    out = used[(n_outlets == 1) & (used["count"] >= int(min_count))]
    out = out.groupby(["outlet", "term"], sort=False, as_index=False)["count"].sum()
    out = out.assign(_neg=-out["count"]).sort_values(["outlet", "_neg", "term"], kind="stable")
    return out[COUNT_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# keyword in context


@lru_cache(maxsize=65_536)
def _token_pattern(token: str) -> re.Pattern[str]:
    parts = [_APOSTROPHES if ch == "'" else re.escape(ch) for ch in token]
    return re.compile("".join(parts), re.IGNORECASE)


def _token_spans(text: str, toks: list[str]) -> list[tuple[int, int] | None]:
    """Character span of each token in ``text``, found in order (None if not found)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for tok in toks:
        m = _token_pattern(tok).search(text, cursor)
        if m is None:
            spans.append(None)
        else:
            spans.append((m.start(), m.end()))
            cursor = m.end()
    return spans


def kwic(
    corpus: Any,
    terms: str | Iterable[str],
    *,
    lower: bool = True,
    stemmer: Stemmer | None = None,
    include_quotes: bool = True,
    outlets: Sequence[str] | None = None,
    max_per_outlet: int | None = None,
    window: int = 60,
) -> pd.DataFrame:
    """Keyword in context: the sentences a term occurs in, per outlet, with the match position.

    Method: the concordance view of corpus linguistics (Luhn 1960, "Key word-in-context index");
    terms are matched on the same tokens as :func:`term_counts` (``newslens.segment.tokens``,
    same lower-casing and stemmer), so the rows add up to the counts, n-grams included.

    Args:
        corpus: Corpus or sentences DataFrame (``article_id``, ``outlet``, ``sentence``,
            ``text``, optional ``start`` for body offsets, ``in_quote``).
        terms: one term or several (as they appear in :func:`term_counts`, e.g. "prisoners of
            war").
        lower, stemmer, include_quotes, outlets: as in :func:`term_counts`.
        max_per_outlet: keep at most this many matches per (term, outlet), the first ones in
            (article_id, sentence) order; None keeps all.
        window: characters of context on each side in ``left``/``right``.

    Returns:
        Columns ``term``, ``outlet``, ``article_id``, ``sentence``, ``match_start``,
        ``match_end`` (offsets in the sentence ``text``; <NA> if the token could not be found
        back), ``start``, ``end`` (offsets in the article body, when sentences have ``start``),
        ``left``, ``match``, ``right``, ``text``; one row per occurrence, ordered by (term,
        outlet, article_id, sentence, match_start).

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "start": [10],
    ...                   "text": ["Russian soldiers cried."]})
    >>> kwic(s, "soldiers")[["match_start", "match_end", "start", "match"]].to_dict("records")
    [{'match_start': 8, 'match_end': 16, 'start': 18, 'match': 'soldiers'}]
    """
    wanted = [terms] if isinstance(terms, str) else list(dict.fromkeys(terms))
    wanted = [str(t) for t in wanted if str(t).strip()]
    if window < 0:
        raise ValueError(f"window must be >= 0, got {window}")
    if max_per_outlet is not None and int(max_per_outlet) < 1:
        raise ValueError(f"max_per_outlet must be >= 1 or None, got {max_per_outlet}")
    sentences = _table(corpus, "sentences")
    _require(sentences, ["article_id", "outlet", "text"], name="sentences")
    sentences = _select_outlets(sentences, outlets)
    if not include_quotes:
        _require(sentences, ["in_quote"], name="sentences")
        sentences = sentences[~sentences["in_quote"].astype(bool)]
    order_cols = ["article_id", "sentence"] if "sentence" in sentences.columns else ["article_id"]
    sentences = sentences.sort_values(order_cols, kind="stable")
    rows: list[dict[str, Any]] = []
    if wanted and not sentences.empty:
        rows = _kwic_rows(
            sentences,
            wanted,
            lower=lower,
            stemmer=stemmer,
            max_per_outlet=max_per_outlet,
            window=window,
        )
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    for col in ("sentence", "match_start", "match_end", "start", "end"):
        out[col] = out[col].astype("Int64")
    out = out.sort_values(
        ["term", "outlet", "article_id", "sentence", "match_start"], kind="stable"
    )
    return out.reset_index(drop=True)


def _kwic_rows(
    sentences: pd.DataFrame,
    wanted: list[str],
    *,
    lower: bool,
    stemmer: str | None,
    max_per_outlet: int | None,
    window: int,
) -> list[dict[str, Any]]:
    norm = _normaliser(lower=lower, drop_stopwords=False, stop=frozenset(), stemmer=stemmer)
    by_len: dict[int, set[str]] = {}
    for t in wanted:
        by_len.setdefault(len(t.split(" ")), set()).add(t)
    cap = None if max_per_outlet is None else int(max_per_outlet)
    taken: Counter = Counter()
    has_start = "start" in sentences.columns
    has_sentence = "sentence" in sentences.columns
    rows: list[dict[str, Any]] = []
    records = zip(
        sentences["article_id"].tolist(),
        sentences["outlet"].tolist(),
        sentences["sentence"].tolist() if has_sentence else [None] * len(sentences),
        sentences["start"].tolist() if has_start else [None] * len(sentences),
        sentences["text"].tolist(),
        strict=True,
    )
    for aid, outlet, sent, sent_start, text in records:
        if not isinstance(text, str) or not text:
            continue
        toks, _ = norm(text)
        hits: list[tuple[str, int, int]] = []
        for n, targets in by_len.items():
            for i in range(len(toks) - n + 1):
                gram = toks[i] if n == 1 else " ".join(toks[i : i + n])
                if gram in targets:
                    hits.append((gram, i, i + n - 1))
        if cap is not None:
            kept = []
            for hit in hits:
                if taken[(hit[0], outlet)] < cap:
                    taken[(hit[0], outlet)] += 1
                    kept.append(hit)
            hits = kept
        if not hits:
            continue
        # Spans need the raw (unstemmed) tokens, which is what the text contains.
        raw = [t for t in segment.tokens(text) if _WORDLIKE.search(t)]
        spans = _token_spans(text, raw)
        for gram, first, last in hits:
            s0 = spans[first][0] if spans[first] else None
            s1 = spans[last][1] if spans[last] else None
            ok = s0 is not None and s1 is not None and s1 >= s0
            rows.append(
                {
                    "term": gram,
                    "outlet": outlet,
                    "article_id": aid,
                    "sentence": sent,
                    "match_start": s0 if ok else None,
                    "match_end": s1 if ok else None,
                    "start": (sent_start + s0) if ok and sent_start is not None else None,
                    "end": (sent_start + s1) if ok and sent_start is not None else None,
                    "left": text[max(0, s0 - window) : s0] if ok else "",
                    "match": text[s0:s1] if ok else gram,
                    "right": text[s1 : s1 + window] if ok else "",
                    "text": text,
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------
# sample size and caveats


def sample_sizes(corpus: Any, *, outlets: Sequence[str] | None = None) -> pd.DataFrame:
    """Articles, sentences and words per outlet: the sample behind every comparison.

    Returns:
        Columns ``outlet``, ``n_articles``, ``n_sentences``, ``n_words`` ordered by outlet
        (``n_words`` from the articles table when there is one, else the sentence tokens).

    >>> s = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"],
    ...                   "text": ["One two.", "Three.", "Four five six."]})
    >>> sample_sizes(s).to_dict("records")
    [{'outlet': 'X', 'n_articles': 1, 'n_sentences': 2, 'n_words': 3}, {'outlet': 'Y', 'n_articles': 1, 'n_sentences': 1, 'n_words': 3}]
    """
    sentences = _select_outlets(_table(corpus, "sentences"), outlets)
    _require(sentences, ["article_id", "outlet", "text"], name="sentences")
    grp = sentences.groupby("outlet", sort=True)
    out = pd.DataFrame(
        {
            "n_articles": grp["article_id"].nunique(),
            "n_sentences": grp.size(),
            "n_words": grp["text"].agg(
                lambda col: sum(
                    sum(1 for t in segment.tokens(x) if _WORDLIKE.search(t))
                    for x in col
                    if isinstance(x, str)
                )
            ),
        }
    )
    return out.reset_index().astype(
        {"n_articles": np.int64, "n_sentences": np.int64, "n_words": np.int64}
    )


def caveat(sizes: pd.DataFrame, *, min_articles: int = MIN_ARTICLES) -> str:
    """A plain-language warning about what the sample can and cannot show.

    Args:
        sizes: :func:`sample_sizes` output.
        min_articles: articles per outlet below which outlet style cannot be told from story.

    >>> caveat(pd.DataFrame({"outlet": ["X", "Y"], "n_articles": [1, 1], "n_words": [500, 700]}))[:60]
    'Every outlet here is represented by a single article (2 arti'
    """
    _require(sizes, ["outlet", "n_articles"], name="sizes")
    if sizes.empty:
        return "No articles were selected: there is nothing to compare."
    n_out = len(sizes)
    n_art = int(sizes["n_articles"].sum())
    if n_out < 2:
        return (
            f"Only one outlet ({sizes['outlet'].iloc[0]}, {n_art} article(s)) is selected: "
            "there is nothing to compare it against."
        )
    if int(sizes["n_articles"].max()) == 1:
        return (
            f"Every outlet here is represented by a single article ({n_art} articles, {n_out} "
            "outlets). One article per outlet cannot separate an outlet's style from the story "
            "it covered: the distinctive terms below describe these articles, not the outlets, "
            "and no conclusion about outlets can be drawn."
        )
    small = sizes[sizes["n_articles"] < min_articles]
    if len(small):
        names = ", ".join(
            f"{o} ({n})" for o, n in zip(small["outlet"], small["n_articles"], strict=True)
        )
        return (
            f"{len(small)} of {n_out} outlets have fewer than {min_articles} articles ({names}): "
            "their distinctive terms may reflect the particular stories covered rather than "
            "the outlet's style."
        )
    return (
        f"{n_out} outlets, {n_art} articles, at least {int(sizes['n_articles'].min())} per "
        "outlet. Distinctive terms can still reflect which stories each outlet chose to cover."
    )


# ---------------------------------------------------------------------------------------------
# figures


def place_labels(
    anchors: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    *,
    bounds: tuple[float, float, float, float] | None = None,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
    step: float = 4.0,
    rings: int = 12,
) -> list[tuple[float, float] | None]:
    """Greedy, deterministic placement of non-overlapping labels near their points.

    Method: a candidate-position search in the spirit of Imhof (1975) / Christensen, Marks &
    Shieber (1995, "An empirical study of algorithms for point-feature label placement"):
    labels are taken in the given (priority) order; each tries 8 positions around its anchor
    on rings of growing radius and takes the first whose box overlaps no placed label, no
    obstacle and stays in ``bounds``; a label with no free position is left out (None).

    Args:
        anchors: (x, y) of each point, in display units (pixels, y up).
        sizes: (width, height) of each label's box, same units.
        bounds: (x0, y0, x1, y1) the boxes must stay inside, or None.
        obstacles: extra boxes (x0, y0, x1, y1) to avoid, e.g. the point markers.
        step: ring spacing.
        rings: number of rings tried.

    Returns:
        Per label, the lower-left corner (x, y) of its box, or None when it was left out.

    >>> place_labels([(0, 0), (0, 0)], [(10, 4), (10, 4)])
    [(4.0, 4.0), (-14.0, 4.0)]
    """
    if len(anchors) != len(sizes):
        raise ValueError(f"anchors ({len(anchors)}) and sizes ({len(sizes)}) differ in length")
    placed: list[tuple[float, float, float, float]] = [tuple(map(float, o)) for o in obstacles]
    out: list[tuple[float, float] | None] = []
    # Right-up, left-up, right-down, left-down first: the usual reading-friendly order.
    directions = [(1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]
    for (x, y), (w, h) in zip(anchors, sizes, strict=True):
        spot = None
        for ring in range(1, int(rings) + 1):
            r = step * ring
            for dx, dy in directions:
                x0 = x + (r if dx > 0 else -r - w if dx < 0 else -w / 2)
                y0 = y + (r if dy > 0 else -r - h if dy < 0 else -h / 2)
                box = (x0, y0, x0 + w, y0 + h)
                if bounds is not None and (
                    box[0] < bounds[0]
                    or box[1] < bounds[1]
                    or box[2] > bounds[2]
                    or box[3] > bounds[3]
                ):
                    continue
                if any(_overlap(box, other) for other in placed):
                    continue
                spot = box
                break
            if spot is not None:
                break
        if spot is None:
            out.append(None)
        else:
            placed.append(spot)
            out.append((spot[0], spot[1]))
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def plot_monroe(
    scores: pd.DataFrame,
    outlet: str,
    *,
    ax: Any = None,
    n_labels: int = 10,
    z_threshold: float = 1.96,
    fontsize: float = 8.0,
) -> Any:
    """Monroe-style plot: each term's z-score against its log corpus frequency.

    Method: Monroe, Colaresi & Quinn (2008), fig. 4 style: x = log10 of the term's frequency in
    the whole corpus, y = zeta of the outlet against the rest; terms beyond ``z_threshold`` are
    coloured and the most extreme are labelled with :func:`place_labels`, so labels never
    overlap (labels that do not fit are left out and counted in the title). Labels are placed
    for the axes' geometry at call time: set the figure size and layout first.

    Args:
        scores: :func:`one_vs_rest` output.
        outlet: the outlet to draw.
        ax: a matplotlib Axes (a new figure when None).
        n_labels: label up to this many terms at each end (top and bottom).
        z_threshold: |zeta| above which a point is coloured.
        fontsize: label size in points.

    Returns:
        The Axes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> plot_monroe(one_vs_rest(c, prior=1.0), "X").get_xlabel()
    'term frequency in the corpus (log10)'
    """
    import matplotlib.pyplot as plt

    _require(scores, ["outlet", "term", "frequency", "zeta", "count"], name="scores")
    sub = scores[scores["outlet"] == outlet]
    if sub.empty:
        raise ValueError(
            f"outlet={outlet!r} not in scores; choose from {sorted(scores['outlet'].unique())}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    x = np.log10(sub["frequency"].to_numpy(dtype=float))
    y = sub["zeta"].to_numpy(dtype=float)
    strong_pos = y >= z_threshold
    strong_neg = y <= -z_threshold
    grey = ~(strong_pos | strong_neg)
    ax.scatter(x[grey], y[grey], s=6, color="0.75", linewidths=0, rasterized=len(sub) > 5000)
    ax.scatter(
        x[strong_pos],
        y[strong_pos],
        s=10,
        color="tab:orange",
        linewidths=0,
        label=f"more typical of {outlet}",
    )
    ax.scatter(
        x[strong_neg],
        y[strong_neg],
        s=10,
        color="tab:blue",
        linewidths=0,
        label="more typical of the rest",
    )
    ax.axhline(z_threshold, color="0.6", lw=0.6, ls="--")
    ax.axhline(-z_threshold, color="0.6", lw=0.6, ls="--")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xlabel("term frequency in the corpus (log10)")
    ax.set_ylabel(f"zeta ({outlet} vs rest)")
    # sub is ordered by zeta descending: the first and last rows are the extremes.
    top = sub.head(int(n_labels))
    bottom = sub.tail(int(n_labels)).iloc[::-1]
    top = top[top["zeta"] > 0]
    bottom = bottom[bottom["zeta"] < 0]
    cand = pd.concat([top, bottom])
    cand = cand.assign(_abs=-cand["zeta"].abs()).sort_values(["_abs", "term"], kind="stable")
    # The legend goes in first so that labels can avoid it.
    legend = ax.legend(loc="lower right", fontsize=7, frameon=False)
    fig = ax.figure
    fig.canvas.draw()  # fixes the axes' pixel geometry before measuring
    renderer = fig.canvas.get_renderer()
    trans = ax.transData
    pts = trans.transform(
        np.column_stack([np.log10(cand["frequency"].to_numpy(float)), cand["zeta"].to_numpy(float)])
    )
    sizes = []
    for term in cand["term"]:
        t = ax.text(0, 0, term, fontsize=fontsize)
        bb = t.get_window_extent(renderer=renderer)
        sizes.append((bb.width, bb.height))
        t.remove()
    marker = 3.0
    obstacles = [(px - marker, py - marker, px + marker, py + marker) for px, py in pts]
    lb = legend.get_window_extent(renderer=renderer)
    obstacles.append((lb.x0, lb.y0, lb.x1, lb.y1))
    ab = ax.get_window_extent(renderer=renderer)
    spots = place_labels(
        [tuple(p) for p in pts], sizes, obstacles=obstacles, bounds=(ab.x0, ab.y0, ab.x1, ab.y1)
    )
    inv = trans.inverted()
    skipped = 0
    for term, (px, py), spot in zip(cand["term"], pts, spots, strict=True):
        if spot is None:
            skipped += 1
            continue
        lx, ly = inv.transform((spot[0], spot[1]))
        ax.annotate(
            term,
            xy=inv.transform((px, py)),
            xytext=(lx, ly),
            fontsize=fontsize,
            ha="left",
            va="bottom",
            arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.4, "shrinkA": 0, "shrinkB": 2},
        )
    n = scores.attrs.get("n", {}).get(outlet)
    title = f"{outlet} vs rest" + (f" ({int(n):,} term occurrences)" if n else "")
    if skipped:
        title += f"; {skipped} label(s) left out for lack of room"
    ax.set_title(title, fontsize=10)
    return ax


def plot_one_vs_rest(
    scores: pd.DataFrame, *, n_labels: int = 10, ncols: int = 2, z_threshold: float = 1.96
) -> Any:
    """One :func:`plot_monroe` panel per outlet (each outlet against the rest), in one figure.

    Method: Monroe, Colaresi & Quinn (2008), fig. 4 style; see :func:`plot_monroe`.

    Returns:
        The matplotlib Figure.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> c = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "term": ["war", "tank", "war", "cry"],
    ...                   "count": [5, 3, 5, 3]})
    >>> len(plot_one_vs_rest(one_vs_rest(c, prior=1.0)).axes)
    2
    """
    import matplotlib.pyplot as plt

    _require(scores, ["outlet"], name="scores")
    outlets = sorted(scores["outlet"].unique())
    if not outlets:
        raise ValueError("scores is empty: nothing to draw")
    ncols = max(1, min(int(ncols), len(outlets)))
    nrows = math.ceil(len(outlets) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 4.8 * nrows), squeeze=False)
    # Spacing is fixed before any label is placed: moving the axes later (tight_layout) would
    # shift points relative to the already placed labels.
    fig.subplots_adjust(hspace=0.38, wspace=0.22, left=0.07, right=0.98, top=0.96, bottom=0.06)
    for ax, outlet in zip(axes.flat, outlets, strict=False):
        plot_monroe(scores, outlet, ax=ax, n_labels=n_labels, z_threshold=z_threshold)
    for ax in list(axes.flat)[len(outlets) :]:
        ax.remove()
    return fig


def plot_zscore_heatmap(matrix: pd.DataFrame, *, ax: Any = None, annotate: bool = True) -> Any:
    """Heatmap of an outlet x term z-score matrix (:func:`zscore_matrix`).

    Method: a diverging colour scale centred on zeta = 0 (Monroe et al. 2008's z-scores), capped
    at the largest |zeta| so colours compare across outlets; cells show the value.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> m = pd.DataFrame({"war": [2.0, -2.0]}, index=["X", "Y"])
    >>> plot_zscore_heatmap(m).get_ylabel()
    'outlet'
    """
    import matplotlib.pyplot as plt

    if matrix.empty:
        raise ValueError("matrix is empty: nothing to draw")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 0.45 * matrix.shape[1] + 2), 0.5 * len(matrix) + 1.8))
    vals = matrix.to_numpy(dtype=float)
    lim = float(np.nanmax(np.abs(vals))) or 1.0
    im = ax.imshow(vals, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_xticks(
        range(matrix.shape[1]),
        labels=[str(c) for c in matrix.columns],
        rotation=60,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(len(matrix)), labels=[str(i) for i in matrix.index], fontsize=8)
    ax.set_ylabel("outlet")
    if annotate and vals.size <= 600:
        for (i, j), v in np.ndenumerate(vals):
            if not np.isnan(v):
                ax.text(
                    j,
                    i,
                    f"{v:.1f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if abs(v) > 0.6 * lim else "black",
                )
    ax.figure.colorbar(im, ax=ax, label="zeta (outlet vs rest)", shrink=0.8)
    return ax
