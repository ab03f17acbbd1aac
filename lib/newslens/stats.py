"""Honest statistics shared by every analysis: intervals, tests, corrections, effect sizes.

Every comparison between outlets in newslens goes through this module, so that each number
comes with its uncertainty, its sample size and a flag when the sample is too small.

* :func:`bootstrap_ci` — percentile bootstrap (Efron & Tibshirani 1993, ch. 13), resampling
  whole clusters (articles) when cluster labels are given (Field & Welsh 2007), because
  sentences of one article are not independent.
* :func:`permutation_test` — two-sample permutation test with the ``(b + 1) / (m + 1)``
  p-value (Phipson & Smyth 2010); exact enumeration when there are few enough arrangements.
* :func:`adjust_pvalues` — Holm (1979) and Benjamini & Hochberg (1995).
* :func:`cohens_d` (Cohen 1988) and :func:`cliffs_delta` (Cliff 1993).
* :func:`group_intervals` and :func:`pairwise_tests` — the tidy tables the notebooks show.

Resampling is vectorised with numpy: resamples are drawn as index (or count) matrices in
chunks of bounded size, so memory stays flat on large corpora and there is no Python loop per
resample except for a user-supplied callable statistic.

>>> from newslens import stats
>>> r = stats.bootstrap_ci([1.0, 2.0, 3.0, 4.0], n_boot=200, seed=0)
>>> r.estimate, r.n, r.method
(2.5, 4, 'bootstrap')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "MIN_ARTICLES",
    "MIN_SENTENCES",
    "BootstrapResult",
    "PermutationResult",
    "adjust_pvalues",
    "bootstrap_ci",
    "cliffs_delta",
    "cohens_d",
    "group_intervals",
    "pairwise_tests",
    "permutation_test",
    "too_small",
]

#: Fewer sentences than this in a cell: the cell is flagged ``too_small`` (shown, not concluded on).
MIN_SENTENCES = 20
#: Fewer articles than this in an outlet: article-level (cluster) inference is not possible.
MIN_ARTICLES = 3

Stat = Literal["mean", "median", "proportion"] | Callable[[np.ndarray], float]
Alternative = Literal["two-sided", "greater", "less"]

# Resamples are drawn in chunks of at most this many matrix cells (~32 MB of float64), so a
# 2,000-resample bootstrap of 100,000 sentences never materialises 200 million numbers at once.
_CHUNK_CELLS = 4_000_000
# Relative tolerance when comparing permuted statistics with the observed one: the same
# arrangement summed in a different order can differ in the last bit, and must still count as
# "at least as extreme" (scipy.stats.permutation_test does the same).
_REL_TOL = 1e-12

METHOD_CLUSTER = "cluster bootstrap"
METHOD_IID = "bootstrap"
METHOD_NONE = "too few values"


class BootstrapResult(NamedTuple):
    """A bootstrap interval.

    Attributes:
        estimate: the statistic on the observed values (NaN when there are none).
        low, high: percentile interval bounds (NaN with fewer than 2 values).
        n: number of values used (NaN values are dropped).
        n_clusters: number of distinct clusters (equals ``n`` without clusters).
        method: ``"cluster bootstrap"``, ``"bootstrap"`` or ``"too few values"``.
    """

    estimate: float
    low: float
    high: float
    n: int
    n_clusters: int
    method: str


class PermutationResult(NamedTuple):
    """A permutation test of ``stat(a) - stat(b)``.

    Attributes:
        statistic: observed ``stat(a) - stat(b)``.
        p_value: permutation p-value (NaN when a group is empty).
        n_a, n_b: number of values in each group.
    """

    statistic: float
    p_value: float
    n_a: int
    n_b: int


# --------------------------------------------------------------------------------------------
# helpers


def _as_values(values, *, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be numbers (got {type(values).__name__}): {exc}") from exc
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {arr.shape}")
    return arr


def _clean(values, clusters, *, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Values as float array and clusters as integer codes, with NaN values dropped."""
    arr = _as_values(values, name=name)
    codes = None
    if clusters is not None:
        labels = np.asarray(clusters, dtype=object)
        if labels.shape != arr.shape:
            raise ValueError(
                f"clusters for `{name}` have {labels.size} labels but `{name}` has {arr.size} "
                "values; pass one cluster label (e.g. article_id) per value"
            )
        # pd.factorize with sort=True: codes do not depend on the order clusters first appear.
        codes, _ = pd.factorize(pd.Series(labels, dtype=object), sort=True)
        codes = np.asarray(codes)
    keep = ~np.isnan(arr)
    if codes is not None:
        keep &= codes >= 0  # a missing cluster label cannot be resampled with its cluster
        codes = codes[keep]
        codes = np.unique(codes, return_inverse=True)[1] if codes.size else codes
    return arr[keep], codes


