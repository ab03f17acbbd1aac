"""newslens.sentiment: exact VADER, units, voices, targets, intervals, tests, plots."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newslens import resources, sentiment, stats

NYT = Path("/work/shared/eval/vader_nyt/nytEditorialSnippets_GroundTruth.txt")
needs_nyt = pytest.mark.skipif(not NYT.is_file(), reason="NYT VADER ground-truth file not present")


@pytest.fixture(scope="module")
def nltk_sia():
    return resources.nltk_vader()


def _nltk(sia, texts):
    return [tuple(sia.polarity_scores(t)[k] for k in sentiment.SCORE_COLUMNS) for t in texts]


def _ours(texts):
    return [tuple(r) for r in sentiment.score_sentences(texts).itertuples(index=False)]


def _nyt_rows():
    rows = []
    for line in NYT.open(encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        rows.append((float(fields[1]), "\t".join(fields[2:])))
    return rows


# ---------------------------------------------------------------- exact equality with nltk
def test_rule_constants_are_nltks():
    from nltk.sentiment.vader import VaderConstants as C

    assert sentiment.NEGATE == frozenset(C.NEGATE)
    assert sentiment.BOOSTER_DICT == C.BOOSTER_DICT
    assert sentiment.SPECIAL_CASE_IDIOMS == C.SPECIAL_CASE_IDIOMS
    assert list(sentiment.PUNC_LIST) == C.PUNC_LIST
    assert (C.B_INCR, C.B_DECR, C.C_INCR, C.N_SCALAR) == (
        sentiment._B_INCR,
        sentiment._B_DECR,
        sentiment._C_INCR,
        sentiment._N_SCALAR,
    )


def test_lexicon_is_nltks(nltk_sia):
    assert sentiment._lexicon(None).valence == nltk_sia.lexicon


EDGE_CASES = [
    "",
    " ",
    "a",
    "!!!",
    "?? !! ...",
    "—",
    "The soldiers are happy.",
    "The soldiers are not happy.",
    "The soldiers are never so happy.",
    "It was never this good.",
    "He is never so sad, never this bad.",
    "They left without hope.",
    "She is not at all unhappy",
    "The food was good, but the service was terrible.",
    "The food was good BUT the service was terrible.",
    "but",
    "It is GREAT, really GREAT!",
    "IT IS GREAT",
    "The war is HORRIBLE and cruel.",
    "What a day!!!",
    "What a day!!!!!!!",
    "Why?? Why would they do this??",
    "Really???? awful",
    "Is that true?",
    "I love it :) :-) :D",
    "Sad :( ;( </3 <3",
    "It was kind of good.",
    "It was kind of a disaster.",
    "kind",
    "She is so kind of heart.",
    "It was sort of ok, kinda nice, sorta bad.",
    "This is the least bad option.",
    "At least it was good.",
    "Very least good.",
    "least good",
    "The absolutely awful, incredibly cruel, extremely sad war.",
    "It was barely acceptable and hardly good.",
    "That's the shit!",
    "The new song is the bomb.",
    "Yeah right, great plan.",
    "He could cut the mustard.",
    "It was the kiss of death for the deal.",
    "They live hand to mouth in the ruins.",
    "Bad ass move.",
    "Putin ’s war is a disaster.",
    "“Terrible,” he said. ‘Awful’.",
    '"Good," she said, "very good."',
    "'We are sad' - he told his mother",
    "The soldiers' mothers wept.",
    "f***ing awful",
    "Ceci n'est pas bon, très mauvais.",
    "Ukraine’s president Зеленський thanked them — дякую!",
    "Emoji only 😀 😢",
    "Dmitrien- ko is good",
    "It isn't good. It wasn't bad. Don't worry.",
    "Nobody wants war, nothing is good, none are happy",
    "He never, ever lies.",
    "good good good bad bad",
    "Good. good! GOOD? gOOd",
    "no no no",
    "Not bad at all!",
    "It's not that it's bad; it's that it isn't good.",
    "The Kremlin's lies, Russia's crimes, Moscow's shame.",
    "tab\tseparated\tgood\nnew line bad",
    "x" * 5000,
    "good " * 400,
    "Prisoners of war were treated well and fed, and they were happy to be alive.",
    "He did not say it was a great success.",
    "SO good",
    "So good",
    "NEVER SO GOOD",
    "never SO good",
    "Never so good",
    "just enough good",
    "The result was just enough.",
    "despite the good news",
    "rarely good",
    "seldom bad",
    "uh-uh good",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_equal_nltk(nltk_sia, text):
    assert _ours([text]) == _nltk(nltk_sia, [text])


@needs_nyt
def test_nyt_snippets_equal_nltk(nltk_sia):
    texts = [t for _, t in _nyt_rows()][::7]  # 742 varied editorial sentences
    assert len(texts) > 700
    assert _ours(texts) == _nltk(nltk_sia, texts)


def test_sample_corpus_sentences_equal_nltk(nltk_sia, sample_corpus):
    texts = sample_corpus.sentences["text"].tolist()
    assert len(texts) > 100
    assert _ours(texts) == _nltk(nltk_sia, texts)
    # and the build's columns are those scores
    got = sample_corpus.sentences[list(sentiment.SCORE_COLUMNS)].itertuples(index=False)
    assert [tuple(r) for r in got] == _nltk(nltk_sia, texts)


def test_random_rule_combinations_equal_nltk(nltk_sia):
    """Seeded fuzzing over lexicon words, negations, boosters, idioms, caps and punctuation."""
    from nltk.sentiment.vader import VaderConstants as C

    rng = random.Random(7)
    lex = sorted(nltk_sia.lexicon)
    specials = (
        sorted(C.NEGATE)
        + sorted(C.BOOSTER_DICT)
        + (
            "but BUT least at very never Never so So this kind of the shit bomb cut mustard kiss "
            "death yeah right hand to mouth bad ass sort just enough war Putin soldiers a I x"
        ).split()
    )
    marks = [
        "",
        "",
        "!",
        "!!",
        "?",
        "??",
        "???",
        ".",
        ",",
        "'",
        '"',
        "?!?",
        "-",
        ":",
        "(",
        ")",
        "“",
        "”",
        "’s",
        "n't",
        "!!!!",
    ]
    texts = []
    for _ in range(3000):
        words = []
        for _ in range(rng.randint(0, 12)):
            w = rng.choice(lex) if rng.random() < 0.4 else rng.choice(specials)
            r = rng.random()
            w = w.upper() if r < 0.15 else (w.capitalize() if r < 0.2 else w)
            if rng.random() < 0.3:
                w = rng.choice(marks) + w
            if rng.random() < 0.3:
                w = w + rng.choice(marks)
            words.append(w)
        texts.append(rng.choice([" ", "  ", "\n"]).join(words))
    assert _ours(texts) == _nltk(nltk_sia, texts)


# ---------------------------------------------------------------- score_sentences contract
def test_score_sentences_order_and_columns():
    texts = pd.Series(["Great!", "Awful.", "Great!", "A table."])
    out = sentiment.score_sentences(texts)
    assert list(out.columns) == ["neg", "neu", "pos", "compound"]
    assert len(out) == 4 and all(str(d) == "float64" for d in out.dtypes)
    assert out.loc[0, "compound"] > 0 > out.loc[1, "compound"]
    assert out.loc[0].tolist() == out.loc[2].tolist()
    assert out.loc[3].tolist() == [0.0, 1.0, 0.0, 0.0]


def test_score_sentences_empty_and_bad_input():
    empty = sentiment.score_sentences([])
    assert empty.empty and list(empty.columns) == ["neg", "neu", "pos", "compound"]
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        sentiment.score_sentences(["fine", None])
    with pytest.raises(TypeError, match="not one string"):
        sentiment.score_sentences("a whole string")


def test_custom_lexicon_file(tmp_path):
    lex = tmp_path / "lex.txt"
    lex.write_text("zorgly\t3.0\t0.5\t[3]\nbad\t-2.5\t0.5\t[-2]\n", encoding="utf-8")
    out = sentiment.score_sentences(["so zorgly", "good"], lexicon=lex)
    # "so" boosts by 0.293: 3.293 / sqrt(3.293^2 + 15) = 0.6480 (rounded to 4 places)
    assert out.loc[0, "compound"] == pytest.approx(round(3.293 / math.sqrt(3.293**2 + 15), 4))
    assert out.loc[1, "compound"] == 0.0  # "good" is not in this lexicon
    bad = tmp_path / "bad.txt"
    bad.write_text("fine\t1.0\nbroken-line-without-tab\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        sentiment.score_sentences(["x"], lexicon=bad)
    with pytest.raises(FileNotFoundError, match="VADER lexicon"):
        sentiment.score_sentences(["x"], lexicon=tmp_path / "missing.txt")


@needs_nyt
def test_nyt_correlation_with_human_ratings():
    """Quality check (not timing): the paper reports r = 0.492 on these 5,190 snippets."""
    from scipy import stats as sps

    rows = _nyt_rows()
    assert len(rows) == 5190
    compound = sentiment.score_sentences([t for _, t in rows])["compound"]
    r = sps.pearsonr(compound, [x for x, _ in rows])[0]
    assert r >= 0.49


# ---------------------------------------------------------------- labels and units
@pytest.mark.parametrize(
    ("compound", "threshold", "expected"),
    [
        ([0.05, 0.0499, -0.05, -0.0499], 0.05, ["positive", "neutral", "negative", "neutral"]),
        ([0.2, -0.2, 0.0], 0.3, ["neutral", "neutral", "neutral"]),
        ([0.0], 0.0, ["positive"]),  # with no neutral band, 0 counts as positive (>= 0)
        ([], 0.05, []),
    ],
)
def test_label(compound, threshold, expected):
    assert sentiment.label(compound, threshold=threshold).tolist() == expected


def test_label_nan_and_bad_threshold():
    assert sentiment.label([math.nan]).isna().all()
    with pytest.raises(ValueError, match="threshold"):
        sentiment.label([0.1], threshold=5)


def _sentences():
    # compound given, so the arithmetic is by hand; two outlets, three articles
    return pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a1", "a2", "b1", "b1"],
            "outlet": ["A", "A", "A", "A", "B", "B"],
            "paragraph": [0, 0, 1, 0, 0, 1],
            "sentence": [0, 1, 2, 0, 0, 1],
            "position": [0.0, 0.5, 1.0, 0.0, 0.0, 1.0],
            "in_quote": [False, True, False, False, False, True],
            "text": ["t0", "t1", "t2", "t3", "t4", "t5"],
            "neg": [0.0, 0.5, 0.0, 0.0, 0.2, 0.0],
            "neu": [1.0, 0.5, 0.6, 1.0, 0.8, 0.4],
            "pos": [0.0, 0.0, 0.4, 0.0, 0.0, 0.6],
            "compound": [0.0, -0.6, 0.4, 0.02, -0.3, 0.7],
        }
    )


def test_units_sentence_keeps_given_scores():
    out = sentiment.units(_sentences())
    assert out["compound"].tolist() == [0.0, -0.6, 0.4, 0.02, -0.3, 0.7]
    assert out["label"].tolist() == [
        "neutral",
        "negative",
        "positive",
        "neutral",
        "negative",
        "positive",
    ]


def test_units_paragraph_and_article_aggregate_sentences():
    par = sentiment.units(_sentences(), unit="paragraph")
    assert list(zip(par.article_id, par.paragraph, strict=True)) == [
        ("a1", 0),
        ("a1", 1),
        ("a2", 0),
        ("b1", 0),
        ("b1", 1),
    ]
    assert par["n_sentences"].tolist() == [2, 1, 1, 1, 1]
    assert par.loc[0, "compound"] == pytest.approx(-0.3)  # mean of 0.0 and -0.6
    assert par.loc[0, "share_negative"] == 0.5 and par.loc[0, "share_neutral"] == 0.5
    art = sentiment.units(_sentences(), unit="article")
    assert art["article_id"].tolist() == ["a1", "a2", "b1"]
    assert art.loc[0, "compound"] == pytest.approx((0.0 - 0.6 + 0.4) / 3)
    assert art.loc[2, "compound"] == pytest.approx(0.2)
    assert art.loc[0, "label"] == "negative"  # mean -0.0667 <= -0.05


def test_units_scores_when_columns_missing():
    s = _sentences().drop(columns=list(sentiment.SCORE_COLUMNS))
    s["text"] = ["Good.", "Bad.", "A day.", "Awful.", "Great!", "Fine."]
    out = sentiment.units(s)
    assert out["compound"].tolist() == sentiment.score_sentences(s["text"])["compound"].tolist()


def test_units_errors_and_empty():
    with pytest.raises(ValueError, match="unit="):
        sentiment.units(_sentences(), unit="word")
    with pytest.raises(KeyError, match="outlet"):
        sentiment.units(_sentences().drop(columns="outlet"))
    assert sentiment.units(_sentences().iloc[:0]).empty


# ---------------------------------------------------------------- outlet summary and tests
def test_outlet_summary_resamples_articles_or_sentences():
    out = sentiment.outlet_summary(_sentences(), n_boot=300, min_n=2)
    assert list(out.columns) == sentiment.SUMMARY_COLUMNS
    assert out["outlet"].tolist() == ["A", "B"]
    assert out["n"].tolist() == [4, 2] and out["n_articles"].tolist() == [2, 1]
    assert out["method"].tolist() == ["cluster bootstrap", "bootstrap"]
    assert out.loc[0, "estimate"] == pytest.approx((0.0 - 0.6 + 0.4 + 0.02) / 4)
    assert "only 2 articles" in out.loc[0, "caveat"]
    assert "resampled as if independent" in out.loc[1, "caveat"]
    assert out.loc[1, "share_negative"] == 0.5 and out.loc[1, "share_positive"] == 0.5
    assert (out["low"] <= out["estimate"]).all() and (out["estimate"] <= out["high"]).all()


def test_outlet_summary_one_sentence_outlet_is_too_small():
    s = _sentences().iloc[[0, 1, 2, 4]]  # outlet B keeps one sentence
    out = sentiment.outlet_summary(s, n_boot=100)
    b = out.set_index("outlet").loc["B"]
    assert b["n"] == 1 and bool(b["too_small"]) and math.isnan(b["low"])
    assert b["method"] == "too few values" and "too small" in b["caveat"]


def test_outlet_summary_article_unit_uses_article_minimum():
    out = sentiment.outlet_summary(_sentences(), unit="article", n_boot=100)
    assert out["n"].tolist() == [2, 1]
    assert out["too_small"].tolist() == [True, True]  # fewer than stats.MIN_ARTICLES = 3


def test_outlet_summary_is_deterministic_and_seeded():
    rng = np.random.default_rng(0)
    s = pd.DataFrame(
        {
            "article_id": np.repeat(["a1", "a2", "a3", "b1"], 15),
            "outlet": np.repeat(["A", "A", "A", "B"], 15),
            "sentence": np.tile(np.arange(15), 4),
            "compound": rng.uniform(-1, 1, 60).round(4),
        }
    )
    a = sentiment.outlet_summary(s, n_boot=200, seed=3, min_n=2)
    b = sentiment.outlet_summary(s, n_boot=200, seed=3, min_n=2)
    pd.testing.assert_frame_equal(a, b)
    c = sentiment.outlet_summary(s, n_boot=200, seed=4, min_n=2)
    assert not a[["low", "high"]].equals(c[["low", "high"]])
    assert a["estimate"].equals(c["estimate"])


def test_outlet_tests_table():
    out = sentiment.outlet_tests(_sentences(), min_n=2)
    assert out[["group_a", "group_b"]].values.tolist() == [["A", "B"]]
    # A has 2 articles, B 1: sentences permuted (4 + 2 values: C(6,2) = 15 splits, exact)
    row = out.iloc[0]
    assert row["method"] == "permutation" and "independent" in row["caveat"]
    assert row["diff"] == pytest.approx(-0.045 - 0.2)
    a, b = [0.0, -0.6, 0.4, 0.02], [-0.3, 0.7]
    assert row["effect_size"] == pytest.approx(stats.cliffs_delta(a, b))
    assert row["p_value"] == pytest.approx(stats.permutation_test(a, b).p_value)
    one = sentiment.outlet_tests(_sentences().query("outlet == 'A'"))
    assert one.empty


def test_outlet_tests_too_small_pairs_are_listed_not_tested():
    out = sentiment.outlet_tests(_sentences())  # default minimum 20 sentences
    assert bool(out.loc[0, "too_small"]) and math.isnan(out.loc[0, "p_value"])
    assert "not tested" in out.loc[0, "caveat"]


# ---------------------------------------------------------------- narrator vs quoted
def _quoted_sentences():
    texts = [
        'He said: "We are happy" sadly.',  # partly quoted
        "“Terrible war,” he wept.",  # curly marks
        '"Everything is wonderful."',  # wholly quoted
        "The army retreated.",  # no quote
    ]
    starts = [0, 40, 70, 100]
    return pd.DataFrame(
        {
            "article_id": ["a"] * 4,
            "outlet": ["X"] * 4,
            "paragraph": [0, 1, 2, 3],
            "sentence": [0, 1, 2, 3],
            "text": texts,
            "start": starts,
            "end": [s + len(t) for s, t in zip(starts, texts, strict=True)],
            "in_quote": [False, False, True, False],
        }
    )


def _quotes():
    # offsets include the marks: body[start:end] == '"We are happy"' etc.
    return pd.DataFrame({"article_id": ["a", "a", "a"], "start": [9, 40, 70], "end": [23, 55, 96]})


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (0, [("narrator", "He said: sadly."), ("quoted", "We are happy")]),
        (1, [("narrator", "he wept."), ("quoted", "Terrible war,")]),
        (2, [("quoted", "Everything is wonderful.")]),
        (3, [("narrator", "The army retreated.")]),
    ],
)
def test_voice_parts_split_at_quote_offsets(sentence, expected):
    parts = sentiment.voice_parts(_quoted_sentences(), _quotes())
    got = parts.loc[parts["sentence"] == sentence, ["voice", "text"]]
    assert list(map(tuple, got.values.tolist())) == expected


def test_voice_parts_scores_each_voice_and_order():
    parts = sentiment.voice_parts(_quoted_sentences(), _quotes())
    assert list(parts.columns) == sentiment.VOICE_COLUMNS
    assert parts["voice"].tolist() == [
        "narrator",
        "quoted",
        "narrator",
        "quoted",
        "quoted",
        "narrator",
    ]
    expected = sentiment.score_sentences(parts["text"])["compound"].tolist()
    assert parts["compound"].tolist() == expected
    # the narrator's "sadly" and the quote's "happy" no longer cancel in one score
    assert parts.loc[0, "compound"] < 0 < parts.loc[1, "compound"]


def test_voice_parts_without_quotes_uses_in_quote_flag():
    parts = sentiment.voice_parts(_quoted_sentences())
    assert parts["voice"].tolist() == ["narrator", "narrator", "quoted", "narrator"]
    assert parts["text"].tolist() == _quoted_sentences()["text"].tolist()


def test_voice_parts_drops_punctuation_only_leftovers():
    s = pd.DataFrame(
        {
            "article_id": ["a"],
            "outlet": ["X"],
            "sentence": [0],
            "text": ['"Good news".'],
            "start": [0],
            "end": [12],
        }
    )
    q = pd.DataFrame({"article_id": ["a"], "start": [0], "end": [11]})
    parts = sentiment.voice_parts(s, q)
    assert parts[["voice", "text"]].values.tolist() == [["quoted", "Good news"]]


def test_voice_summary_and_tests():
    parts = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "b"] * 2,
            "outlet": ["X"] * 8,
            "voice": ["narrator"] * 4 + ["quoted"] * 4,
            "compound": [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4],
        }
    )
    summary = sentiment.voice_summary(parts, n_boot=100, min_n=2)
    assert summary[["outlet", "voice"]].values.tolist() == [["X", "narrator"], ["X", "quoted"]]
    assert summary["estimate"].round(6).tolist() == [0.25, -0.25]
    assert summary["method"].tolist() == ["cluster bootstrap"] * 2
    tests = sentiment.voice_tests(parts, min_n=2)
    # 4 vs 4 with no overlap: exact p = 2 / C(8,4) = 2/70; one outlet, so Holm leaves it
    assert tests.loc[0, "p_value"] == pytest.approx(2 / 70)
    assert tests.loc[0, "p_adjusted"] == pytest.approx(2 / 70)
    assert tests.loc[0, "effect_size"] == 1.0 and tests.loc[0, "diff"] == pytest.approx(0.5)
    small = sentiment.voice_tests(parts)
    assert bool(small.loc[0, "too_small"]) and math.isnan(small.loc[0, "p_value"])


# ---------------------------------------------------------------- targets
def test_default_targets_file():
    t = sentiment.load_targets()
    assert {"Putin", "Russia", "Russian soldiers", "Ukraine", "Zelensky"} <= set(t)
    assert list(t) == sorted(t)
    assert "prisoners of war" in t["Russian soldiers"]


def test_load_targets_from_file_and_dict(tmp_path):
    f = tmp_path / "t.yml"
    f.write_text("NATO:\n  - NATO\n  - the alliance\n  - nato\n", encoding="utf-8")
    assert sentiment.load_targets(f) == {"NATO": ("the alliance", "NATO")}
    assert sentiment.load_targets({"EU": "European Union"}) == {"EU": ("European Union",)}


@pytest.mark.parametrize(
    ("targets", "error", "match"),
    [
        ("missing.yml", FileNotFoundError, "not found"),
        ({"NATO": []}, ValueError, "no aliases"),
        ({"NATO": [""]}, ValueError, "non-empty alias"),
        ({}, ValueError, "non-empty mapping"),
        ({"": ["x"]}, ValueError, "target names"),
    ],
)
def test_load_targets_errors(tmp_path, targets, error, match):
    if isinstance(targets, str):
        targets = tmp_path / targets
    with pytest.raises(error, match=match):
        sentiment.load_targets(targets)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin lied.", {"Putin": "putin"}),
        ("PUTIN’s war and Putin's lies", {"Putin": "putin"}),
        ("Russian tanks rolled in.", {}),  # "Russian" is not "Russia"
        ("Russia's army", {"Russia": "russia"}),
        ("The Kremlin leader spoke.", {"Putin": "the kremlin leader", "Russia": "the kremlin"}),
        ("Five prisoners\nof war were freed.", {"Russian soldiers": "prisoners of war"}),
        ("Zelenskyy thanked Kyiv.", {"Zelensky": "zelenskyy", "Ukraine": "kyiv"}),
        ("Ukrainian cities", {}),
        ("Soldiers and troops", {"Russian soldiers": "soldiers; troops"}),
        ("", {}),
    ],
)
def test_target_mentions_alias_matching(text, expected):
    s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": [text]})
    out = sentiment.target_mentions(s)
    assert dict(zip(out["target"], out["aliases"], strict=True)) == expected


def test_target_summary_lists_unmentioned_targets():
    s = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"],
            "outlet": ["X", "X", "Y"],
            "sentence": [0, 1, 0],
            "text": ["Putin lied again.", "Putin is cruel.", "The weather was fine."],
        }
    )
    out = sentiment.target_summary(
        s, targets={"Putin": ["Putin"], "NATO": ["NATO"]}, n_boot=100, min_n=2
    )
    assert out[["outlet", "target"]].values.tolist() == [
        ["X", "NATO"],
        ["X", "Putin"],
        ["Y", "NATO"],
        ["Y", "Putin"],
    ]
    assert out["n"].tolist() == [0, 2, 0, 0]
    assert out["too_small"].tolist() == [True, False, True, True]
    assert out.loc[3, "caveat"] == "never mentioned" and math.isnan(out.loc[3, "estimate"])
    expected = sentiment.score_sentences(s["text"][:2])["compound"].mean()
    assert out.loc[1, "estimate"] == pytest.approx(expected)


# ---------------------------------------------------------------- arc, extremes, text
def test_arc_bins_include_the_last_sentence():
    out = sentiment.arc(_sentences(), bins=2, n_boot=100, min_n=1)
    a = out[out["outlet"] == "A"]
    assert a["bin"].tolist() == [0, 1]
    assert a["n"].tolist() == [2, 2]  # positions 0.0, 0.0 | 0.5, 1.0
    assert a["position_high"].tolist() == [0.5, 1.0]
    with pytest.raises(ValueError, match="bins"):
        sentiment.arc(_sentences(), bins=0)


def test_extremes():
    out = sentiment.extremes(_sentences(), k=1)
    assert out[["outlet", "polarity", "compound"]].values.tolist() == [
        ["A", "most negative", -0.6],
        ["A", "most positive", 0.4],
        ["B", "most negative", -0.3],
        ["B", "most positive", 0.7],
    ]
    only_neutral = _sentences().assign(compound=0.0)
    assert sentiment.extremes(only_neutral).empty


def test_describe_states_limits():
    s = _sentences()
    summary = sentiment.outlet_summary(s, n_boot=100)
    text = sentiment.describe(summary, sentiment.outlet_tests(s))
    assert text.startswith("2 outlets, 3 articles, 6 sentences.")
    assert "Too small to conclude anything about: A, B (every outlet)." in text
    assert "Fewer than 3 articles for: A, B" in text
    assert "No outlet pair was large enough to test." in text
    assert sentiment.describe(summary.iloc[:0]).startswith("No sentences")


def test_display_table_hides_too_small_numbers():
    summary = sentiment.outlet_summary(_sentences(), n_boot=100, min_n=3)
    shown = sentiment.display_table(summary)
    assert shown["mean [CI]"].tolist()[1] == "too small (n=2)"
    assert shown["mean [CI]"].tolist()[0].startswith("-0.04 [")  # mean -0.045


# ---------------------------------------------------------------- plots
def test_plots_draw_points_intervals_and_counts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = _sentences()
    summary = sentiment.outlet_summary(s, n_boot=100, min_n=2)
    ax = sentiment.plot_outlets(sentiment.units(s), summary)
    labels = [t.get_text() for t in ax.texts]
    assert any(t.startswith("n=4") for t in labels) and any("n=2" in t for t in labels)
    parts = sentiment.voice_parts(s)
    ax = sentiment.plot_voice(sentiment.voice_summary(parts, n_boot=50, min_n=1))
    assert any("n=" in t.get_text() for t in ax.texts)
    fig = sentiment.plot_arc(s, sentiment.arc(s, bins=2, n_boot=50, min_n=1))
    assert len(fig.axes) == 2
    ax = sentiment.plot_targets(
        sentiment.target_summary(s.assign(text="Putin lied."), n_boot=50, min_n=1)
    )
    assert any("n=" in t.get_text() for t in ax.texts)
    plt.close("all")


# ---------------------------------------------------------------- the sample corpus
def test_sample_corpus_analyses_rerun_identically(sample_corpus):
    s, q = sample_corpus.sentences, sample_corpus.quotes
    runs = []
    for _ in range(2):
        parts = sentiment.voice_parts(s, q)
        runs.append(
            [
                sentiment.outlet_summary(s, n_boot=300, seed=1),
                sentiment.outlet_tests(s, n_perm=300, seed=1),
                parts,
                sentiment.voice_summary(parts, n_boot=300, seed=1),
                sentiment.target_summary(s, n_boot=300, seed=1),
                sentiment.arc(s, n_boot=300, seed=1),
                sentiment.extremes(s),
            ]
        )
    for a, b in zip(*runs, strict=True):
        pd.testing.assert_frame_equal(a, b)
    summary = runs[0][0]
    assert summary["outlet"].tolist() == sorted(s["outlet"].unique())
    assert summary["n"].sum() == len(s)
    # quoted and narrator parts cover every sentence of the corpus at least once
    assert set(zip(runs[0][2].article_id, runs[0][2].sentence, strict=True)) == set(
        zip(s.article_id, s.sentence, strict=True)
    )
    assert np.isfinite(summary.loc[~summary["too_small"], ["low", "high"]]).all().all()
