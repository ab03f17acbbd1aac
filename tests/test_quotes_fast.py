"""Tests for the fast paths of newslens.quotes: the table of a generated corpus is the same
computed article by article (with every cache cold) as in one ``table()`` call, attribution
invariants hold on it, and each shortcut agrees with the plain definition it replaces
(phrase lookups over an article's words vs a fresh tokenisation, the regex rewrites, the
quote mask, the memos) on seeded random texts built to hit their edge cases."""

from __future__ import annotations

import dataclasses
import random
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from newslens import build, quotes, segment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpusgen import write_corpus  # noqa: E402

SEED = 7


def _clear_memos() -> None:
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    roles.name_runs.clear()
    roles.side_of.clear()
    for phrases in (roles.pattern, roles.side_pattern, verbs.pattern):
        phrases._memo.clear()


_spans = quotes.spans_of


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("generated")
    root = write_corpus(tmp / "corpus", 40, seed=SEED)
    return build.build(root, out=tmp / "tables", store=tmp / "store", workers=1)


@pytest.fixture(scope="module")
def generated_table(generated):
    # The plain tables, so that table() attributes them (a built Corpus may answer from the
    # attributions its build made).
    return quotes.table(SimpleNamespace(articles=generated.articles, quotes=generated.quotes))


# ------------------------------------------------------------------ whole tables


def test_table_equals_article_by_article_with_cold_caches(generated, generated_table):
    arts = generated.articles.sort_values("article_id")
    rows = []
    for art in arts.itertuples(index=False):
        part = generated.quotes[generated.quotes["article_id"] == art.article_id]
        if part.empty:
            continue
        spans = _spans(part)
        _clear_memos()
        atts = quotes.attribute(str(art.body).split("\n\n"), spans)
        rows += quotes._rows(art.article_id, art.outlet, spans, atts)
    expected = quotes._frame(rows)
    assert len(expected) == len(generated.quotes) > 100
    pd.testing.assert_frame_equal(generated_table, expected, check_exact=True)


def test_table_is_the_same_twice_and_with_shuffled_inputs(generated, generated_table):
    class Shuffled:
        articles = generated.articles.sample(frac=1, random_state=1)
        quotes = generated.quotes.sample(frac=1, random_state=2)

    pd.testing.assert_frame_equal(quotes.table(Shuffled()), generated_table, check_exact=True)
    plain = SimpleNamespace(articles=generated.articles, quotes=generated.quotes)
    pd.testing.assert_frame_equal(quotes.table(plain), generated_table, check_exact=True)
    # the built Corpus (attributed by the build) gives the same table
    pd.testing.assert_frame_equal(quotes.table(generated), generated_table, check_exact=True)


def test_attribution_invariants(generated, generated_table):
    t = generated_table
    assert list(t.columns) == quotes.COLUMNS
    keys = list(zip(t["article_id"], t["quote_id"]))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    not_speech = t[~t["is_speech"]]
    assert (not_speech["group"] == "not speech").all()
    assert not_speech["speaker"].isna().all() and not_speech["verb"].isna().all()
    assert t["speaker"].isna().eq(t["speaker_canonical"].isna()).all()
    assert t["verb"].isna().eq(t["verb_text"].isna()).all()
    assert t["verb"].isna().eq(t["verb_class"].isna()).all()
    assert set(t["verb_class"].dropna()) <= {"neutral", "loaded"}
    assert (t["rule"].str.len() > 0).all() and (t["speech_cue"].str.len() > 0).all()
    assert (t["evidence"].str.len() > 0).all()
    assert ((t["start"] < t["end"]) & (t["paragraph_start"] <= t["paragraph_end"])).all()
    speech = t[t["is_speech"]]
    assert speech["group"].ne("not speech").all()
    assert len(speech) > len(not_speech)


def test_attribute_sorts_spans_and_ignores_their_order(generated):
    art = generated.articles.sort_values("article_id").iloc[0]
    paragraphs = str(art.body).split("\n\n")
    spans = segment.quotes(paragraphs)
    assert len(spans) > 2
    forward = quotes.attribute(paragraphs, spans)
    assert [a.quote_id for a in forward] == [s.quote_id for s in spans]
    assert quotes.attribute(paragraphs, list(reversed(spans))) == forward


