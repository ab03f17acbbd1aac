"""Sentences, direct-quote spans and tokens, with no downloaded model.

Everything here is rule-based and runs on compiled regular expressions, so it needs no network,
no training data and no Punkt model, and it is fast enough for corpora of hundreds of thousands
of articles (see ``benchmarks/bench_segment.py``).

* :func:`sentences` splits text into sentences and returns half-open character offsets.
* :func:`quotes` finds direct-quote spans in a list of paragraphs, including British single
  quotes and quotations that run over several paragraphs.
* :func:`assign_quotes` tells, for each sentence, which quote covers most of it.
* :func:`tokens` and :func:`stopwords` give words for vocabulary analyses.

All offsets are Python string indices into the text given (for :func:`quotes`, into
``"\\n\\n".join(paragraphs)``, the body of ``docs/architecture.md``).

>>> from newslens import segment
>>> body = "He said: 'Go home.' Then he left."
>>> segment.sentence_texts(body)
["He said: 'Go home.'", 'Then he left.']
>>> [q.text for q in segment.quotes([body])]
['Go home.']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newslens.paths import PACKAGE_DATA

__all__ = [
    "QuoteSpan",
    "abbreviations",
    "assign_quotes",
    "quotes",
    "sentence_texts",
    "sentences",
    "stopwords",
    "tokens",
]

STOPWORDS_FILE = PACKAGE_DATA / "stopwords_en.txt"
ABBREVIATIONS_FILE = PACKAGE_DATA / "abbreviations_en.txt"
ABBREVIATION_KINDS = ("title", "numeric", "never")

# ---------------------------------------------------------------------------------------------
# Word lists (data files users can extend)
# ---------------------------------------------------------------------------------------------


def _read_word_file(path: Path, *, parameter: str) -> list[tuple[int, str]]:
    """Non-comment, non-blank lines of a UTF-8 word list with their 1-based line numbers."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{parameter}={str(path)!r}: no such file; pass the path of a UTF-8 word list "
            f"(see {STOPWORDS_FILE} for the format)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{parameter}={str(path)!r} is not UTF-8 text ({exc}); re-save it as UTF-8"
        ) from None
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            rows.append((number, line))
    return rows


@cache
def _stopwords_cached(path: Path) -> frozenset[str]:
    words = set()
    for number, line in _read_word_file(path, parameter="path"):
        if len(line.split()) != 1:
            raise ValueError(f"{path}, line {number}: expected one word per line, got {line!r}")
        words.add(line.lower().replace("\u2019", "'"))
    return frozenset(words)


def stopwords(path: str | Path | None = None) -> frozenset[str]:
    """English stop words from an offline list (no nltk download).

    The shipped list (``lib/newslens/data/stopwords_en.txt``) is NLTK's English stop-word list
    written out by hand: 198 lower-case function words, contractions with a straight apostrophe.

    Args:
        path: a UTF-8 file with one word per line (``#`` starts a comment) to use instead, e.g.
            a copy of the shipped list with your own additions. Loaded once per path.

    Returns:
        The lower-cased words.

    >>> "the" in stopwords(), "putin" in stopwords()
    (True, False)
    """
    return _stopwords_cached(Path(path).expanduser().resolve() if path else STOPWORDS_FILE)


