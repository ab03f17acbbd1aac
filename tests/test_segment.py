"""Tests for newslens.segment: sentences, quote spans, sentence-to-quote assignment, tokens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from newslens import segment
from newslens.segment import QuoteSpan

GOLD = Path(__file__).resolve().parent / "gold"
SENTENCE_GOLD = GOLD / "sentences"
QUOTE_GOLD = GOLD / "quotes"
ARTICLE_IDS = sorted(p.stem for p in SENTENCE_GOLD.glob("*.txt"))


def read_tricky() -> list[tuple[str, str, list[str]]]:
    """(category, input text, expected sentences) from tricky.tsv."""
    cases = []
    for number, line in enumerate(
        (SENTENCE_GOLD / "tricky.tsv").read_text("utf-8").splitlines(), 1
    ):
        if not line.strip() or line.startswith("#"):
            continue
        category, case = line.split("\t")
        case = case.replace("\\n", "\n")
        cases.append(
            pytest.param(
                case.replace("||", ""),
                [part.strip() for part in case.split("||")],
                id=f"{number}-{category}",
            )
        )
    return cases


def read_gold_article(article_id: str) -> list[list[str]]:
    """Paragraphs of one gold article, each a list of sentences."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in (SENTENCE_GOLD / f"{article_id}.txt").read_text("utf-8").splitlines():
        if line.startswith("# "):
            continue
        if not line.strip():
            if current:
                paragraphs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def test_tricky_gold_has_at_least_100_cases():
    assert len(read_tricky()) >= 100


@pytest.mark.parametrize(("raw_in", "expected"), read_tricky())
def test_sentence_texts_tricky_cases(raw_in, expected):
    assert segment.sentence_texts(raw_in) == expected


@pytest.mark.parametrize("article_id", ARTICLE_IDS)
def test_sentences_match_hand_labelled_sample_bodies(article_id):
    paragraphs = read_gold_article(article_id)
    body = "\n\n".join(" ".join(sentences) for sentences in paragraphs)
    expected = [sentence for sentences in paragraphs for sentence in sentences]
    assert segment.sentence_texts(body) == expected


def test_sample_gold_covers_all_five_articles():
    assert ARTICLE_IDS == [
        "lbc_2022-03-02",
        "mail_2022-03-20",
        "mirror_2022-03-08",
        "reach_2022-03-15",
        "sun_2022-03-17",
    ]


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        ("", []),
        ("   \n\n\t ", []),
        ("One sentence", [(0, 12)]),
        ("  Padded.  ", [(2, 9)]),
        ("A. B", [(0, 4)]),  # a single letter before a capital reads as initials
        ("It fell. It rose.", [(0, 8), (9, 17)]),
        ("Head\n\nBody here.", [(0, 4), (6, 16)]),
        ("Wrapped\nline continues.", [(0, 23)]),
        ("!!!", [(0, 3)]),
        ("... ???", [(0, 7)]),
    ],
)
def test_sentences_offsets(raw_in, expected):
    assert segment.sentences(raw_in) == expected


def test_sentences_accepts_a_custom_abbreviation_file(tmp_path):
    text = "He met Gov. Hochul. She smiled."
    assert segment.sentence_texts(text) == ["He met Gov. Hochul.", "She smiled."]
    custom = tmp_path / "abbr.txt"
    custom.write_text("# only one entry\nhochul never\n", encoding="utf-8")
    # Without "gov" the full stop after Gov ends a sentence; "hochul" now never does.
    assert segment.sentence_texts(text, abbreviations=custom) == [
        "He met Gov.",
        "Hochul. She smiled.",
    ]


def test_bad_abbreviation_file_names_the_line(tmp_path):
    bad = tmp_path / "abbr.txt"
    bad.write_text("mr title\nfoo sometimes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbr\.txt, line 2: .*kind one of title, numeric, never"):
        segment.sentences("Mr Smith left.", abbreviations=bad)


