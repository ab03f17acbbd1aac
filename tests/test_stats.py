"""newslens.stats: hand-computed expectations for intervals, tests, corrections, effect sizes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from newslens import stats


# ---------------------------------------------------------------- p-value adjustment
@pytest.mark.parametrize(
    ("p", "method", "expected"),
    [
        # sorted 0.005, 0.01, 0.03, 0.04; Holm: 4*.005=.02, 3*.01=.03, 2*.03=.06, 1*.04=.04
        # -> running max .02 .03 .06 .06, back in input order
        ([0.01, 0.04, 0.03, 0.005], "holm", [0.03, 0.06, 0.06, 0.02]),
        # BH: 4*.005/1=.02, 4*.01/2=.02, 4*.03/3=.04, 4*.04/4=.04 -> running min from the top
        ([0.01, 0.04, 0.03, 0.005], "fdr_bh", [0.02, 0.04, 0.04, 0.02]),
        # Holm: .05 .08 .09 .08 .05 -> running max .05 .08 .09 .09 .09
        ([0.01, 0.02, 0.03, 0.04, 0.05], "holm", [0.05, 0.08, 0.09, 0.09, 0.09]),
        ([0.01, 0.02, 0.03, 0.04, 0.05], "fdr_bh", [0.05, 0.05, 0.05, 0.05, 0.05]),
        # capped at 1
        ([0.5, 0.6], "holm", [1.0, 1.0]),
        ([0.5, 0.6], "fdr_bh", [0.6, 0.6]),
        # NaN (untested) entries stay NaN and do not count in m
        ([0.01, math.nan, 0.04], "holm", [0.02, math.nan, 0.04]),
        ([], "holm", []),
        ([0.2], "fdr_bh", [0.2]),
    ],
)
def test_adjust_pvalues(p, method, expected):
    got = stats.adjust_pvalues(p, method=method)
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


def test_adjust_pvalues_rejects_bad_input():
    with pytest.raises(ValueError, match="method"):
        stats.adjust_pvalues([0.1], method="bonferroni")
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.adjust_pvalues([1.5])


# ---------------------------------------------------------------- effect sizes
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # 1: wins 0 losses 3; 2: wins 0 losses 1; 3: wins 2 losses 1 -> (2 - 5) / 9
        ([1, 2, 3], [2, 2, 4], -1 / 3),
        ([5, 6], [1, 2], 1.0),
        ([1, 2], [5, 6], -1.0),
        ([1, 1], [1, 1], 0.0),
        ([0.0], [0.0, 1.0], -0.5),
        ([], [1.0], math.nan),
    ],
)
def test_cliffs_delta(a, b, expected):
    got = stats.cliffs_delta(a, b)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-15)


def test_cliffs_delta_matches_brute_force():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 5, 40).astype(float), rng.integers(0, 5, 31).astype(float)
    brute = np.sign(a[:, None] - b[None, :]).mean()
    assert stats.cliffs_delta(a, b) == pytest.approx(brute, abs=1e-15)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # means 4 and 2; variances 4 and 1; pooled sqrt((2*4 + 2*1) / 4) = sqrt(2.5)
        ([2, 4, 6], [1, 2, 3], 2 / math.sqrt(2.5)),
        ([1, 2, 3], [2, 3, 4], -1.0),
        ([1, 1], [1, 1], math.nan),  # zero spread
        ([1], [1, 2], math.nan),  # too few values
    ],
)
def test_cohens_d(a, b, expected):
    got = stats.cohens_d(a, b)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- permutation tests
@pytest.mark.parametrize(
    ("alternative", "expected"),
    [
        # a={1,2}, b={3,4}: the 6 splits give diffs -2, -1, 0, 0, 1, 2; observed -2
        ("two-sided", 2 / 6),
        ("less", 1 / 6),
        ("greater", 6 / 6),
    ],
)
def test_permutation_exact_tiny(alternative, expected):
    r = stats.permutation_test([1.0, 2.0], [3.0, 4.0], alternative=alternative)
    assert r.statistic == -2.0
    assert r.p_value == pytest.approx(expected, abs=1e-15)
    assert (r.n_a, r.n_b) == (2, 2)


def test_permutation_clusters_move_together():
    a, b = [1.0, 1.0, 2.0], [5.0, 6.0]
    # values: C(5,3)=10 splits, only a={1,1,2} reaches |diff| >= 4.1667
    plain = stats.permutation_test(a, b)
    assert plain.p_value == pytest.approx(1 / 10)
    # clusters x={1,1}, y={2}, z={5}, w={6}: C(4,2)=6 splits, {x,y} and {z,w} are extreme
    clustered = stats.permutation_test(a, b, clusters_a=["x", "x", "y"], clusters_b=["z", "w"])
    assert clustered.statistic == pytest.approx(4 / 3 - 5.5)
    assert clustered.p_value == pytest.approx(2 / 6)


def test_permutation_random_uses_plus_one_and_is_seeded():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 30), rng.normal(5, 1, 30)
    r1 = stats.permutation_test(a, b, n_perm=999, seed=1)
    r2 = stats.permutation_test(a, b, n_perm=999, seed=1)
    assert r1 == r2
    # no permutation is as extreme as a 5-SD shift: p is exactly 1 / (999 + 1), never 0
    assert r1.p_value == pytest.approx(1 / 1000)


def test_permutation_random_agrees_with_exact():
    a, b = [0.1, 0.5, 0.2, 0.9, 0.3], [0.4, 0.8, 0.7, 0.6, 1.0]
    exact = stats.permutation_test(a, b, exact=True).p_value  # 252 splits
    approx = stats.permutation_test(a, b, exact=False, n_perm=20000, seed=0).p_value
    assert abs(exact - approx) < 0.02


def test_permutation_median_and_callable():
    import itertools

    a, b = [1.0, 2.0, 10.0], [3.0, 4.0, 5.0]
    med = stats.permutation_test(a, b, stat="median")
    assert med.statistic == -2.0
    pooled = a + b
    diffs = []
    for idx in itertools.combinations(range(6), 3):
        ga = [pooled[i] for i in idx]
        gb = [pooled[i] for i in range(6) if i not in idx]
        diffs.append(np.median(ga) - np.median(gb))
    assert med.p_value == pytest.approx(np.mean(np.abs(diffs) >= 2.0))
    # max(a) - max(b): whichever side holds the 10 wins by at least 5, so all 20 splits are
    # at least as extreme as the observed 5
    call = stats.permutation_test(a, b, stat=np.max)
    assert call.statistic == 5.0 and call.p_value == 1.0


def test_permutation_empty_group():
    r = stats.permutation_test([], [1.0, 2.0])
    assert math.isnan(r.p_value) and (r.n_a, r.n_b) == (0, 2)


def test_permutation_bad_options():
    with pytest.raises(ValueError, match="alternative"):
        stats.permutation_test([1.0], [2.0], alternative="both")
    with pytest.raises(ValueError, match="both clusters_a and clusters_b"):
        stats.permutation_test([1.0], [2.0], clusters_a=["x"])


# ---------------------------------------------------------------- bootstrap
def test_bootstrap_is_deterministic_with_a_seed():
    vals = np.random.default_rng(5).normal(size=200)
    assert stats.bootstrap_ci(vals, seed=7) == stats.bootstrap_ci(vals, seed=7)
    assert stats.bootstrap_ci(vals, seed=7) != stats.bootstrap_ci(vals, seed=8)


@pytest.mark.parametrize("stat", ["mean", "median", np.std])
@pytest.mark.parametrize("clustered", [False, True])
def test_interval_contains_estimate(stat, clustered):
    rng = np.random.default_rng(11)
    vals = rng.normal(size=120)
    clusters = np.repeat(np.arange(12), 10) if clustered else None
    r = stats.bootstrap_ci(vals, clusters=clusters, stat=stat, n_boot=500, seed=0)
    assert r.low <= r.estimate <= r.high
    assert r.n == 120
    assert r.n_clusters == (12 if clustered else 120)
    assert r.method == ("cluster bootstrap" if clustered else "bootstrap")


def test_cluster_bootstrap_resamples_whole_clusters():
    # cluster A is all 0, cluster B all 1: a cluster resample's mean can only be 0, 0.5 or 1
    vals = [0.0] * 10 + [1.0] * 10
    clusters = ["A"] * 10 + ["B"] * 10
    r = stats.bootstrap_ci(vals, clusters=clusters, n_boot=2000, seed=0)
    assert r.method == "cluster bootstrap" and r.n_clusters == 2
    assert (r.low, r.estimate, r.high) == (0.0, 0.5, 1.0)
    # resampling sentences as independent gives a far narrower (overconfident) interval
    iid = stats.bootstrap_ci(vals, n_boot=2000, seed=0)
    assert iid.method == "bootstrap" and 0.2 < iid.low < iid.high < 0.8


def test_cluster_bootstrap_pools_values_of_unequal_clusters():
    from newslens.stats import _boot_cluster

    # A = [0, 0, 0] (3 values), B = [1]: drawing (A, B) pools to 1/4, not the mean of the
    # cluster means (1/2); (A, A) gives 0 and (B, B) gives 1
    boots = _boot_cluster(
        np.array([0.0, 0.0, 0.0, 1.0]),
        np.array([0, 0, 0, 1]),
        "mean",
        400,
        np.random.default_rng(0),
    )
    assert set(np.round(np.unique(boots), 12)) == {0.0, 0.25, 1.0}


def test_cluster_median_matches_expanded_resamples():
    from newslens.stats import _weighted_median_rows

    rng = np.random.default_rng(2)
    values = np.sort(rng.normal(size=9))
    weights = rng.integers(0, 3, size=(200, 9))
    weights[:, 0] += 1  # every resample non-empty
    expected = [np.median(np.repeat(values, w)) for w in weights]
    np.testing.assert_allclose(_weighted_median_rows(values, weights), expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("values", "clusters", "estimate", "method"),
    [
        ([], None, math.nan, "too few values"),
        ([0.3], None, 0.3, "too few values"),
        ([0.3, math.nan], None, 0.3, "too few values"),  # NaN dropped
        ([0.1, 0.3], ["a", "a"], 0.2, "bootstrap"),  # one cluster: values resampled
    ],
)
def test_bootstrap_edge_cases(values, clusters, estimate, method):
    r = stats.bootstrap_ci(values, clusters=clusters, n_boot=50)
    assert r.method == method
    if math.isnan(estimate):
        assert math.isnan(r.estimate)
    else:
        assert r.estimate == pytest.approx(estimate)
    if method == "too few values":
        assert math.isnan(r.low) and math.isnan(r.high)


def test_bootstrap_proportion_and_errors():
    r = stats.bootstrap_ci([True, False, False, True], stat="proportion", n_boot=100)
    assert r.estimate == 0.5 and 0.0 <= r.low <= r.high <= 1.0
    with pytest.raises(ValueError, match="0/1"):
        stats.bootstrap_ci([0.2, 0.4], stat="proportion")
    with pytest.raises(ValueError, match="ci"):
        stats.bootstrap_ci([1.0, 2.0], ci=95)
    with pytest.raises(ValueError, match="stat="):
        stats.bootstrap_ci([1.0, 2.0], stat="mode")
    with pytest.raises(ValueError, match="cluster label"):
        stats.bootstrap_ci([1.0, 2.0], clusters=["a"])


def test_bootstrap_large_input_spans_several_chunks(monkeypatch):
    monkeypatch.setattr(stats, "_CHUNK_CELLS", 10_000)  # 3000 values -> 3 resamples per chunk
    vals = np.random.default_rng(1).normal(size=3000)
    r = stats.bootstrap_ci(vals, n_boot=300, seed=4)
    assert r.low < r.estimate < r.high
    assert r.high - r.low < 0.2  # SE ~ 1/sqrt(3000): the interval is about 0.07 wide


# ---------------------------------------------------------------- too_small
@pytest.mark.parametrize(
    ("n", "minimum", "expected"), [(0, 1, True), (19, 20, True), (20, 20, False)]
)
def test_too_small(n, minimum, expected):
    assert stats.too_small(n, minimum=minimum) is expected


# ---------------------------------------------------------------- tables
def _table():
    return pd.DataFrame(
        {
            "outlet": ["B"] * 4 + ["A"] * 4 + ["C"],
            "article_id": ["b1", "b1", "b2", "b2", "a1", "a1", "a1", "a1", "c1"],
            "x": [0.5, 0.7, 0.6, 0.8, -0.5, -0.4, -0.6, -0.3, 0.0],
        }
    )


def test_group_intervals_table():
    out = stats.group_intervals(
        _table(), value="x", group="outlet", cluster="article_id", n_boot=200, min_n=2
    )
    assert list(out.columns) == [
        "outlet",
        "n",
        "n_clusters",
        "estimate",
        "low",
        "high",
        "too_small",
        "method",
    ]
    assert out["outlet"].tolist() == ["A", "B", "C"]
    assert out["n"].tolist() == [4, 4, 1]
    assert out["n_clusters"].tolist() == [1, 2, 1]
    assert out["method"].tolist() == ["bootstrap", "cluster bootstrap", "too few values"]
    assert out["too_small"].tolist() == [False, False, True]
    assert out.loc[0, "estimate"] == pytest.approx(-0.45)
    # rerun: identical table
    again = stats.group_intervals(
        _table(), value="x", group="outlet", cluster="article_id", n_boot=200, min_n=2
    )
    pd.testing.assert_frame_equal(out, again)
    # a group's interval does not depend on the other groups
    only_b = stats.group_intervals(
        _table().query("outlet == 'B'"),
        value="x",
        group="outlet",
        cluster="article_id",
        n_boot=200,
        min_n=2,
    )
    pd.testing.assert_frame_equal(only_b, out.iloc[[1]].reset_index(drop=True))


def test_group_intervals_empty_and_missing_column():
    empty = stats.group_intervals(_table().iloc[:0], value="x", group="outlet")
    assert empty.empty and "outlet" in empty.columns
    with pytest.raises(KeyError, match="compound"):
        stats.group_intervals(_table(), value="compound", group="outlet")


def test_pairwise_tests_table():
    out = stats.pairwise_tests(_table(), value="x", group="outlet", min_n=2)
    assert list(out.columns) == [
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
    assert list(zip(out.group_a, out.group_b, strict=True)) == [("A", "B"), ("A", "C"), ("B", "C")]
    ab = out.iloc[0]
    # 4 vs 4 values: C(8,4) = 70 splits, exact; only the observed split and its mirror are
    # as extreme, so p = 2/70; it is the only tested pair, so Holm leaves it unchanged
    assert ab["p_value"] == pytest.approx(2 / 70)
    assert ab["p_adjusted"] == pytest.approx(2 / 70)
    assert ab["diff"] == pytest.approx(-0.45 - 0.65)
    assert ab["effect_size"] == -1.0
    assert ab["method"] == "permutation"
    assert out["too_small"].tolist() == [False, True, True]
    assert out.loc[1:, "p_value"].isna().all() and out.loc[1:, "method"].eq("not tested").all()


def test_pairwise_tests_cluster_permutation_and_holm():
    df = pd.DataFrame(
        {
            "g": ["A"] * 4 + ["B"] * 4 + ["C"] * 4,
            "art": ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2", "c1", "c1", "c2", "c2"],
            "x": [1.0, 1.0, 2.0, 2.0, 5.0, 5.0, 6.0, 6.0, 3.0, 3.0, 4.0, 4.0],
        }
    )
    out = stats.pairwise_tests(df, value="x", group="g", cluster="art", min_n=2)
    assert out["method"].eq("cluster permutation").all()
    # each pair: 2 + 2 clusters, C(4,2)=6 splits, 2 as extreme -> p = 1/3 for every pair
    np.testing.assert_allclose(out["p_value"], [1 / 3] * 3)
    # Holm on three equal p-values: 3p, 2p, p -> running max 1.0 for all
    np.testing.assert_allclose(out["p_adjusted"], [1.0] * 3)


def test_pairwise_tests_one_group_gives_empty_table():
    out = stats.pairwise_tests(_table().query("outlet == 'A'"), value="x", group="outlet")
    assert out.empty and list(out.columns)[:2] == ["group_a", "group_b"]
