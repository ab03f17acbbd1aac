"""framing.tag_sentences' prefilter: exactly the rows of the plain reference, on every input.

The reference (``framing._tag_reference``) runs every frame's full regex on every sentence; the
fast path only runs it where a required word or string occurs. Any sentence the prefilter wrongly
rules out loses rows, so each test compares whole tables, on the sample corpus, on generated
sentences, on hostile cases (case folding of non-ASCII letters, hyphens, apostrophes, wildcards,
gaps) and on generated codebooks.
"""

from __future__ import annotations

import random

import newslens
import pandas as pd
import pytest
import yaml
from newslens import framing

BOOKS = ["policy_frames_boydstun_2014", "semetko_valkenburg_2000", "cues"]


def book(name: str) -> framing.Codebook:
    return framing.load_cues() if name == "cues" else framing.load_codebook(name)


def table(texts: list[str], *, article: str = "a") -> pd.DataFrame:
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return pd.DataFrame(
        {
            "article_id": article,
            "outlet": "X",
            "sentence": range(len(texts)),
            "text": texts,
            "start": starts,
        }
    )


def same(sents: pd.DataFrame, cb: framing.Codebook) -> pd.DataFrame:
    """Assert the fast path equals the reference; return the reference."""
    ref = framing._tag_reference(sents, cb)
    pd.testing.assert_frame_equal(framing.tag_sentences(sents, cb), ref)
    return ref


# --------------------------------------------------------------------------------------------
# generated sentences


def sample_words() -> list[str]:
    words = {w for t in newslens.load_corpus().sentences["text"] for w in t.split()}
    for name in BOOKS:
        for f in book(name).frames:
            words.update(f.terms)
            for p in f.phrases:
                words.update(p.split())
    return sorted(w.rstrip("*") for w in words if w != "...")


HOSTILE = [
    "\u212aremlin",  # Kelvin sign: matches k
    "ſanctions",  # long s: matches s
    "İnvasion",  # dotted capital I: lowercases to two characters
    "ınvasion",  # dotless i: matches I
    "KILLED",
    "Kıll",
    "café",
    "Straße",
    "naïve",
    "war’s",
    "Putin's",
    "anti‐war",
    "anti–war",
    "pro-Kremlin",
    "neo-Nazis",
    "denazification",
    "£5bn",
    "$3",
    "€10",
    "₽100",
    "18,",
    "12-year-old",
    "U.S.",
    "(war)",
    "war.",
    "\u00a0",
    "\u2009",
    "—",
    "“",
    "”",
    "\u0345",
    "ΐ",
    "#war",
    "_",
    "war_crimes",
    "9/11",
]

JOINERS = [" "] * 12 + ["  ", "-", "‐", "–", "’", "'", "\n", "\u00a0", ", ", ". ", "\t", "\x00"]


def generated(seed: int, n: int = 1500) -> list[str]:
    rng = random.Random(seed)
    words = sample_words() + HOSTILE
    out = []
    for _ in range(n):
        k = rng.randint(1, 25)
        parts = []
        for _ in range(k):
            w = rng.choice(words)
            r = rng.random()
            if r < 0.15:
                w = w.upper()
            elif r < 0.35:
                w = w.capitalize()
            elif r < 0.40:
                w = w + rng.choice(["s", "ed", "ing", "’s", "-", "."])
            parts.append(w)
            parts.append(rng.choice(JOINERS))
        out.append("".join(parts[:-1]) + rng.choice(["", ".", "!", "?", " ", "\n"]))
    return out


@pytest.mark.parametrize("name", BOOKS)
def test_sample_corpus_identical(name):
    sents = newslens.load_corpus().sentences
    ref = same(sents, book(name))
    assert len(ref) > 50  # the comparison is about real matches


@pytest.mark.parametrize("name", BOOKS)
@pytest.mark.parametrize("seed", [0, 1])
def test_generated_sentences_identical(name, seed):
    ref = same(table(generated(seed)), book(name))
    assert len(ref) > 500
    assert ref["frame"].nunique() >= 3


def test_generated_sentences_without_start_column():
    sents = table(generated(2, n=300)).drop(columns="start")
    same(sents, book("policy_frames_boydstun_2014"))


# --------------------------------------------------------------------------------------------
# hostile cases, one sentence each