def test_small_memos_are_cleared_and_change_nothing(generated, monkeypatch):
    arts = generated.articles.sort_values("article_id").head(8)
    inputs = [str(b).split("\n\n") for b in arts["body"]]
    _clear_memos()
    warm = [quotes.attribute(ps, segment.quotes(ps)) for ps in inputs]
    monkeypatch.setattr(quotes, "_NAME_RUN_MEMO", 3)
    monkeypatch.setattr(quotes, "_MEMO_SIZE", 5)
    _clear_memos()
    tiny = [quotes.attribute(ps, segment.quotes(ps)) for ps in inputs]
    assert tiny == warm
    assert len(quotes.load_roles().name_runs) <= 3
    assert len(quotes.load_roles().pattern._memo) <= 5
    _clear_memos()


def test_to_dict_and_rows():
    paragraphs = ['"We will win," said Jane Smith, a spokeswoman for the Pentagon.']
    spans = segment.quotes(paragraphs)
    (a,) = quotes.attribute(paragraphs, spans)
    assert a.to_dict() == dataclasses.asdict(a)
    assert list(a.to_dict()) == [f.name for f in dataclasses.fields(a)]
    (row,) = quotes._rows("a1", "Outlet", spans, [a])
    assert list(row) == quotes.COLUMNS
    assert row == {
        **{c: a.to_dict()[c] for c in quotes.COLUMNS if c in a.to_dict()},
        "article_id": "a1",
        "outlet": "Outlet",
        "text": spans[0].text,
        "start": spans[0].start,
        "end": spans[0].end,
        "paragraph_start": spans[0].paragraph_start,
        "paragraph_end": spans[0].paragraph_end,
    }


# ------------------------------------------------------------------ random texts

_PUNCT = [".", ",", ":", ";", '"', "'", "\u201c", "\u201d", "\u2019", " - ", "\u2014", "\u2013"]
_PUNCT += ["!", "?", "(", ")", "\n", "\n\n", quotes.PLACEHOLDER, "-", "_", "1.5"]
_ODD = ["he-man", "one-off", "x.he", "They.", "U.S.", "Dr.", "e.g.", "co-op", "x_y", "_he"]
_ODD += ["\u017fong", "\u212aaption", "dub\u0131ous", "\u0130ines", "caf\u00e9", "\u00a0", "\t"]
_ODD += ["performance", "of", "so-called", "self-styled", "song", "songs", "has since", "who"]
_ODD += ["a" * 45, "b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v", " " * 30, " " * 90]


def _vocabulary() -> list[str]:
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    return sorted(roles.words)[:300] + sorted(verbs.forms)[:300] + sorted(roles.sides) + _ODD


def _text(rng: random.Random, words: list[str], n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        w = rng.choice(words) if r < 0.7 else rng.choice(_PUNCT)
        out.append(w.upper() if r < 0.05 else w.capitalize() if r < 0.2 else w)
        out.append(rng.choice([" ", " ", " ", "", "  ", "\n", "\t"]))
    return "".join(out)


def _fresh_tokens(text: str, pos: int, endpos: int) -> list[re.Match[str]]:
    return list(quotes._PHRASE_TOKEN.finditer(text, pos, endpos))


def _reference_hit(phrases, text, toks, i):
    """The phrase starting at word i of a fresh tokenisation: longest first, words equal after
    normalising case, whitespace only between them (the documented _Phrases rule)."""
    norm = phrases._norm
    for cand in phrases.index.get(norm(toks[i].group()), ()):
        n = len(cand)
        if i + n <= len(toks) and all(
            norm(toks[i + j].group()) == cand[j]
            and text[toks[i + j - 1].end() : toks[i + j].start()].isspace()
            for j in range(1, n)
        ):
            return toks[i].start(), toks[i + n - 1].end()
    return None


def _reference_finditer(phrases, text, pos, endpos):
    toks, out, i = _fresh_tokens(text, pos, endpos), [], 0
    while i < len(toks):
        hit = _reference_hit(phrases, text, toks, i)
        if hit is None:
            i += 1
            continue
        out.append(hit)
        while i < len(toks) and toks[i].start() < hit[1]:
            i += 1
    return out


def _reference_match(phrases, text, pos, endpos):
    toks = _fresh_tokens(text, pos, endpos)
    if not toks or toks[0].start() != pos:
        return None
    if pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "-"):
        return None
    return _reference_hit(phrases, text, toks, 0)


