"""newslens.vocab: counting, Fightin' Words, keyness, MTLD, overlap, KWIC, label placement.

Expected statistics are computed by hand from the published formulas and written out as the
arithmetic, so a reader can check each one against the paper.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newslens import explorer, vocab
from scipy import stats as sps


def sentences(rows: list[tuple[str, str, str]], *, in_quote: list[bool] | None = None):
    """A sentences table from (article_id, outlet, text) rows."""
    df = pd.DataFrame(rows, columns=["article_id", "outlet", "text"])
    df["sentence"] = df.groupby("article_id").cumcount()
    df["start"] = 0
    df["in_quote"] = in_quote if in_quote is not None else [False] * len(df)
    return df


def counts_table(data: dict[str, dict[str, int]]) -> pd.DataFrame:
    rows = [(o, t, c) for o, terms in data.items() for t, c in terms.items()]
    return pd.DataFrame(rows, columns=["outlet", "term", "count"])


# ---------------------------------------------------------------------------------------------
# term counts


@pytest.mark.parametrize(
    ("texts", "options", "expected"),
    [
        (["The soldiers cried."], {}, {"cried": 1, "soldiers": 1}),
        (["The soldiers cried."], {"drop_stopwords": False}, {"the": 1, "soldiers": 1, "cried": 1}),
        (["The Soldiers cried."], {"lower": False}, {"Soldiers": 1, "cried": 1}),
        (
            ["Prisoners of war, prisoners."],
            {"ngram_range": (1, 3)},
            # "of" alone, "prisoners of" and "of war" start or end with a stop word
            {"prisoners": 2, "war": 1, "prisoners of war": 1, "war prisoners": 1},
        ),
        (
            ["Soldiers cried.", "Soldiers surrendered."],
            {"ngram_range": (2, 2)},
            # bigrams never cross the sentence boundary ("cried soldiers" is absent)
            {"soldiers cried": 1, "soldiers surrendered": 1},
        ),
        (["war war tank"], {"min_count": 2}, {"war": 2}),
        (["The soldiers' soldier"], {"stemmer": "porter"}, {"soldier": 2}),
        (["Running runners ran"], {"stemmer": "snowball"}, {"run": 1, "runner": 1, "ran": 1}),
        ([""], {}, {}),
        (["... !!! ?"], {}, {}),
    ],
)
def test_term_counts_table(texts, options, expected):
    s = sentences([("a1", "X", t) for t in texts])
    got = vocab.term_counts(s, **options)
    assert list(got.columns) == vocab.COUNT_COLUMNS
    assert dict(zip(got["term"], got["count"], strict=True)) == expected
    assert got["term"].tolist() == sorted(got["term"])


def test_term_counts_quotes_dropped_and_kept():
    s = sentences(
        [("a", "X", "Soldiers cried."), ("a", "X", "We surrendered.")], in_quote=[False, True]
    )
    kept = vocab.term_counts(s, include_quotes=True)
    dropped = vocab.term_counts(s, include_quotes=False)
    assert set(kept["term"]) == {"soldiers", "cried", "surrendered"}
    assert set(dropped["term"]) == {"soldiers", "cried"}


def test_term_counts_by_article_and_outlet_filter():
    s = sentences([("a1", "X", "war war"), ("a2", "X", "war tank"), ("b1", "Y", "peace")])
    by_article = vocab.term_counts(s, by="article")
    assert list(by_article.columns) == vocab.ARTICLE_COUNT_COLUMNS
    assert by_article.values.tolist() == [
        ["a1", "X", "war", 2],
        ["a2", "X", "tank", 1],
        ["a2", "X", "war", 1],
        ["b1", "Y", "peace", 1],
    ]
    by_outlet = vocab.term_counts(s, outlets=["X"])
    assert by_outlet.values.tolist() == [["X", "tank", 1], ["X", "war", 3]]


def test_term_counts_custom_stopwords(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# mine\nwar\n", encoding="utf-8")
    s = sentences([("a", "X", "the war tank")])
    assert vocab.term_counts(s, stopwords=path)["term"].tolist() == ["tank", "the"]
    assert vocab.term_counts(s, stopwords=["tank"])["term"].tolist() == ["the", "war"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ngram_range": (2, 1)}, "ngram_range"),
        ({"ngram_range": (0, 1)}, "ngram_range"),
        ({"min_count": 0}, "min_count"),
        ({"by": "sentence"}, "by="),
        ({"stemmer": "lancaster"}, "stemmer"),
        ({"outlets": ["Nope"]}, "Nope"),
    ],
)
def test_term_counts_bad_options(options, message):
    s = sentences([("a", "X", "war")])
    with pytest.raises(ValueError, match=message):
        vocab.term_counts(s, **options)


def test_term_counts_bad_input():
    with pytest.raises(TypeError, match="Corpus"):
        vocab.term_counts(["not", "a", "table"])
    with pytest.raises(ValueError, match="text"):
        vocab.term_counts(pd.DataFrame({"article_id": ["a"], "outlet": ["X"]}))


def test_term_counts_empty_table_has_columns():
    empty = sentences([])
    assert list(vocab.term_counts(empty).columns) == vocab.COUNT_COLUMNS
    assert vocab.term_counts(empty).empty


def test_term_counts_row_order_is_independent_of_input_order():
    s = sentences([("a1", "X", "war tank"), ("b1", "Y", "peace war"), ("a2", "X", "tank")])
    shuffled = s.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        vocab.term_counts(s, ngram_range=(1, 2)), vocab.term_counts(shuffled, ngram_range=(1, 2))
    )


# ---------------------------------------------------------------------------------------------
# Fightin' Words (Monroe, Colaresi & Quinn 2008, eqs. 16, 19-22)


def test_fightin_words_constant_prior_by_hand():
    fw = vocab.fightin_words({"war": 6, "peace": 2}, {"war": 2, "peace": 6}, prior=1)
    # a_w = 1, a_0 = 2, n_a = n_b = 8
    delta = math.log((6 + 1) / (8 + 2 - 6 - 1)) - math.log((2 + 1) / (8 + 2 - 2 - 1))
    var = 1 / (6 + 1) + 1 / (2 + 1)
    assert fw.loc["war", "delta"] == pytest.approx(delta)
    assert fw.loc["war", "var"] == pytest.approx(var)
    assert fw.loc["war", "zeta"] == pytest.approx(delta / math.sqrt(var))
    assert fw.loc["war", "zeta"] == pytest.approx(2.4557, abs=1e-4)
    assert fw.loc["peace", "zeta"] == pytest.approx(-fw.loc["war", "zeta"])
    assert fw.index.name == "term"
    assert fw.index.tolist() == ["war", "peace"]  # zeta descending
    assert fw.loc["war", ["count_a", "count_b"]].tolist() == [6, 2]
    assert fw.attrs["n_a"] == 8 and fw.attrs["a0"] == 2


def test_fightin_words_mapping_prior_by_hand():
    fw = vocab.fightin_words(
        {"war": 6, "peace": 2}, {"war": 2, "peace": 6}, prior={"war": 2.0, "peace": 1.0, "x": 5}
    )
    # a_0 sums the prior over the compared vocabulary only: 2 + 1 = 3 ("x" is not compared)
    delta = math.log((6 + 2) / (8 + 3 - 6 - 2)) - math.log((2 + 2) / (8 + 3 - 2 - 2))
    var = 1 / (6 + 2) + 1 / (2 + 2)
    assert fw.loc["war", "zeta"] == pytest.approx(delta / math.sqrt(var))
    assert "x" not in fw.index


def test_fightin_words_term_seen_on_one_side_only():
    fw = vocab.fightin_words({"tank": 3, "war": 5}, {"war": 5, "cry": 3}, prior=1.0)
    # a_0 = 3 (three terms), n = 8 on both sides
    delta = math.log((3 + 1) / (8 + 3 - 3 - 1)) - math.log((0 + 1) / (8 + 3 - 0 - 1))
    assert fw.loc["tank", "zeta"] == pytest.approx(delta / math.sqrt(1 / 4 + 1 / 1))
    assert fw.loc["war", "zeta"] == pytest.approx(0.0)


def test_fightin_words_accepts_series_and_counters():
    from collections import Counter

    a = Counter({"war": 3, "tank": 1})
    b = pd.Series({"war": 1, "tank": 3})
    pd.testing.assert_frame_equal(
        vocab.fightin_words(a, b, prior=0.5), vocab.fightin_words(dict(a), b.to_dict(), prior=0.5)
    )


@pytest.mark.parametrize(
    ("a", "b", "prior", "message"),
    [
        ({}, {"war": 1}, 0.01, "counts_a is empty"),
        ({"war": 1}, {"war": 0}, 0.01, "counts_b is empty"),
        ({"war": -1}, {"war": 1}, 0.01, "non-negative"),
        ({"war": 1}, {"tank": 1}, {"war": 1.0}, "tank"),
        ({"war": 1}, {"tank": 1}, 0, "positive"),
    ],
)
def test_fightin_words_errors(a, b, prior, message):
    with pytest.raises(ValueError, match=message):
        vocab.fightin_words(a, b, prior=prior)


@pytest.mark.parametrize(
    ("kind", "background", "expected"),
    [
        ("pooled", None, {"peace": 2.0, "war": 6.0}),
        ("uniform", None, {"peace": 4.0, "war": 4.0}),
        # add-0.5 smoothing over the vocabulary: war 9.5 + 0.5 = 10, peace 0 + 0.5 = 0.5
        ("background", {"war": 9.5, "other": 100}, {"peace": 8 * 0.5 / 10.5, "war": 8 * 10 / 10.5}),
    ],
)
def test_prior_pseudocounts(kind, background, expected):
    got = vocab.prior_pseudocounts(
        {"war": 3, "peace": 1}, kind=kind, strength=8, background=background
    )
    assert got.to_dict() == pytest.approx(expected)
    assert got.sum() == pytest.approx(8)


def test_prior_background_from_csv(tmp_path):
    path = tmp_path / "bg.csv"
    path.write_text("term,count\nwar,9.5\nwar,0\nother,3\n", encoding="utf-8")
    got = vocab.prior_pseudocounts(
        {"war": 1, "peace": 1}, kind="background", strength=8, background=path
    )
    assert got["war"] == pytest.approx(8 * 10 / 10.5)
    bad = tmp_path / "bad.csv"
    bad.write_text("term,count\nwar,lots\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv, line 2"):
        vocab.load_background(bad)
    with pytest.raises(ValueError, match="background="):
        vocab.prior_pseudocounts({"war": 1}, kind="background")


def test_one_vs_rest_two_outlets_equals_pairwise_and_is_antisymmetric():
    c = counts_table({"X": {"war": 5, "tank": 3}, "Y": {"war": 5, "cry": 3}})
    ovr = vocab.one_vs_rest(c, prior=1.0)
    assert list(ovr.columns) == vocab.OVR_COLUMNS
    x = ovr[ovr.outlet == "X"].set_index("term")
    y = ovr[ovr.outlet == "Y"].set_index("term")
    pw = vocab.pairwise(c, "X", "Y", prior=1.0)
    assert x["zeta"].to_dict() == pytest.approx(pw["zeta"].to_dict())
    assert x["zeta"].to_dict() == pytest.approx((-y["zeta"]).to_dict())
    delta = math.log(4 / 7) - math.log(1 / 10)
    assert x.loc["tank", "zeta"] == pytest.approx(delta / math.sqrt(1 / 4 + 1))
    assert x.loc["cry", "count"] == 0 and x.loc["cry", "count_rest"] == 3
    assert ovr.attrs["n"] == {"X": 8.0, "Y": 8.0}


def test_one_vs_rest_three_outlets_pools_the_rest():
    c = counts_table({"X": {"war": 4, "tank": 2}, "Y": {"war": 1, "cry": 2}, "Z": {"war": 3}})
    ovr = vocab.one_vs_rest(c, prior="pooled", strength=6)
    x = ovr[ovr.outlet == "X"].set_index("term")
    # pooled prior: totals war 8, tank 2, cry 2 of 12, scaled to a_0 = 6
    a = {"war": 4.0, "tank": 1.0, "cry": 1.0}
    direct = vocab.fightin_words({"war": 4, "tank": 2}, {"war": 4, "cry": 2}, prior=a)
    assert x["zeta"].to_dict() == pytest.approx(direct["zeta"].to_dict())
    assert x["prior"].to_dict() == pytest.approx(a)
    # rows: outlets in order, zeta descending within each
    for _, grp in ovr.groupby("outlet"):
        assert grp["zeta"].is_monotonic_decreasing
    assert ovr["outlet"].tolist() == sorted(ovr["outlet"])


def test_one_vs_rest_one_outlet_is_an_error():
    with pytest.raises(ValueError, match="at least 2 outlets"):
        vocab.one_vs_rest(counts_table({"X": {"war": 1}}))


def test_one_vs_rest_is_deterministic():
    c = counts_table({"X": {"a": 1, "b": 1, "c": 2}, "Y": {"a": 1, "b": 1, "d": 2}})
    first = vocab.one_vs_rest(c)
    second = vocab.one_vs_rest(c.sample(frac=1.0, random_state=1))
    pd.testing.assert_frame_equal(first, second)
    # ties (a and b have equal zeta) are broken by term
    assert first[first.outlet == "X"]["term"].tolist()[:1] == ["c"]
    assert first[first.outlet == "X"]["term"].tolist()[1:3] == ["a", "b"]


def test_zscore_matrix():
    c = counts_table({"X": {"war": 5, "tank": 3}, "Y": {"war": 5, "cry": 3}})
    ovr = vocab.one_vs_rest(c, prior=1.0)
    m = vocab.zscore_matrix(ovr, top_n=1)
    assert m.index.tolist() == ["X", "Y"]
    assert m.columns.tolist() == ["tank", "cry"]
    assert m.loc["X", "tank"] == pytest.approx(-m.loc["Y", "tank"])
    assert vocab.zscore_matrix(ovr, terms=["war"]).columns.tolist() == ["war"]
    with pytest.raises(ValueError, match="not in scores"):
        vocab.zscore_matrix(ovr, terms=["never-seen"])


def test_pairwise_same_outlet_and_unknown_outlet():
    c = counts_table({"X": {"war": 5}, "Y": {"war": 5}})
    with pytest.raises(ValueError, match="both"):
        vocab.pairwise(c, "X", "X")
    with pytest.raises(ValueError, match="choose from"):
        vocab.pairwise(c, "X", "Nope")


# ---------------------------------------------------------------------------------------------
# keyness (Dunning 1993; Rayson & Garside 2000; Hardie 2014)


def test_keyness_by_hand():
    k = vocab.keyness({"war": 10, "the": 90}, {"war": 2, "the": 98})
    # c = d = 100; E1 = E2 = 100 * 12 / 200 = 6
    g2_war = 2 * (10 * math.log(10 / 6) + 2 * math.log(2 / 6))
    g2_the = 2 * (90 * math.log(90 / 94) + 98 * math.log(98 / 94))
    assert k.loc["war", "expected_a"] == pytest.approx(6.0)
    assert k.loc["war", "g2"] == pytest.approx(g2_war)
    assert k.loc["the", "g2"] == pytest.approx(g2_the)
    p_war, p_the = sps.chi2.sf(g2_war, 1), sps.chi2.sf(g2_the, 1)
    assert k.loc["war", "p_value"] == pytest.approx(p_war)
    # Holm with m = 2: the smaller p is doubled, the larger is max(2 p_min, p_max)
    assert k.loc["war", "p_adjusted"] == pytest.approx(min(1, 2 * p_war))
    assert k.loc["the", "p_adjusted"] == pytest.approx(max(min(1, 2 * p_war), p_the))
    assert k.loc["war", "log_ratio"] == pytest.approx(math.log2((10 / 100) / (2 / 100)))
    assert k.index.tolist() == ["war", "the"]
    assert list(k.columns) == vocab.KEYNESS_COLUMNS


def test_keyness_zero_count_log_ratio_and_g2():
    k = vocab.keyness({"tank": 5, "x": 95}, {"x": 100})
    # E1 = E2 = 2.5; the b side contributes 0 * log 0 = 0
    assert k.loc["tank", "g2"] == pytest.approx(2 * 5 * math.log(5 / 2.5))
    # Hardie's zero adjustment: 0 -> 0.5
    assert k.loc["tank", "log_ratio"] == pytest.approx(math.log2((5 / 100) / (0.5 / 100)))


def test_keyness_equal_use_is_zero_and_fdr():
    k = vocab.keyness({"a": 5, "b": 5}, {"a": 5, "b": 5}, correction="fdr_bh")
    assert k["g2"].tolist() == [0.0, 0.0]
    assert k["p_value"].tolist() == [1.0, 1.0]
    assert not k["significant"].any()
    assert k["log_ratio"].tolist() == [0.0, 0.0]


def test_keyness_errors():
    with pytest.raises(ValueError, match="counts_b is empty"):
        vocab.keyness({"a": 1}, {})
    with pytest.raises(ValueError, match="method"):
        vocab.keyness({"a": 1}, {"a": 2}, correction="bonferroni")


def test_keyness_one_vs_rest_matches_pairwise_keyness():
    c = counts_table(
        {"X": {"war": 10, "the": 90}, "Y": {"war": 1, "the": 49}, "Z": {"war": 1, "the": 49}}
    )
    k = vocab.keyness_one_vs_rest(c)
    x = k[k.outlet == "X"].set_index("term")
    direct = vocab.keyness({"war": 10, "the": 90}, {"war": 2, "the": 98})
    assert x["g2"].to_dict() == pytest.approx(direct["g2"].to_dict())
    assert x["p_adjusted"].to_dict() == pytest.approx(direct["p_adjusted"].to_dict())
    assert x["log_ratio"].to_dict() == pytest.approx(direct["log_ratio"].to_dict())


# ---------------------------------------------------------------------------------------------
# MTLD (McCarthy & Jarvis 2010)


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        # forward: a b a -> TTR 2/3 <= .72, one factor; "b" left with TTR 1 adds 0. 4 / 1 = 4
        ("a b a b", 4.0),
        # every second token closes a factor: 2 factors, 4 / 2 = 2
        ("a a a a", 2.0),
        # TTR 4/5 = .8 at the end: partial factor (1 - .8) / (1 - .72); same backwards
        ("a b c a d", 5 / ((1 - 0.8) / 0.28)),
        # forward 4 / 1 = 4; backward c b a a: TTR 3/4 left, 4 / ((1 - .75) / .28)
        ("a a b c", (4 + 4 / ((1 - 0.75) / 0.28)) / 2),
    ],
)
def test_mtld_by_hand(tokens, expected):
    assert vocab.mtld(tokens.split()) == pytest.approx(expected)


@pytest.mark.parametrize("tokens", [[], ["a"], ["a", "b", "c"]])
def test_mtld_undefined(tokens):
    assert math.isnan(vocab.mtld(tokens))


def test_mtld_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        vocab.mtld(["a"], threshold=1.5)


def test_lexical_diversity_intervals_over_articles():
    rows = [
        ("x1", "X", "a b a b"),
        ("x2", "X", "a a a a"),
        ("x3", "X", "a b c a d"),
        ("y1", "Y", "a b a b"),
    ]
    per_outlet, per_article = vocab.lexical_diversity(sentences(rows), n_boot=500, seed=1)
    assert per_article["mtld"].tolist() == pytest.approx([4.0, 2.0, 5 / (0.2 / 0.28), 4.0])
    x = per_outlet.set_index("outlet").loc["X"]
    assert x["n_articles"] == 3 and x["n_tokens"] == 13
    assert x["mtld"] == pytest.approx((4 + 2 + 5 / (0.2 / 0.28)) / 3)
    assert x["ci_low"] <= x["mtld"] <= x["ci_high"]
    assert "only 3 articles" in x["note"]
    y = per_outlet.set_index("outlet").loc["Y"]
    assert math.isnan(y["ci_low"]) and "one article" in y["note"]
    again, _ = vocab.lexical_diversity(sentences(rows), n_boot=500, seed=1)
    pd.testing.assert_frame_equal(per_outlet, again)


# ---------------------------------------------------------------------------------------------
# overlap, unique terms


def test_overlap_and_unique_terms():
    c = counts_table({"X": {"war": 1, "tank": 2}, "Y": {"war": 4}, "Z": {"cry": 1, "war": 0}})
    ov = vocab.overlap(c)
    assert ov[["outlet_a", "outlet_b", "shared", "union"]].values.tolist() == [
        ["X", "Y", 1, 2],
        ["X", "Z", 0, 3],
        ["Y", "Z", 0, 2],
    ]
    assert ov["jaccard"].tolist() == pytest.approx([0.5, 0.0, 0.0])
    uniq = vocab.unique_terms(c)
    assert uniq.values.tolist() == [["X", "tank", 2], ["Z", "cry", 1]]
    assert vocab.unique_terms(c, min_count=2).values.tolist() == [["X", "tank", 2]]


def test_overlap_one_outlet_is_empty():
    ov = vocab.overlap(counts_table({"X": {"war": 1}}))
    assert ov.empty and "jaccard" in ov.columns


# ---------------------------------------------------------------------------------------------
# keyword in context


@pytest.mark.parametrize(
    ("text", "term", "options", "expected"),
    [
        ("Russian soldiers cried.", "soldiers", {}, [(8, 16, "soldiers")]),
        ("Russia\u2019s war", "russia's", {}, [(0, 8, "Russia\u2019s")]),
        (
            "Prisoners of war, prisoners.",
            "prisoners",
            {},
            [(0, 9, "Prisoners"), (18, 27, "prisoners")],
        ),
        ("Prisoners of war were shown.", "prisoners of war", {}, [(0, 16, "Prisoners of war")]),
        ("The soldiers.", "soldier", {}, []),
        ("The soldiers.", "soldier", {"stemmer": "porter"}, [(4, 12, "soldiers")]),
        ("War and war.", "war", {"lower": False}, [(8, 11, "war")]),
        ("", "war", {}, []),
    ],
)
def test_kwic_positions(text, term, options, expected):
    s = sentences([("a", "X", text)])
    s["start"] = 100
    got = vocab.kwic(s, term, **options)
    assert list(got.columns) == vocab.KWIC_COLUMNS
    assert list(zip(got["match_start"], got["match_end"], got["match"], strict=True)) == expected
    assert (got["start"] == got["match_start"] + 100).all()


def test_kwic_cap_order_and_context():
    s = sentences(
        [
            ("b", "Y", "war one"),
            ("a", "X", "war two"),
            ("a", "X", "more war"),
            ("c", "X", "war three"),
        ]
    )
    got = vocab.kwic(s, ["war", "never-seen"], max_per_outlet=2, window=3)
    assert got[["outlet", "article_id", "sentence"]].values.tolist() == [
        ["X", "a", 0],
        ["X", "a", 1],
        ["Y", "b", 0],
    ]
    assert got.loc[1, "left"] == "re " and got.loc[0, "right"] == " tw"


def test_kwic_no_terms_and_errors():
    s = sentences([("a", "X", "war")])
    assert vocab.kwic(s, []).empty
    with pytest.raises(ValueError, match="max_per_outlet"):
        vocab.kwic(s, "war", max_per_outlet=0)


# ---------------------------------------------------------------------------------------------
# sample sizes and caveats


@pytest.mark.parametrize(
    ("n_articles", "expected"),
    [
        ([1, 1, 1], "single article (3 articles, 3 outlets)"),
        ([1], "Only one outlet"),
        ([2, 9], "1 of 2 outlets have fewer than 5 articles (X (2))"),
        ([5, 9], "2 outlets, 14 articles, at least 5 per outlet"),
        ([], "nothing to compare"),
    ],
)
def test_caveat(n_articles, expected):
    sizes = pd.DataFrame({"outlet": list("XYZ"[: len(n_articles)]), "n_articles": n_articles})
    assert expected in vocab.caveat(sizes)


# ---------------------------------------------------------------------------------------------
# label placement and figures


def _overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_place_labels_never_overlap_and_is_deterministic():
    rng = np.random.default_rng(0)
    anchors = [tuple(p) for p in rng.uniform(0, 200, size=(60, 2))]
    anchors += [(100.0, 100.0)] * 10  # a pile of identical points
    sizes = [(30.0, 8.0)] * len(anchors)
    spots = vocab.place_labels(anchors, sizes, bounds=(-50, -50, 250, 250))
    boxes = [(x, y, x + 30, y + 8) for x, y in (s for s in spots if s is not None)]
    assert len(boxes) >= 40
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not _overlaps(boxes[i], boxes[j])
    assert spots == vocab.place_labels(anchors, sizes, bounds=(-50, -50, 250, 250))


def test_place_labels_gives_up_without_room():
    assert vocab.place_labels([(0, 0)], [(100, 100)], bounds=(0, 0, 10, 10)) == [None]
    with pytest.raises(ValueError, match="length"):
        vocab.place_labels([(0, 0)], [])


def test_plot_monroe_labels_do_not_overlap():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    rng = np.random.default_rng(1)
    terms = [f"term{i}" for i in range(120)]
    c = pd.DataFrame(
        {
            "outlet": ["X"] * 120 + ["Y"] * 120,
            "term": terms * 2,
            "count": rng.integers(0, 20, size=240),
        }
    )
    ovr = vocab.one_vs_rest(c[c["count"] > 0])
    ax = vocab.plot_monroe(ovr, "X", n_labels=15)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # Text boxes only: an Annotation's own extent also covers its leader line.
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]
    assert len(boxes) >= 10
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())
    plt.close(fig)
    with pytest.raises(ValueError, match="choose from"):
        vocab.plot_monroe(ovr, "Nope")


# ---------------------------------------------------------------------------------------------
# the sample corpus


@pytest.fixture(scope="module")
def corpus(sample_corpus):
    return sample_corpus


def test_fast_unigram_path_equals_tokenising_sentences(corpus):
    for include_quotes in (True, False):
        for by in ("outlet", "article"):
            fast = vocab.term_counts(corpus, by=by, include_quotes=include_quotes)
            slow = vocab.term_counts(corpus.sentences, by=by, include_quotes=include_quotes)
            pd.testing.assert_frame_equal(fast, slow)


def test_kwic_offsets_point_into_the_body(corpus):
    counts = vocab.term_counts(corpus, ngram_range=(1, 2))
    top = counts.sort_values(["count", "term"], ascending=[False, True])["term"].head(15).tolist()
    got = vocab.kwic(corpus, top)
    assert got["match_start"].notna().all()
    body = corpus.articles.set_index("article_id")["body"]
    for row in got.itertuples():
        assert body[row.article_id][row.start : row.end] == row.match
    # rows add up to the counts (both from segment.tokens)
    per = got.groupby(["outlet", "term"]).size()
    want = counts.set_index(["outlet", "term"])["count"]
    for key, n in per.items():
        assert want[key] == n


def test_sample_corpus_analyses_are_deterministic(corpus):
    a = vocab.one_vs_rest(vocab.term_counts(corpus, ngram_range=(1, 2), min_count=2))
    b = vocab.one_vs_rest(vocab.term_counts(corpus, ngram_range=(1, 2), min_count=2))
    pd.testing.assert_frame_equal(a, b)
    assert set(a["outlet"]) == set(corpus.articles["outlet"])
    sizes = vocab.sample_sizes(corpus)
    assert sizes["n_articles"].tolist() == [1] * len(sizes)
    assert "cannot separate an outlet's style from the story" in vocab.caveat(sizes)


# ---------------------------------------------------------------------------------------------
# the notebook, as `newslens report` runs it (session fixture `report_run` in conftest.py)

NOTEBOOK = "04_vocabulary"
NOTEBOOK_PARAMETERS = {
    "corpus", "outlets", "ngram_min", "ngram_max", "prior", "prior_strength", "background",
    "min_count", "top_n", "include_quotes", "stemmer", "seed", "n_boot", "explorer_top_n",
    "explorer_sentences", "output_dir",
}  # fmt: skip


def _outputs(nb, kind: str) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if kind(o)]


@pytest.mark.slow
def test_vocabulary_notebook(report_run):
    import nbformat

    assert report_run.status[NOTEBOOK] == "ok"
    nb = nbformat.read(report_run.executed[NOTEBOOK], as_version=4)
    assert not _outputs(nb, lambda o: o.output_type == "error")
    images = _outputs(nb, lambda o: "image/png" in o.get("data", {}))
    assert len(images) >= 3  # Monroe panels, z-score heatmap, MTLD bars
    text = "\n".join(
        o["data"].get("text/markdown", "") + o["data"].get("text/plain", "")
        for o in _outputs(nb, lambda o: "data" in o)
    )
    assert "cannot separate an outlet's style from the story" in text
    for column in ("zeta", "g2", "p_adjusted", "log_ratio", "mtld", "ci_low", "jaccard", "match"):
        assert column in text, column
    result = next(n for n in report_run.notebooks if n.name == NOTEBOOK)
    assert NOTEBOOK_PARAMETERS <= set(result.parameters) | set(result.defaults)
    # The explorer page is written next to the report (needs the report to run notebooks in, or
    # pass output_dir=, its output folder).
    page = Path(report_run.out_dir) / explorer.DEFAULT_FILENAME
    assert page.is_file(), f"{page} missing: the explorer page must be written next to the report"
    assert "explorer-data" in page.read_text(encoding="utf-8")