CASES = [
    # case folding the lowercased text does not show: must still be found
    ("semetko_valkenburg_2000", "The \u212aremlin blamed them.", "blamed"),
    ("semetko_valkenburg_2000", "They were bla\u212a.", None),
    ("policy_frames_boydstun_2014", "New ſanctions were imposed.", "ſanctions"),
    ("policy_frames_boydstun_2014", "The İnvasion began.", "İnvasion"),
    ("policy_frames_boydstun_2014", "An ınvasion began.", "ınvasion"),
    ("policy_frames_boydstun_2014", "A café near the hospital.", "hospital"),
    ("policy_frames_boydstun_2014", "İ the hospital was shelled.", "hospital"),
    # hyphen and apostrophe variants, wildcards
    ("semetko_valkenburg_2000", "An anti-war protest.", "anti-war"),
    ("semetko_valkenburg_2000", "An anti‐war protest.", None),  # the pattern says "-"
    ("cues", "Neo‐Nazis marched.", "Neo‐Nazis"),
    ("cues", "Neo–Nazis marched.", "Neo–Nazis"),
    ("cues", "Putin’s NEO-NAZI regime.", "NEO-NAZI"),
    ("cues", "Neo-Nazis marched.", "Neo-Nazis"),
    ("cues", "Neo Nazis marched.", "Neo Nazis"),
    ("cues", "They are NAZIS.", "NAZIS"),
    ("cues", "Nazification and denazification.", "Nazification"),
    ("policy_frames_boydstun_2014", "The denazification of Ukraine.", "denazification"),
    ("policy_frames_boydstun_2014", "The de-nazification of Ukraine.", "de-nazification"),
    # matches at the sentence start and end, and nothing else
    ("semetko_valkenburg_2000", "Blamed", "Blamed"),
    ("semetko_valkenburg_2000", "they were blamed", "blamed"),
    ("semetko_valkenburg_2000", "blamed.", "blamed"),
    ("semetko_valkenburg_2000", "unblamed blamedness", None),
    # patterns starting with a non-word character, patterns with look-arounds
    ("semetko_valkenburg_2000", "It cost £5bn.", "£5"),
    ("semetko_valkenburg_2000", "It cost $ 3.", "$ 3"),
    ("semetko_valkenburg_2000", "₽100 a day", "₽1"),
    ("semetko_valkenburg_2000", "They lacked gas.", "gas"),
    ("semetko_valkenburg_2000", "They used tear gas.", None),
    ("semetko_valkenburg_2000", "Anya Stoluk, 18, fled.", "Anya Stoluk, 18"),
    ("semetko_valkenburg_2000", "A 12-year-old girl.", "12-year-old"),
    ("policy_frames_boydstun_2014", "The prisoners were freed.", "prisoners"),
    ("policy_frames_boydstun_2014", "The prisoners of war were freed.", None),
    # exclusions: overlap scope
    ("semetko_valkenburg_2000", "A row of houses.", None),
    ("semetko_valkenburg_2000", "A row of houses and a row.", "row"),
    ("policy_frames_boydstun_2014", "They won at all costs.", None),
    # phrases with gaps and hyphens that are spaces
    ("cues", "It is said that they fled.", None),
    (
        "cues",
        "The claims could not be independently verified.",
        "could not be independently verified",
    ),
]


@pytest.mark.parametrize(("name", "text", "evidence"), CASES)
def test_hostile_sentences(name, text, evidence):
    ref = same(table([text]), book(name))
    if evidence is not None:
        assert evidence in set(ref["evidence"])


def test_hostile_cases_all_together():
    texts = [t for _, t, _ in CASES] + HOSTILE + [" ".join(HOSTILE)]
    for name in BOOKS:
        same(table(texts), book(name))


# --------------------------------------------------------------------------------------------
# user codebooks