def test_missing_abbreviation_file_names_the_parameter(tmp_path):
    with pytest.raises(FileNotFoundError, match="abbreviations="):
        segment.sentences("x", abbreviations=tmp_path / "nope.txt")


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a list"]])
def test_sentences_rejects_non_strings(bad):
    with pytest.raises(TypeError, match="text must be a str"):
        segment.sentences(bad)


def test_sentences_on_a_100k_character_line_without_punctuation():
    text = "word " * 20_000
    assert segment.sentences(text) == [(0, len(text) - 1)]


def test_sentences_on_a_100k_character_line_of_many_sentences():
    text = "It is. " * 15_000
    spans = segment.sentences(text)
    assert len(spans) == 15_000
    assert all(text[a:b] == "It is." for a, b in spans)


def test_sentences_on_hostile_punctuation_and_brackets():
    text = "(" * 5000 + "Go. Stop." + ")" * 10 + " He left. " + "'\"" * 3000
    spans = segment.sentences(text)
    # Offsets are ordered, non-overlapping, trimmed and cover every word.
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
    words = re.findall(r"\w+", text)
    assert re.findall(r"\w+", " ".join(text[a:b] for a, b in spans)) == words


# ---------------------------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------------------------


def quote_view(paragraphs: list[str]) -> list[tuple[str, str, int, int]]:
    return [
        (q.text, q.mark, q.paragraph_start, q.paragraph_end) for q in segment.quotes(paragraphs)
    ]


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        # Double straight, curly and mixed marks.
        (['He said: "Go home." Then he left.'], [("Go home.", '"', 0, 0)]),
        (["He said: “Go home.” Then he left."], [("Go home.", "“", 0, 0)]),
        (['Klitschko said: "We will fight.”'], [("We will fight.", '"', 0, 0)]),
        (['“They shot. We hid," she said.'], [("They shot. We hid,", "“", 0, 0)]),
        (["warned of “credible reports of fire ”."], [("credible reports of fire", "“", 0, 0)]),
        # British single quotes, curly and straight.
        (
            ["'People will remember our aggression for centuries,' he said."],
            [("People will remember our aggression for centuries,", "'", 0, 0)],
        ),
        (["He called it ‘genocide’ on Friday."], [("genocide", "‘", 0, 0)]),
        (
            ["Putin called it 'annexing' Crimea, and 'de-Nazifying' the peninsula."],
            [("annexing", "'", 0, 0), ("de-Nazifying", "'", 0, 0)],
        ),
        # Apostrophes are not marks.
        (["Don't say Russia's or Russia’s or one's soul."], []),
        (["The Russians' tanks and the '90s and each-other."], []),
        (["By day 13 of Vladimir Putin ’s invasion, it's over."], []),
        (
            ["'The Russians' tanks are gone,' he said."],
            [("The Russians' tanks are gone,", "'", 0, 0)],
        ),
        (["It was 'the soldiers' choice', he said."], [("the soldiers' choice", "'", 0, 0)]),
        # Nested quotes give one outer quote.
        (["\"He said 'no',\" she said."], [("He said 'no',", '"', 0, 0)]),
        (
            ["'He once said: 'These storms will go to the glory of Russia'. So it was then.'"],
            [
                (
                    "He once said: 'These storms will go to the glory of Russia'. So it was then.",
                    "'",
                    0,
                    0,
                )
            ],
        ),
        # Multi-paragraph quotes: each paragraph opens, only the last closes.
        (
            ["He said: 'We fought.", "'We lost.", "'We went home.'", "Then he left."],
            [("We fought. We lost. We went home.", "'", 0, 2)],
        ),
        (
            ['She said: "People say they got bored.', '“They shot into the house."'],
            [("People say they got bored. They shot into the house.", '"', 0, 1)],
        ),
        # An unclosed quote followed by a paragraph that does not reopen stops at its paragraph.
        (
            ["He said: 'We will stay.", "Officials disagreed."],
            [("We will stay.", "'", 0, 0)],
        ),
        (['He said "hello and then left.', "Nothing else."], [("hello and then left.", '"', 0, 0)]),
        # Missing opening mark: recovered from the paragraph start.
        (
            ["Over the past week, residents were deported,' the council said."],
            [("Over the past week, residents were deported,", "", 0, 0)],
        ),
        (
            ["'They will not trample on the crowd.", "Caption-free body text continues here.'"],
            [
                (
                    "They will not trample on the crowd. Caption-free body text continues here.",
                    "'",
                    0,
                    1,
                )
            ],
        ),
        (["He left.' Nothing else happened."], [("He left.", "", 0, 0)]),
        # Stray or empty marks produce nothing absurd.
        (["It was Tom' fault, not the Smiths' house."], []),
        (['Empty "" marks.'], []),
        ([], []),
        ([""], []),
        (["'", '"', "’"], []),
        # A closing mark glued to the next sentence.
        (["'Go home.'They were seen weeping."], [("Go home.", "'", 0, 0)]),
    ],
)
def test_quotes(raw_in, expected):
    assert quote_view(raw_in) == expected