def _spans_of(hits):
    return [(h.start(), h.end()) for h in hits]


def test_phrase_lookups_over_an_articles_words_equal_a_fresh_tokenisation():
    rng = random.Random(SEED)
    words = _vocabulary()
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    lexicons = (roles.pattern, roles.side_pattern, verbs.pattern)
    checked = 0
    for _ in range(400):
        text = _text(rng, words, rng.randrange(1, 30))
        tokens = quotes._Tokens(text)
        for phrases in lexicons:
            ranges = [
                (rng.randrange(len(text) + 2), rng.randrange(len(text) + 2)) for _ in range(6)
            ]
            each = tokens.finditer_each(phrases, ranges)
            for (a, b), hits in zip(ranges, each):
                expected = _reference_finditer(phrases, text, a, b)
                assert _spans_of(tokens.finditer(phrases, a, b)) == expected, (text, a, b)
                assert _spans_of(phrases.finditer(text, a, b)) == expected
                assert _spans_of(hits) == expected
                hit = tokens.match(phrases, a, b)
                want = _reference_match(phrases, text, a, b)
                assert (None if hit is None else (hit.start(), hit.end())) == want, (text, a, b)
                checked += bool(expected)
            whole = _reference_finditer(phrases, text, 0, len(text))
            for piece in (text, text.strip(), text[: len(text) // 2]):
                phrases._memo.clear()
                want = _reference_finditer(phrases, piece, 0, len(piece))
                found = phrases.search(piece)
                assert (None if found is None else (found.start(), found.end())) == (
                    want[0] if want else None
                ), piece
                at_start = _reference_match(phrases, piece, 0, len(piece))
                found = phrases.match(piece)
                assert (None if found is None else (found.start(), found.end())) == at_start
                whole_word = phrases.fullmatch(piece)
                assert (whole_word is not None) == (
                    at_start is not None and at_start[1] == len(piece)
                )
            assert whole == _reference_finditer(phrases, text, 0, len(text))
    assert checked > 200  # the random texts do hit the lexicons


def test_phrase_match_at_word_starts_with_every_end():
    # Multi-word phrases cut short by the end of the range ("prime minist|er"), and words cut
    # short ("U.S|.") are where a lookup over the article's words must tokenise afresh.
    rng = random.Random(SEED + 6)
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    multi = sorted(p for p in list(roles.words) + list(roles.sides) if " " in p)
    multi += sorted(p for p in verbs.forms if " " in p)
    words = multi + _ODD + ["the", "a", "u.s.", "U.S.-led"]
    for _ in range(150):
        text = _text(rng, words, rng.randrange(2, 12))
        tokens = quotes._Tokens(text)
        known = quotes._Tokens(text)  # with each lexicon's phrases over the text worked out
        for phrases in (roles.pattern, roles.side_pattern, verbs.pattern):
            known._phrase_starts(phrases)
        for start in tokens.starts[:8]:
            for end in range(start, min(len(text), start + 30) + 1):
                for phrases in (roles.pattern, roles.side_pattern, verbs.pattern):
                    hit = tokens.match(phrases, start, end, text_start=end % 2 == 0)
                    same = known.match(phrases, start, end, text_start=end % 2 == 0)
                    assert _spans_of([h for h in (hit,) if h]) == _spans_of(
                        [h for h in (same,) if h]
                    )
                    if end % 2 == 0:  # as a slice starting at the word: no look behind it
                        want = _reference_match(phrases, text[start:end], 0, end - start)
                        want = want and (want[0] + start, want[1] + start)
                    else:
                        want = _reference_match(phrases, text, start, end)
                    assert (None if hit is None else (hit.start(), hit.end())) == want, (
                        text,
                        start,
                        end,
                    )


def test_pronouns_from_words_equal_the_pronoun_regex():
    rng = random.Random(SEED + 1)
    words = _vocabulary() + ["he", "she", "They", "one", "another", "he-man", "one.two"]
    for _ in range(400):
        text = _text(rng, words, rng.randrange(1, 40))
        starts, spans = quotes._pronouns(text, quotes._Tokens(text))
        assert spans == [m.span() for m in quotes._PRONOUN.finditer(text)], text
        assert starts == [a for a, _ in spans]


def test_cue_shortcuts_equal_their_regexes():
    rng = random.Random(SEED + 2)
    words = _ODD + ["a", "the", "It", "word", "also", "then", "while", "and"] + _PUNCT
    words += ["film", "banner", "chanting", "spoke of", "claims  of", "alleged", "bluntly"]
    words += ["al\u017fo", "HAS", "\u017fince", "went on  to", "this\nweek", "reportedly"]
    for _ in range(4000):
        text = "".join(
            rng.choice(words) + rng.choice(["", " ", " ", "  ", "\n", " " * rng.randrange(40)])
            for _ in range(rng.randrange(0, 25))
        )
        for fast, regex in (
            (quotes._title_cue, quotes._TITLE_CUES),
            (quotes._scare_cue, quotes._SCARE_CUES),
        ):
            got, want = fast(text), regex.search(text)
            assert (got and got.span()) == (want and want.span()), (regex.pattern[:20], text)
        full = [m.span() for m in quotes._CLAUSE_SPLIT.finditer(text)]
        tail = [m.span() for m in quotes._CLAUSE_SPLIT.finditer(text, quotes._last_sure_cut(text))]
        assert full[len(full) - len(tail) :] == tail and bool(full) == bool(tail), text
        plain = text
        while quotes._TRAILING_AUX.sub("", plain) != plain:
            plain = quotes._TRAILING_AUX.sub("", plain)
        assert quotes._strip_trailing_aux(text) == plain, text


def test_words_before_equals_its_regex():
    rng = random.Random(SEED + 3)
    regex = re.compile(r"((?:[\w\u2019'\-]+\s+){0,4})$")
    pieces = ["a", "word", "x" * 50, "-", "'", "\u2019", ",", ".", quotes.PLACEHOLDER]
    pieces += [" ", " " * 30, " " * 90, "\n", "\t", "1", "_"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 25)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        want = regex.search(text[a:b]).group(1).split()
        assert quotes._words_before(text, a, b).split() == want, (text, a, b)


def test_only_four_non_ascii_characters_fold_to_ascii_letters():
    # The title-cue shortcut relies on this: without them, a case-insensitive match of an
    # ASCII word implies the lower-cased text contains it.
    folds = [c for c in map(chr, range(128, sys.maxunicode + 1)) if re.match("(?i)[a-z]", c)]
    assert folds == sorted(quotes._FOLDS_TO_ASCII.pattern.strip("[]"))


def test_mask_quotes_equals_a_character_loop():
    rng = random.Random(SEED + 4)

    def reference(body, spans):
        chars = list(body)
        for s in spans:
            for i in range(s.start, s.end):
                if chars[i] != "\n":
                    chars[i] = quotes.PLACEHOLDER
        return "".join(chars)

    for _ in range(3000):
        body = "".join(rng.choice("ab \n\u201c\u201d.") for _ in range(rng.randrange(0, 30)))
        spans = []
        for k in range(rng.randrange(0, 4)):
            a = (
                rng.randrange(-3, len(body) + 1)
                if rng.random() < 0.1
                else rng.randrange(len(body) + 1)
            )
            b = rng.randrange(max(a, 0), len(body) + 1) if body else 0
            spans.append(quotes.Span(k, a, b, "", 0, 0, '"'))
        try:
            want = reference(body, spans)
        except IndexError:
            with pytest.raises(IndexError):
                quotes.mask_quotes(body, spans)
            continue
        assert quotes.mask_quotes(body, spans) == want, (body, spans)


def test_sentences_cover_each_paragraph_in_order():
    rng = random.Random(SEED + 5)
    verbs = quotes.load_verbs()
    words = _vocabulary()
    for _ in range(300):
        paragraphs = [
            _text(rng, words, rng.randrange(1, 25)).replace("\n\n", " ") for _ in range(3)
        ]
        paragraphs = [p for p in paragraphs if p.strip()] or ["x"]
        body = "\n\n".join(paragraphs)
        spans = segment.quotes(paragraphs)
        masked = quotes.mask_quotes(body, spans)
        sentences = quotes._sentences(body, masked, spans, verbs)
        for s, nxt in zip(sentences, sentences[1:]):
            assert s.start < s.end and (s.end <= nxt.start)
            if s.paragraph == nxt.paragraph:
                assert s.end == nxt.start  # no gap inside a paragraph
        assert all(masked[s.start : s.end].strip() for s in sentences)
        doc = SimpleNamespace(sentence_starts=[s.start for s in sentences])
        for offset in range(0, len(body), 7):
            linear = max([i for i, s in enumerate(sentences) if s.start <= offset], default=0)
            assert quotes._sentence_at(doc, offset) == linear


@pytest.mark.parametrize("space", [1, 17, 40, 80])
@pytest.mark.parametrize("lead", ["", "x" * 70 + " ", "a. " + "y " * 40])
def test_title_cue_with_a_long_space_inside_the_cue(lead, space):
    text = f"{lead}the performance{' ' * space}of the band "
    want = quotes._TITLE_CUES.search(text)
    assert want is not None
    assert quotes._title_cue(text).span() == want.span()


def test_name_runs_remembered_equal_name_runs_worked_out():
    # A run's reading depends on its text and on whether a word goes on right before it
    # ("xMinister Ann Lee" is not a title): the memo key must hold both.
    rng = random.Random(SEED + 7)
    roles = quotes.load_roles()
    words = _vocabulary() + ["Ann Lee", "Minister", "President", "Russian", "Smith's"]
    texts = [_text(rng, words, rng.randrange(3, 30)) for _ in range(300)]
    texts += ["xRussian Ann Lee said.", "Russian Ann Lee said.", "-Russian Ann Lee said."]

    def mentions(text):
        tokens = quotes._Tokens(text)
        return [
            dataclasses.astuple(m)
            for m in quotes._name_mentions(text, 0, len(text), 0, roles, tokens)
        ]

    _clear_memos()
    warm = [mentions(t) for t in texts + texts]
    cold = []
    for t in texts + texts:
        _clear_memos()
        cold.append(mentions(t))
    assert warm == cold
    after_letter, plain = warm[-3], warm[-2]
    assert [m[4] for m in after_letter] != [m[4] for m in plain]  # read differently
    _clear_memos()


def test_pronouns_of_a_sentence_are_those_inside_it():
    rng = random.Random(SEED + 8)
    verbs = quotes.load_verbs()
    words = _vocabulary() + ["he", "She", "they", "one says", "another adds"]
    for _ in range(300):
        text = _text(rng, words, rng.randrange(3, 40))
        everywhere = quotes._pronouns(text, quotes._Tokens(text))
        cuts = sorted({0, len(text), *(rng.randrange(len(text) + 1) for _ in range(4))})
        for s0, s1 in zip(cuts, cuts[1:]):
            inside = [(a, b) for a, b in everywhere[1] if s0 <= a and b <= s1]
            only = ([a for a, _ in inside], inside)
            got = quotes._pronoun_mentions(text, s0, s1, 0, verbs, everywhere)
            want = quotes._pronoun_mentions(text, s0, s1, 0, verbs, only)
            assert [dataclasses.astuple(m) for m in got] == [
                dataclasses.astuple(m) for m in want
            ], (text, s0, s1)


def test_a_folder_as_lexicon_is_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="roles=.*pass a YAML file like"):
        quotes.load_roles(tmp_path)
    with pytest.raises(FileNotFoundError, match="verbs=.*pass a YAML file like"):
        quotes.load_verbs(tmp_path)


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        (
            ['He said: "Go home." They left. Mr. Smith stayed.'],
            ['He said: "Go home."', " They left.", " Mr. Smith stayed."],
        ),
        (
            ['"It\'s over. We lost," he said. Then he left.'],
            ['"It\'s over. We lost," he said.', " Then he left."],
        ),
        (
            ['"We will go home." Maxim said it twice. "Not now." They were seen later.'],
            ['"We will go home." Maxim said it twice.', ' "Not now."', " They were seen later."],
        ),
        (
            [
                "Officials met at 5 p.m. on Monday. U.S. troops left.",
                "A new one! Is it? Yes\u2026 so.",
            ],
            ["Officials met at 5 p.m. on Monday.", " U.S. troops left.", "A new one!", " Is it?"]
            + [" Yes\u2026 so."],
        ),
    ],
)
def test_sentences_around_quotes(paragraphs, expected):
    body = "\n\n".join(paragraphs)
    spans = segment.quotes(paragraphs)
    masked = quotes.mask_quotes(body, spans)
    got = quotes._sentences(body, masked, spans, quotes.load_verbs())
    assert [body[s.start : s.end] for s in got] == expected