USER_BOOK = """\
name: hostile_book
title: Hostile
citation: Nobody 2024
description: Indicators the prefilter must get right.
frames:
  - id: nonword_start
    label: Non-word start
    description: terms that start with a non-word character
    source: test
    terms: ["£5", "#metoo", "(war)", "+", "..."]
  - id: no_literal
    label: No literal
    description: a term without any literal character (hyphen class only)
    source: test
    terms: ["-", "peace"]
  - id: folding
    label: Folding
    description: indicators with letters that fold to ASCII
    source: test
    terms: ["ſtate", "\u212aiev", "İstanbul", "ıran", "café", "straße"]
    phrases: ["the ſtate of", "Ḱ ... war"]
    patterns: ["ſ\\\\w+", "\u212a\\\\w+"]
  - id: wild
    label: Wildcards
    description: wildcard terms, hyphens, apostrophes, gaps
    source: test
    inflect: false
    terms: ["war*", "anti-war*", "putin's", "o'clock", "x-ray*", "9/11", "u.s.", "_under"]
    phrases: ["the ... war", "war ... peace", "peace-keeping force", "Putin's war"]
  - id: pats
    label: Patterns
    description: patterns of every shape
    source: test
    terms: [attack]
    patterns:
      - "[£$€₽]\\\\s?\\\\d"
      - "(?<=\\\\s)war\\\\b"
      - "\\\\bpeace(?=\\\\s|$)"
      - "(?-i:[A-Z]{3,})"
      - "(\\\\w)\\\\1{2}"
      - "\\\\d+%"
      - "(?:^|\\\\s)the\\\\b"
      - "\\\\bend$"
      - "^start"
      - "(?>\\\\w+)s\\\\b"
      - "(?=\\\\w{14})\\\\w"
      - "(?x: c e a s e )"
      - "\\\\b(?:no|not)\\\\s+\\\\w+"
      - "[^\\\\W\\\\d_]{16,}"
  - id: overlaps
    label: Overlaps
    description: phrases, patterns and terms that overlap, tried in alternation order
    source: test
    terms: [war, in, peace, km]
    phrases: ["the war in", "peace talks", "in peace"]
    patterns: ["war in \\\\w+", "talks?\\\\b", "\\\\d+ ?km", "[£$]\\\\d"]
  - id: excl_sentence
    label: Exclusion (sentence)
    description: exclusion cancels the sentence
    source: test
    terms: [war, peace]
    exclude: ["\\\\bcold war\\\\b", "(?-i:PEACE)"]
  - id: excl_overlap
    label: Exclusion (overlap)
    description: exclusion cancels overlapping matches only
    source: test
    terms: [war, army]
    exclude: ["\\\\bwar (?:games|memorial)\\\\b", "\\\\w*army\\\\w*"]
    exclude_scope: overlap
"""

USER_TEXTS = [
    "It cost £5 and #MeToo (war) + more...",
    "A - B, a peace-keeping force.",
    "The ſtate of the war; the State of play; the \u212aiev office.",
    "İstanbul and ıran, Istanbul and Iran, ISTANBUL, CAFÉ, café, STRASSE, straße.",
    "Warfare, WARS, anti-warriors, anti‐war, Putin’s war, Putin's war, putins.",
    "At 9/11 o’clock the U.S. X-rays _under under_ the.",
    "The long long war was not peace.",
    "the war ended in peace",
    "COLD war and PEACE and a cold war.",
    "War games at the war memorial, the army's armyish war.",
    "start the end",
    "It was 45% of the cost, $ 3, €4, ₽ 5; aaa bbb.",
    "Internationalisation notwithstanding, cease fire.",
    "Nothing to see.",
    "",
    "\u212a",
    "Ḱ and war, Ḱ ... war, ḱ of the war.",
    "the war in Ukraine and peace talks, war in Kyiv, talk in peace, 5 km and 7km, £5 and $6.",
]


def test_user_codebook_with_hostile_indicators(tmp_path):
    path = tmp_path / "hostile.yml"
    path.write_text(USER_BOOK, encoding="utf-8")
    cb = framing.load_codebook(path)
    ref = same(table(USER_TEXTS + generated(3, n=400)), cb)
    assert set(ref["frame"]) == set(cb.ids)  # every frame matched something
    pf = {f.id: framing._prefilter(f) for f in cb.frames}
    assert pf["no_literal"].scan_all  # "-" has no literal character
    assert not pf["wild"].scan_all and not pf["nonword_start"].scan_all