def test_quote_offsets_include_marks_and_index_the_joined_body():
    paragraphs = ["Intro.", "He said: 'We fought.", "'We lost.'", 'Then "bye".']
    body = "\n\n".join(paragraphs)
    spans = segment.quotes(paragraphs)
    assert [body[q.start : q.end] for q in spans] == ["'We fought.\n\n'We lost.'", '"bye"']
    assert [q.quote_id for q in spans] == [0, 1]
    # "Intro." + 2 = 8; the mark is 9 characters into paragraph 1; paragraph 2 starts at
    # 8 + 20 + 2 = 30 and is 10 characters long.
    assert spans[0] == QuoteSpan(0, 17, 40, "We fought. We lost.", 1, 2, "'")


def test_unbalanced_quote_is_given_up_at_the_paragraph_end():
    paragraphs = ["He said: 'We will stay.  ", "Next."]
    (span,) = segment.quotes(paragraphs)
    assert (span.start, span.end) == (9, 23)  # trailing spaces of the paragraph left out


def test_quotes_rejects_a_single_string():
    with pytest.raises(TypeError, match="paragraphs must be a list"):
        segment.quotes("He said 'no'.")


def test_quotes_rejects_non_string_paragraphs():
    with pytest.raises(TypeError, match=r"paragraphs\[1\] is int"):
        segment.quotes(["ok", 3])


def test_quotes_on_hostile_input_are_linear_and_bounded():
    paragraphs = ["'a \"b " * 20_000, "\"' " * 20_000, "x' " * 20_000]
    spans = segment.quotes(paragraphs)
    body = "\n\n".join(paragraphs)
    for span in spans:
        # A span never crosses into a paragraph that does not continue it.
        assert span.paragraph_start == span.paragraph_end
        assert 0 <= span.start < span.end <= len(body)


def gold_outer_quotes(article_id: str) -> list[str]:
    """Body quotes of the quotes engineer's gold, nested quotes left out (quotes() is outer)."""
    data = json.loads((QUOTE_GOLD / f"{article_id}.json").read_text("utf-8"))
    texts = [
        re.sub(r"\s+", " ", q["text"].replace("\u00a0", " ")).strip()
        for q in data["quotes"]
        if q["where"] == "body"
    ]
    return [t for t in texts if not any(o != t and any(m + t in o for m in "'‘\"“") for o in texts)]


@pytest.mark.parametrize("article_id", ARTICLE_IDS)
def test_quotes_match_gold_on_the_sample_bodies(article_id):
    if not (QUOTE_GOLD / f"{article_id}.json").is_file():
        pytest.skip(f"no quote gold for {article_id} in {QUOTE_GOLD}")
    paragraphs = [" ".join(p) for p in read_gold_article(article_id)]
    assert [q.text for q in segment.quotes(paragraphs)] == gold_outer_quotes(article_id)