def test_title_shortcut_equals_the_title_pattern():
    rng = random.Random(SEED + 9)
    roles = quotes.load_roles()
    assert roles.title_words is not None
    words = sorted(roles.titles) + ["Mr.", "DR", "Mrs", "mi\u017fs", "m\u0131nister", "\u0130"]
    words += ["\u212aaptain", "Dramatic", "Sirs", "Anna", "x", "-", ".", "\u00a0", "caf\u00e9"]
    for _ in range(3000):
        text = "".join(
            rng.choice(words) + rng.choice(["", " ", ".", ". ", "  ", "\n", "\u00a0"])
            for _ in range(rng.randrange(1, 6))
        )
        for pos in range(len(text) + 1):
            end = rng.randrange(pos, len(text) + 1)
            got = quotes._title_at(roles, text, pos, end)
            want = roles.title_pattern.match(text, pos, end)
            assert (got and got.span()) == (want and want.span()), (text, pos, end)


# ------------------------------------------------------------------ one pass over the sentences


def _random_sentences(rng: random.Random, text: str) -> list[quotes._Sentence]:
    """Contiguous ranges over the text with a gap now and then (as paragraphs leave)."""
    cuts = sorted({0, len(text), *(rng.randrange(len(text) + 1) for _ in range(rng.randrange(6)))})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if rng.random() < 0.2 and b - a > 2:
            a += 2  # a gap before this sentence
        out.append(quotes._Sentence(a, b, 0))
    return out