@cache
def _abbreviations_cached(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for number, line in _read_word_file(path, parameter="abbreviations"):
        parts = line.split()
        if len(parts) != 2 or parts[1] not in ABBREVIATION_KINDS:
            raise ValueError(
                f"{path}, line {number}: expected '<abbreviation> <kind>' with kind one of "
                f"{', '.join(ABBREVIATION_KINDS)}; got {line!r}"
            )
        table[parts[0].lower().rstrip(".")] = parts[1]
    return table


def abbreviations(path: str | Path | None = None) -> dict[str, str]:
    """Abbreviations that do not end a sentence, mapped to their kind.

    Kinds are ``title`` (ends a sentence only before a capitalised function word such as
    "The" or "He"), ``numeric`` (an abbreviation only before a number, like "No. 10") and
    ``never``. The shipped list is ``lib/newslens/data/abbreviations_en.txt``.

    Args:
        path: a UTF-8 file of ``<abbreviation> <kind>`` lines to use instead.

    >>> abbreviations()["mr"], abbreviations()["no"], abbreviations()["e.g"]
    ('title', 'numeric', 'never')
    """
    return _abbreviations_cached(Path(path).expanduser().resolve() if path else ABBREVIATIONS_FILE)


def _check_text(text: object, parameter: str) -> str:
    if not isinstance(text, str):
        raise TypeError(
            f"{parameter} must be a str, got {type(text).__name__}; decode bytes first "
            f"(newslens.textio) and pass one article's text"
        )
    return text


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------

# A blank line (paragraph break) always ends a sentence: headlines, captions and list items
# often have no final punctuation.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
# Candidate sentence ends: a run of terminal punctuation, then any closing quotes/brackets that
# belong to the sentence, then whitespace, the end of the block, or (for a closing quote glued
# to the next sentence, "Ukraine.'They were") an upper-case letter. The term is
# "\.(?:[^\S\n]\.){2,}|[.?!\u2026]+" with its first character taken out in front, so that the
# engine skips text that holds no terminal punctuation without trying each branch.
_TERMINATOR = re.compile(
    r"""(?P<term>[.?!\u2026](?:(?<=\.)(?:[^\S\n]\.){2,}|[.?!\u2026]*))  # ". . ." is a spaced ellipsis
        (?P<close>["'\u201d\u2019)\]\u00bb]*)
        (?:\s+|\Z|(?<=["'\u201d\u2019])(?=[A-Z]))""",
    re.X,
)
# The word before a full stop: the run of these characters that ends the window (40
# characters, so cost does not grow with the text), as group 1 of a match from the window's
# start: up to the window's last other character, then the run. Equal to a search for
# "[\w.'\u2019&-]+\Z" in the window, without trying every start position.
_PREV_WORD = re.compile(r"(?s:.*[^\w.'\u2019&-])?+([\w.'\u2019&-]+)\Z")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\Z")
# The first word of the next sentence, after any opening quotes or brackets.
_NEXT_WORD = re.compile(r"""["'\u201c\u2018(\[]*([^\W_][\w'\u2019-]*)?""")
_WORD_CHAR = re.compile(r"[^\W_]")  # the same characters as str.isalnum()
# '"Is it?" Mr Smith asked.': a capitalised name and a reporting verb after a closing quote
# continue the sentence. Pronouns are left out: '"Go." He said nothing' is two sentences.
_SPEECH_TAG = re.compile(
    r"""(?!(?:He|She|They|It|We|I|You|This|That|There|Then)\b)
        [A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}\s+
        (?:said|says|asked|asks|added|adds|told|tells|replied|replies|wrote|writes|
           explained|explains|insisted|insists|continued|warned|warns|claimed|claims|
           admitted|admits|shouted|cried|recalled|whispered|tweeted|posted)
        (?=\s*[.,;:!?]|\s*\Z)""",
    re.X,
)
_BRACKET = re.compile(r"[()\[\]]")
_FLAT_PAIR = re.compile(r"\([^()\[\]]*\)|\[[^()\[\]]*\]")
# Characters after a terminal run that mean the sentence goes on ("etc., and", "2.5%)").
_CONTINUATION_CHARS = frozenset(",;:%)]}\u201d\u2019")
_EXTRA_STARTERS = frozenset(
    """however meanwhile yesterday today tonight earlier later last next many one two three
    several among although though despite according since asked speaking officials""".split()
)


@cache
def _starters() -> frozenset[str]:
    # Capitalised function words that typically open a sentence; an abbreviation followed by
    # one of them ends its sentence ("... in the U.S. The ...").
    return stopwords() | _EXTRA_STARTERS


def _is_starter(word: str) -> bool:
    # Single letters other than "I" are initials ("T. S. Eliot"), even when the stop list
    # holds them ("s", "t", "a").
    return (
        bool(word)
        and word[0].isupper()
        and (word == "I" or (len(word) > 1 and not word.isupper()))
        and (word.lower().replace("\u2019", "'") in _starters())
    )


def _bracket_intervals(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Outermost matched () and [] pairs in text[start:end]; unmatched brackets are ignored."""
    # Common case: every bracket is in a pair with nothing bracketed inside, "(a) b [c]".
    pairs = [m.span() for m in _FLAT_PAIR.finditer(text, start, end)]
    if 2 * len(pairs) == (
        text.count("(", start, end)
        + text.count(")", start, end)
        + text.count("[", start, end)
        + text.count("]", start, end)
    ):
        return pairs
    stack: list[tuple[str, int]] = []
    intervals: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text, start, end):
        ch = m.group()
        if ch in "([":
            stack.append((ch, m.start()))
            continue
        opener = "(" if ch == ")" else "["
        # An unmatched closer is ignored; a closer matching an older opener discards the
        # unmatched openers above it.
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


def _ends_sentence(text: str, m: re.Match[str], *, block_end: int, abbrevs: dict[str, str]) -> bool:
    """Decide whether the terminal run matched by ``m`` ends its sentence."""
    nxt = m.end()
    if nxt >= block_end:
        return True
    first = text[nxt]
    if first.islower() or first in _CONTINUATION_CHARS:
        return False
    next_word_match = _NEXT_WORD.match(text, nxt, block_end)
    next_word = next_word_match.group(1) or ""
    if next_word[:1].islower():
        return False
    close = m.group("close")
    if close and close[-1] in "\"'\u201d\u2019" and _SPEECH_TAG.match(text, nxt, block_end):
        return False
    term = m.group("term")
    if term != ".":
        return True  # ?, !, ellipses before a capital, and runs like "?!"
    start = m.start()
    prev = _PREV_WORD.match(text, max(0, start - 40), start)
    if prev is None:
        return True
    word = prev.group(1).lstrip("'\u2019-.")
    if not word:
        return True
    lower = word.lower()
    kind = abbrevs.get(lower)
    if kind == "never":
        return False
    if kind == "numeric" and next_word[:1].isdigit():
        return False
    if kind == "title" or (len(word) == 1 and word.isalpha()):
        return _is_starter(next_word)
    if "." in word and _DOTTED.match(word):
        # Upper-case acronyms often precede names ("U.S. Army"); a.m. and p.m. do not.
        return not word.isupper() or _is_starter(next_word)
    return True


def sentences(text: str, *, abbreviations: str | Path | None = None) -> list[tuple[int, int]]:
    """Split text into sentences.

    Rule-based, in one pass of a compiled regular expression over candidate ends (a run of
    ``.``, ``?``, ``!`` or ``…`` plus closing quotes and brackets), each decided by local
    context, in the spirit of the rule sets compared by Read et al. (2012), "Sentence Boundary
    Detection: A Long Solved Problem?" (COLING): a blank line always ends a sentence; no end
    before a lower-case word or ``,;:%)``; none inside matched brackets; none after an
    abbreviation, dotted acronym (U.S., U.S.S.R.) or initial (J. R. R. Tolkien) unless the next
    word is a capitalised function word ("The", "He"); none between a closing quote and a
    speech tag with a name ('"Is it?" Mr Smith asked.'). Decimals and thousands (2.5, 1,200)
    never split because a sentence end needs whitespace after it (or a closing quote glued to
    a capital, as in "Ukraine.'They").

    Args:
        text: any text; paragraphs separated by blank lines.
        abbreviations: a word-list file to use instead of the shipped
            ``abbreviations_en.txt`` (see :func:`abbreviations`).

    Returns:
        Half-open ``(start, end)`` offsets into ``text``, in order, with surrounding whitespace
        left out; empty for empty or whitespace-only text.

    >>> text = 'Mr. Smith paid $2.5m to U.S. Steel. "Is it?" he asked. Yes.'
    >>> [text[a:b] for a, b in sentences(text)]
    ['Mr. Smith paid $2.5m to U.S. Steel.', '"Is it?" he asked.', 'Yes.']
    """
    if not isinstance(text, str):
        _check_text(text, "text")
    abbrevs = (
        _abbreviations_cached(Path(abbreviations).expanduser().resolve())
        if abbreviations
        else _default_abbreviations()
    )
    spans: list[tuple[int, int]] = []
    block_start = 0
    if "\n" in text:  # a blank line needs a line break; most calls get one paragraph
        for gap in _BLANK_LINE.finditer(text):
            _split_block(text, block_start, gap.start(), abbrevs, spans)
            block_start = gap.end()
    _split_block(text, block_start, len(text), abbrevs, spans)
    return spans


@cache
def _default_abbreviations() -> dict[str, str]:
    return _abbreviations_cached(ABBREVIATIONS_FILE)


def _split_block(
    text: str, start: int, end: int, abbrevs: dict[str, str], spans: list[tuple[int, int]]
) -> None:
    """Append the sentences of one paragraph block ``text[start:end]`` to ``spans``."""
    block = text[start:end]
    stripped = block.strip()
    if not stripped:
        return
    start += len(block) - len(block.lstrip())
    end = start + len(stripped)
    intervals = (
        _bracket_intervals(text, start, end)
        if text.find("(", start, end) != -1 or text.find("[", start, end) != -1
        else []
    )
    interval_starts = [a for a, _ in intervals]
    sentence_start = start
    for m in _TERMINATOR.finditer(text, start, end):
        boundary = m.end(2)  # end of the closing quotes and brackets
        if boundary >= end:
            break
        term_start = m.start()
        if intervals:
            i = bisect_right(interval_starts, term_start) - 1
            # Inside brackets, unless this run closes them: "(He left.) Then".
            if i >= 0 and boundary < intervals[i][1]:
                continue
        # A terminal run with no word before it (a leading "..." or a lone "?") is not a
        # sentence of its own. A sentence nearly always starts with a word character, which
        # saves the search.
        if not (
            sentence_start < term_start and text[sentence_start].isalnum()
        ) and not _WORD_CHAR.search(text, sentence_start, term_start):
            continue
        if not _ends_sentence(text, m, block_end=end, abbrevs=abbrevs):
            continue
        spans.append((sentence_start, boundary))
        sentence_start = m.end()
        while sentence_start < end and text[sentence_start].isspace():
            sentence_start += 1
    if sentence_start < end:
        spans.append((sentence_start, end))


def sentence_texts(text: str, *, abbreviations: str | Path | None = None) -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentences`).

    >>> sentence_texts("It cost 1,200 dollars. Then? Nothing...")
    ['It cost 1,200 dollars.', 'Then?', 'Nothing...']
    """
    return [text[a:b] for a, b in sentences(text, abbreviations=abbreviations)]


# ---------------------------------------------------------------------------------------------
# Direct quotes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteSpan:
    """One direct quotation.

    Attributes:
        quote_id: 0-based, in order of ``start``.
        start, end: half-open offsets into ``"\\n\\n".join(paragraphs)``, including the marks
            (for a quote left open, ``end`` is the end of the paragraph where it was given up).
        text: the quoted words without the outer marks; the paragraphs of a multi-paragraph
            quote are joined by one space. Nested quotes keep their marks.
        paragraph_start, paragraph_end: first and last paragraph index (0-based, inclusive).
        mark: the opening mark: ``"``, ``“``, ``'`` or ``‘`` (``’`` when a text uses it as an
            opening mark; ``""`` when the source left the opening mark out).
    """

    quote_id: int
    start: int
    end: int
    text: str
    paragraph_start: int
    paragraph_end: int
    mark: str


_QUOTE_MARK = re.compile("[\"'\u201c\u201d\u2018\u2019]")
_DOUBLE = frozenset('"\u201c\u201d')
# Characters after which a mark opens a quote ("said: 'No", "('Go", "—'Go").
_OPEN_CONTEXT = frozenset("([{\u2014\u2013-/:\"\u201c\u2018'")
# Punctuation that a closing mark follows ("home.'", "Ukraine,'").
_CLOSE_AFTER = frozenset(".,!?;:\u2026")
# Punctuation that ends quoted speech: a stray closing mark after it lost its opening mark.
_CLOSE_AFTER_STRICT = frozenset(".,!?\u2026")
# Characters that may follow a closing mark ("'.", "',", "')").
_CLOSE_BEFORE = frozenset(".,;:!?)]}\u2014\u2013-\u2026\"\u201d'\u2019")
# Apostrophes that sit at the start of a word: '90s, 'em, a stray-space "Putin 's".
_LEADING_APOSTROPHE = re.compile(r"['\u2019\u2018](?:\d\ds?\b|em\b|s\b|t\b|re\b|ll\b|ve\b|d\b|m\b)")

_OPEN, _CLOSE, _EITHER, _WEAK_CLOSE = 1, 2, 3, 4


def _mark_role(par: str, i: int) -> int:
    """Whether the mark at ``par[i]`` opens or closes a quote, or is an apostrophe (0)."""
    ch = par[i]
    before = par[i - 1] if i > 0 else " "
    after = par[i + 1] if i + 1 < len(par) else " "
    if ch == "\u201c":
        return _OPEN
    if ch == "\u201d":
        return _CLOSE
    opens = (before.isspace() or before in _OPEN_CONTEXT) and not after.isspace()
    closes = not before.isspace() and (
        after.isspace() or after in _CLOSE_BEFORE or before in _CLOSE_AFTER
    )
    if ch == '"':
        if opens and not closes:
            return _OPEN
        if closes and not opens:
            return _CLOSE
        return _EITHER
    # Single marks: apostrophes first (don't, Russia's, one's, '90s, Putin 's).
    if before.isalnum() and after.isalnum():
        return 0
    if opens and not before.isalnum() and _LEADING_APOSTROPHE.match(par, i):
        return 0
    if opens and closes:
        # "said:'Go" opens, "war.'-" closes: the side with a word wins.
        return _OPEN if ch == "\u2018" or after.isalnum() or after in "([" else _CLOSE
    if opens:
        return _OPEN
    if closes and ch != "\u2018":
        # "the Russians' homes": after an s and before a lower-case word a mark is more often a
        # plural possessive than the end of a quote.
        if before in "sS" and after == " " and par[i + 2 : i + 3].islower():
            return _WEAK_CLOSE
        return _CLOSE
    return 0


def quotes(paragraphs: Sequence[str]) -> list[QuoteSpan]:
    """Direct-quote spans in an article's paragraphs.

    One pass over the quotation marks with a stack, following the typographic conventions of
    the Guardian and Observer style guide ("quotation marks") and the Chicago Manual of Style
    (13.30, quotations running over several paragraphs): double (straight or curly) and British
    single marks; an apostrophe between letters or before ``s``, ``t``, ``'90s`` is not a mark;
    a straight ``"`` opens or closes by context, or toggles when the context is ambiguous; a
    closing mark after an ``s`` and before a lower-case word ("the Russians' homes") closes
    only if no better closing mark follows in the paragraph; a quote left open at the end of a
    paragraph continues if the next paragraph opens with a mark of the same kind, and is
    otherwise closed at the paragraph end (recovery: an unbalanced mark never spans beyond its
    paragraph). Only outermost quotes are returned (a quote nested in a quote is part of it).
    A closing mark right after ``.,!?…`` that is the first mark of its paragraph is a quote
    whose opening mark is missing (a common copy-editing slip): it runs from the paragraph
    start, continuing the previous paragraph's quote if that one was left open (``mark`` is
    then that quote's mark, otherwise ``""``). Other stray closing marks are ignored.

    Args:
        paragraphs: the article's paragraphs, in order (not the joined body string).

    Returns:
        Spans ordered by ``start``, with offsets into ``"\\n\\n".join(paragraphs)``.

    Raises:
        TypeError: if ``paragraphs`` is a single string or holds non-strings.

    >>> [(q.text, q.mark) for q in quotes(["He said 'no' to Russia's war.", '"Go," she said.'])]
    [('no', "'"), ('Go,', '"')]
    >>> q = quotes(['"We fought.', '"We lost."'])[0]
    >>> q.text, q.paragraph_start, q.paragraph_end, (q.start, q.end)
    ('We fought. We lost.', 0, 1, (0, 23))
    """
    if isinstance(paragraphs, str):
        raise TypeError(
            "paragraphs must be a list of paragraph strings, got one str; "
            "pass body.split('\\n\\n') or the cleaner's CleanArticle.paragraphs"
        )
    pars = list(paragraphs)
    for index, par in enumerate(pars):
        if not isinstance(par, str):
            raise TypeError(f"paragraphs[{index}] is {type(par).__name__}, expected str")
    offsets = []
    position = 0
    for par in pars:
        offsets.append(position)
        position += len(par) + 2

    # [start, end, mark, paragraph_start, paragraph_end, text pieces]
    found: list[list] = []
    # Open marks: (family, mark, absolute position). Family "d" double, "s" single.
    stack: list[tuple[str, str, int]] = []
    open_count = {"d": 0, "s": 0}
    pieces: list[tuple[int, int]] = []  # text pieces of the outermost open quote
    piece_start = 0
    outer_par = 0
    continuing = False
    given_up = None  # index in `found` of a quote left open at the end of the previous paragraph

    for p, par in enumerate(pars):
        base = offsets[p]
        roles = [(m.start(), _mark_role(par, m.start())) for m in _QUOTE_MARK.finditer(par)]
        strong_single_closes = [i for i, role in roles if role == _CLOSE and par[i] in "'\u2019"]
        skip_first = continuing
        continuing = False
        seen_mark = False
        for i, role in roles:
            if skip_first:
                # The continuation mark that reopens a multi-paragraph quote.
                skip_first = False
                if i == len(par) - len(par.lstrip()):
                    piece_start = base + i + 1
                    continue
            if role == 0:
                continue
            ch = par[i]
            family = "d" if ch in _DOUBLE else "s"
            if role == _EITHER:
                role = _CLOSE if open_count["d"] else _OPEN
            if role == _WEAK_CLOSE:
                if not open_count["s"] or (strong_single_closes and strong_single_closes[-1] > i):
                    continue
                role = _CLOSE
            if role == _OPEN:
                seen_mark = True
                if not stack:
                    piece_start = base + i + 1
                    outer_par = p
                    pieces = []
                stack.append((family, ch, base + i))
                open_count[family] += 1
                continue
            if not open_count[family]:
                if not seen_mark and i > 0 and par[i - 1] in _CLOSE_AFTER_STRICT:
                    _recover_missing_opening(found, given_up, par, base, i, p)
                seen_mark = True
                continue  # stray closing mark
            seen_mark = True
            while stack:
                fam, mark, opened_at = stack.pop()
                open_count[fam] -= 1
                if fam == family:
                    break
            if not stack:
                pieces.append((piece_start, base + i))
                found.append([opened_at, base + i + 1, mark, outer_par, p, pieces])
        if stack:
            outer_family, outer_mark, opened_at = stack[0]
            par_end = base + len(par.rstrip())
            pieces.append((piece_start, par_end))
            nxt = pars[p + 1].lstrip() if p + 1 < len(pars) else ""
            if nxt and _opens_continuation(nxt, outer_family):
                continuing = True
                del stack[1:]
                open_count = {"d": 0, "s": 0}
                open_count[outer_family] = 1
                continue
            found.append([opened_at, par_end, outer_mark, outer_par, p, pieces])
            given_up = len(found) - 1
            stack.clear()
            open_count = {"d": 0, "s": 0}
            continue
        given_up = None

    body = "\n\n".join(pars)
    spans = []
    for start, end, mark, par_start, par_end, quote_pieces in sorted(found, key=lambda f: f[0]):
        text = " ".join(piece for a, b in quote_pieces if (piece := body[a:b].strip()))
        if text:
            spans.append(QuoteSpan(len(spans), start, end, text, par_start, par_end, mark))
    return spans


def _recover_missing_opening(
    found: list[list], given_up: int | None, par: str, base: int, i: int, p: int
) -> None:
    """Record a quote whose opening mark is missing, closed by the mark at ``par[i]``."""
    lead = len(par) - len(par.lstrip())
    piece = (base + lead, base + i)
    if given_up is not None and found[given_up][4] == p - 1:
        # The previous paragraph's quote was given up at its end: this is its continuation.
        entry = found[given_up]
        entry[1], entry[4] = base + i + 1, p
        entry[5].append(piece)
    else:
        found.append([base + lead, base + i + 1, "", p, p, [piece]])


def _opens_continuation(paragraph: str, family: str) -> bool:
    """Whether a (left-stripped) paragraph opens with a mark continuing a quote of ``family``."""
    first = paragraph[0]
    if family == "d":
        return first in '"\u201c'
    return first in "'\u2018\u2019" and _mark_role(paragraph, 0) == _OPEN


def assign_quotes(
    sentence_spans: Sequence[tuple[int, int]], quote_spans: Sequence[QuoteSpan]
) -> list[tuple[int | None, float]]:
    """For each sentence, the quote covering most of it and the share of it inside quotes.

    Overlap is counted in characters of the half-open spans (quote spans include their marks).
    Ties go to the earlier quote.

    Args:
        sentence_spans: ``(start, end)`` offsets, e.g. from :func:`sentences` on the body.
        quote_spans: spans from :func:`quotes` on the same body (non-overlapping, ordered).

    Returns:
        One ``(quote_id or None, quoted_share)`` per sentence, in the same order; the share is
        in [0, 1] and 0.0 for an empty sentence.

    >>> body = "He said: 'Go home.' Then he left."
    >>> [(quote_id, round(share, 2)) for quote_id, share in assign_quotes(sentences(body), quotes([body]))]
    [(0, 0.53), (None, 0.0)]
    """
    ordered = sorted(quote_spans, key=lambda q: q.start)
    ends = [q.end for q in ordered]
    result: list[tuple[int | None, float]] = []
    for start, end in sentence_spans:
        if end <= start:
            result.append((None, 0.0))
            continue
        best_id: int | None = None
        best = inside = 0
        i = bisect_right(ends, start)
        while i < len(ordered) and ordered[i].start < end:
            overlap = min(end, ordered[i].end) - max(start, ordered[i].start)
            if overlap > 0:
                inside += overlap
                if overlap > best:
                    best, best_id = overlap, ordered[i].quote_id
            i += 1
        result.append((best_id, min(1.0, inside / (end - start))))
    return result


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------

# The token grammar is one alternation, tried in order: dotted acronyms (U.S., e.g.), then
# pieces joined by single hyphens (war-torn, nine-year-old, 16-year-old). A piece is a number
# with separators (1,200  2.5  16:00  2.5bn), a censored word (f***ing, f**king, f***), or a
# word with internal apostrophes or ampersands (don't, Russia's, P&O):
#
#     (?:[^\W\d_]\.){2,} | _PIECE (?:[-\u2010] _PIECE)*
#
# _TOKEN matches exactly what that alternation matches at every position (the test suite keeps
# it and fuzzes the two against each other), but faster on news text:
# - it starts with a character class (the first character, [^\W_], which every branch starts
#   with), so the engine skips spaces and punctuation between tokens without trying each branch;
#   the branches that follow see that first character through a one-character lookbehind;
# - the common cases come first: a run of letters and digits that is not followed by a
#   character that could extend it (".,:*'&" or a hyphen) is a whole token, and so is a run
#   starting with a letter that is followed by ".,:" (unless it is a single letter before "."),
#   since no branch of the grammar can match more or less there; runs are matched
#   possessively, so a failed guard costs no backtracking;
# - anything else falls back to the grammar itself, with its first character already consumed.
_PIECE = (
    r"(?:\d+(?:[.,:]\d+)+[^\W_]*"
    r"|[^\W\d_]+\*+[^\W\d_]*"
    r"|[^\W_]+(?:['&][^\W_]+)*)"
)
_PIECE_REST = (
    r"(?:(?<=\d)\d*(?:[.,:]\d+)+[^\W_]*"
    r"|(?<=[^\W\d_])[^\W\d_]*\*+[^\W\d_]*"
    r"|[^\W_]*(?:['&][^\W_]+)*)"
)
_TOKEN = re.compile(
    r"[^\W_](?:"
    r"[^\W_]*+(?![.,:*'&\-\u2010])"
    r"|(?<=[^\W\d_])(?>[^\W_]++|(?!\.))(?![*'&\-\u2010])"
    r"|(?<=[^\W\d_])\.(?:[^\W\d_]\.)+"
    rf"|{_PIECE_REST}(?:[-\u2010]{_PIECE})*)"
)


def tokens(
    text: str,
    *,
    lower: bool = False,
    drop_stopwords: bool = False,
    stop_words: Iterable[str] | None = None,
) -> list[str]:
    """Word tokens of ``text``: words, numbers and hyphenated compounds, no punctuation.

    A single compiled regular expression (one alternation, one pass), following the
    conventions of the Penn Treebank tokenizer (Marcus et al. 1993) except where news
    vocabulary analysis needs otherwise: numbers keep their separators (``1,200``, ``2.5``);
    hyphenated compounds stay whole (``war-torn``, ``nine-year-old``); censored profanity is one
    token (``f***ing``); contractions and possessives stay whole (``don't``, ``Russia's``: the
    stop-word list holds the contractions, and splitting ``'s`` would merge "it's" into "it");
    a trailing apostrophe (``Russians'``) is dropped, as it cannot be told from a closing quote;
    curly apostrophes become ``'``; dotted acronyms keep their dots (``U.S.``).

    Args:
        text: any text.
        lower: lower-case the tokens.
        drop_stopwords: leave out stop words (compared in lower case).
        stop_words: stop words to use instead of :func:`stopwords`.

    Returns:
        Tokens in text order.

    >>> tokens("Putin’s war-torn, f***ing 1,200-mile U.S. front... isn't over!")
    ["Putin's", 'war-torn', 'f***ing', '1,200-mile', 'U.S.', 'front', "isn't", 'over']
    >>> tokens("The Russians' guns fell silent.", lower=True, drop_stopwords=True)
    ['russians', 'guns', 'fell', 'silent']
    """
    _check_text(text, "text")
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    found = _TOKEN.findall(text)
    if lower:
        found = [t.lower() for t in found]
    if drop_stopwords:
        stops = stopwords() if stop_words is None else frozenset(w.lower() for w in stop_words)
        found = [t for t in found if (t if lower else t.lower()) not in stops]
    return found