# ---------------------------------------------------------------------------------------------
# Sentence-to-quote assignment
# ---------------------------------------------------------------------------------------------


def span(quote_id: int, start: int, end: int) -> QuoteSpan:
    return QuoteSpan(quote_id, start, end, "x", 0, 0, '"')


@pytest.mark.parametrize(
    ("sentence_spans", "quote_spans", "expected"),
    [
        ([], [], []),
        ([(0, 10)], [], [(None, 0.0)]),
        ([(0, 10)], [span(0, 0, 10)], [(0, 1.0)]),
        ([(0, 10)], [span(0, 5, 30)], [(0, 0.5)]),  # 5 of 10 characters
        ([(0, 10), (11, 20)], [span(0, 8, 14)], [(0, 0.2), (0, 3 / 9)]),
        # Two quotes in one sentence: the larger wins, shares add up.
        ([(0, 20)], [span(0, 0, 4), span(1, 10, 18)], [(1, 12 / 20)]),
        # Ties go to the earlier quote.
        ([(0, 20)], [span(0, 0, 5), span(1, 10, 15)], [(0, 0.5)]),
        ([(5, 5)], [span(0, 0, 10)], [(None, 0.0)]),
        # A quote that ends where the sentence starts does not overlap (half-open spans).
        ([(10, 20)], [span(0, 0, 10)], [(None, 0.0)]),
    ],
)
def test_assign_quotes(sentence_spans, quote_spans, expected):
    got = segment.assign_quotes(sentence_spans, quote_spans)
    assert [q for q, _ in got] == [q for q, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected])


def test_assign_quotes_on_a_body():
    paragraphs = ["'Go home,' he said. Then he left.", "'We fought.", "'We lost.'"]
    body = "\n\n".join(paragraphs)
    result = segment.assign_quotes(segment.sentences(body), segment.quotes(paragraphs))
    # "'Go home,' he said." is 19 characters, 10 of them the quote with its marks.
    assert result == [(0, pytest.approx(10 / 19)), (None, 0.0), (1, 1.0), (1, 1.0)]


# ---------------------------------------------------------------------------------------------
# Tokens and stop words
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        ("", []),
        ("... !!! ?? -- ,", []),
        ("They will detain 1,200 people", ["They", "will", "detain", "1,200", "people"]),
        ("It rose 2.5% to 15,000.", ["It", "rose", "2.5", "to", "15,000"]),
        ("10,00-20,000 people", ["10,00-20,000", "people"]),
        ("the most perverse f***ing form", ["the", "most", "perverse", "f***ing", "form"]),
        ("the f**king form", ["the", "f**king", "form"]),
        ("justify, f***, the tears", ["justify", "f***", "the", "tears"]),
        ("Russia's and Russia’s war", ["Russia's", "and", "Russia's", "war"]),
        ("don’t, won't, one's", ["don't", "won't", "one's"]),
        ("the Russians' tanks", ["the", "Russians", "tanks"]),
        ("'90s music", ["90s", "music"]),
        ("a war-torn country", ["a", "war-torn", "country"]),
        (
            "a nine-year-old boy and a 16-year-old",
            ["a", "nine-year-old", "boy", "and", "a", "16-year-old"],
        ),
        ("each-other", ["each-other"]),
        ("'Go home,' he said.", ["Go", "home", "he", "said"]),
        ("“credible reports”", ["credible", "reports"]),
        ("the U.S. and U.S.S.R. e.g. this", ["the", "U.S.", "and", "U.S.S.R.", "e.g.", "this"]),
        ("P&O Ferries", ["P&O", "Ferries"]),
        ("at 16:00 on the E40", ["at", "16:00", "on", "the", "E40"]),
        ("Dmitrien- ko", ["Dmitrien", "ko"]),
        ("Zelensky — president – of Ukraine", ["Zelensky", "president", "of", "Ukraine"]),
        ("Київ and Kyiv", ["Київ", "and", "Kyiv"]),
    ],
)
def test_tokens(raw_in, expected):
    assert segment.tokens(raw_in) == expected