def test_name_runs_of_one_scan_equal_a_scan_per_sentence():
    rng = random.Random(SEED + 20)
    words = _vocabulary() + ["Ann Lee", "Smith-Jones", "Mr", "of the", "de", "al", "X-", "A.B."]
    fallbacks = 0
    for _ in range(400):
        text = _text(rng, words, rng.randrange(1, 40))
        for st in _random_sentences(rng, text):
            want = [
                (m.span(), m.group()) for m in quotes._NAME_RUN.finditer(text, st.start, st.end)
            ]
            got = quotes._name_runs(text, [st])[0]
            if got is None:
                fallbacks += 1
                continue
            assert [(m.span(), m.group()) for m in got] == want, (text, st)
    assert fallbacks > 0  # the cases that must scan a sentence alone happened


def _plain_sentence_mentions(masked, sentences, roles, verbs, tokens, pronouns, role_hits):
    return [
        quotes._sentence_mentions(masked, st, i, roles, verbs, tokens, pronouns, role_hits[i])
        for i, st in enumerate(sentences)
    ]


def _mention_tuples(by_sentence):
    return [[dataclasses.astuple(m) for m in ms] for ms in by_sentence]


def test_mentions_of_all_sentences_equal_mentions_sentence_by_sentence(generated):
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    rng = random.Random(SEED + 21)
    words = _vocabulary() + ["he", "She", "they", "one says", "Ann Lee", "Mr Smith", "xhe", "he-"]
    inputs = [
        (
            str(b),
            quotes.mask_quotes(str(b), _spans(generated.quotes[generated.quotes.article_id == a])),
        )
        for a, b in zip(generated.articles["article_id"], generated.articles["body"])
    ]
    for _ in range(200):
        text = _text(rng, words, rng.randrange(1, 60))
        inputs.append((text, text))
    for body, masked in inputs:
        if not masked.strip():
            continue
        sentences = (
            quotes._sentences(body, masked, [], verbs)
            if body is not masked
            else _random_sentences(rng, masked)
        )
        tokens = quotes._Tokens(masked)
        pronouns = quotes._pronouns(masked, tokens)
        hits = tokens.finditer_each(roles.pattern, [(st.start, st.end) for st in sentences])
        want = _plain_sentence_mentions(masked, sentences, roles, verbs, tokens, pronouns, hits)
        got = quotes._mentions_by_sentence(masked, sentences, roles, verbs, tokens, pronouns, hits)
        assert _mention_tuples(got) == _mention_tuples(want), masked


