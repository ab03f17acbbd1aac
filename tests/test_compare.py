"""Tests for newslens.compare: shared passages, per-outlet shares, figures, people and places."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from newslens import compare

# --------------------------------------------------------------------------------------------
# helpers


def make_corpus(
    articles: list[tuple[str, str, str | None, list[str]]], *, duplicate_of=None, quotes=None
):
    """Corpus-like object from [(article_id, outlet, published, [sentence, ...]), ...].

    Sentences are joined by one space into the body, so offsets are real body offsets.
    """
    arts, sents = [], []
    for article_id, outlet, published, texts in articles:
        pos = 0
        for k, t in enumerate(texts):
            sents.append(
                {
                    "article_id": article_id,
                    "outlet": outlet,
                    "sentence": k,
                    "text": t,
                    "start": pos,
                    "end": pos + len(t),
                }
            )
            pos += len(t) + 1
        arts.append(
            {
                "article_id": article_id,
                "outlet": outlet,
                "published": published,
                "body": " ".join(texts),
                "duplicate_of": (duplicate_of or {}).get(article_id),
            }
        )
    q = pd.DataFrame(quotes) if quotes is not None else None
    return SimpleNamespace(articles=pd.DataFrame(arts), sentences=pd.DataFrame(sents), quotes=q)


APOLOGY_A = (
    "I apologise for my squad to every home and to every citizen of Ukraine for our invasion."
)
APOLOGY_B = (
    "I apologise for my unit to every house and to every citizen of Ukraine for this invasion."
)
ZOMBIES_A = "People of Russia, don't look at the zombies, he said."
ZOMBIES_B = "People of Russia, do not look at the zombies, the soldier said."
DEATH_A = "They sent us to our death."
DEATH_B = "They sent us to die."
CAPTION = "The group of Russian soldiers spoke out against their government at a press conference."


@pytest.fixture
def three_outlets():
    return make_corpus(
        [
            (
                "a1",
                "Alpha",
                "2022-03-01",
                [
                    CAPTION,
                    CAPTION,
                    APOLOGY_A,
                    "Alpha alone reports the weather in Lviv today.",
                    DEATH_A,
                ],
            ),
            (
                "b1",
                "Beta",
                "2022-03-02",
                [
                    APOLOGY_B,
                    "Beta has an entirely different paragraph about tanks.",
                    ZOMBIES_B,
                    DEATH_B,
                ],
            ),
            (
                "c1",
                "Gamma",
                "2022-03-03",
                [CAPTION, ZOMBIES_A, "Gamma writes about football and nothing else."],
            ),
        ]
    )


# --------------------------------------------------------------------------------------------
# normalisation and similarity


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        ("", ""),
        ("“They sent us to our DEATH,” he said.", "they sent us to our death he said"),
        ("‘Putin is a liar’", "putin is a liar"),
        ("don’t\u00a0look", "dont look"),
        ("rose-coloured   glasses\n", "rose coloured glasses"),
        ("f***ing", "f ing"),
    ],
)
def test_normalise(raw_in, expected):
    assert compare.normalise(raw_in) == expected


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("Putin is a liar and a deceiver.", "“Putin is a liar and a deceiver”", "exact"),
        (
            "Our commander-in-chief is a liar and a deceiver of all our people.",
            "Our commander in chief is a liar and deceiver of all our people.",
            "near-duplicate",
        ),
        (
            "a liar and a deceiver of all our people",
            "Our commander-in-chief is a liar and a deceiver of all our people, he said.",
            "contained",
        ),
        (DEATH_A, DEATH_B, "paraphrase"),
    ],
)
def test_similarity_match_kinds(a, b, match):
    assert compare.similarity(a, b).match == match


def test_similarity_dice_is_hand_computed():
    # content stems {putin, liar, deceiv} vs {putin, liar}: Dice = 2 * 2 / (3 + 2) = 0.8
    s = compare.similarity("Putin is a liar and deceiver", "Putin is a liar")
    assert s.dice == pytest.approx(0.8)
    assert s.score == pytest.approx(max(s.ratio, s.contained, (s.token_sort + s.dice) / 2))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("peaceful Ukrainian civilians", "the peaceful life of the Ukrainian people"),
        (
            "A lot of innocent people, he adds.",
            "What can justify the tears of a child, or even worse, the deaths of innocent people, children.",
        ),
        ("The weather in Lviv is sunny today.", "Tanks rolled into the city at dawn."),
    ],
)
def test_unrelated_passages_score_below_default_threshold(a, b):
    assert compare.similarity(a, b).score < 0.7


def test_content_words_drop_function_words_and_stem():
    assert compare.content_words("They were killing the soldiers") == ["kill", "soldier"]
    assert compare.content_words("") == []


# --------------------------------------------------------------------------------------------
# alignment


def test_align_finds_copies_near_copies_and_paraphrases(three_outlets):
    al = compare.align(three_outlets)
    got = {(p.outlet_a, p.outlet_b, p.match) for p in al.pairs.itertuples()}
    assert ("Alpha", "Gamma", "exact") in got  # the caption
    assert ("Alpha", "Beta", "paraphrase") in got or (
        "Alpha",
        "Beta",
        "near-duplicate",
    ) in got  # apology
    assert ("Beta", "Gamma", "paraphrase") in got or (
        "Beta",
        "Gamma",
        "near-duplicate",
    ) in got  # zombies
    texts = {(p.text_a, p.text_b) for p in al.pairs.itertuples()}
    assert (DEATH_A, DEATH_B) in texts  # two renderings of one quote
    # Unique sentences are never aligned.
    assert not al.pairs["text_a"].str.contains("weather|football|tanks").any()
    assert not al.pairs["text_b"].str.contains("weather|football|tanks").any()


def test_align_never_pairs_an_article_with_itself(three_outlets):
    al = compare.align(three_outlets)
    assert (al.pairs["article_a"] != al.pairs["article_b"]).all()
    # The caption printed twice in a1 and once in c1 is one cluster; its source is a1 (earliest).
    cap = al.clusters[al.clusters["text"] == CAPTION]
    assert cap["cluster"].nunique() == 1
    src = cap[cap["is_source"]]
    assert src[["article_id", "start"]].values.tolist() == [["a1", 0]]
    assert set(cap["outlet"]) == {"Alpha", "Gamma"} and (cap["n_outlets"] == 2).all()


def test_pairs_point_from_earlier_to_later_article(three_outlets):
    al = compare.align(three_outlets)
    pub = dict(zip(al.articles["article_id"], al.articles["published"], strict=True))
    assert all(
        pub[a] <= pub[b] for a, b in zip(al.pairs["article_a"], al.pairs["article_b"], strict=True)
    )


def test_sentence_coverage_and_links(three_outlets):
    al = compare.align(three_outlets)
    s = al.sentences.set_index(["article_id", "sentence"])
    assert s.loc[("a1", 0), "shared"] and s.loc[("a1", 1), "shared"]  # both caption copies
    assert not s.loc[("a1", 3), "shared"]  # weather: Alpha only
    links = al.links[(al.links["article_id"] == "a1") & (al.links["sentence"] == 0)]
    assert links["other_outlet"].tolist() == ["Gamma"]


def test_same_outlet_duplicates_are_not_shared_unless_asked():
    corpus = make_corpus(
        [
            (
                "m1",
                "Mirror",
                "2022-03-01",
                [CAPTION, "Only in the first copy of the Mirror story."],
            ),
            (
                "m2",
                "Mirror",
                "2022-03-01",
                [CAPTION, "Tanks crossed the river before dawn on Sunday."],
            ),
        ],
        duplicate_of={"m2": "m1"},
    )
    assert compare.align(corpus).pairs.empty
    assert compare.align(corpus, same_outlet=True).pairs.empty  # a copy of one article
    both = compare.align(corpus, same_outlet=True, duplicates=True)
    assert both.pairs[["article_a", "article_b", "match"]].values.tolist() == [
        ["m1", "m2", "exact"]
    ]
    shares = compare.outlet_shares(both)
    assert shares.loc[0, "shared_sentences"] == 2


def test_one_outlet_and_empty_corpus():
    one = make_corpus([("a", "Alpha", None, [CAPTION]), ("b", "Alpha", None, [CAPTION])])
    al = compare.align(one)
    assert al.pairs.empty and al.clusters.empty and not al.sentences["shared"].any()
    assert compare.outlet_matrix(al).empty
    empty = SimpleNamespace(
        articles=pd.DataFrame(columns=["article_id", "outlet", "published"]),
        sentences=pd.DataFrame(
            columns=["article_id", "outlet", "sentence", "text", "start", "end"]
        ),
        quotes=None,
    )
    al = compare.align(empty)
    assert al.pairs.empty and al.sentences.empty
    assert compare.outlet_shares(al).empty
    assert compare.unique_material(al).empty


def test_quotes_are_aligned_and_mark_their_sentences():
    a_text = 'He said: "People of Russia, do not look at the zombies." Then he wept.'
    b_text = "People of Russia, don't look at the zombies, the prisoner told reporters in Kyiv."
    corpus = make_corpus(
        [("a", "Alpha", "2022-03-01", [a_text]), ("b", "Beta", "2022-03-02", [b_text])],
        quotes=[
            {
                "article_id": "a",
                "outlet": "Alpha",
                "quote_id": 0,
                "text": "People of Russia, do not look at the zombies.",
                "start": 9,
                "end": 56,
            }
        ],
    )
    al = compare.align(
        corpus,
        speakers=pd.DataFrame({"article_id": ["a"], "quote_id": [0], "speaker": ["Zheleznyak"]}),
    )
    kinds = set(al.pairs["kind_a"]) | set(al.pairs["kind_b"])
    assert "quote" in kinds
    assert al.clusters.loc[al.clusters["kind"] == "quote", "speaker"].tolist() == ["Zheleznyak"]
    # The quote covers 47 of the sentence's 71 characters (>= half): the sentence is shared.
    assert al.sentences.set_index("article_id").loc["a", "shared"]


def test_align_is_deterministic(three_outlets):
    a, b = compare.align(three_outlets, seed=3), compare.align(three_outlets, seed=3)
    for name in ("passages", "pairs", "clusters", "sentences", "links", "near_misses"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"candidate_threshold": 1.0}, "candidate_threshold"),
        ({"num_perm": 4}, "num_perm"),
        ({"min_words": 0}, "min_words"),
    ],
)
def test_align_rejects_bad_parameters(three_outlets, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare.align(three_outlets, **kwargs)


def test_align_names_missing_columns():
    bad = SimpleNamespace(
        articles=None, sentences=pd.DataFrame({"article_id": ["a"], "text": ["x"]})
    )
    with pytest.raises(KeyError, match="outlet"):
        compare.align(bad)
    with pytest.raises(TypeError, match="Corpus"):
        compare.align(pd.DataFrame())


# --------------------------------------------------------------------------------------------
# per-outlet shares, matrix, unique material


def test_outlet_shares_hand_computed(three_outlets):
    al = compare.align(three_outlets)
    t = compare.outlet_shares(al).set_index("outlet")
    # Gamma: caption (14 words) + zombies (10 words) shared; football sentence (7 words) not.
    assert t.loc["Gamma", "n_words"] == 14 + 10 + 7
    assert t.loc["Gamma", "shared_words"] == 24
    assert t.loc["Gamma", "word_share"] == pytest.approx(24 / 31)
    assert t.loc["Gamma", "sentence_share"] == pytest.approx(2 / 3)
    assert t.loc["Gamma", "unique_words"] == 7
    # One article per outlet: no interval, flagged too small.
    assert math.isnan(t.loc["Gamma", "word_low"]) and t.loc["Gamma", "too_small"]
    assert list(t.index) == ["Alpha", "Beta", "Gamma"]


def test_outlet_shares_interval_over_articles():
    corpus = make_corpus(
        [
            (
                "a1",
                "Alpha",
                "2022-03-01",
                [CAPTION, "Alpha one has something of its own to say here."],
            ),
            ("a2", "Alpha", "2022-03-02", ["Nothing in this Alpha article is shared at all."]),
            ("a3", "Alpha", "2022-03-03", [CAPTION]),
            ("b1", "Beta", "2022-03-01", [CAPTION]),
        ]
    )
    t = compare.outlet_shares(compare.align(corpus), n_boot=500, seed=1).set_index("outlet")
    a = t.loc["Alpha"]
    assert a["n_articles"] == 3 and not a["too_small"]
    assert a["word_share"] == pytest.approx(28 / (14 + 10 + 9 + 14))
    assert 0.0 <= a["word_low"] <= a["word_share"] <= a["word_high"] <= 1.0
    assert a["method"] == "cluster bootstrap"


def test_outlet_matrix_is_asymmetric():
    corpus = make_corpus(
        [
            ("a", "Alpha", "2022-03-01", [CAPTION]),
            (
                "b",
                "Beta",
                "2022-03-02",
                [CAPTION, "Beta adds a long paragraph of its own about other things entirely."],
            ),
        ]
    )
    m = compare.outlet_matrix(compare.align(corpus)).set_index(["outlet", "other"])["share"]
    assert m[("Alpha", "Beta")] == pytest.approx(1.0)
    assert m[("Beta", "Alpha")] == pytest.approx(14 / (14 + 12))


def test_unique_material_lists_each_outlets_own_sentences(three_outlets):
    u = compare.unique_material(compare.align(three_outlets))
    assert u[["outlet", "text"]].values.tolist() == [
        ["Alpha", "Alpha alone reports the weather in Lviv today."],
        ["Beta", "Beta has an entirely different paragraph about tanks."],
        ["Gamma", "Gamma writes about football and nothing else."],
    ]


# --------------------------------------------------------------------------------------------
# figures


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        (
            "Ukraine says 2,000 civilians have been killed.",
            [("2,000", None, 2000, 2000, 2000, "civilian", "killed")],
        ),
        (
            "They claimed that 15,000 have already died in the conflict.",
            [("15,000", None, 15000, 15000, 15000, None, "killed")],
        ),
        (
            "Moscow has lost more than 12,000 troops in fighting.",
            [("more than 12,000", "more than", 12000, 12000, math.inf, "soldier", "killed")],
        ),
        (
            "There are around 350,000 people trapped in the city.",
            [("around 350,000", "around", 350000, 315000, 385000, "person", "trapped")],
        ),
        (
            "Stoltenberg said 38 children had been killed in the fighting.",
            [("38", None, 38, 38, 38, "child", "killed")],
        ),
        (
            "A bomb destroyed a theatre where 1,200 terrified civilians have been sheltering.",
            [("1,200", None, 1200, 1200, 1200, "civilian", "sheltering")],
        ),
        (
            "He said between 1,000 and 1,200 people were inside the theatre.",
            [("between 1,000 and 1,200", "between", 1000, 1000, 1200, "person", "trapped")],
        ),
        (
            "Ukraine has captured almost 1,000 Russian prisoners.",
            [("almost 1,000", "almost", 1000, 900, 1000, "soldier", "captured")],
        ),
        (
            "At least three people were killed.",
            [("At least three", "at least", 3, 3, math.inf, "person", "killed")],
        ),
        (
            "Hundreds of civilians managed to leave Mariupol.",
            [("Hundreds", "vague", 100, 100, 999, "civilian", "fled")],
        ),
        (
            "It saw tens of thousands of Russians singing.",
            [("tens of thousands", "vague", 10000, 10000, 99999, "russian", None)],
        ),
        (
            "Some 1.5 million people have fled Ukraine.",
            [("Some 1.5 million", "around", 1.5e6, 1.35e6, 1.65e6, "person", "fled")],
        ),
    ],
)
def test_figures_in_extracts_claims(raw_in, expected):
    got = compare.figures_in(raw_in)
    rows = [
        (r.text, r.qualifier, r.value, r.low, r.high, r.subject, r.event) for r in got.itertuples()
    ]
    assert len(rows) == len(expected), rows
    for g, e in zip(rows, expected, strict=True):
        assert g[:2] == e[:2] and g[5:] == e[5:]
        assert g[2:5] == pytest.approx(e[2:5])


@pytest.mark.parametrize(
    "raw_in",
    [
        "The invasion began on February 24.",
        "On 24 February the invasion began.",
        "Crimea was seized in 2014.",
        "Major General Vitaly Gerimov, 45, was killed.",
        "A nine-year-old boy was killed.",
        "The 34th brigade was stationed there.",
        "The dateline read 16:00.",
        "Text to 70141 from UK mobiles.",
        "One of the soldiers wept.",
        "By day 13 of the invasion, the army was stuck.",
        "",
    ],
)
def test_figures_in_skips_dates_ages_codes_and_pronoun_one(raw_in):
    got = compare.figures_in(raw_in)
    assert got[got["kind"] == "count"].empty, got


@pytest.mark.parametrize(
    ("raw_in", "kind"),
    [
        ("It killed 21 non-combatants, including two children.", ["count", "part"]),
        ("The convoy stretched for 40 miles.", ["measure"]),
        ("Give as little as £3 to the fund.", ["money"]),
        ("Turnout was 45% this year.", ["measure"]),
    ],
)
def test_figures_in_kinds(raw_in, kind):
    assert compare.figures_in(raw_in)["kind"].tolist() == kind


def test_figures_offsets_point_into_the_body():
    corpus = make_corpus(
        [
            (
                "a",
                "A",
                "2022-03-01",
                ["Hello there.", "Ukraine says 2,000 civilians have been killed."],
            )
        ]
    )
    f = compare.figures(corpus)
    body = corpus.articles.loc[0, "body"]
    assert [body[s:e] for s, e in zip(f["start"], f["end"], strict=True)] == ["2,000"]
    assert f.loc[0, "evidence"] == "Ukraine says 2,000 civilians have been killed."
    assert f.loc[0, "places"] == "Ukraine"


def _claim(
    outlet, value, low, high, subject="child", event="killed", published="2022-03-01", kind="count"
):
    return {
        "article_id": outlet.lower(),
        "outlet": outlet,
        "published": published,
        "sentence": 0,
        "start": 0,
        "text": str(value),
        "qualifier": None,
        "value": float(value),
        "low": float(low),
        "high": float(high),
        "unit": subject,
        "subject": subject,
        "event": event,
        "kind": kind,
        "places": "",
        "evidence": f"{value} {subject} {event}",
    }


def test_line_up_flags_non_overlapping_claims():
    claims = pd.DataFrame(
        [
            _claim("Mirror", 38, 38, 38, published="2022-03-08"),
            _claim("Sun", 103, 103, 103, published="2022-03-17"),
            _claim(
                "LBC", 30, 30, math.inf, published="2022-03-02"
            ),  # "more than 30": agrees with both
            _claim("LBC", 2000, 2000, 2000, subject="civilian"),  # only one outlet: left out
            _claim("Mail", 15000, 15000, 15000, subject=None),  # no subject: left out
        ]
    )
    t = compare.line_up(claims)
    assert t["quantity"].unique().tolist() == ["child / killed"]
    assert t["outlet"].tolist() == ["LBC", "Mirror", "Sun"]  # by publication date
    assert t["conflicts_with"].tolist() == ["", "Sun", "Mirror"]
    assert t["disagreement"].all() and (t["n_outlets"] == 3).all()


def test_line_up_agreement_and_empty():
    agree = pd.DataFrame(
        [
            _claim("Mirror", 2000, 2000, 2000, subject="civilian"),
            _claim("LBC", 2000, 2000, 2000, subject="civilian"),
        ]
    )
    t = compare.line_up(agree)
    assert len(t) == 2 and not t["disagreement"].any() and (t["conflicts_with"] == "").all()
    assert compare.line_up(agree.iloc[:0]).empty
    assert compare.line_up(agree, min_outlets=3).empty
    with pytest.raises(KeyError, match="subject"):
        compare.line_up(agree.drop(columns="subject"))


# --------------------------------------------------------------------------------------------
# people and places


def _names(sentences: list[str]) -> list[tuple[str, str]]:
    m = compare.entities(make_corpus([("a", "A", None, sentences)]))
    return [
        (r.name, r.kind) for r in m.itertuples() if r.kind in ("person", "place", "organisation")
    ]


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        (["Russian Foreign Minister Sergey Lavrov spoke."], [("Sergey Lavrov", "person")]),
        (
            ["Kyiv Mayor Vitali Klitschko said it."],
            [("Kyiv", "place"), ("Vitali Klitschko", "person")],
        ),
        (["Deputy Prime Minister Iryna Vereshchuk said so."], [("Iryna Vereshchuk", "person")]),
        (["Fighting raged in Kiev and Kharkov."], [("Kyiv", "place"), ("Kharkiv", "place")]),
        (
            ["People wave flags at Moscow’s Luzhniki Stadium."],
            [("Moscow", "place"), ("Luzhniki Stadium", "place")],
        ),
        (
            ["NATO chief Jens Stoltenberg warned of attacks."],
            [("NATO", "organisation"), ("Jens Stoltenberg", "person")],
        ),
        (["Horrific scenes were played out.", "The scenes were horrific."], []),
        (
            ["Alexei Zheleznyak spoke first.", "Mr Zheleznyak, a soldier, said more."],
            [("Alexei Zheleznyak", "person"), ("Alexei Zheleznyak", "person")],
        ),
        (["Another pilot, Alexei, added a warning."], [("Alexei", "person")]),
        (["Lavrov told Russian television."], [("Lavrov", "person")]),
        (
            ["Ukraine's State Emergency Service has said so."],
            [("Ukraine", "place"), ("State Emergency Service", "organisation")],
        ),
        (["HQ said the troops advanced."], []),
        ([""], []),
    ],
)
def test_entities(raw_in, expected):
    assert _names(raw_in) == expected


def test_entities_merge_spellings_and_surnames_across_articles():
    corpus = make_corpus(
        [
            ("a", "A", None, ["President Vladmir Putin spoke.", "Vladimir Putin spoke again."]),
            ("b", "B", None, ["Vladimir Putin said no.", "Vladimir Putin was asked."]),
            ("c", "C", None, ["Putin said nothing."]),
        ]
    )
    m = compare.entities(corpus)
    people = m[m["kind"] == "person"]
    assert set(people["name"]) == {"Vladimir Putin"}
    w = compare.who_where(m)
    assert w[["name", "outlet", "n_mentions"]].values.tolist() == [
        ["Vladimir Putin", "A", 2],
        ["Vladimir Putin", "B", 2],
        ["Vladimir Putin", "C", 1],
    ]
    assert (w["n_outlets"] == 3).all()


def test_entities_offsets_and_first_names_not_merged():
    corpus = make_corpus(
        [("a", "A", None, ["Vladimir Putin gave orders.", "One officer, Vladimir, told us."])]
    )
    m = compare.entities(corpus)
    body = corpus.articles.loc[0, "body"]
    assert [body[s:e] for s, e in zip(m["start"], m["end"], strict=True)] == m["text"].tolist()
    assert m.loc[m["kind"] == "person", "name"].tolist() == ["Vladimir Putin", "Vladimir"]


def test_who_where_empty():
    empty = pd.DataFrame(columns=["article_id", "outlet", "name", "kind"])
    assert compare.who_where(empty).empty


# --------------------------------------------------------------------------------------------
# lexicon


def test_user_lexicon_and_errors(tmp_path):
    own = tmp_path / "mine.yml"
    own.write_text(
        "places:\n  Atlantis: [Atlantida]\nfunction_words: [the, in]\n", encoding="utf-8"
    )
    corpus = make_corpus([("a", "A", None, ["The ship sank in Atlantida."])])
    m = compare.entities(corpus, lexicon=own)
    assert m.loc[m["kind"] == "place", "name"].tolist() == ["Atlantis"]
    bad = tmp_path / "bad.yml"
    bad.write_text("places:\n  - [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line"):
        compare.load_lexicon(bad)
    unknown = tmp_path / "unknown.yml"
    unknown.write_text("placez: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="placez"):
        compare.load_lexicon(unknown)
    with pytest.raises(FileNotFoundError, match="lexicon"):
        compare.load_lexicon(tmp_path / "missing.yml")


# --------------------------------------------------------------------------------------------
# sample corpus


def test_sample_corpus_figures_line_up(sample_corpus):
    claims = compare.figures(sample_corpus)
    t = compare.line_up(claims)
    civ = t[t["quantity"] == "civilian / killed"]
    both = civ[civ["value"] == 2000]
    assert set(both["outlet"]) >= {"LBC", "Daily Mirror"}
    kids = t[t["quantity"] == "child / killed"]
    assert {38.0, 103.0} <= set(kids["value"]) and kids["disagreement"].all()


def test_sample_corpus_people_and_shares(sample_corpus):
    w = compare.who_where(compare.entities(sample_corpus))
    putin = w[(w["name"] == "Vladimir Putin")]
    assert putin["n_outlets"].iloc[0] >= 3
    al = compare.align(sample_corpus)
    shares = compare.outlet_shares(al)
    assert set(shares["outlet"]) == set(sample_corpus.articles["outlet"])
    assert shares["too_small"].all()  # one article per outlet
    assert (shares["n_words"] > 0).all()


def test_vectorised_signatures_equal_datasketch_minhash():
    from datasketch import MinHash

    sets = [[1, 2, 3], [5], [2**32 - 1, 7, 9, 11], list(range(100))]
    sig = compare._signatures(sets, num_perm=32, seed=3)
    for row, tokens in zip(sig, sets, strict=True):
        m = MinHash(num_perm=32, seed=3, scheme="legacy", hashfunc=lambda x: x)
        m.update_batch(tokens)
        assert (m.hashvalues == row).all()