def _check_stat(stat: Stat, values: np.ndarray) -> None:
    if callable(stat):
        return
    if stat not in ("mean", "median", "proportion"):
        raise ValueError(
            f"stat={stat!r} is not supported; use 'mean', 'median', 'proportion' or a callable"
        )
    if stat == "proportion" and values.size and not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("stat='proportion' needs values that are 0/1 or True/False")


def _stat_1d(stat: Stat, values: np.ndarray) -> float:
    if values.size == 0:
        return math.nan
    if callable(stat):
        return float(stat(values))
    if stat == "median":
        return float(np.median(values))
    return float(np.mean(values))


def _chunks(n_total: int, width: int) -> list[int]:
    size = max(1, _CHUNK_CELLS // max(1, width))
    return [min(size, n_total - start) for start in range(0, n_total, size)]


def _weighted_median_rows(sorted_values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Median of each resample given as integer counts per (sorted) value.

    Equals ``np.median`` of the expanded resample: the middle element, or the mean of the two
    middle elements when the resample size is even.
    """
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1]
    lo_pos = (total - 1) // 2
    hi_pos = total // 2
    lo = np.argmax(cum > lo_pos[:, None], axis=1)
    hi = np.argmax(cum > hi_pos[:, None], axis=1)
    return (sorted_values[lo] + sorted_values[hi]) / 2.0


def _boot_iid(values: np.ndarray, stat: Stat, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    n = values.size
    out = []
    for size in _chunks(n_boot, n):
        idx = rng.integers(0, n, size=(size, n))
        sample = values[idx]
        if callable(stat):
            out.append(np.array([stat(row) for row in sample], dtype=float))
        elif stat == "median":
            out.append(np.median(sample, axis=1))
        else:
            out.append(sample.mean(axis=1))
    return np.concatenate(out)


def _boot_cluster(
    values: np.ndarray, codes: np.ndarray, stat: Stat, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Resample whole clusters with replacement (Field & Welsh 2007, the 'cluster' bootstrap).

    Each resample is a vector of how many times every cluster was drawn; the statistic of the
    pooled values of the drawn clusters follows from per-cluster sums (mean) or per-value
    weights (median), so no resample is ever expanded into a Python list.
    """
    k = int(codes.max()) + 1
    sums = np.bincount(codes, weights=values, minlength=k)
    sizes = np.bincount(codes, minlength=k).astype(float)
    out = []
    if callable(stat):
        members = [values[codes == c] for c in range(k)]
        for size in _chunks(n_boot, k):
            picks = rng.integers(0, k, size=(size, k))
            out.append(
                np.array(
                    [stat(np.concatenate([members[c] for c in row])) for row in picks], dtype=float
                )
            )
        return np.concatenate(out)
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_codes = values[order], codes[order]
    for size in _chunks(n_boot, max(k, values.size if stat == "median" else k)):
        picks = rng.integers(0, k, size=(size, k))
        counts = np.zeros((size, k))
        np.add.at(counts, (np.arange(size)[:, None], picks), 1.0)
        if stat == "median":
            out.append(_weighted_median_rows(sorted_values, counts[:, sorted_codes].astype(int)))
        else:
            out.append((counts @ sums) / (counts @ sizes))
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# public API


def too_small(n: int, *, minimum: int) -> bool:
    """Whether a sample of ``n`` is below the minimum size for drawing any conclusion.

    Args:
        n: sample size (sentences, articles ...).
        minimum: smallest size that is reported as a number, e.g. :data:`MIN_SENTENCES`.

    >>> too_small(5, minimum=MIN_SENTENCES), too_small(20, minimum=MIN_SENTENCES)
    (True, False)
    """
    if minimum < 0:
        raise ValueError(f"minimum must be >= 0, got {minimum}")
    return int(n) < int(minimum)


def bootstrap_ci(
    values: Sequence[float] | np.ndarray | pd.Series,
    *,
    clusters: Sequence | np.ndarray | pd.Series | None = None,
    stat: Stat = "mean",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    """Percentile bootstrap confidence interval, cluster-aware.

    Method: the percentile interval of Efron & Tibshirani (1993, *An Introduction to the
    Bootstrap*, ch. 13, eq. 13.5): the ``(1-ci)/2`` and ``(1+ci)/2`` quantiles of the statistic
    over ``n_boot`` resamples drawn with replacement. With ``clusters`` (e.g. one article id per
    sentence) and at least 2 distinct clusters, whole clusters are resampled and the statistic
    is computed on the pooled values of the drawn clusters (the cluster bootstrap; Field &
    Welsh 2007, *JRSS B* 69(3), "Bootstrapping clustered data"), which respects that sentences
    of one article are not independent. With fewer than 2 clusters the values themselves are
    resampled (``method == "bootstrap"``): callers must then say that the interval ignores the
    dependence between sentences of one article.

    NaN values (and values whose cluster label is missing) are dropped. With no values the
    estimate is NaN; with one value the interval is NaN (``method == "too few values"``).

    Args:
        values: the numbers (e.g. sentence compound scores).
        clusters: one cluster label per value, or None.
        stat: ``"mean"``, ``"median"``, ``"proportion"`` (mean of 0/1 values) or a callable
            taking a 1-D array and returning a float (slower: one call per resample).
        n_boot: number of resamples.
        ci: coverage of the interval, in (0, 1).
        seed: seed of numpy's ``default_rng``; the same seed gives the same interval.

    Returns:
        ``BootstrapResult(estimate, low, high, n, n_clusters, method)``.

    Raises:
        ValueError: on a bad ``ci``, ``n_boot``, ``stat``, or clusters of the wrong length.

    >>> r = bootstrap_ci([0.1, 0.4, -0.2, 0.3], clusters=["a", "a", "b", "b"], n_boot=500)
    >>> r.method, r.n, r.n_clusters, r.low <= r.estimate <= r.high
    ('cluster bootstrap', 4, 2, True)
    """
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95), got {ci}")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be a positive number of resamples, got {n_boot}")
    arr, codes = _clean(values, clusters, name="values")
    _check_stat(stat, arr)
    n = int(arr.size)
    n_clusters = int(codes.max()) + 1 if codes is not None and codes.size else n
    estimate = _stat_1d(stat, arr)
    if n < 2:
        return BootstrapResult(estimate, math.nan, math.nan, n, n_clusters, METHOD_NONE)
    rng = np.random.default_rng(seed)
    if codes is not None and n_clusters >= 2:
        boots = _boot_cluster(arr, codes, stat, int(n_boot), rng)
        method = METHOD_CLUSTER
    else:
        boots = _boot_iid(arr, stat, int(n_boot), rng)
        method = METHOD_IID
    alpha = (1.0 - ci) / 2.0
    low, high = np.quantile(boots, [alpha, 1.0 - alpha])
    return BootstrapResult(estimate, float(low), float(high), n, n_clusters, method)


def _group_units(values: np.ndarray, codes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit sums and sizes: clusters when given, else each value is its own unit."""
    if codes is None or not codes.size:
        return values.copy(), np.ones_like(values)
    k = int(codes.max()) + 1
    return np.bincount(codes, weights=values, minlength=k), np.bincount(codes, minlength=k) * 1.0


def _extreme(perm: np.ndarray, observed: float, alternative: Alternative) -> np.ndarray:
    tol = _REL_TOL * max(1.0, abs(observed))
    if alternative == "two-sided":
        return np.abs(perm) >= abs(observed) - tol
    if alternative == "greater":
        return perm >= observed - tol
    return perm <= observed + tol


def permutation_test(
    a: Sequence[float] | np.ndarray | pd.Series,
    b: Sequence[float] | np.ndarray | pd.Series,
    *,
    clusters_a: Sequence | np.ndarray | pd.Series | None = None,
    clusters_b: Sequence | np.ndarray | pd.Series | None = None,
    stat: Stat = "mean",
    n_perm: int = 5000,
    seed: int = 0,
    alternative: Alternative = "two-sided",
    exact: bool | None = None,
) -> PermutationResult:
    """Two-sample permutation test of ``stat(a) - stat(b)``.

    Method: under the null hypothesis that group labels are exchangeable, the labels are
    reassigned at random ``n_perm`` times and the p-value is ``(b + 1) / (m + 1)``, where ``b``
    counts permuted statistics at least as extreme as the observed one among ``m`` random
    permutations (Phipson & Smyth 2010, *Stat. Appl. Genet. Mol. Biol.* 9(1), eq. 2: never 0,
    and exact as a test). When the number of distinct arrangements is at most ``n_perm`` (or
    ``exact=True``) every arrangement is enumerated and the p-value is the exact share of
    arrangements at least as extreme, the observed one included.

    With ``clusters_a`` and ``clusters_b`` (e.g. article ids) the labels of whole clusters are
    permuted, as sentences of one article are not exchangeable one by one; a cluster label is
    local to its group (the same label in ``a`` and in ``b`` is two clusters). For the mean
    the statistic is the difference of pooled means of the values of each group's clusters.

    Args:
        a, b: values of the two groups; NaN values are dropped.
        clusters_a, clusters_b: one cluster label per value (both or neither).
        stat: ``"mean"``, ``"median"``, ``"proportion"`` or a callable on a 1-D array.
        n_perm: random permutations when enumeration is not used.
        seed: seed of numpy's ``default_rng``.
        alternative: ``"two-sided"`` (``|T*| >= |T|``), ``"greater"`` or ``"less"``.
        exact: force (True) or forbid (False) full enumeration; None decides by size.

    Returns:
        ``PermutationResult(statistic, p_value, n_a, n_b)``; NaN p-value when a group is empty.

    >>> r = permutation_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])  # 20 arrangements: exact
    >>> r.statistic, round(r.p_value, 3)
    (-3.0, 0.1)
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative={alternative!r}: use 'two-sided', 'greater' or 'less'")
    if (clusters_a is None) != (clusters_b is None):
        raise ValueError("pass both clusters_a and clusters_b, or neither")
    if int(n_perm) < 1:
        raise ValueError(f"n_perm must be a positive number of permutations, got {n_perm}")
    xa, ca = _clean(a, clusters_a, name="a")
    xb, cb = _clean(b, clusters_b, name="b")
    _check_stat(stat, np.concatenate([xa, xb]))
    n_a, n_b = int(xa.size), int(xb.size)
    if n_a == 0 or n_b == 0:
        return PermutationResult(math.nan, math.nan, n_a, n_b)
    observed = _stat_1d(stat, xa) - _stat_1d(stat, xb)

    # Units that move together under permutation: clusters, or single values.
    clustered = ca is not None
    if clustered:
        units_a = [xa[ca == c] for c in range(int(ca.max()) + 1)]
        units_b = [xb[cb == c] for c in range(int(cb.max()) + 1)]
    else:
        units_a, units_b = list(xa[:, None]), list(xb[:, None])
    k_a, k = len(units_a), len(units_a) + len(units_b)
    all_units = units_a + units_b
    n_arrangements = math.comb(k, k_a)
    use_exact = exact if exact is not None else n_arrangements <= int(n_perm)
    if use_exact and n_arrangements > 2_000_000:
        raise ValueError(
            f"exact=True would enumerate {n_arrangements:,} arrangements; use exact=None"
        )

    fast = not callable(stat) and stat != "median"
    if fast:
        sums = np.array([u.sum() for u in all_units])
        sizes = np.array([float(u.size) for u in all_units])
        total_sum, total_size = sums.sum(), sizes.sum()

    def stats_for(masks: np.ndarray) -> np.ndarray:
        # masks: (rows, k) booleans, True = unit goes to group a
        if fast:
            s_a = masks @ sums
            n_a_ = masks @ sizes
            return s_a / n_a_ - (total_sum - s_a) / (total_size - n_a_)
        out = np.empty(masks.shape[0])
        for i, m in enumerate(masks):
            ga = np.concatenate([all_units[j] for j in np.flatnonzero(m)])
            gb = np.concatenate([all_units[j] for j in np.flatnonzero(~m)])
            out[i] = _stat_1d(stat, ga) - _stat_1d(stat, gb)
        return out

    if use_exact:
        extreme = 0
        combos = itertools.combinations(range(k), k_a)
        while True:
            block = list(itertools.islice(combos, 100_000))
            if not block:
                break
            masks = np.zeros((len(block), k), dtype=float if fast else bool)
            masks[np.arange(len(block))[:, None], np.array(block)] = 1
            extreme += int(_extreme(stats_for(masks), observed, alternative).sum())
        p = extreme / n_arrangements
    else:
        rng = np.random.default_rng(seed)
        extreme = 0
        for size in _chunks(int(n_perm), k):
            order = rng.random((size, k)).argsort(axis=1)
            masks = np.zeros((size, k), dtype=float if fast else bool)
            masks[np.arange(size)[:, None], order[:, :k_a]] = 1
            extreme += int(_extreme(stats_for(masks), observed, alternative).sum())
        p = (extreme + 1) / (int(n_perm) + 1)
    return PermutationResult(float(observed), float(min(1.0, p)), n_a, n_b)