def _continues_by_character(doc, prev_span, span, prev_found):
    """The plain definition: every character between the quotes is a space, a quote character
    or inside one of the allowed sentences."""
    if span.paragraph_start - prev_span.paragraph_end not in (0, 1):
        return False
    tail = quotes._sentence_at(doc, prev_span.end - 1)
    allowed = [
        (doc.sentences[i].start, doc.sentences[i].end) for i in (*prev_found.sentences, tail)
    ]
    for i in range(prev_span.end, span.start):
        if doc.masked[i].isspace() or doc.masked[i] == quotes.PLACEHOLDER:
            continue
        if not any(a <= i < b for a, b in allowed):
            return False
    return True


def _gender_by_scan(doc, m):
    t = quotes._target(m)
    if t.kind == "name":
        key = doc.canonical.get(t.name, t.name)
        for x in doc.mentions:
            if x.kind == "name" and doc.canonical.get(x.name, x.name) == key and x.gender:
                return x.gender
    return t.gender


def test_quote_gaps_and_genders_equal_their_plain_definitions(generated):
    roles, verbs = quotes.load_roles(), quotes.load_verbs()
    pairs = genders = 0
    for aid, body in zip(generated.articles["article_id"], generated.articles["body"]):
        spans = sorted(
            _spans(generated.quotes[generated.quotes.article_id == aid]),
            key=lambda s: (s.start, s.quote_id),
        )
        if not spans:
            continue
        doc = quotes._build(str(body).split("\n\n"), spans, roles, verbs)
        founds = [quotes._find(doc, s, False) for s in spans]
        for k in range(1, len(spans)):
            everything = quotes._Found(sentences=(0, len(doc.sentences) - 1))
            for found in (founds[k - 1], quotes._Found(), everything):
                got = quotes._continues(doc, spans[k - 1], spans[k], found)
                assert got == _continues_by_character(doc, spans[k - 1], spans[k], found)
                pairs += 1
        for m in doc.mentions:
            assert quotes._gender(doc, m) == _gender_by_scan(doc, m)
            genders += 1
    assert pairs > 100 and genders > 100


def test_side_of_remembered_equals_side_of_worked_out():
    roles = quotes.load_roles()
    cues = [*roles.sides, "the Russian soldier", "U.S. officials", "x", "", "Kyiv  Mayor"]
    cues += [c.upper() for c in cues]
    roles.side_of.clear()
    warm = [quotes._side_of(c, roles) for c in cues + cues]
    cold = []
    for c in cues + cues:
        roles.side_of.clear()
        cold.append(quotes._side_of(c, roles))
    assert warm == cold and any(warm)
