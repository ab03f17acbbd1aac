"""newslens.framing: codebooks, tagging, prevalence, cue rates, coding workflow, agreement."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from newslens import framing
from newslens.framing import CodebookError, CodingError


def sents(*texts: str, outlet: str = "X", article: str = "a", in_quote=None) -> pd.DataFrame:
    """A sentences table for one article: offsets as if joined by single spaces."""
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    df = pd.DataFrame(
        {
            "article_id": article,
            "outlet": outlet,
            "sentence": range(len(texts)),
            "text": list(texts),
            "start": starts,
            "end": [s + len(t) for s, t in zip(starts, texts, strict=True)],
        }
    )
    df["in_quote"] = in_quote if in_quote is not None else False
    return df


def write_codebook(tmp_path, body: str, name: str = "cb.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


HEADER = """\
name: test_book
title: Test
citation: Nobody 2024
description: A test codebook.
"""


# --------------------------------------------------------------------------------------------
# shipped codebooks


def test_shipped_codebooks_load_with_sources():
    table = framing.available_codebooks()
    assert table["name"].tolist() == ["policy_frames_boydstun_2014", "semetko_valkenburg_2000"]
    sv = framing.load_codebook("semetko_valkenburg_2000")
    assert sv.ids == ["responsibility", "conflict", "human_interest", "economic", "morality"]
    pf = framing.load_codebook("policy_frames_boydstun_2014")
    assert [f.label for f in pf.frames] == [
        "Economic",
        "Capacity and resources",
        "Morality",
        "Fairness and equality",
        "Legality, constitutionality and jurisprudence",
        "Policy prescription and evaluation",
        "Crime and punishment",
        "Security and defense",
        "Health and safety",
        "Quality of life",
        "Cultural identity",
        "Public opinion",
        "Political",
        "External regulation and reputation",
        "Other",
    ]
    assert pf.frame("other").coder_only and pf.frame("other").regex is None
    for cb in (sv, pf, framing.load_cues()):
        for f in cb.frames:
            assert f.source and f.description
            assert f.coder_only or "newslens" in f.source  # says who wrote the indicators


def test_unknown_codebook_lists_names():
    with pytest.raises(FileNotFoundError, match="semetko_valkenburg_2000"):
        framing.load_codebook("no_such_codebook")


# --------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("frames_yaml", "expected"),
    [
        ("frames: []\n", "key 'frames': must be a non-empty"),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n",
            "frame 'a': key 'source': required",
        ),
        (
            "frames:\n  - id: Bad-Id\n    label: A\n    description: d\n    source: s\n    terms: [x]\n",
            "key 'id'",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n",
            "frame 'a': key 'terms': the frame has no terms",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: x\n",
            "frame 'a': key 'terms': expected a YAML list",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [two words]\n",
            "put multi-word indicators under 'phrases'",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    patterns: ['(unclosed']\n",
            "frame 'a': key 'patterns': pattern '(unclosed' is not a valid regex",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    patterns: ['x*']\n",
            "matches the empty string",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    patterns: ['(?i)x']\n",
            "global inline flag",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    exclude: ['[']\n    terms: [x]\n",
            "frame 'a': key 'exclude'",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    termz: [x]\n",
            "frame 'a': key 'termz': unknown key",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [x]\n  - id: a\n    label: B\n    description: d\n    source: s\n    terms: [y]\n",
            "frame id used more than once",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [x, x]\n",
            "duplicated items ['x']",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    coder_only: true\n    terms: [x]\n",
            "coder-only frame cannot have",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [x]\n    exclude_scope: paragraph\n",
            "key 'exclude_scope'",
        ),
        (
            "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    phrases: ['... x']\n",
            "must stand between two words",
        ),
    ],
)
def test_codebook_errors_name_file_frame_and_key(tmp_path, frames_yaml, expected):
    path = write_codebook(tmp_path, HEADER + frames_yaml)
    with pytest.raises(CodebookError) as err:
        framing.load_codebook(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_codebook_error_gives_the_line(tmp_path):
    path = write_codebook(
        tmp_path,
        HEADER
        + "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [x]\n  - id: b\n    label: B\n    description: d\n",
    )
    with pytest.raises(CodebookError, match=r"line 11: frame 'b': key 'source'"):
        framing.load_codebook(path)


def test_missing_top_level_key(tmp_path):
    path = write_codebook(tmp_path, "name: x\ntitle: t\ndescription: d\nframes: []\n")
    with pytest.raises(CodebookError, match="key 'citation': required"):
        framing.load_codebook(path)


def test_edited_codebook_is_reloaded(tmp_path):
    body = (
        HEADER
        + "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [{}]\n"
    )
    path = write_codebook(tmp_path, body.format("apple"))
    assert framing.load_codebook(path).frame("a").terms == ("apple",)
    import os

    path.write_text(body.format("pear"), encoding="utf-8")
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 10_000_000))
    assert framing.load_codebook(path).frame("a").terms == ("pear",)


# --------------------------------------------------------------------------------------------
# matching


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("blame", ["blame", "blamed", "blames", "blaming"]),
        ("cry", ["cried", "cries", "cry", "crying"]),
        ("ban", ["ban", "banned", "banning", "bans", "baned", "baning"]),
        ("clash", ["clash", "clashed", "clashes", "clashing"]),
        ("agree", ["agree", "agreed", "agreeing", "agrees"]),
        ("reportedly", ["reportedly"]),
        ("un", ["un"]),
    ],
)
def test_inflections(word, forms):
    assert sorted(framing._inflections(word)) == sorted(forms)


@pytest.mark.parametrize(
    ("text", "codebook", "expected"),
    [
        # whole words, case-insensitive, inflections
        ("They BLAMED the government.", "semetko_valkenburg_2000", [("responsibility", "BLAMED")]),
        ("Blameless men.", "semetko_valkenburg_2000", []),
        ("The tyrants fled; tyrannosaurus bones stayed.", None, [("loaded_language", "tyrants")]),
        # a phrase beats the single word inside it; curly apostrophes match straight ones
        ("Russia's bloody invasion.", None, [("loaded_language", "bloody invasion")]),
        (
            "It isn’t clear; it is not clear whether they left.",
            None,
            [("hedging", "it is not clear whether")],
        ),
        # "..." in a phrase is a gap of a few words
        (
            "The conditions the men were held under are not clear.",
            None,
            [("verification", "conditions the men were held under are not clear")],
        ),
        (
            "The claim could not be independently verified.",
            None,
            [("hedging", "claim"), ("verification", "could not be independently verified")],
        ),
        # prefix wildcard and hyphen
        ("A neo-Nazi rally.", None, [("loaded_language", "neo-Nazi")]),
        # exclusions with overlap scope: tear gas is not an economic indicator, gas prices are
        ("Police fired tear gas.", "semetko_valkenburg_2000", []),
        (
            "Gas prices soared.",
            "semetko_valkenburg_2000",
            [("economic", "Gas"), ("economic", "prices")],
        ),
        # scoped case-sensitive pattern: a named person with an age
        (
            "Anya Stoluk, 18, said so.",
            "semetko_valkenburg_2000",
            [("human_interest", "Anya Stoluk, 18")],
        ),
        ("Shybene, 40 miles north of Kyiv.", "semetko_valkenburg_2000", []),
        ("", "semetko_valkenburg_2000", []),
    ],
)
def test_tag_sentences_evidence(text, codebook, expected):
    cb = framing.load_cues() if codebook is None else framing.load_codebook(codebook)
    tags = framing.tag_sentences(sents(text), cb)
    assert list(zip(tags["frame"], tags["evidence"], strict=True)) == expected
    for _, row in tags.iterrows():
        assert text[row["start"] : row["end"]] == row["evidence"]


def test_offsets_point_into_the_body():
    texts = ["Nothing.", "A moral duty, they said.", "Pure evil."]
    body = " ".join(texts)
    tags = framing.tag_sentences(sents(*texts))
    assert tags[["sentence", "frame", "evidence"]].values.tolist() == [
        [1, "morality", "moral"],
        [1, "morality", "duty"],
        [2, "morality", "evil"],
    ]
    assert [body[s:e] for s, e in zip(tags["start"], tags["end"], strict=True)] == tags[
        "evidence"
    ].tolist()


def test_output_columns_and_empty_input():
    empty = sents()
    tags = framing.tag_sentences(empty)
    assert tags.columns.tolist() == [
        "article_id",
        "outlet",
        "sentence",
        "frame",
        "evidence",
        "start",
        "end",
    ]
    assert tags.empty
    with pytest.raises(KeyError, match="text"):
        framing.tag_sentences(pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0]}))


def test_exclusion_scopes(tmp_path):
    frame = "  - id: a\n    label: A\n    description: d\n    source: s\n    terms: [gas, price]\n    exclude: ['tear gas']\n"
    sentence_scope = framing.load_codebook(
        write_codebook(tmp_path, HEADER + "frames:\n" + frame, "s.yml")
    )
    overlap_scope = framing.load_codebook(
        write_codebook(
            tmp_path, HEADER + "frames:\n" + frame + "    exclude_scope: overlap\n", "o.yml"
        )
    )
    s = sents("Tear gas and gas prices.")
    assert framing.tag_sentences(s, sentence_scope).empty
    assert framing.tag_sentences(s, overlap_scope)["evidence"].tolist() == ["gas", "prices"]


def test_match_crossing_sentences_is_rescanned(tmp_path, monkeypatch):
    # \W+ can bridge the separator used for bulk matching; such a match must not count, and
    # sentences are then searched one by one, as if each were searched alone.
    cb = framing.load_codebook(
        write_codebook(
            tmp_path,
            HEADER
            + "frames:\n  - id: a\n    label: A\n    description: d\n    source: s\n    patterns: ['end\\W+start', 'start']\n",
        )
    )
    s = sents("the end", "start here", "end  start")
    monkeypatch.setattr(framing, "_SENTENCES_PER_CHUNK", 2)
    tags = framing.tag_sentences(s, cb)
    assert tags[["sentence", "evidence"]].values.tolist() == [[1, "start"], [2, "end  start"]]


def test_bulk_equals_per_sentence_search_on_many_sentences(monkeypatch):
    texts = [
        "They blamed the government.",
        "A moral duty.",
        "Children cried as the clash went on.",
        "Gas prices rose by £3bn.",
        "No frame here.",
        "",
        "Opposition leaders lost.",
    ] * 40
    s = sents(*texts)
    cb = framing.load_codebook("policy_frames_boydstun_2014")
    monkeypatch.setattr(framing, "_SENTENCES_PER_CHUNK", 7)
    bulk = framing.tag_sentences(s, cb)
    expected = []
    for order, f in enumerate(cb.frames):
        if f.regex is None:
            continue
        for i, t in enumerate(texts):
            for m in f.regex.finditer(t):
                expected.append((i, order, m.start(), m.group(0)))
    expected.sort()
    got = sorted(
        (
            int(r.sentence),
            cb.ids.index(r.frame),
            int(r.start) - int(s.start[r.sentence]),
            r.evidence,
        )
        for r in bulk.itertuples()
    )
    # the policy codebook has no sentence-scope exclusions, so nothing is dropped
    assert got == expected


def test_tagging_is_deterministic():
    s = pd.concat(
        [sents("A moral duty and a clash.", article="b"), sents("Evil. Pure evil.", article="a")]
    )
    a = framing.tag_sentences(s)
    b = framing.tag_sentences(s.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)
    assert a["article_id"].tolist()[0] == "a"


# --------------------------------------------------------------------------------------------
# prevalence and cue rates


def corpus_two_outlets() -> pd.DataFrame:
    x1 = sents(
        "A moral duty.",
        "Rain fell.",
        "Evil men.",
        "Sun.",
        article="x1",
        outlet="X",
        in_quote=[False, False, True, True],
    )
    x2 = sents("Sky.", "Clouds.", article="x2", outlet="X")
    y = sents("Sin.", "Snow.", "Hail.", article="y1", outlet="Y", in_quote=[True, False, False])
    return pd.concat([x1, x2, y], ignore_index=True)


def test_prevalence_counts_shares_and_caveats():
    s = corpus_two_outlets()
    p = framing.prevalence(s, n_boot=200, seed=1, min_sentences=3, min_articles=2)
    assert p.columns.tolist() == [
        "frame",
        "label",
        "outlet",
        "voice",
        "level",
        "n",
        "n_articles",
        "k",
        "share",
        "low",
        "high",
        "too_small",
        "method",
        "note",
    ]
    m = p[p.frame == "morality"].set_index(["outlet", "voice", "level"])
    # X: 6 sentences, 2 of them moral (x1 s0 "moral duty", x1 s2 "evil"), in 2 articles
    assert m.loc[("X", "all", "sentence"), ["n", "k", "n_articles"]].tolist() == [6, 2, 2]
    assert m.loc[("X", "all", "sentence"), "share"] == pytest.approx(2 / 6)
    assert m.loc[("X", "all", "sentence"), "method"] == "cluster bootstrap"
    assert m.loc[("X", "all", "article"), ["n", "k"]].tolist() == [2, 1]
    assert m.loc[("X", "all", "article"), "share"] == 0.5
    # narrator / quoted split: X narrator has 4 sentences (1 moral), quoted 2 (1 moral)
    assert m.loc[("X", "narrator", "sentence"), ["n", "k"]].tolist() == [4, 1]
    assert m.loc[("X", "quoted", "sentence"), ["n", "k", "n_articles"]].tolist() == [2, 1, 1]
    # Y: one article, so sentences are resampled and the note says so
    y = m.loc[("Y", "all", "sentence")]
    assert y["method"] == "bootstrap" and "one article" in y["note"]
    assert m.loc[("Y", "all", "article"), "too_small"]
    assert m.loc[("Y", "quoted", "sentence"), "note"].startswith("only 1 sentence")
    assert (
        m.loc[("X", "all", "sentence"), "low"] <= 2 / 6 <= m.loc[("X", "all", "sentence"), "high"]
    )
    # a frame never seen: share 0, with the rule-of-three caveat
    e = p[
        (p.frame == "economic") & (p.outlet == "X") & (p.voice == "all") & (p.level == "sentence")
    ].iloc[0]
    assert e["k"] == 0 and e["share"] == 0 and "rule of three" in e["note"] and "0.50" in e["note"]
    # deterministic row order and values
    pd.testing.assert_frame_equal(
        p, framing.prevalence(s, n_boot=200, seed=1, min_sentences=3, min_articles=2)
    )
    assert p[["outlet", "voice", "level"]].drop_duplicates().shape[0] == 2 * 3 * 2


def test_prevalence_cell_without_sentences_is_listed():
    s = sents("A moral duty.", "Sin.", outlet="X")  # no quoted sentences
    p = framing.prevalence(s, n_boot=50)
    q = p[(p.frame == "morality") & (p.voice == "quoted")]
    assert q["n"].tolist() == [0, 0] and q["share"].isna().all()
    assert q["note"].tolist() == ["no sentences", "no articles"]


def test_cue_rates_hand_computed():
    # X: 2 articles, words 4 + 3 + 2 = 9 ... see below; Y: one article
    s = pd.concat(
        [
            sents(
                "The tyrant allegedly fled.", "Rain fell today.", article="x1", outlet="X"
            ),  # 4 + 3 words
            sents("Puppet regime.", article="x2", outlet="X"),  # 2 words
            sents("It was calm.", article="y1", outlet="Y"),  # 3 words
        ],
        ignore_index=True,
    )
    r = framing.cue_rates(s, n_boot=300, seed=0, min_words=5)
    loaded = r[(r.cue == "loaded_language") & (r.voice == "all")].set_index("outlet")
    assert loaded.loc["X", ["n_words", "k", "n_articles", "n_sentences"]].tolist() == [9, 2, 2, 3]
    assert loaded.loc["X", "per_1000"] == pytest.approx(1000 * 2 / 9)
    assert loaded.loc["X", "method"] == "cluster bootstrap"
    assert loaded.loc["Y", "per_1000"] == 0 and loaded.loc["Y", "too_small"]
    assert (
        "rule of three" in loaded.loc["Y", "note"] and "1000.0 per 1,000" in loaded.loc["Y", "note"]
    )
    hedging = r[(r.cue == "hedging") & (r.voice == "all")].set_index("outlet")
    assert hedging.loc["X", "k"] == 1
    pd.testing.assert_frame_equal(r, framing.cue_rates(s, n_boot=300, seed=0, min_words=5))


def test_ratio_interval_resamples_units():
    est, low, high = framing._ratio_interval(
        np.array([1.0, 3.0]), np.array([10.0, 10.0]), per=1000, n_boot=2000, seed=0, ci=0.95
    )
    # resamples of two articles: both x1 (100), mixed (200), both x2 (300)
    assert est == 200 and low == 100 and high == 300
    assert math.isnan(
        framing._ratio_interval(
            np.array([1.0]), np.array([5.0]), per=1000, n_boot=10, seed=0, ci=0.95
        )[1]
    )


def test_evidence_picks_clearest_sentences():
    s = sents("Evil.", "A moral duty.", "Rain.")
    ev = framing.evidence(s, framing.tag_sentences(s), per_group=1)
    assert ev[["frame", "sentence", "matches", "n_matches"]].values.tolist() == [
        ["morality", 1, "moral; duty", 2]
    ]
    assert framing.evidence(s, framing.tag_sentences(sents("Rain."))).empty


def test_summary_text_states_sample_and_caveats():
    text = framing.summary_text(
        framing.prevalence(corpus_two_outlets(), n_boot=50, min_sentences=3, min_articles=2)
    )
    assert "X: 2 articles, 6 sentences" in text and "Y: 1 article, 3 sentences" in text
    assert "1 of 2 outlets are represented by a single article (Y)" in text


# --------------------------------------------------------------------------------------------
# agreement statistics


def test_cohens_kappa_hand_computed():
    # Krippendorff (2011), binary example: p_o = 6/10, p_e = .2*.4 + .8*.6 = .56
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert framing.cohens_kappa(a, b) == pytest.approx((0.6 - 0.56) / 0.44)
    assert framing.cohens_kappa([1, 0, 1], [1, 0, 1]) == 1.0
    assert math.isnan(framing.cohens_kappa([1, 1], [1, 1]))
    assert math.isnan(framing.cohens_kappa([], []))
    assert framing.cohens_kappa([1, None, 0], [1, 0, 0]) == 1.0  # the missing pair is dropped


def test_krippendorff_alpha_worked_examples():
    # Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): binary data, two
    # observers, ten units: alpha = 0.095.
    binary = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert framing.krippendorff_alpha(binary) == pytest.approx(0.095, abs=5e-4)
    # the nominal example with four observers, twelve units and missing values: alpha = 0.743
    nan = np.nan
    four = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert framing.krippendorff_alpha(four) == pytest.approx(0.743, abs=5e-4)
    assert math.isnan(framing.krippendorff_alpha([[1, 1], [1, 1]]))  # one category only: undefined
    assert math.isnan(framing.krippendorff_alpha([[1, nan], [nan, 2]]))  # nothing pairable
    assert framing.krippendorff_alpha([[0, 1, 1], [0, 1, 1]]) == 1.0


# --------------------------------------------------------------------------------------------
# hand-coding workflow


def coding_corpus() -> pd.DataFrame:
    texts = [
        "They blamed the government.",
        "A moral duty.",
        "Children cried.",
        "Gas prices rose.",
        "The clash went on.",
        "Rain fell.",
        "Snow fell.",
        "Hail fell.",
        "Wind blew.",
        "Sun shone.",
    ]
    return sents(*texts)


def test_export_is_stratified_seeded_and_blind(tmp_path):
    s = coding_corpus()
    out = framing.export_coding_sample(
        s, n_per_frame=1, unmatched_share=0.5, seed=3, path=tmp_path / "sample.csv"
    )
    assert out.columns.tolist() == [
        "coding_id",
        "article_id",
        "outlet",
        "sentence",
        "text",
        "responsibility",
        "conflict",
        "human_interest",
        "economic",
        "morality",
        "notes",
    ]
    # 5 frames with one tagged sentence each + as many unmatched sentences
    assert len(out) == 10 and out["coding_id"].tolist() == list(range(1, 11))
    assert set(out["sentence"]) == set(range(10))
    assert (
        (out[["responsibility", "morality"]] == "").all().all()
    )  # the codebook's answers are hidden
    again = framing.export_coding_sample(s, n_per_frame=1, unmatched_share=0.5, seed=3)
    pd.testing.assert_frame_equal(out, again)
    other = framing.export_coding_sample(s, n_per_frame=1, unmatched_share=0.5, seed=4)
    assert other["sentence"].tolist() != out["sentence"].tolist()
    read = pd.read_csv(tmp_path / "sample.csv", encoding="utf-8-sig", keep_default_na=False)
    assert read["text"].tolist() == out["text"].tolist()
    small = framing.export_coding_sample(s, n_per_frame=1, unmatched_share=0.0, seed=0)
    assert len(small) == 5


def test_export_rejects_bad_options():
    with pytest.raises(ValueError, match="unmatched_share"):
        framing.export_coding_sample(coding_corpus(), unmatched_share=1.0)


def fill(sample: pd.DataFrame, codes: dict[int, dict[str, int]]) -> pd.DataFrame:
    filled = sample.copy()
    frames = ["responsibility", "conflict", "human_interest", "economic", "morality"]
    for i, row in filled.iterrows():
        for f in frames:
            filled.at[i, f] = codes.get(int(row["sentence"]), {}).get(f, 0)
    return filled


def test_round_trip_and_agreement_hand_computed(tmp_path):
    s = coding_corpus()
    sample = framing.export_coding_sample(s, n_per_frame=1, unmatched_share=0.5, seed=0)
    # The coder agrees with the codebook except: sentence 0 is not responsibility for them,
    # and sentence 5 ("Rain fell.") is, in their view, responsibility.
    codes = {
        0: {},
        1: {"morality": 1},
        2: {"human_interest": 1},
        3: {"economic": 1},
        4: {"conflict": 1},
        5: {"responsibility": 1},
    }
    path = tmp_path / "ann.csv"
    fill(sample, codes).to_csv(path, index=False, encoding="utf-8-sig")
    coding = framing.import_coding(path)
    assert coding.columns.tolist() == [
        "coder",
        "coding_id",
        "article_id",
        "sentence",
        "text",
        "line",
        "frame",
        "value",
    ]
    assert set(coding["coder"]) == {"ann"} and len(coding) == 10 * 5
    a = framing.agreement(coding, s, min_n=5).set_index("frame")
    resp = a.loc["responsibility"]
    # codebook: 1 at sentence 0; coder: 1 at sentence 5; 8 sentences agree on 0 (n = 10)
    assert resp[["n", "coder_yes", "codebook_yes", "both_yes"]].tolist() == [10, 1, 1, 0]
    assert resp["observed"] == pytest.approx(0.8)
    # p_e = 0.1*0.1 + 0.9*0.9 = 0.82; kappa = (0.8 - 0.82) / 0.18
    assert resp["kappa"] == pytest.approx((0.8 - 0.82) / 0.18)
    # alpha: n = 20 values, 4 disagreeing pairs o_01 + o_10 = 4, n_0 = 18, n_1 = 2:
    # 1 - 19 * 4 / (2 * 18 * 2) = 1 - 76 / 72
    assert resp["alpha"] == pytest.approx(1 - 19 * 4 / 72)
    assert resp["precision"] == 0 and resp["recall"] == 0 and math.isnan(resp["f1"])
    moral = a.loc["morality"]
    assert moral[["kappa", "alpha", "precision", "recall", "f1"]].tolist() == [
        1.0,
        1.0,
        1.0,
        1.0,
        1.0,
    ]
    assert not moral["too_small"]
    assert a.index.tolist() == [
        "responsibility",
        "conflict",
        "human_interest",
        "economic",
        "morality",
    ]


def test_agreement_with_policy_codebook_reports_coder_only_frame(tmp_path):
    s = coding_corpus()
    cb = "policy_frames_boydstun_2014"
    sample = framing.export_coding_sample(s, codebook=cb, n_per_frame=2, seed=0)
    assert "other" in sample.columns
    filled = sample.copy()
    for f in framing.load_codebook(cb).ids:
        filled[f] = 0
    filled.loc[0, "other"] = 1
    path = tmp_path / "bob.csv"
    filled.to_csv(path, index=False)
    a = framing.agreement(framing.import_coding(path, codebook=cb), s, codebook=cb)
    other = a[a.frame == "other"].iloc[0]
    assert other["codebook_yes"] == 0 and other["coder_yes"] == 1 and "coder-only" in other["note"]
    assert other["too_small"]
    # never tagged, so never reported as a share
    assert "other" not in set(framing.prevalence(s, codebook=cb, n_boot=10)["frame"])


HEAD = (
    "coding_id,article_id,sentence,text,responsibility,conflict,human_interest,economic,morality\n"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        (
            "coding_id,article_id,text\n1,a,x\n",
            "line 1: missing column(s) ['sentence', 'responsibility'",
        ),
        (HEAD + "1,a,0,x,0,0,0,0,yes\n", "line 2, column 'morality': 'yes' is not 0 or 1"),
        (HEAD + "1,a,0,x,0,0,0,0,0\n2,a,1,y,0,,0,0,0\n", "line 3, column 'conflict': blank"),
        (
            HEAD + "1,a,0,x,0,0,0,0,0\n1,a,1,y,0,0,0,0,0\n",
            "line 3: coding_id 1 already appears on line 2",
        ),
        (
            HEAD + "one,a,0,x,0,0,0,0,0\n",
            "line 2: coding_id 'one' and sentence '0' must be whole numbers",
        ),
        (HEAD, "no coded rows"),
        # a quoted text with a line break: the error names the physical line where the row ends
        (HEAD + '1,a,0,"two\nlines",0,0,0,0,2\n', "line 3, column 'morality': '2' is not 0 or 1"),
    ],
)
def test_import_errors_name_line_and_column(tmp_path, content, expected):
    path = tmp_path / "coded.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodingError) as err:
        framing.import_coding(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_import_accepts_spreadsheet_variants(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text("\ufeff" + HEAD.replace(",", ";") + "1;a;0;x; 1 ;0;0;0;\n\n", encoding="utf-8")
    coding = framing.import_coding(path, allow_blank=True, coder="cat")
    assert coding["value"].tolist()[:1] == [1] and coding["value"].isna().sum() == 1
    assert set(coding["coder"]) == {"cat"}
    with pytest.raises(FileNotFoundError):
        framing.import_coding(tmp_path / "missing.csv")


def test_agreement_rejects_foreign_or_changed_sentences(tmp_path):
    s = coding_corpus()
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "1,a,99,x,0,0,0,0,0\n", encoding="utf-8")
    with pytest.raises(
        CodingError, match=r"line 2: sentence \('a', 99\) is not in the sentences table"
    ):
        framing.agreement(framing.import_coding(path), s)
    path.write_text(HEAD + "1,a,0,Something else.,0,0,0,0,0\n", encoding="utf-8")
    coding = framing.import_coding(path)
    with pytest.raises(CodingError, match="line 2: the text of sentence"):
        framing.agreement(coding, s)
    assert len(framing.agreement(coding, s, check_text=False)) == 5


# --------------------------------------------------------------------------------------------
# plots


def test_plots_draw_every_outlet():
    import matplotlib

    matplotlib.use("Agg")
    s = corpus_two_outlets()
    p = framing.prevalence(s, n_boot=50)
    fig = framing.plot_heatmap(p)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["X (n=6)", "Y (n=3)"]
    fig = framing.plot_prevalence(p, voice="narrator", level="article")
    assert fig.axes[0].get_xlabel() == "share of articles with the frame"
    fig = framing.plot_cue_rates(framing.cue_rates(s, n_boot=20))
    assert len(fig.axes[0].get_yticklabels()) == 3
    with pytest.raises(ValueError, match="voice='nobody'"):
        framing.plot_heatmap(p, voice="nobody")