def random_book(rng: random.Random, path) -> framing.Codebook:
    words = sample_words() + HOSTILE
    texts = list(newslens.load_corpus().sentences["text"])
    frames = []
    for k in range(6):
        terms = sorted(
            {rng.choice(words).strip(".,;:!?") or "x" for _ in range(rng.randint(0, 30))}
        )
        terms = [t + "*" if rng.random() < 0.1 and len(t) > 3 else t for t in terms]
        terms = [
            t
            for t in terms
            if t.strip() == t and t and not any(c.isspace() for c in t) and "*" not in t[:-1]
        ]
        phrases = set()
        for _ in range(rng.randint(0, 8)):
            ws = rng.choice(texts).split()
            i = rng.randrange(len(ws))
            gram = ws[i : i + rng.randint(2, 4)]
            if len(gram) >= 3 and rng.random() < 0.3:
                gram[1] = "..."
            if len(gram) >= 2 and "..." not in (gram[0], gram[-1]):
                phrases.add(" ".join(gram))
        patterns = rng.sample(
            [
                r"[£$€₽]\s?\d",
                r"\b\w+ing\b",
                r"(?<=\s)the\b",
                r"\bwar(?!\w)",
                r"(?-i:[A-Z][a-z]+), \d+",
                r"\d{2,}",
                r"(?:killed|wounded) (?:at least )?\d+",
                r"\b(?:must|should) \w+",
            ],
            rng.randint(0, 2),
        )
        body = {
            "id": f"f{k}",
            "label": f"F{k}",
            "description": "random",
            "source": "test",
            "terms": terms,
            "phrases": sorted(phrases),
            "patterns": patterns,
            "inflect": rng.random() < 0.5,
        }
        if rng.random() < 0.5:
            body["exclude"] = [r"\bthe\b", r"\bnot\b"][: rng.randint(1, 2)]
            body["exclude_scope"] = rng.choice(["sentence", "overlap"])
        if not (terms or phrases or patterns):
            body["terms"] = ["war"]
        frames.append(body)
    path.write_text(
        yaml.safe_dump(
            {
                "name": "random_book",
                "title": "Random",
                "citation": "Nobody",
                "description": "generated",
                "frames": frames,
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return framing.load_codebook(path)


@pytest.mark.parametrize("seed", range(4))
def test_random_codebooks(tmp_path, seed):
    rng = random.Random(seed)
    cb = random_book(rng, tmp_path / f"random{seed}.yml")
    ref = same(table(generated(10 + seed, n=600)), cb)
    assert len(ref) > 50


# --------------------------------------------------------------------------------------------
# the prefilter is in use, and the tests above can fail


@pytest.mark.parametrize("name", BOOKS)
def test_shipped_books_are_prefiltered(name):
    for f in book(name).frames:
        if f.regex is None:
            continue
        pf = framing._prefilter(f)
        assert not pf.scan_all, f.id
        assert pf.patterns is not None, f.id  # every shipped pattern has required strings
        assert pf.exclusions is not None, f.id


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        # (kind, required word or string, first token ("*": its start), other whole words)
        ("anti-war", ("token", "anti", "anti", {"war"})),
        ("u.s.", ("token", "u", "u", {"s"})),
        ("(war)", ("token", "war", None, set())),
        ("£5", ("token", "5", None, set())),
        ("nazi*", ("substring", "nazi", "nazi*", set())),
        ("ſtate", ("substring", "tate", None, set())),  # ſ also matches s: not a boundary
        ("-", None),  # a hyphen class only: the frame searches every sentence
        ("the ... war", ("token", "the", "the", {"war"})),
        ("peace-keeping force", ("token", "keeping", "peace", {"peace", "force"})),
        ("in peace", ("token", "peace", "in", {"in"})),
    ],
)
def test_sequence_requirement(indicator, expected):
    seq = (
        framing._phrase_sequence(indicator)
        if " " in indicator
        else framing._term_sequences(indicator, inflect=False)[0]
    )
    got = framing._sequence_requirement(seq)
    assert (got[:3] + (set(got[3]),) if got is not None else None) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[£$€₽]\s?\d", {"£", "$", "€", "₽"}),
        (r"\bprisoners?\b(?! of war)", {"prisoner"}),
        (r"\bbecause of (?:these|those) (?:fools|leaders?)\b", {"because of th"}),
        (r"(?-i:\b[A-Z][a-z]+), \d{1,3}\b", {f", {d}" for d in range(10)}),
        (r"\b(?:\w+|\d+)-year-old\b", {"-year-old"}),
        (r"\w+", None),
        (r"ſ\w+", None),  # long s matches s: no safe key
        (r"(\w)\1", None),
    ],
)
def test_pattern_requirement(pattern, expected):
    got = framing._pattern_requirement(pattern)
    assert (set(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("plain ASCII", True),
        ("curly ’quotes’ – dashes —\u00a0spaces", True),
        ("café", False),
        ("\u212aelvin", False),
        ("ſ", False),
        ("İ", False),
        ("Ⓐ", False),  # cased, although not a word character
        ("\u0345", False),
    ],
)
def test_is_plain(text, plain):
    assert framing._is_plain(text) is plain