def adjust_pvalues(
    p: Sequence[float] | np.ndarray | pd.Series, *, method: Literal["holm", "fdr_bh"] = "holm"
) -> np.ndarray:
    """Adjust p-values for multiple comparisons.

    Method: ``"holm"`` is Holm's step-down procedure (Holm 1979, *Scand. J. Statist.* 6,
    65-70), controlling the family-wise error rate: for sorted ``p_(1) <= ... <= p_(m)``,
    ``adj_(i) = max_{j<=i} min(1, (m - j + 1) p_(j))``. ``"fdr_bh"`` is the step-up procedure of
    Benjamini & Hochberg (1995, *JRSS B* 57, 289-300), controlling the false discovery rate:
    ``adj_(i) = min_{j>=i} min(1, m p_(j) / j)``. NaN entries (untested pairs) stay NaN and do
    not count in ``m``.

    Args:
        p: p-values in [0, 1] (NaN allowed).
        method: ``"holm"`` or ``"fdr_bh"``.

    Returns:
        Adjusted p-values in the input order.

    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    arr = _as_values(p, name="p")
    if method not in ("holm", "fdr_bh"):
        raise ValueError(f"method={method!r}: use 'holm' or 'fdr_bh'")
    ok = ~np.isnan(arr)
    if ((arr[ok] < 0) | (arr[ok] > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    out = np.full(arr.shape, np.nan)
    vals = arr[ok]
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(vals, kind="stable")
    sorted_p = vals[order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * sorted_p))
    else:
        adj = np.minimum.accumulate((np.minimum(1.0, m * sorted_p / rank))[::-1])[::-1]
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def cohens_d(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Cohen's d: difference of means over the pooled standard deviation.

    Method: Cohen (1988, *Statistical Power Analysis for the Behavioral Sciences*, eq. 2.5.2)
    with the pooled SD ``sqrt(((n_a-1) s_a^2 + (n_b-1) s_b^2) / (n_a + n_b - 2))``. NaN when a
    group has fewer than 2 values or the pooled SD is 0.

    >>> round(cohens_d([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]), 3)
    -1.0
    """
    xa, _ = _clean(a, None, name="a")
    xb, _ = _clean(b, None, name="b")
    n_a, n_b = xa.size, xb.size
    if n_a < 2 or n_b < 2:
        return math.nan
    pooled = math.sqrt(((n_a - 1) * xa.var(ddof=1) + (n_b - 1) * xb.var(ddof=1)) / (n_a + n_b - 2))
    if pooled == 0:
        return math.nan
    return float((xa.mean() - xb.mean()) / pooled)