@pytest.mark.parametrize(
    ("raw_in", "options", "expected"),
    [
        ("The Russians' War", {"lower": True}, ["the", "russians", "war"]),
        ("The Russians' War", {"drop_stopwords": True}, ["Russians", "War"]),
        ("It's THE war they don’t want", {"lower": True, "drop_stopwords": True}, ["war", "want"]),
        ("The war", {"drop_stopwords": True, "stop_words": ["WAR"]}, ["The"]),
        ("the the", {"drop_stopwords": True}, []),
    ],
)
def test_tokens_options(raw_in, options, expected):
    assert segment.tokens(raw_in, **options) == expected


def test_tokens_rejects_non_strings():
    with pytest.raises(TypeError, match="text must be a str"):
        segment.tokens(None)


def test_tokens_on_a_100k_character_line():
    text = "war-torn " * 12_000
    assert segment.tokens(text) == ["war-torn"] * 12_000


def test_stopwords_are_the_offline_nltk_list():
    words = segment.stopwords()
    assert len(words) == 198
    assert {"the", "and", "don't", "it's", "they're"} <= words
    assert not {"war", "putin", "russia"} & words
    assert all(w == w.lower() for w in words)


def test_stopwords_from_a_user_file(tmp_path):
    custom = tmp_path / "stop.txt"
    custom.write_text("# mine\nWar\nPutin’s\n\n", encoding="utf-8")
    assert segment.stopwords(custom) == frozenset({"war", "putin's"})