def test_hostile_cases_catch_a_broken_prefilter(monkeypatch):
    """Trusting every sentence's lowercased text loses the long-s and dotted-I matches."""
    cb = book("policy_frames_boydstun_2014")
    sents = table([t for n, t, _ in CASES if n == cb.name])
    ref = framing._tag_reference(sents, cb)
    monkeypatch.setattr(framing, "_is_plain", lambda text: True)
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(framing.tag_sentences(sents, cb), ref)


def test_generated_sentences_catch_a_broken_pattern_filter(monkeypatch):
    """Ruling out every pattern loses rows, so the comparison notices."""
    cb = book("semetko_valkenburg_2000")
    sents = table(generated(0))
    ref = framing._tag_reference(sents, cb)
    framing._prefilter.cache_clear()
    monkeypatch.setattr(framing, "_pattern_requirement", lambda p: frozenset({"\x01"}))
    try:
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(framing.tag_sentences(sents, cb), ref)
    finally:
        framing._prefilter.cache_clear()


def test_word_starts_catch_a_wrong_first_word(monkeypatch):
    """Searching only where the first words start matters: a wrong offset loses matches."""
    cb = book("semetko_valkenburg_2000")
    sents = table(generated(1))
    ref = framing._tag_reference(sents, cb)
    monkeypatch.setattr(framing, "_word_starts", lambda low, words: [0])
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(framing.tag_sentences(sents, cb), ref)


def test_pattern_offsets_catch_a_missed_one(monkeypatch):
    """Patterns are tried at every offset where one matches; trying only the first loses rows."""
    cb = book("semetko_valkenburg_2000")
    sents = table(generated(0) + ["It cost £5, then £6 and then $7."])
    ref = framing._tag_reference(sents, cb)
    real = framing._pattern_starts

    def first_only(*args):
        found = real(*args)
        return found[:1] if isinstance(found, list) else found

    monkeypatch.setattr(framing, "_pattern_starts", first_only)
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(framing.tag_sentences(sents, cb), ref)


def test_empty_and_missing_texts():
    sents = table(["", "war", ""])
    sents.loc[2, "text"] = None
    for name in BOOKS:
        same(sents, book(name))
    empty = table([]).astype({"sentence": "int64", "start": "int64"})
    for name in BOOKS:
        same(empty, book(name))


@pytest.mark.parametrize("chunk", [1, 7, 100])
def test_chunked_prefilter(monkeypatch, chunk):
    monkeypatch.setattr(framing, "_SENTENCES_PER_CHUNK", chunk)
    sents = table(generated(5, n=250))
    for name in BOOKS:
        same(sents, book(name))


def test_plain_characters_fold_to_themselves_only():
    """What _is_plain trusts, checked against the regex engine's own case tables.

    A character passing ``_plain_char`` must be uncased for ``re`` (its lowercase is itself, it
    has no extra case equivalents such as long s = s), or the lowercased text could hide a
    case-insensitive match.
    """
    _sre = pytest.importorskip("_sre")
    from re import _compiler

    extra = set(_compiler._EXTRA_CASES)
    extra |= {c for cases in _compiler._EXTRA_CASES.values() for c in cases}
    bad = [
        hex(o)
        for o in range(0x80, 0x110000)
        if not 0xD800 <= o < 0xE000
        and framing._plain_char.__wrapped__(chr(o))
        and (_sre.unicode_iscased(o) or _sre.unicode_tolower(o) != o or o in extra)
    ]
    assert bad == []