def cliffs_delta(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Cliff's delta: P(a > b) - P(a < b) over all pairs, in [-1, 1].

    Method: Cliff (1993, *Psychological Bulletin* 114(3), 494-509, eq. 1): ordinal dominance,
    robust to the skewed, zero-heavy distributions of sentence sentiment. Computed with sorted
    search in O((n_a + n_b) log n_b). NaN when a group is empty.

    >>> cliffs_delta([1, 2, 3], [2, 2, 4])  # wins (3>2, 3>2) = 2, losses = 5: (2 - 5) / 9
    -0.3333333333333333
    """
    xa, _ = _clean(a, None, name="a")
    xb, _ = _clean(b, None, name="b")
    if xa.size == 0 or xb.size == 0:
        return math.nan
    sb = np.sort(xb)
    less = np.searchsorted(sb, xa, side="left")  # b values below each a
    greater = xb.size - np.searchsorted(sb, xa, side="right")  # b values above each a
    return float((less.sum() - greater.sum()) / (xa.size * xb.size))


def _check_columns(df: pd.DataFrame, *columns: str | None) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise KeyError(
            f"column(s) {missing} not in the table; available: {sorted(map(str, df.columns))}"
        )


def group_intervals(
    df: pd.DataFrame,
    *,
    value: str,
    group: str,
    cluster: str | None = None,
    stat: Stat = "mean",
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_n: int = MIN_SENTENCES,
) -> pd.DataFrame:
    """Bootstrap interval of ``stat(value)`` for every group (e.g. outlet).

    Method: :func:`bootstrap_ci` per group (Efron & Tibshirani 1993; cluster bootstrap after
    Field & Welsh 2007 when ``cluster`` is given and the group has at least 2 clusters). Every
    group uses the same ``seed``, so a group's interval does not change when other groups are
    filtered out.

    Args:
        df: tidy table with one row per observation (e.g. the sentences table).
        value: numeric column to summarise (e.g. ``"compound"``).
        group: column to group by (e.g. ``"outlet"``); the output keeps this name.
        cluster: column of cluster labels (e.g. ``"article_id"``) or None.
        stat, n_boot, seed, ci: as in :func:`bootstrap_ci`.
        min_n: groups with fewer values are flagged ``too_small``; their numbers stay in the
            table (tidy data), and displays should show "too small" instead of them.

    Returns:
        One row per group, sorted by group, with columns ``<group>`` (the name passed in
        ``group``), ``n``, ``n_clusters``, ``estimate``, ``low``, ``high``, ``too_small``,
        ``method`` (``"cluster bootstrap"``, ``"bootstrap"``: values resampled as if
        independent, or ``"too few values"``).

    >>> t = pd.DataFrame({"outlet": ["A"] * 3 + ["B"] * 2, "x": [0.1, 0.2, 0.3, -0.5, 0.5]})
    >>> group_intervals(t, value="x", group="outlet", n_boot=100, min_n=3)[["outlet", "n", "too_small"]]
      outlet  n  too_small
    0      A  3      False
    1      B  2       True
    """
    _check_columns(df, value, group, cluster)
    columns = [group, "n", "n_clusters", "estimate", "low", "high", "too_small", "method"]
    rows = []
    for key, part in df.groupby(group, sort=True, dropna=True, observed=True):
        r = bootstrap_ci(
            part[value].to_numpy(dtype=float),
            clusters=None if cluster is None else part[cluster].to_numpy(dtype=object),
            stat=stat,
            n_boot=n_boot,
            ci=ci,
            seed=seed,
        )
        rows.append(
            (
                key,
                r.n,
                r.n_clusters,
                r.estimate,
                r.low,
                r.high,
                too_small(r.n, minimum=min_n),
                r.method,
            )
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.astype(
        {
            "n": "int64",
            "n_clusters": "int64",
            "estimate": float,
            "low": float,
            "high": float,
            "too_small": bool,
            "method": str,
        }
    ).reset_index(drop=True)


def pairwise_tests(
    df: pd.DataFrame,
    *,
    value: str,
    group: str,
    cluster: str | None = None,
    n_perm: int = 5000,
    seed: int = 0,
    method: Literal["holm", "fdr_bh"] = "holm",
    min_n: int = MIN_SENTENCES,
    stat: Stat = "mean",
    alternative: Alternative = "two-sided",
) -> pd.DataFrame:
    """Every pair of groups: difference, permutation p-value, corrected p-value, effect size.

    Method: :func:`permutation_test` per pair (Phipson & Smyth 2010), permuting whole clusters
    when ``cluster`` is given and both groups have at least 2 clusters, else single values
    (then the test treats sentences of one article as independent, which overstates
    certainty; the ``method`` column says which). P-values of tested pairs are corrected
    together with :func:`adjust_pvalues` (Holm 1979, or Benjamini & Hochberg 1995). The effect
    size is Cliff's delta (Cliff 1993) on the values.

    Pairs where a group has fewer than ``min_n`` values are listed with ``too_small=True`` and
    are not tested (``p_value`` and ``p_adjusted`` NaN; they do not count in the correction).

    Args:
        df, value, group, cluster: as in :func:`group_intervals`.
        n_perm, seed, stat, alternative: as in :func:`permutation_test`.
        method: p-value correction, ``"holm"`` or ``"fdr_bh"``.
        min_n: minimum values per group for a pair to be tested.

    Returns:
        One row per pair ``group_a < group_b`` (sorted), columns ``group_a``, ``group_b``,
        ``n_a``, ``n_b``, ``diff`` (``stat(a) - stat(b)``), ``p_value``, ``p_adjusted``,
        ``effect_size`` (Cliff's delta of a versus b), ``too_small``, ``method``
        (``"cluster permutation"``, ``"permutation"`` or ``"not tested"``).

    >>> t = pd.DataFrame({"g": ["A"] * 3 + ["B"] * 3, "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    >>> pairwise_tests(t, value="x", group="g", min_n=3)[["group_a", "group_b", "diff", "p_value"]]
      group_a group_b  diff  p_value
    0       A       B  -3.0      0.1
    """
    _check_columns(df, value, group, cluster)
    columns = [
        "group_a",
        "group_b",
        "n_a",
        "n_b",
        "diff",
        "p_value",
        "p_adjusted",
        "effect_size",
        "too_small",
        "method",
    ]
    parts = {}
    for key, part in df.groupby(group, sort=True, dropna=True, observed=True):
        vals, _ = _clean(part[value].to_numpy(dtype=float), None, name=value)
        clus = None
        if cluster is not None:
            keep = ~np.isnan(part[value].to_numpy(dtype=float))
            clus = part[cluster].to_numpy(dtype=object)[keep]
        parts[key] = (vals, clus)
    rows = []
    for ga, gb in itertools.combinations(sorted(parts), 2):
        (va, ca), (vb, cb) = parts[ga], parts[gb]
        small = too_small(va.size, minimum=min_n) or too_small(vb.size, minimum=min_n)
        diff = _stat_1d(stat, va) - _stat_1d(stat, vb)
        p, how = math.nan, "not tested"
        if not small:
            use_clusters = ca is not None and len(set(ca)) >= 2 and len(set(cb)) >= 2
            r = permutation_test(
                va,
                vb,
                clusters_a=ca if use_clusters else None,
                clusters_b=cb if use_clusters else None,
                stat=stat,
                n_perm=n_perm,
                seed=seed,
                alternative=alternative,
            )
            p, how = r.p_value, "cluster permutation" if use_clusters else "permutation"
        rows.append(
            (
                ga,
                gb,
                int(va.size),
                int(vb.size),
                diff,
                p,
                math.nan,
                cliffs_delta(va, vb),
                small,
                how,
            )
        )
    out = pd.DataFrame(rows, columns=columns)
    if len(out):
        out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(dtype=float), method=method)
    return out.astype(
        {
            "n_a": "int64",
            "n_b": "int64",
            "diff": float,
            "p_value": float,
            "p_adjusted": float,
            "effect_size": float,
            "too_small": bool,
            "method": str,
        }
    ).reset_index(drop=True)