def test_stopwords_bad_file_names_the_line(tmp_path):
    bad = tmp_path / "stop.txt"
    bad.write_text("war\ntwo words\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"stop\.txt, line 2: expected one word per line"):
        segment.stopwords(bad)


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(segment, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# Fast paths equal the plain definitions they replace (fuzzed with seeded random strings)
# ---------------------------------------------------------------------------------------------

# The token grammar as first written (one alternation tried at every position); segment._TOKEN
# must match exactly the same text at every position.
_OLD_PIECE = (
    r"(?:\d+(?:[.,:]\d+)+[^\W_]*"
    r"|[^\W\d_]+\*+[^\W\d_]*"
    r"|[^\W_]+(?:['&][^\W_]+)*)"
)
OLD_TOKEN = re.compile(rf"(?:[^\W\d_]\.){{2,}}|{_OLD_PIECE}(?:[-\u2010]{_OLD_PIECE})*")
# Letters, digits (ASCII, Arabic-Indic, and "²", "½", which are word characters but not \d),
# the characters the grammar treats specially, spaces, non-ASCII letters and underscores.
TOKEN_ALPHABET = "aZe1٣²½.,:'&*-\u2010\u2019 \u00e9\u041a_"


def _all_strings(alphabet: str, length: int):
    import itertools

    for n in range(length + 1):
        for chars in itertools.product(alphabet, repeat=n):
            yield "".join(chars)


def test_token_regex_equals_the_plain_grammar_on_all_short_strings():
    # Every string of up to 4 characters over a reduced alphabet (one character of each class).
    for text in _all_strings("a1²٣.,:'&*-\u2010 _\u00e9", 4):
        assert segment._TOKEN.findall(text) == OLD_TOKEN.findall(text), text


@pytest.mark.parametrize("seed", range(4))
def test_token_regex_equals_the_plain_grammar_on_random_strings(seed):
    import random

    rng = random.Random(seed)
    for _ in range(3000):
        # Short words and runs of punctuation, so that every branch and guard is reached.
        weights = [rng.random() for _ in TOKEN_ALPHABET]
        text = "".join(rng.choices(TOKEN_ALPHABET, weights, k=rng.randrange(1, 40)))
        for pos in (0, 1, len(text) // 2):
            assert [m.span() for m in segment._TOKEN.finditer(text, pos)] == [
                m.span() for m in OLD_TOKEN.finditer(text, pos)
            ], (text, pos)
        assert segment.tokens(text) == [
            t for t in OLD_TOKEN.findall(text.replace("\u2019", "'"))
        ], text


# The sentence-end regexes as first written; segment's versions must find the same matches.
OLD_TERMINATOR = re.compile(
    r"""(?P<term>\.(?:[^\S\n]\.){2,}|[.?!\u2026]+)
        (?P<close>["'\u201d\u2019)\]\u00bb]*)
        (?:\s+|\Z|(?<=["'\u201d\u2019])(?=[A-Z]))""",
    re.X,
)
OLD_PREV_WORD = re.compile(r"[\w.'\u2019&-]+\Z")  # searched for in a window before a full stop
SENTENCE_ALPHABET = "aZ1é_ .. .?!\u2026\"'\u201d\u2019)]\u00bb(\n&-"


def _random_texts(alphabet: str, seed: int, n: int, max_len: int):
    import random

    rng = random.Random(seed)
    for _ in range(n):
        weights = [rng.random() for _ in alphabet]
        yield "".join(rng.choices(alphabet, weights, k=rng.randrange(1, max_len)))


def test_terminator_regex_equals_the_plain_one_on_all_short_strings():
    for text in _all_strings("a. ?\u2026'A\n", 5):
        assert [
            (m.span("term"), m.span("close"), m.span()) for m in segment._TERMINATOR.finditer(text)
        ] == [(m.span("term"), m.span("close"), m.span()) for m in OLD_TERMINATOR.finditer(text)], (
            text
        )


@pytest.mark.parametrize("seed", range(4))
def test_terminator_and_previous_word_equal_the_plain_ones_on_random_strings(seed):
    for text in _random_texts(SENTENCE_ALPHABET, seed, 1500, 60):
        for pos in (0, len(text) // 3):
            assert [
                (m.span("term"), m.span("close"), m.span())
                for m in segment._TERMINATOR.finditer(text, pos)
            ] == [
                (m.span("term"), m.span("close"), m.span())
                for m in OLD_TERMINATOR.finditer(text, pos)
            ], (text, pos)
        for end in range(len(text) + 1):
            for lo in {0, max(0, end - 5)}:
                old = OLD_PREV_WORD.search(text, lo, end)
                new = segment._PREV_WORD.match(text, lo, end)
                assert (new and new.span(1)) == (old and old.span()), (text, lo, end)


def _plain_bracket_intervals(text: str) -> list[tuple[int, int]]:
    """The bracket pairing without its fast path (the loop of segment._bracket_intervals)."""
    stack: list[tuple[str, int]] = []
    intervals: list[tuple[int, int]] = []
    for m in re.finditer(r"[()\[\]]", text):
        ch = m.group()
        if ch in "([":
            stack.append((ch, m.start()))
            continue
        opener = "(" if ch == ")" else "["
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == opener:
                begin = stack[depth][1]
                del stack[depth:]
                if not stack:
                    while intervals and intervals[-1][0] > begin:
                        intervals.pop()
                    intervals.append((begin, m.end()))
                break
    return intervals


def test_bracket_intervals_equal_the_plain_pairing():
    for text in _all_strings("()[]a", 6):
        assert segment._bracket_intervals(text, 0, len(text)) == _plain_bracket_intervals(text)
    for text in _random_texts("()[]ab ", 0, 3000, 40):
        assert segment._bracket_intervals(text, 0, len(text)) == _plain_bracket_intervals(text)


def test_word_character_class_is_str_isalnum():
    # The splitter replaces a search for segment._WORD_CHAR with str.isalnum() on one character.
    every = "".join(map(chr, range(0x110000)))
    assert "".join(segment._WORD_CHAR.findall(every)) == "".join(filter(str.isalnum, every))