def test_lookarounds_do_not_see_the_neighbouring_sentence(tmp_path):
    """Each sentence is searched on its own: a look-behind at its start sees nothing.

    (Searching sentences joined by a separator, as tag_sentences once did, let ``(?<=\\s)``
    see the separator's newline and tagged both sentences here.)
    """
    path = tmp_path / "look.yml"
    path.write_text(
        "name: look\ntitle: t\ncitation: c\ndescription: d\nframes:\n"
        "  - id: a\n    label: A\n    description: d\n    source: s\n"
        "    patterns: ['(?<=\\s)foo', 'bar(?=\\s)']\n",
        encoding="utf-8",
    )
    cb = framing.load_codebook(path)
    assert same(table(["one bar", "foo two", "a foo bar b"]), cb)[
        ["sentence", "evidence"]
    ].values.tolist() == [[2, "foo"], [2, "bar"]]


# --------------------------------------------------------------------------------------------
# tag_many: several codebooks in one pass, the rows of tag_sentences per codebook


DEFAULT_PAIR = ["semetko_valkenburg_2000", "cues"]


def composed(sents: pd.DataFrame, books: list[framing.Codebook]) -> pd.DataFrame:
    """The definition: tag_sentences per codebook, non-empty tables stacked (as the build did)."""
    tagged = [t.assign(codebook=b.name) for b in books if len(t := framing.tag_sentences(sents, b))]
    return pd.concat(tagged, ignore_index=True)


def same_many(sents: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    books = [book(n) for n in names]
    expected = composed(sents, books)
    got = framing.tag_many(sents, books)
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.dtypes) == list(expected.dtypes)
    return got


@pytest.fixture(scope="module")
def generated_batch(tmp_path_factory) -> pd.DataFrame:
    """The sentences of 120 generated articles (benchmarks/corpusgen.py), as the build makes them."""
    import sys
    from pathlib import Path

    from newslens import build

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from corpusgen import write_corpus

    tmp = tmp_path_factory.mktemp("gen")
    root = write_corpus(tmp / "corpus", 120, seed=0)
    corpus = build.build(
        root, out=tmp / "out", store=tmp / "s", workers=1, attribution=False, codebooks=()
    )
    return corpus.sentences[["article_id", "outlet", "sentence", "text", "start"]]


def test_tag_many_default_pair_on_generated_articles(generated_batch):
    got = same_many(generated_batch, DEFAULT_PAIR)
    assert set(got["codebook"]) == {"semetko_valkenburg_2000", "newslens_cues"}
    assert len(got) > 1000


@pytest.mark.parametrize("seed", [0, 1])
def test_tag_many_default_pair_on_generated_sentences(seed):
    same_many(table(generated(seed)), DEFAULT_PAIR)


def test_tag_many_every_shipped_lexicon_and_the_sample_corpus():
    same_many(newslens.load_corpus().sentences, BOOKS)
    same_many(newslens.load_corpus().sentences, list(reversed(BOOKS)))


@pytest.mark.parametrize("name", BOOKS)
def test_tag_many_one_codebook(name):
    sents = table(generated(4, n=500))
    got = same_many(sents, [name])
    ref = framing._tag_reference(sents, book(name))
    pd.testing.assert_frame_equal(got.drop(columns="codebook"), ref)
    # a single codebook need not be in a list
    pd.testing.assert_frame_equal(framing.tag_many(sents, book(name)), got)


def test_tag_many_empty_results():
    expected = framing._empty_tags().assign(codebook=pd.Series(dtype=str))
    assert list(expected.columns) == [*framing._TAG_COLUMNS, "codebook"]
    empty = table([]).astype({"sentence": "int64", "start": "int64"})
    cases = [
        (empty, DEFAULT_PAIR),  # no sentences
        (table(["Nothing here.", "", "Plain words only."]), DEFAULT_PAIR),  # no match
        (table(generated(0, n=50)), []),  # no codebooks
    ]
    for sents, names in cases:
        got = framing.tag_many(sents, [book(n) for n in names])
        pd.testing.assert_frame_equal(got, expected)
        assert list(got.dtypes) == list(expected.dtypes)


def test_tag_many_when_one_codebook_matches_nothing():
    sents = table(["A moral duty.", "Nothing here."])
    assert len(framing.tag_sentences(sents, book("cues"))) == 0
    got = same_many(sents, ["cues", "semetko_valkenburg_2000"])
    assert set(got["codebook"]) == {"semetko_valkenburg_2000"}


def awkward(texts: list[str]) -> pd.DataFrame:
    """Sentences out of order, with repeated (article_id, sentence) keys, a missing text and
    article id, object columns and an index that is not 0..n-1."""
    n = len(texts)
    rng = random.Random(7)
    ids = [rng.choice(["b", "a", "c", "a2"]) for _ in range(n)]
    ids[3] = None
    texts = list(texts)
    texts[5] = None
    texts[3] = "A moral duty, a costly war, allegedly."  # matched, without an article id
    df = pd.DataFrame(
        {
            "article_id": pd.Series(ids, dtype=object),
            "outlet": pd.Series([rng.choice(["X", "Y"]) for _ in range(n)], dtype=object),
            "sentence": [rng.randrange(6) for _ in range(n)],
            "text": pd.Series(texts, dtype=object),
            "start": [rng.randrange(1000) for _ in range(n)],
            "in_quote": False,
        }
    )
    df.index = range(100, 100 + 3 * n, 3)
    return df


def test_tag_many_and_tag_sentences_on_awkward_tables():
    sents = awkward(generated(6, n=400) + [t for _, t, _ in CASES])
    got = same_many(sents, BOOKS)
    assert got["article_id"].dtype == object  # the input's type, not inferred again
    assert got["article_id"].isna().sum() >= 3
    for name in BOOKS:
        same(sents, book(name))
        same(sents.drop(columns="start"), book(name))
    numeric = sents.assign(article_id=[hash(a) % 5 for a in sents["article_id"]])
    same_many(numeric, DEFAULT_PAIR)
    same(numeric, book("semetko_valkenburg_2000"))
    mixed = sents.assign(
        article_id=[a if i % 3 else i % 4 for i, a in enumerate(sents["article_id"])]
    )
    same_many(mixed, DEFAULT_PAIR)  # ids of several types: pandas sorts numbers first
    same(mixed, book("cues"))
    same_many(sents, ["cues", "semetko_valkenburg_2000", "cues"])  # a codebook twice


def test_tag_many_with_user_codebooks_and_small_chunks(tmp_path, monkeypatch):
    path = tmp_path / "hostile.yml"
    path.write_text(USER_BOOK, encoding="utf-8")
    books = [
        framing.load_codebook(path),
        book("cues"),
        random_book(random.Random(3), tmp_path / "r.yml"),
    ]
    sents = table(USER_TEXTS + generated(8, n=300))
    expected = composed(sents, books)
    for chunk in (framing._SENTENCES_PER_CHUNK, 7):
        monkeypatch.setattr(framing, "_SENTENCES_PER_CHUNK", chunk)
        pd.testing.assert_frame_equal(framing.tag_many(sents, books), expected)


def test_tag_many_on_a_corpus():
    corpus = newslens.load_corpus()
    books = [book(n) for n in DEFAULT_PAIR]
    pd.testing.assert_frame_equal(framing.tag_many(corpus, books), composed(corpus, books))


def test_tag_many_catches_a_broken_shared_index(monkeypatch):
    """The shared pass must give each codebook its own frames: crossing them loses rows."""
    sents = table(generated(0, n=400))
    books = [book(n) for n in DEFAULT_PAIR]
    expected = composed(sents, books)
    real = framing._Chunk.read.__func__

    def crossed(cls, texts, n_frames, index, vocab):
        chunk = real(cls, texts, n_frames, index, vocab)
        chunk.words.reverse()
        return chunk

    monkeypatch.setattr(framing._Chunk, "read", classmethod(crossed))
    with pytest.raises((AssertionError, KeyError, IndexError)):
        pd.testing.assert_frame_equal(framing.tag_many(sents, books), expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii, words_2 and x-ray",
        "curly ’quotes’ – dashes —\u00a0spaces",
        "a\x00b\tc",
        "lone \ud800surrogate",
        "Upper CASE 9/11",
    ],
)
def test_tokens_are_the_regex_tokens(text):
    for t in (text, text.lower()):
        assert framing._tokens(t) == framing._TOKEN.findall(t)
