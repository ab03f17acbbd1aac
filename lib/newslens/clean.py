"""Page dump -> headline, byline, printed date, body paragraphs, and an audit of what was removed.

A page dump is the visible text of a news web page: the story plus its furniture (captions,
promos, headline lists, appeals, player residue, aggregator or blog chrome). The cleaner works
line by line and never drops anything silently: every non-blank input line either ends up in a
body paragraph (possibly re-joined with or split from its neighbours) or in ``removed`` with a
reason from :data:`REASONS`. Line numbers are 1-based line numbers of the raw text
(:func:`newslens.textio.normalise_text` never changes the number of lines).

Signals, in the order they are applied:

1. a caption glued to a body paragraph with no space is split off when the page prints the
   same caption on the adjacent line (``...stadiumYou can go out...``);
2. known furniture from ``data/furniture.yml`` (user-extensible), some of which opens a block:
   a headline list, a donation appeal, a player, or the end of the story;
3. repetition: a line printed twice in a row (captions, with or without a final full stop or
   a photo credit) is a caption;
4. position: everything above the first prose paragraph is the header zone; runs of three or
   more very short lines in it are navigation, and the headline is the first title-shaped
   line after the last such run that precedes the byline or dateline; short lines above the
   headline are masthead and section, a name-shaped line next to it (or a ``By ...`` line
   anywhere) is the byline; date-only lines are datelines (the first printed date that is not
   an update is ``published``);
5. line shape: sentences hard-wrapped over two lines are re-joined; a paragraph that ends in a
   photo credit is a caption; a one-line paragraph shaped like a title (no final punctuation,
   a single sentence) is a stray headline or caption;
6. repairs inside kept text: ``Dmitrien- ko`` -> ``Dmitrienko``, ``Putin ’s`` -> ``Putin’s``,
   an agency dateline prefix (``KYIV, March 3 (Reuters) -``) is moved to the audit.

Speed: every shortcut gives the answer the plain rules would give. Full-line furniture rules
are grouped by the first two characters a match can start with (read from the parsed
patterns), search rules and the date, credit and repair patterns wait behind literal strings
every match must contain, and line-shape tests are cached per line. The label a short line
gets from the rules is remembered per furniture file, since furniture repeats from page to
page.
``benchmarks/bench_clean_speed.py`` times the cleaner against an earlier revision and checks
that every output is the same.

>>> from newslens import clean
>>> page = "Soldiers weep on camera\\n\\nBy Jane Doe\\n\\nHe denied the claim.\\n\\nShare\\n"
>>> art = clean.article(page)
>>> art.headline, art.byline, art.paragraphs
('Soldiers weep on camera', 'Jane Doe', ['He denied the claim.'])
>>> [(r.line, r.reason) for r in art.removed]
[(1, 'headline'), (3, 'byline'), (7, 'chrome')]
"""

from __future__ import annotations

import bisect
import functools
import operator
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from newslens.paths import PACKAGE_DATA
from newslens.textio import normalise_text

__all__ = [
    "REASONS",
    "CleanArticle",
    "Furniture",
    "Removed",
    "article",
    "html",
    "load_furniture",
    "token_f1",
]

DEFAULT_FURNITURE = PACKAGE_DATA / "furniture.yml"
_DEFAULT_PATH = str(DEFAULT_FURNITURE)  # `os.stat` of a str: every article checks the file

#: Why a line (or part of a line) was removed from the body.
REASONS: tuple[str, ...] = (
    "headline",  # the article's headline (reported in CleanArticle.headline)
    "byline",  # the author line (reported in CleanArticle.byline)
    "dateline",  # a printed date/time line or agency dateline prefix (-> CleanArticle.published)
    "metadata",  # masthead, section, author role, reading time, live-blog timestamps, tags
    "caption",  # image/video caption or photo credit
    "duplicate",  # the second copy of a line printed twice in a row
    "related-links",  # headline lists and their headers: Most read, READ MORE, Related ...
    "promotion",  # newsletter / live-blog / app plugs, in-article promos
    "appeal",  # donation or subscription appeal blocks
    "media-player",  # video/audio player residue and the player's title
    "chrome",  # site, aggregator and blog chrome: consent, sharing, ads, paywall, navigation
    "title-line",  # a one-line paragraph shaped like a headline or caption inside the story
)

_ACTIONS = ("line", "list", "end", "appeal", "player", "next")

# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_CLOSERS = "'\"’”)]*_ "
_QUOTE_CLOSERS = "'\"’”)]"
# A sentence boundary inside a line: lower-case word, final stop, (quote), space, capital.
# Written from the stop, with the character before it in a lookbehind: the same lines have
# a match, and a pattern that opens with a character class lets the search skip ahead to
# the few stops instead of trying every letter (`[a-z0-9%)][.!?]...` is 3-4x slower).
_INTERNAL_BOUNDARY = re.compile(r"[.!?](?<=[a-z0-9%)][.!?])['\"’”]?\s+['\"‘“]?[A-Z]")
_CONTINUES = re.compile(
    r"[,;:–—-]$|\b(?:the|a|an|of|and|or|to|in|on|at|for|with|by|from|as|that|but|his|her|their|its|is|was|were|had|has|have)$",
    re.I,
)
# A match of _CONTINUES starts at most this many characters before the end (`their` plus the
# newline `$` may stand before): searching from there finds the same matches, and `\b` still
# sees the character before the start position.
_CONTINUES_REACH = 8
_SPACES = re.compile(r"[ \t]+")
# The same runs minus the single spaces, which `_SPACES.sub(" ", ...)` would replace by themselves:
# same output, one replacement per odd run instead of one per word.
_ODD_SPACES = re.compile(r" [ \t]+|\t[ \t]*")
_NON_ALNUM = re.compile(r"[\W_]+")
# The only characters that re.I matches to an ASCII letter (`İ` `ı` to i, `ſ` to s, the Kelvin
# sign to k) and the only ones str.lower() turns into ASCII letters. On a line without them,
# case-insensitive matching of ASCII letters is plain lower-casing: a rule needing the literal
# `abc` cannot match a line whose `.lower()` lacks `abc`, and `.lower()` keeps the length.
_CASE_TRAP_CHARS = ("\u0130", "\u0131", "\u017f", "\u212a")
_CASE_TRAPS = re.compile(f"[{''.join(_CASE_TRAP_CHARS)}]")
# What _NON_ALNUM removes from ASCII text, as bytes: bytes.translate deletes them from UTF-8
# (where bytes below 128 are always whole ASCII characters) far faster than the regex.
_ASCII_NON_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_COMMON_PUNCTUATION = ("’", "‘", "“", "”", "–", "—", "…")
_DIGIT = re.compile(r"\d")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")
# Known furniture lines are short; a longer line is story text or an appeal paragraph, which
# the blocks catch. Skipping the rules for them keeps the cleaner fast on long paragraphs.
_MAX_FURNITURE_CHARS = 600
_LEADING_SYMBOLS = re.compile(r"^[^\w'\"‘“(£$€#@]+")
_PLAIN_STARTS = "'\"‘“(£$€#@_"
_BULLET = re.compile(r"^\s*(?:[-•*–·▪►]|\d{1,2}[.)])\s+")
# A photo credit closing a caption: `(Anadolu Agency via Getty Images)`, `( Image: interfax)`.
_CREDIT_PAREN = re.compile(r"\(\s*([^()]{2,70}?)\s*\)\s*$")
_CREDIT_WORDS = re.compile(
    r"\b(?:image|images|picture|pictures|photo|photos|photograph|pic|credit|getty|afp|reuters|ap|pa|epa|"
    r"alamy|shutterstock|rex|anadolu|via|handout|supplied|file|sky news|bbc|tass|ria|sputnik|x|twitter|"
    r"instagram|facebook|telegram|youtube)\b|/",
    re.I,
)
# Every match of the first _CREDIT_TAIL alternative contains `:` and one of these words (in
# any case); every match of the second contains `/`.
_CREDIT_TAIL_WORDS = ("pic", "image", "photo", "credit")
_CREDIT_TAIL = re.compile(
    r"(?:^|[.\s|])\s*(?:(?i:picture|pictures|image|images|photo|photograph|pic|credit)s?\s*:\s*[^.:]{1,70}"
    # agency/photographer credits: `REUTERS/Valentyn Ogirenko`, `AP Photo/Efrem Lukatsky`
    r"|(?:[A-Z]{2,}(?: Photo)?|Getty Images|Reuters|Alamy)/[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}(?: (?:via|for) [\w ]{2,30})?)$"
)
_BYLINE = re.compile(r"^(?:by|BY|By)\s+(?P<name>[A-Z][^\n]{1,150})$")
_BYLINE_STARTS = frozenset({"by", "BY", "By"})  # the first two characters of a _BYLINE match
_SUFFIX_END = re.compile(r"\b(?:Jr|Sr)\.$")
# where the name in a byline ends: `Jane Doe, Moscow correspondent`, `Jane Doe in Kyiv`
_BYLINE_NAME_END = re.compile(r"\s*[,|–—]\s*|\s+-\s+|\s+in\s+(?=[A-Z])")
_NAME_END = re.compile(r"\s+in\s+(?=[A-Z])|\s*,\s*")
_NAME_TOKEN = re.compile(
    r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|(?:and|&|de|van|von|der|al|bin|da|di|le|la|du|mc))$"
)
# A dateline opening the first paragraph: `KYIV, March 3 (Reuters) - `, `KYIV, Ukraine (AP) — `,
# `ST. PAUL, Minn. — `: a place in capitals, then a region, a date or an agency, then a dash.
_PLACE = r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}"
_AGENCY = r"\((?:Reuters|AP|AFP|Bloomberg|CNN|dpa|UPI|PA|Xinhua|Interfax|TASS|CNS|UNI|IANS|PTI)\)"
_AGENCY_DATELINE = re.compile(
    rf"^(?P<prefix>[A-Z][a-z]+(?: [A-Z][a-z]+)*(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)*)? {_AGENCY} ?[-–—]+ |{_PLACE}"
    rf"(?:(?:, (?:[A-Z][a-z]{{2,8}}\.? \d{{1,2}}|\d{{1,2}} [A-Z][a-z]{{2,8}}|[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){{0,2}}))"
    rf"(?:,? {_AGENCY})?|,? {_AGENCY})"
    r" ?[-–—]+ )"
)
_SPACE_APOSTROPHE = re.compile(r"(?<=\w) ([’']s)\b")
_HYPHENATED_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_BROKEN_HYPHEN = re.compile(r"\b([A-Za-z]{2,})- ([a-z]{2,})\b")
_TRAILING_LETTERS = re.compile(r"[^\W\d_]+$")
_LEADING_LETTERS = re.compile(r"[^\W\d_]+")
_HYPHEN_KEEP_NEXT = frozenset({"and", "or", "to", "nor", "but", "not", "than"})
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand".split()
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)"
    r"|(?P<d4>\d{1,2})/(?P<m4>\d{1,2})/(?P<y4>(?:19|20)\d\d))\b",
    re.I,
)
_DATE_NO_YEAR = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)\b",
    re.I,
)
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?=\W|$)|\b\d{1,2}\s*[ap]\.?m\.?(?=\W|$)",
    re.I,
)
_DATE_FILLER = re.compile(
    r"\b(?:published|first published|updated|last updated|last modified|modified|posted|"
    r"on|at|uk|local time|gmt|bst|utc|cet|cest|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ct|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|today|yesterday)\b",
    re.I,
)
_UNIT = r"(?:years?|months?|weeks?|days?|hours?|hrs?|h|minutes?|mins?|m)"
_RELATIVE_TIME = re.compile(
    rf"\b(?:\d+|an?)\s*{_UNIT}\s+ago\b"
    r"|\b(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?",
    re.I,
)
# `1242 GMT`, `(2042 HKT)`: 24-hour clock without a colon, and time-zone abbreviations in
# capitals (case-sensitive, so that words like `at` are never taken for a zone)
_ZONE_TIME = re.compile(r"\b(?:\d{4}\s+)?[A-Z]{1,4}T\b|\b\d{4}(?=\s+[A-Z]{1,4}T\b)")
_UPDATED_BEFORE = re.compile(r"(?:updated|modified)\W*$", re.I)
# "Any of _DATE, _TIME, _DATE_NO_YEAR or _RELATIVE_TIME": the alternation finds a match exactly
# when one of the four does, in one pass over a line that usually has none of them.
_ANY_DATE = re.compile(
    "|".join(f"(?:{rx.pattern})" for rx in (_DATE, _TIME, _DATE_NO_YEAR, _RELATIVE_TIME)), re.I
)


# ---------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class Removed:
    """One removed line, or the removed part of a line.

    Attributes:
        line: 1-based line number in the raw text (for HTML: in the extracted text).
        text: what was removed, whitespace-collapsed.
        reason: one of :data:`REASONS`.
    """

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class CleanArticle:
    """A cleaned article.

    Attributes:
        headline: the headline as printed, or None when the page does not print one.
        byline: the author(s) as printed, without a leading ``By``, or None.
        published: ISO date (``YYYY-MM-DD``) printed on the page, or None.
        paragraphs: body paragraphs in page order.
        removed: the audit, one entry per removed line or line part, in line order.
        paragraph_lines: for each paragraph, the raw line numbers it was built from.
    """

    headline: str | None
    byline: str | None
    published: str | None
    paragraphs: list[str]
    removed: list[Removed]
    paragraph_lines: list[tuple[int, ...]] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The paragraphs joined by one blank line (offsets in every table index this string)."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: ``headline, byline, published, body, paragraphs, removed``."""
        return {
            "headline": self.headline,
            "byline": self.byline,
            "published": self.published,
            "body": self.body,
            "paragraphs": list(self.paragraphs),
            "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in self.removed],
        }


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    reason: str
    action: str
    title_only: bool
    floating: bool = False  # `.*X.*` / `.*X` compiled as a search for X: same lines, fewer steps
    gate: tuple[str, ...] = ()  # every match contains one of these (lower case): `in` tests first
    # the same promise, found by a fuller analysis (:func:`_plain_gate`) for rules without a
    # `gate`; it is only relied on for lines where re.I is plain lower-casing (`_plain_case`)
    plain_gate: tuple[str, ...] = ()


def _literal_prefix(seq: list) -> str:
    from re import _constants as c

    out = []
    for op, av in seq:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.AT:
            continue
        elif op is c.SUBPATTERN and av[-1] is not None:
            inner = _literal_prefix(list(av[-1]))
            out.append(inner)
            if len(inner) != _width(list(av[-1])):
                break
        else:
            break
    return "".join(out)


def _width(seq: list) -> int:
    lo, hi = _parser_width(seq)
    return lo if lo == hi else -1


def _parser_width(seq: list) -> tuple[int, int]:
    from re import _parser

    sub = _parser.SubPattern(_parser.State(), list(seq))
    return sub.getwidth()


def _first_chars(seq: list) -> frozenset[str] | None:
    """Lower-cased characters a match of the parsed ``seq`` can start with (None: any)."""
    from re import _constants as c

    for op, av in seq:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            return frozenset({chr(av).lower()})
        if op is c.IN:
            chars: set[str] = set()
            for iop, iav in av:
                if iop is c.LITERAL:
                    chars.add(chr(iav).lower())
                elif iop is c.RANGE and iav[1] - iav[0] <= 64:
                    chars.update(chr(x).lower() for x in range(iav[0], iav[1] + 1))
                elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None  # negated sets, \w, \s ...: could start with anything
            return frozenset(chars)
        if op is c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                sub = _first_chars(list(branch))
                if sub is None:
                    return None
                out |= sub
            return frozenset(out)
        if op is c.SUBPATTERN and av[-1] is not None:
            return _first_chars(list(av[-1]))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            return _first_chars(list(av[2]))
        return None
    return None


_PREFIX_LEN = 2  # full-line rules are grouped by the first two characters of a line
_MAX_PREFIXES = 512


def _class_chars(items: Any) -> frozenset[str] | None:
    """Lower-cased characters a character class matches among ASCII ones (None: unsure)."""
    from re import _constants as c

    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= 64:
            chars.update(chr(x) for x in range(av[0], av[1] + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None  # negated sets, \w, \s ...
    # a case trap in the pattern matches an ASCII letter its lower case does not show
    if any(_CASE_TRAPS.match(ch) for ch in chars):
        return None
    return frozenset(ch.lower() for ch in chars)


def _prefixes(seq: Any, k: int) -> frozenset[str] | None:
    """Lower-cased first ``k`` characters of every match of the parsed ``seq``.

    A match shorter than ``k`` gives the whole match. None when the pattern is not simple
    enough to say (classes like ``\\w`` or ``.``, lookarounds, repeats that may be empty, or
    too many prefixes). Sound for lines whose first ``k`` characters are ASCII, where re.I
    matching is lower-casing: if those, lower-cased, are not in the set, the line cannot
    match.
    """
    from re import _constants as c

    items = list(seq)
    if k == 0 or not items:
        return frozenset({""})
    op, av = items[0]
    heads: frozenset[str] | None
    if op is c.AT:
        heads = frozenset({""})
    elif op is c.LITERAL:
        heads = _class_chars([(op, av)])
    elif op is c.IN:
        heads = _class_chars(av)
    elif op is c.SUBPATTERN and av[-1] is not None:
        heads = _prefixes(av[-1], k)
    elif op is c.BRANCH:
        subs = [_prefixes(branch, k) for branch in av[1]]
        heads = None if any(x is None for x in subs) else frozenset().union(*subs)
    elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and _parser_width(list(av[2]))[0] >= 1:
        # n repeats of an item at least one character wide: n > k repeats add no new prefix
        lo, hi, item = av
        found: set[str] = set()
        # more than k repeats: their first k characters are those of k repeats
        for n in range(min(lo, k), min(hi, k) + 1):
            sub = _prefixes(list(item) * n, k)
            if sub is None:
                return None
            found |= sub
        heads = frozenset(found)
    else:
        return None
    if heads is None:
        return None
    out: set[str] = set()
    for head in heads:
        if len(head) >= k:
            out.add(head[:k])
            continue
        # a head shorter than k is a whole match of the first item: the rest goes on from it
        tails = _prefixes(items[1:], k - len(head))
        if tails is None:
            return None
        out.update(head + t for t in tails)
        if len(out) > _MAX_PREFIXES:
            return None
    return frozenset(out)


def _rule_prefixes(pattern: str) -> frozenset[str] | None:
    from re import _parser

    try:
        return _prefixes(_parser.parse(pattern, re.I), _PREFIX_LEN)
    except (re.error, TypeError, AttributeError, IndexError, KeyError, RecursionError):
        return None


def _rule_first_chars(pattern: str) -> frozenset[str] | None:
    from re import _parser

    try:
        return _first_chars(list(_parser.parse(pattern, re.I)))
    except (re.error, TypeError, AttributeError, IndexError):
        return None


def _required_literal(pattern: str) -> tuple[str, ...]:
    """Literals of which every match of ``pattern`` contains at least one (() if unsure).

    Walks the top level of the parsed pattern (``re._parser``, the stdlib's own parser):
    the longest run of consecutive literal characters is required; failing that, a group of
    alternatives that each start with a literal (``(cookies?|consent)``) gives one literal
    per alternative.
    """
    from re import _constants as c
    from re import _parser

    try:
        items = list(_parser.parse(pattern, re.I))
    except (re.error, TypeError):
        return ()
    runs: list[str] = []
    cur: list[str] = []
    branches: list[tuple[str, ...]] = []

    def walk(seq: list) -> None:
        nonlocal cur
        for op, av in seq:
            if op is c.LITERAL:
                cur.append(chr(av))
            elif op is c.AT:
                continue  # \b, ^, $ match no character
            elif (
                op is c.SUBPATTERN
                and av[-1] is not None
                and av[-1][0][0] is c.BRANCH
                and len(av[-1]) >= 1
            ):
                alts = tuple(_literal_prefix(list(b)).lower() for b in av[-1][0][1][1])
                if all(len(a) >= 3 for a in alts):
                    branches.append(alts)
                runs.append("".join(cur))
                cur = []
            elif op is c.SUBPATTERN and av[-1] is not None:
                walk(list(av[-1]))
            else:
                runs.append("".join(cur))
                cur = []

    try:
        walk(items)
    except (IndexError, TypeError, AttributeError):
        return ()
    runs.append("".join(cur))
    best = max(runs, key=len).lower()
    if len(best) >= 3 and best.isascii():
        return (best,)
    for alts in branches:
        if all(a.isascii() for a in alts):
            return alts
    return ()


_GATE_MAX_STRINGS = 32


def _exact_strings(seq: Any, *, limit: int = _GATE_MAX_STRINGS) -> frozenset[str] | None:
    """Every string the parsed ``seq`` can match, when that is a small finite set (else None).

    Literals, groups, alternations and optional parts (``s?``) only: ``\\b`` and other
    zero-width anchors add nothing; classes, ``.`` and unbounded repeats give None.
    """
    from re import _constants as c

    out = {""}
    for op, av in seq:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            alts: set[str] | frozenset[str] | None = {chr(av)}
        elif op is c.SUBPATTERN and av[-1] is not None:
            alts = _exact_strings(av[-1], limit=limit)
        elif op is c.BRANCH:
            alts = set()
            for branch in av[1]:
                sub = _exact_strings(branch, limit=limit)
                if sub is None:
                    return None
                alts |= sub
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] <= 1:
            sub = _exact_strings(av[2], limit=limit)
            alts = None if sub is None else (sub | {""} if av[0] == 0 else sub)
        else:
            return None
        if alts is None:
            return None
        out = {a + b for a in out for b in alts}
        if len(out) > limit:
            return None
    return frozenset(out)


@functools.cache
def _date_words() -> frozenset[str]:
    """Every run of letters that a match of a date, time or date-word pattern can hold.

    The patterns that `_date_line` removes begin and end at word boundaries (or digits) and
    put a space or a dot between their words, so a run of letters in a line is removed only
    whole, and only if it is one of these (lower-cased): month names, `st nd rd th`, `am pm`
    (and `a`, `p`, `m` of `a.m.`), time units with or without a glued `a`/`an` (`an hour
    ago`, `anhour ago`), `ago`, `gmt`, `utc`, and the words of `_DATE_FILLER`. Zone
    abbreviations (`BST`, `[A-Z]{1,4}T`) are checked apart, by shape.
    """
    from re import _parser

    def strings(pattern: str) -> frozenset[str]:
        found = _exact_strings(_parser.parse(pattern, re.I), limit=1024)
        assert found is not None, pattern
        return frozenset(x.lower() for x in found)

    units = strings(_UNIT)
    words = set(strings(_MONTH)) | units
    words |= {w for phrase in strings(_DATE_FILLER.pattern) for w in phrase.split()}
    words |= {"st", "nd", "rd", "th", "am", "pm", "a", "p", "m", "an", "ago", "gmt", "utc"}
    words |= {glued + u for glued in ("a", "an") for u in units}
    return frozenset(words)


def _only_date_words(text: str) -> bool:
    """False when an ASCII line has a run of letters no date pattern can remove.

    Such a line is never a date line (:func:`_date_words` says why); the check is a set
    lookup per word, where the patterns would search the whole line several times.
    """
    words = _date_words()
    for m in _ASCII_LETTERS.finditer(text):
        w = m.group()
        if w.lower() not in words and not (2 <= len(w) <= 5 and w[-1] == "T" and w.isupper()):
            return False
    return True


def _necessary_strings(seq: Any) -> frozenset[str] | None:
    """Strings of which every match of the parsed ``seq`` contains one (None if unknown).

    Candidates are the runs of consecutive items with a small exact set of strings (their
    concatenations), the inside of a group or a repeat done at least once, and the union over
    the branches of an alternation; the candidate whose shortest string is longest wins.
    """
    from re import _constants as c

    candidates: list[frozenset[str]] = []
    run: list[Any] = []

    def close_run() -> None:
        if run:
            exact = _exact_strings(run)
            if exact:
                candidates.append(exact)
            run.clear()

    for op, av in seq:
        if _exact_strings([(op, av)]) is not None:
            run.append((op, av))
            continue
        close_run()
        inner = None
        if op is c.SUBPATTERN and av[-1] is not None:
            inner = _necessary_strings(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _necessary_strings(av[2])
        elif op is c.BRANCH:
            subs = [_necessary_strings(branch) for branch in av[1]]
            if all(subs):
                inner = frozenset().union(*subs)
        if inner:
            candidates.append(inner)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda ss: (min(map(len, ss)), -len(ss)))


def _plain_gate(pattern: str) -> tuple[str, ...]:
    """Lower-case ASCII strings of which every match of ``pattern`` contains one.

    On a line without case traps (:data:`_CASE_TRAPS`; every ASCII line) a case-insensitive
    match of an ASCII literal is the literal in the lower-cased line, so
    ``any(g in line.lower() ...)`` rejects a line without running the regex. Returns ()
    when no such strings of three characters or more are found.
    """
    from re import _parser

    try:
        found = _necessary_strings(_parser.parse(pattern, re.I))
    except (re.error, TypeError, AttributeError, IndexError):
        return ()
    if not found:
        return ()
    gate = {g.lower() for g in found}
    if min(map(len, gate)) < 3 or not all(g.isascii() for g in gate):
        return ()
    # a string containing another gate string is redundant
    return tuple(sorted(g for g in gate if not any(h != g and h in g for h in gate)))


@dataclass(frozen=True)
class Furniture:
    """Compiled furniture rules and word lists (see ``data/furniture.yml``)."""

    rules: tuple[_Rule, ...]
    # per first character of a line, the full-line rules that can match it (built lazily)
    first_chars: tuple[frozenset[str] | None, ...]
    # per rule, the first two characters (lower-cased, ASCII) of the lines it can match
    # (None: unknown); see `_anchored_for`
    prefixes: tuple[frozenset[str] | None, ...]
    # Full-line rules that may start anywhere but have a gate: lines keyed by their first two
    # characters try them one by one, only when they hold one of the gate strings
    # (`wild_strings`: all of them).
    wild_gates: tuple[tuple[int, tuple[str, ...], _Rule], ...]
    wild_strings: tuple[str, ...]
    # Search rules (`.*X.*`) one by one behind their literal gates: an alternation of
    # searches cannot skip ahead and tries every rule at every character.
    # (rule index, gate, plain-case gate, the rule's regex search) for every search rule
    floating_any: tuple[tuple[int, tuple[str, ...], tuple[str, ...], Any], ...]
    floating_prose: tuple[tuple[int, tuple[str, ...], tuple[str, ...], Any], ...]
    # `quiet[plain][title]`: every gate string of the search rules for a line (`title`
    # False: the prose rules) and, on a plain-case line, of the wild rules. A line holding
    # none of them skips both in one pass. On a plain-case line (`_plain_case`) the plain
    # gates count too; None when a search rule has no gate the line can rely on.
    quiet: tuple[tuple[tuple[str, ...] | None, ...], ...]
    appeal_words: re.Pattern[str]
    # `appeal_words` without re.I, for lower-cased ASCII lines (None when a word is not ASCII)
    appeal_words_ascii: re.Pattern[str] | None
    masthead_words: frozenset[str]
    hyphen_prefixes: frozenset[str]
    # per line key (see `_anchored_for`), the full-line rules that can match, in rule order:
    # (rule index, the rule's fullmatch)
    by_first: dict[tuple, tuple[tuple[int, Any], ...]] = field(
        default_factory=dict, compare=False, hash=False
    )
    # per (line, continued), the decision of `_line_labels` (see there); bounded
    line_labels: dict[tuple[str, bool], tuple[str | None, str | None, str | None]] = field(
        default_factory=dict, compare=False, hash=False
    )


# ---------------------------------------------------------------------------------------------
# Furniture file


def _furniture_error(source: str, where: str, what: str) -> ValueError:
    return ValueError(f"furniture file {source}: {where}: {what}")


def _parse_furniture(data: Any, *, source: str) -> dict[str, Any]:
    if data is None:
        return {"rules": [], "appeal_words": [], "masthead_words": [], "hyphen_prefixes": []}
    if not isinstance(data, dict):
        raise _furniture_error(
            source,
            "top level",
            "must be a mapping with keys rules, appeal_words, masthead_words, hyphen_prefixes",
        )
    unknown = sorted(set(data) - {"rules", "appeal_words", "masthead_words", "hyphen_prefixes"})
    if unknown:
        raise _furniture_error(
            source,
            "top level",
            f"unknown key(s) {unknown}; allowed: rules, appeal_words, masthead_words, hyphen_prefixes",
        )
    rules = []
    for i, entry in enumerate(data.get("rules") or [], start=1):
        where = f"rules entry {i} ({entry!r})"
        if not isinstance(entry, dict):
            raise _furniture_error(
                source, where, "must be a mapping like {phrase: ..., reason: ...}"
            )
        if ("phrase" in entry) == ("pattern" in entry):
            raise _furniture_error(source, where, "needs exactly one of `phrase` or `pattern`")
        reason = entry.get("reason")
        if reason not in REASONS:
            raise _furniture_error(
                source, where, f"reason {reason!r} is not one of {list(REASONS)}"
            )
        action = entry.get("action", "line")
        if action not in _ACTIONS:
            raise _furniture_error(
                source, where, f"action {action!r} is not one of {list(_ACTIONS)}"
            )
        shape = entry.get("shape")
        if shape not in (None, "title"):
            raise _furniture_error(source, where, f"shape {shape!r} must be omitted or 'title'")
        if "phrase" in entry:
            text = _SPACES.sub(" ", str(entry["phrase"]).strip())
            pattern = re.escape(text).replace(r"\ ", " +")
        else:
            pattern = str(entry["pattern"])
        try:
            regex = re.compile(pattern, re.I)
        except re.error as exc:
            raise _furniture_error(source, where, f"invalid regular expression ({exc})") from exc
        floating = False
        if pattern.startswith(".*") and not pattern.startswith(".*?"):
            inner = (
                pattern[2:-2]
                if pattern.endswith(".*") and not pattern.endswith("\\.*")
                else f"(?:{pattern[2:]})\\Z"
            )
            try:
                regex, floating = re.compile(inner, re.I), True
            except re.error:
                pass  # not a self-contained part: keep the full-line match
        gate = _required_literal(regex.pattern)
        rules.append(
            _Rule(
                regex,
                reason,
                action,
                shape == "title",
                floating,
                gate,
                () if gate else _plain_gate(regex.pattern),
            )
        )
    lists = {}
    for key in ("appeal_words", "masthead_words", "hyphen_prefixes"):
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _furniture_error(source, key, "must be a list of strings")
        lists[key] = [v.strip().lower() for v in values if v.strip()]
    return {"rules": rules, **lists}


@functools.cache
def _read_furniture(path: str, mtime: float) -> dict[str, Any]:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _furniture_error(path, "YAML", f"cannot be parsed ({exc}); fix the syntax") from exc
    return _parse_furniture(data, source=path)


def _any_gate(gates: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """Strings a line holds one of exactly when it holds a string of one of ``gates``.

    The union of ``gates`` without the strings that contain another one (a line holding the
    longer string holds the shorter); None when one of the gates is empty (no promise).
    """
    if not all(gates):
        return None
    union = {g for gate in gates for g in gate}
    return tuple(sorted(g for g in union if not any(h != g and h in g for h in union)))


@functools.cache
def _compile_furniture(paths: tuple[tuple[str, float], ...]) -> Furniture:
    parts = [_read_furniture(p, m) for p, m in paths]
    rules: list[_Rule] = []
    appeal: set[str] = set()
    masthead: set[str] = set()
    prefixes: set[str] = set()
    for part in reversed(parts):  # the user's file first, so its rules win
        rules.extend(part["rules"])
        appeal.update(part["appeal_words"])
        masthead.update(part["masthead_words"])
        prefixes.update(part["hyphen_prefixes"])
    words = "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(appeal, key=lambda w: (-len(w), w))
    )
    first_chars = tuple(None if r.floating else _rule_first_chars(r.regex.pattern) for r in rules)
    starts = tuple(None if r.floating else _rule_prefixes(r.regex.pattern) for r in rules)
    wild = tuple(
        (i, r.gate or r.plain_gate, r)
        for i, r in enumerate(rules)
        if not r.floating
        and first_chars[i] is None
        and starts[i] is None
        and (r.gate or r.plain_gate)
    )
    floating_any = tuple(
        (i, r.gate, r.plain_gate, r.regex.search) for i, r in enumerate(rules) if r.floating
    )
    floating_prose = tuple(
        (i, r.gate, r.plain_gate, r.regex.search)
        for i, r in enumerate(rules)
        if r.floating and not r.title_only
    )
    return Furniture(
        rules=tuple(rules),
        first_chars=first_chars,
        prefixes=starts,
        wild_gates=wild,
        wild_strings=tuple(g for _, gate, _ in wild for g in gate),
        floating_any=floating_any,
        floating_prose=floating_prose,
        quiet=(
            tuple(_any_gate([g for _, g, _, _ in fl]) for fl in (floating_prose, floating_any)),
            tuple(
                _any_gate([g or pg for _, g, pg, _ in fl] + [gate for _, gate, _ in wild])
                for fl in (floating_prose, floating_any)
            ),
        ),
        appeal_words=re.compile(rf"\b(?:{words})\b" if words else r"(?!x)x", re.I),
        appeal_words_ascii=(
            re.compile(rf"\b(?:{words})\b" if words else r"(?!x)x")
            if all(w.isascii() and w == w.lower() for w in appeal)
            else None
        ),
        masthead_words=frozenset(masthead),
        hyphen_prefixes=frozenset(prefixes),
    )


def load_furniture(furniture: str | Path | Furniture | None = None) -> Furniture:
    """Load the default furniture file, extended by a user's YAML file.

    Args:
        furniture: None for the default ``data/furniture.yml``; a path to a YAML file with
            the same keys (its rules are tried before the defaults); or a loaded
            :class:`Furniture`, returned unchanged.

    Returns:
        The compiled rules (cached per file and modification time).

    Raises:
        FileNotFoundError: when the user's file does not exist.
        ValueError: when the file is not valid; the message names the entry at fault.

    >>> f = load_furniture()
    >>> any(r.reason == "media-player" for r in f.rules)
    True
    """
    if isinstance(furniture, Furniture):
        return furniture
    paths = [(_DEFAULT_PATH, os.stat(_DEFAULT_PATH).st_mtime)]
    if furniture is not None:
        p = Path(furniture).expanduser().resolve()
        if not p.is_file():
            raise FileNotFoundError(
                f"furniture={str(furniture)!r}: no such file; pass the path of a YAML file with "
                f"the same keys as {DEFAULT_FURNITURE}"
            )
        paths.append((str(p), p.stat().st_mtime))
    return _compile_furniture(tuple(paths))


# ---------------------------------------------------------------------------------------------
# Line shape helpers


# The line-shape predicates below are pure functions of the line, and the stages ask them
# about the same lines again and again (a paragraph is usually one line): they are cached.
_SHAPE_CACHE = 4096


@functools.lru_cache(maxsize=_SHAPE_CACHE)
def _nwords(text: str) -> int:
    """Whitespace-separated word count: the length thresholds need no finer tokeniser."""
    return len(text.split())


_TERMINAL = (".", "!", "?", "…")
_RUNS_ON = (":", ",", ";", "-", "–", "—")


def _is_terminal(text: str) -> bool:
    # ends in . ! ? or … possibly followed by closing quotes or brackets
    return text.rstrip(_QUOTE_CLOSERS).endswith(_TERMINAL)


@functools.lru_cache(maxsize=_SHAPE_CACHE)
def _title_like(text: str) -> bool:
    """No final punctuation and no trailing continuation mark: a headline or caption shape."""
    stripped = text.rstrip(_CLOSERS)
    if not stripped or not (stripped[0].isalpha() or any(ch.isalpha() for ch in stripped)):
        return False
    # not _is_terminal(text), inline
    return not text.rstrip(_QUOTE_CLOSERS).endswith(_TERMINAL) and not stripped.endswith(_RUNS_ON)


def _looks_like_prose(text: str) -> bool:
    """A title-shaped paragraph that is nevertheless prose that lost its final full stop."""
    n = _nwords(text)
    return n >= 45 or (n >= 20 and bool(_INTERNAL_BOUNDARY.search(text)))


def _cut(text: str, m: re.Match[str]) -> str:
    """``text`` without the match ``m``: ``regex.sub("", text)`` for the end-anchored credit
    patterns, which match at most once in a line, without searching the line a second time."""
    return text[: m.start()] + text[m.end() :]


def _match_key(text: str) -> str:
    """Comparison key for repeated lines: credit and final punctuation dropped, case folded."""
    if text.endswith(")"):
        m = _credit_paren(text)
        if m is not None:
            text = _cut(text, m)
    m = _credit_tail(text)
    if m is not None:
        text = _cut(text, m)
    if text.isascii():  # case-folding is lower-casing: one translate does both
        return text.encode("ascii").translate(_ASCII_LOWER, _ASCII_NON_ALNUM).decode("ascii")
    return _alnum_only(text.casefold())


def _alnum_only(text: str) -> str:
    """``_NON_ALNUM.sub("", text)``: the letters and digits of ``text``, five times faster.

    ASCII punctuation and spaces go in one ``bytes.translate`` and common typographic
    punctuation by ``str.replace``; only a rest that still has other symbols is left to
    the regex (which then removes the same characters it would have removed from ``text``).
    ``[\\W_]`` and ``not str.isalnum()`` agree on every code point (both are CPython's
    ``Py_UNICODE_ISALNUM``), so the shortcut and the regex give the same string.

    >>> _alnum_only("it’s 12:00 — q_a ✓")
    'its1200qa'
    """
    kept = (
        text.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_NON_ALNUM)
        .decode("utf-8", "surrogatepass")
    )
    if kept.isascii():
        return kept
    for mark in _COMMON_PUNCTUATION:
        if mark in kept:
            kept = kept.replace(mark, "")
    return kept if kept.isalnum() else _NON_ALNUM.sub("", kept)


def _plain_case(text: str) -> bool:
    """True when re.I matching of ASCII letters in ``text`` is plain lower-casing."""
    # `_CASE_TRAPS.search(text) is None`, as four substring tests
    return text.isascii() or not any(map(text.__contains__, _CASE_TRAP_CHARS))


def _credit_tail(text: str) -> re.Match[str] | None:
    """``_CREDIT_TAIL.search(text)``, skipped when the line lacks what every match needs."""
    if "/" not in text and ":" not in text:
        return None
    return _credit_tail_search(text)


@functools.lru_cache(maxsize=_SHAPE_CACHE)
def _credit_tail_search(text: str) -> re.Match[str] | None:
    # cached: duplicates, the header zone and the paragraphs ask about the same lines
    if "/" not in text and _plain_case(text):
        # only where case-insensitive matching is lower-casing
        lowered = text.lower()
        if not any(w in lowered for w in _CREDIT_TAIL_WORDS):
            return None
    return _CREDIT_TAIL.search(text)


@functools.lru_cache(maxsize=_SHAPE_CACHE)
def _credit_paren(text: str) -> re.Match[str] | None:
    """The photo credit in brackets closing ``text``, or None."""
    # `_CREDIT_PAREN.search(text)`: a match has no bracket between its `(` and the end of the
    # text but its closing `)`, so it can only start at the last `(`
    start = text.rfind("(")
    m = _CREDIT_PAREN.match(text, start) if start >= 0 else None
    if not m:
        return None
    inner = m.group(1)
    if inner.isdigit():  # `(2022)`, `(601748)`: no credit word, no `/`, no capital
        return None
    if _CREDIT_WORDS.search(inner):
        return m
    # `(Sky News)`, `(REUTERS)`: a short all-capitalised parenthesis closing a title line
    toks = inner.split()
    return m if 0 < len(toks) <= 4 and all(t[:1].isupper() for t in toks) else None


def _is_caption(text: str) -> bool:
    if _nwords(text) > 60:
        return False
    if text.endswith(")"):
        m = _credit_paren(text)
        if m is not None:
            head = _cut(text, m).rstrip()
            return _title_like(head) or bool(_CREDIT_WORDS.search(m.group(1)))
    m = _credit_tail(text)
    return m is not None and _nwords(_cut(text, m)) >= 3


def _is_name(text: str, masthead: frozenset[str]) -> bool:
    toks = text.replace(",", " ").split()
    if not 2 <= len(toks) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if any(t.lower().strip(".") in masthead for t in toks):
        return False
    return all(_NAME_TOKEN.match(t) for t in toks) and toks[0][:1].isupper()


def _byline(text: str, masthead: frozenset[str]) -> str | None:
    m = _BYLINE.match(text)
    if not m:
        return None
    name = m.group("name").strip()
    if _is_terminal(name) and not _SUFFIX_END.search(name):
        return None
    head = _BYLINE_NAME_END.split(name, maxsplit=1)[0]
    toks = head.split()
    if not 1 <= len(toks) <= 10 or not all(_NAME_TOKEN.match(t) for t in toks):
        return None
    return name


def _parse_date(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    try:
        if g["y1"]:
            y, mo, d = int(g["y1"]), _MONTHS[g["m1"][:3].lower()], int(g["d1"])
        elif g["y2"]:
            y, mo, d = int(g["y2"]), _MONTHS[g["m2"][:3].lower()], int(g["d2"])
        elif g["y3"]:
            y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            y, mo, d = int(g["y4"]), int(g["m4"]), int(g["d4"])
        import datetime as _dt

        return _dt.date(y, mo, d).isoformat()
    except (KeyError, ValueError):
        return None


def _date_line(text: str) -> tuple[bool, str | None]:
    """Is the line only dates, times and date words? Return (is_date_line, published date)."""
    if len(text) > 120 or not _DIGIT.search(text) or _nwords(text) > 16:
        return False, None
    # on an ASCII line every letter is one `.isascii()` can see: words decide most lines
    if text.isascii() and not _only_date_words(text):
        return False, None
    if not _ANY_DATE.search(text):
        return False, None
    dates = list(_DATE.finditer(text))
    if not dates and not (
        _TIME.search(text) or _DATE_NO_YEAR.search(text) or _RELATIVE_TIME.search(text)
    ):
        return False, None
    rest = _DATE.sub(" ", text)
    rest = _DATE_NO_YEAR.sub(" ", rest)
    rest = _RELATIVE_TIME.sub(" ", rest)
    rest = _ZONE_TIME.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    rest = _DATE_FILLER.sub(" ", rest)
    if any(ch.isalnum() for ch in rest):
        return False, None
    published = None
    for m in dates:  # prefer a date not labelled as an update
        iso = _parse_date(m)
        if iso and not _UPDATED_BEFORE.search(text[: m.start()]):
            published = iso
            break
    if published is None and dates:
        published = _parse_date(dates[0])
    return True, published


# ---------------------------------------------------------------------------------------------
# The segment model: each non-blank raw line is one segment; a glued caption splits it in two.


@dataclass(slots=True)
class _Seg:
    line: int
    text: str
    gap: bool  # a blank line (or a split) separates it from the previous segment
    reason: str | None = None
    cont: bool = False  # hard-wrapped: the next segment continues this sentence
    date: str | None = None  # ISO date printed on a dateline


def _segments(text: str) -> list[_Seg]:
    segs: list[_Seg] = []
    gap = True
    if "  " in text or "\t" in text:  # else there is no run to collapse
        text = _ODD_SPACES.sub(" ", text)
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            gap = True
            continue
        segs.append(_Seg(i, line, gap))
        gap = False
    return segs


def _split_glued(segs: list[_Seg]) -> list[_Seg]:
    """Split a caption glued to body text when the page also prints the caption on its own.

    ``Caption\\nCaptionBody text...`` and ``Body text.'Caption\\nCaption``: the repeated copy
    is the proof that the glued part is a caption, so a capital after a lower-case letter
    (``MailOnline``, ``iPhone``) is never split on its own.
    """
    out: list[_Seg] = []
    # each line's text without a final full stop, once: every line is compared with the
    # line before it and the line after it
    cores = [seg.text.rstrip(" .") for seg in segs]
    n = len(segs)
    prev_core = None  # the core of out[-1] when that is 20 characters or longer
    i = 0
    while i < n:
        seg = segs[i]
        text = seg.text
        if prev_core is not None:
            core = prev_core
            if len(text) > len(core) + 1 and text.startswith(core):
                rest = text[len(core) :]
                if not rest[0].isspace() and rest[0] not in ".,;:":
                    out.append(_Seg(seg.line, core, seg.gap))
                    out.append(last := _Seg(seg.line, rest.strip(), True))
                    prev_core = last.text.rstrip(" .") if len(last.text) >= 20 else None
                    i += 1
                    continue
        # a match needs `core` shorter than the line (pos > 0)
        if i + 1 < n and len(segs[i + 1].text) >= 20 and len(core := cores[i + 1]) < len(text):
            pos = text.rfind(core)
            if pos > 0 and text[pos - 1] not in " \t" and pos + len(core) >= len(cores[i]):
                out.append(_Seg(seg.line, text[:pos].strip(), seg.gap))
                out.append(last := _Seg(seg.line, text[pos:].strip(), True))
                prev_core = last.text.rstrip(" .") if len(last.text) >= 20 else None
                i += 1
                continue
        out.append(seg)
        prev_core = cores[i] if len(text) >= 20 else None
        i += 1
    return out


def _mark_continuations(segs: list[_Seg]) -> None:
    """Flag segments whose sentence runs on into the next line (hard wraps)."""
    for a, b in zip(segs, segs[1:], strict=False):
        if b.gap or a.line + 1 != b.line:
            continue
        first = b.text[:1]
        if a.text.endswith("-") and a.text[-2:-1].isalpha() and first.islower():
            a.cont = True
        elif not _is_terminal(a.text) and (
            first.islower()
            # a line ending in `the`, `of`, `,` ... runs on even into a capital, but only in
            # prose-length lines: menus end in `Log In` too
            or (
                _CONTINUES.search(a.text, max(0, len(a.text) - _CONTINUES_REACH))
                and not a.text.endswith(":")
                and first.isalnum()
                and _nwords(a.text) >= 6
            )
        ):
            a.cont = True


def _rule_for(text: str, fur: Furniture, *, title: bool) -> _Rule | None:
    """The first rule (in file order) that matches the line, or None.

    Only the rules that can match are tried: full-line rules chosen by the line's first
    characters (`_anchored_for`), the rest behind their gate strings. The answer is the one
    trying every rule on the line would give.
    """
    if len(text) > _MAX_FURNITURE_CHARS:
        return None
    lowered = text.lower()
    plain = text.isascii() or not any(map(text.__contains__, _CASE_TRAP_CHARS))  # _plain_case
    # most lines hold no gate string of a search or wild rule, which one pass shows
    gates = fur.quiet[plain][title]
    quiet = gates is not None and not any(map(lowered.__contains__, gates))
    found = None  # the smallest index of a rule that matches
    # `🔵 Read our live blog`, `► READ MORE: ...`: also try the line without its leading symbols
    first = text[:1]
    if first and not (first.isalnum() or first in _PLAIN_STARTS):
        bare = _LEADING_SYMBOLS.sub("", text)
        candidates = (text, bare) if bare and bare != text else (text,)
    else:
        candidates = (text,)
    for candidate in candidates:
        start = candidate[:_PREFIX_LEN]
        key = (
            (start.lower(), title)
            if plain and start.isascii()
            else (candidate[:1].lower(), title, None)
        )
        rules = fur.by_first.get(key)
        if rules is None:
            rules = _anchored_for(fur, key)
        for i, fullmatch in rules:
            if fullmatch(candidate) is not None:
                if found is None or i < found:
                    found = i
                break
        # `bare` is a suffix of `text`: a gate string `text` lacks, `bare` lacks too
        if not quiet and len(key) == 2 and any(map(lowered.__contains__, fur.wild_strings)):
            for i, gate, rule in fur.wild_gates:
                if (
                    (title or not rule.title_only)
                    and any(g in lowered for g in gate)
                    and rule.regex.fullmatch(candidate)
                    and (found is None or i < found)
                ):
                    found = i
    if not quiet:
        # the first search rule whose gate (if any) is in the line and whose regex finds a match
        for i, gate, plain_gate, search in fur.floating_any if title else fur.floating_prose:
            if found is not None and i > found:
                break  # a full-line rule with a smaller index already won
            if gate or (plain_gate and plain):
                for g in gate or plain_gate:
                    if g in lowered:
                        break
                else:
                    continue
            if search(text) is not None:
                found = i
                break
    return None if found is None else fur.rules[found]


def _anchored_for(fur: Furniture, key: tuple) -> tuple[tuple[int, Any], ...]:
    """The full-line rules that can match a line, in rule order: (index, fullmatch) pairs.

    The first of them that matches the line is the rule the alternation of all of them
    would report; trying them one by one spares compiling an alternation per key, which
    costs more than a build of a thousand articles spends matching.

    ``key`` is ``(start, title)`` for a line that starts with two ASCII characters and has
    no case traps, ``start`` being those two characters lower-cased: re.I is plain
    lower-casing there, so every rule that can match the line is in the alternation, except
    the `wild_gates` ones, which are tried apart. For any other line it is
    ``(first character, title, None)`` and rules are chosen by first character. Either
    way the rules are a subset of those the first character alone would choose.
    """
    start, title = key[0], key[1]
    ascii_key = len(key) == 2
    # the lower case of one character may be two (`İ`): compare it whole, as a key
    first = start[:1] if ascii_key else start
    wild = {i for i, _, _ in fur.wild_gates}
    chosen = []
    for i, r in enumerate(fur.rules):
        if r.floating or (r.title_only and not title):
            continue
        chars, starts = fur.first_chars[i], fur.prefixes[i]
        ok = chars is None or first in chars
        if ascii_key:
            ok = ok and (start in starts if starts is not None else i not in wild)
        if ok:
            chosen.append(i)
    rules = tuple((i, fur.rules[i].regex.fullmatch) for i in chosen)
    fur.by_first[key] = rules
    return rules


def _starts_with_symbol(text: str) -> bool:
    ch = text[:1]
    # letters and digits are never in category So: most lines are decided without the lookup
    return bool(ch) and not ch.isalnum() and unicodedata.category(ch) == "So"


def _link_like(text: str) -> bool:
    """A line in a headline list: title-shaped, a question or a teaser ending in an ellipsis."""
    if _title_like(text):
        return True
    n = _nwords(text)
    return (
        n <= 25
        and text.rstrip(_CLOSERS).endswith(("?", "…", "..."))
        or (bool(_BULLET.match(text)) and n <= 20 and not text.endswith("."))
    )


# Furniture lines repeat from page to page of an outlet: `_line_labels` remembers the labels of
# up to this many (line, continued) pairs per Furniture, and starts afresh when it is full.
# Only lines up to _MEMO_CHARS long: furniture is short, and long lines are story text, which
# seldom repeats.
_LINE_MEMO = 1 << 14
_MEMO_CHARS = 200
_NO_LABELS = (None, None, None)  # most lines: one shared tuple in the memo


def _line_labels(
    text: str, cont: bool, fur: Furniture
) -> tuple[str | None, str | None, str | None]:
    """(reason, action, printed date) of a line from its text alone: a furniture rule, a date
    line, or an emoji-led plug (all None: none of these). Remembered per line in ``fur``."""
    memo = fur.line_labels if len(text) <= _MEMO_CHARS else None
    key = (text, cont)
    if memo is not None:
        labels = memo.get(key)
        if labels is not None:
            return labels
    rule = _rule_for(text, fur, title=_title_like(text) and not cont)
    if rule is not None:
        labels = (rule.reason, rule.action, None)
    else:
        is_date, iso = _date_line(text)
        if is_date:
            labels = ("dateline" if iso else "metadata", None, iso)
        elif not text[:1].isalnum() and _starts_with_symbol(text) and _nwords(text) <= 30:
            # `🔵 Read our live blog`, `► Watch`: emoji-led plugs
            labels = ("promotion", None, None)
        else:
            labels = _NO_LABELS
    if memo is not None:
        if len(memo) >= _LINE_MEMO:
            memo.clear()
        memo[key] = labels
    return labels


def _apply_rules(segs: list[_Seg], fur: Furniture) -> None:
    """Label known furniture, then let block-opening lines claim the lines that follow."""
    actions: list[str | None] = []
    for seg in segs:
        seg.reason, action, seg.date = _line_labels(seg.text, seg.cont, fur)
        actions.append(action)
    for i, seg in enumerate(segs):
        if (
            seg.reason is None
            and not seg.text[:1].isalpha()
            and not any(ch.isalpha() for ch in seg.text)
            and not (i and segs[i - 1].cont)
        ):
            # numbers and rules on their own (`1`, `___`, `19:40`): list numbering, separators,
            # player clocks or live-blog timestamps, never story text
            near_player = any(
                0 <= j < len(segs) and segs[j].reason == "media-player" for j in (i - 1, i + 1)
            )
            seg.reason = (
                "media-player" if near_player or actions[i - 1 : i] == ["player"] else "metadata"
            )
    for i, action in enumerate(actions):
        if action == "next" and i + 1 < len(segs) and segs[i + 1].reason is None:
            segs[i + 1].reason = segs[i].reason
        # the player's title sits on the line just above its residue; claim it before any block
        if action == "player" and i > 0:
            above = segs[i - 1]
            if above.reason is None and _title_like(above.text) and _nwords(above.text) <= 25:
                above.reason = "media-player"
    n = len(segs)
    i = 0
    while i < n:
        action, seg = actions[i], segs[i]
        if action == "end":
            for later in segs[i + 1 :]:
                later.date = None  # dates of other stories listed after the end of this one
                if later.reason is None:
                    later.reason = seg.reason
            return
        if action == "list":
            j = i + 1
            while (
                j < n
                and actions[j] not in ("end", "appeal", "list")
                and (segs[j].reason is not None or _link_like(segs[j].text))
            ):
                if segs[j].reason is None:
                    segs[j].reason = "related-links"
                j += 1
            i = j
            continue
        elif action == "appeal":
            i = _appeal_block(segs, actions, i + 1, fur)
            continue
        i += 1


def _propagate_wraps(segs: list[_Seg]) -> None:
    """A hard-wrapped sentence shares the fate of its first line (`Copyright ... This` + `material ...`)."""
    for a, b in zip(segs, segs[1:], strict=False):
        if a.cont and a.reason is not None and b.reason is None and not b.text[:1].isupper():
            b.reason = a.reason


def _appeal_block(segs: list[_Seg], actions: list[str | None], start: int, fur: Furniture) -> int:
    """Remove an appeal block; it ends before three body-like paragraphs without appeal words."""
    pending: list[_Seg] = []
    j = start
    while j < len(segs):
        seg = segs[j]
        if actions[j] in ("end", "list"):
            # the appeal runs into the page's tail or a link list: what was pending was appeal
            for p in pending:
                p.reason = "appeal"
            return j
        if (
            seg.reason is not None
            or _has_appeal_word(seg.text, fur)
            or _nwords(seg.text) <= 6
            or _title_like(seg.text)
        ):
            for p in pending:
                p.reason = "appeal"
            pending.clear()
            if seg.reason is None:
                seg.reason = "appeal"
        else:
            pending.append(seg)
            if len(pending) >= 3:
                return j - 2
        j += 1
    if j >= len(segs):  # the block ran to the end of the page: all of it was the appeal
        for p in pending:
            p.reason = "appeal"
        return j
    return j - len(pending)


def _has_appeal_word(text: str, fur: Furniture) -> bool:
    """``fur.appeal_words.search(text)``; on an ASCII line, as a case-sensitive search of the
    lower-cased line, which gives the same answer several times faster."""
    if fur.appeal_words_ascii is not None and text.isascii():
        return fur.appeal_words_ascii.search(text.lower()) is not None
    return fur.appeal_words.search(text) is not None


def _mark_duplicates(segs: list[_Seg]) -> None:
    """Two adjacent copies of a line: a caption printed twice (or a repeated headline)."""
    prev: _Seg | None = None
    prev_key: str | None = None  # _match_key(prev.text) when already computed
    for seg in segs:
        if seg.reason is not None:
            prev = None
            continue
        key = None
        # a credit adds at most ~70 characters: lines further apart in length are not copies
        if (
            prev is not None
            and _nwords(seg.text) >= 4
            and abs(len(prev.text) - len(seg.text)) <= 80 + len(seg.text) // 10
        ):
            a = prev_key if prev_key is not None else _match_key(prev.text)
            b = key = _match_key(seg.text)
            same = a == b or (
                min(len(a), len(b)) >= 30
                and abs(len(a) - len(b)) <= 0.1 * max(len(a), len(b))
                and fuzz.ratio(a, b) >= 95
            )
            if same:
                seg.reason = "duplicate"
                # a repeated line above the story is the headline printed twice, not a caption
                prev.reason = (
                    "caption"
                    if (_is_caption(prev.text) or _is_caption(seg.text) or prev.line > 3)
                    else None
                )
                prev = None
                continue
        prev, prev_key = seg, key


def _is_prose(seg: _Seg) -> bool:
    return (
        seg.reason is None
        and _is_terminal(seg.text)
        and _nwords(seg.text) >= 3
        and not _is_caption(seg.text)
    )


def _byline_name(text: str, masthead: frozenset[str]) -> bool:
    """A byline printed without `By`: `Chris Hughes`, `Shaun Walker in Kyiv`."""
    if _nwords(text) > 8 or _is_terminal(text):
        return False
    return _is_name(_NAME_END.split(text, maxsplit=1)[0], masthead)


def _top_of_page(segs: list[_Seg], fur: Furniture) -> tuple[str | None, str | None, str | None]:
    """Headline, byline and dateline from position and shape at the top of the story.

    The header zone is everything above the first prose paragraph. Navigation shows up in it
    as runs of three or more very short lines; the headline is the first title-shaped line
    (four words or more) after the last such run that precedes the byline or dateline.
    """
    byline = None
    for i, seg in enumerate(segs):
        if seg.reason is not None:
            continue
        if byline is None and seg.text[:2] in _BYLINE_STARTS:
            name = _byline(seg.text, fur.masthead_words)
            if name is not None:
                byline = name
                seg.reason = "byline"
                # the line under a byline is the author's role or outlet (`BBC Russian`)
                nxt = segs[i + 1] if i + 1 < len(segs) else None
                if (
                    nxt is not None
                    and nxt.reason is None
                    and _title_like(nxt.text)
                    and _nwords(nxt.text) <= 6
                ):
                    nxt.reason = "metadata"
    zone = len(segs)
    for i, seg in enumerate(segs):
        if _is_prose(seg):
            zone = i
            break
    # the date printed with the story: in the header zone if there is one there, else anywhere
    # outside the headline lists (a date printed at the foot of the story)
    dated = [seg.date for seg in segs[:zone] if seg.date] or [seg.date for seg in segs if seg.date]
    published = dated[0] if dated else None
    anchor = next((i for i in range(zone) if segs[i].reason in ("byline", "dateline")), zone)
    short = [_nwords(seg.text) <= 3 for seg in segs[:zone]]
    after_nav = 0
    run = 0
    for i in range(anchor):
        run = run + 1 if short[i] else 0
        if run >= 3:
            after_nav = i + 1
    headline_at = None
    for i in range(after_nav, zone):
        seg = segs[i]
        if seg.reason is None and _title_like(seg.text) and not seg.cont and _nwords(seg.text) >= 4:
            headline_at = i
            break
    if headline_at is None:
        return None, byline, published
    segs[headline_at].reason = "headline"
    if byline is None:
        # printed without `By`: right above the headline, or among the lines just below it
        above = [i for i in range(headline_at) if segs[i].reason is None][-1:]
        below = [
            i for i in range(headline_at + 1, min(zone, headline_at + 4)) if segs[i].reason is None
        ]
        for i in above + below:
            if _byline_name(segs[i].text, fur.masthead_words):
                byline = segs[i].text
                segs[i].reason = "byline"
                break
    for i in range(zone):
        seg = segs[i]
        if seg.reason is None and (
            i < headline_at or (_nwords(seg.text) <= 3 and _title_like(seg.text))
        ):
            # above the headline: navigation and mastheads; below it: labels like `Published`
            seg.reason = "chrome" if i < after_nav else "metadata"
    return segs[headline_at].text, byline, published


def _join(segs: list[_Seg]) -> list[list[_Seg]]:
    """Group kept segments into paragraphs, re-joining hard-wrapped lines."""
    paras: list[list[_Seg]] = []
    last: _Seg | None = None
    for seg in segs:
        if seg.reason is not None:
            last = None
            continue
        if last is not None and last.cont and not seg.gap and seg.line == last.line + 1:
            paras[-1].append(seg)
        else:
            paras.append([seg])
        last = seg
    return paras


class _PageVocab:
    """The page's own spellings (lower case), read on first use: most pages never need them.

    Empty unless the page has a broken hyphenation (``- `` or a hyphen at a line end).
    """

    __slots__ = ("_segs", "_words")

    def __init__(self, segs: list[_Seg]) -> None:
        self._segs = segs
        self._words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            joined = "\n".join(s.text for s in self._segs)
            broken = "- " in joined or "-\n" in joined
            # a word never spans the newline, so one findall over the joined page is the
            # union of the findalls line by line
            self._words = (
                frozenset(map(str.lower, _HYPHENATED_WORD.findall(joined)))
                if broken
                else frozenset()
            )
        return word in self._words


def _join_text(parts: list[_Seg], vocab: _PageVocab, fur: Furniture) -> str:
    text = parts[0].text
    for seg in parts[1:]:
        if text.endswith("-") and text[-2:-1].isalpha() and seg.text[:1].islower():
            text = _rejoin_hyphen(text[:-1], seg.text, vocab, fur)
        else:
            text = f"{text} {seg.text}"
    return text


def _rejoin_hyphen(left: str, right: str, vocab: _PageVocab, fur: Furniture) -> str:
    """Join ``left-`` + ``right`` broken at a hyphen: keep the hyphen only where it belongs."""
    # letters in any script: "café-" + "bar" is as broken as "war-" + "torn"
    a = _TRAILING_LETTERS.search(left).group(0)
    b = _LEADING_LETTERS.match(right).group(0)
    joined = (a + b).lower()
    if joined in vocab:
        return f"{left}{right}"
    if (
        f"{a}-{b}".lower() in vocab
        or a.lower() in fur.hyphen_prefixes
        or a.lower() in _NUMBER_WORDS
    ):
        return f"{left}-{right}"
    return f"{left}{right}"


def _repair(text: str, vocab: _PageVocab, fur: Furniture) -> str:
    # each pattern starts with a fixed pair of characters: `in` rules most paragraphs out
    if " ’s" in text or " 's" in text:
        text = _SPACE_APOSTROPHE.sub(r"\1", text)
    if "- " not in text:
        return text

    def fix(m: re.Match[str]) -> str:
        if m.group(2) in _HYPHEN_KEEP_NEXT:
            return m.group(0)
        return _rejoin_hyphen(m.group(1), m.group(2), vocab, fur)

    return _BROKEN_HYPHEN.sub(fix, text)


# ---------------------------------------------------------------------------------------------
# Public API


def article(
    text: str,
    *,
    keep_captions: bool = False,
    furniture: str | Path | Furniture | None = None,
) -> CleanArticle:
    """Clean one page dump into headline, byline, printed date, body paragraphs and an audit.

    The input may be raw (CRLF, NBSP, zero-width characters, mojibake): it is normalised
    with :func:`newslens.textio.normalise_text` first, which keeps the line count, so audit
    line numbers are raw-file line numbers. Runs in time linear in the length of the text.

    Args:
        text: the page dump.
        keep_captions: keep image captions as body paragraphs (one copy of a repeated
            caption); by default they go to the audit with reason ``caption``.
        furniture: path to a YAML file extending ``data/furniture.yml`` (see that file for
            the format), or a :class:`Furniture` from :func:`load_furniture`.

    Returns:
        A :class:`CleanArticle`.

    Raises:
        TypeError: when ``text`` is not a string.

    >>> art = article("Headline of the story here\\n\\nBy Ann Lee\\n\\nIt rained.\\nREAD MORE: Other story")
    >>> art.headline, art.byline, art.body
    ('Headline of the story here', 'Ann Lee', 'It rained.')
    """
    if not isinstance(text, str):
        raise TypeError(
            f"text must be a str (the page dump), got {type(text).__name__}; decode bytes with "
            "newslens.textio.read_text first"
        )
    fur = load_furniture(furniture)
    text = normalise_text(text)
    segs = _split_glued(_segments(text))
    _mark_continuations(segs)
    _apply_rules(segs, fur)
    _propagate_wraps(segs)
    _mark_duplicates(segs)
    headline, byline, published = _top_of_page(segs, fur)
    return _finish(
        segs,
        fur,
        headline=headline,
        byline=byline,
        published=published,
        keep_captions=keep_captions,
    )


def _finish(
    segs: list[_Seg],
    fur: Furniture,
    *,
    headline: str | None,
    byline: str | None,
    published: str | None,
    keep_captions: bool,
) -> CleanArticle:
    removed: list[Removed] = []
    paragraphs: list[str] = []
    lines: list[tuple[int, ...]] = []
    # the page's own spellings decide how a broken hyphenation is re-joined
    vocab = _PageVocab(segs)
    for para in _join(segs):
        text = _join_text(para, vocab, fur)
        reason = None
        if _is_caption(text):
            reason = "caption"
        elif _title_like(text) and not _looks_like_prose(text) and not _BULLET.match(text):
            reason = "title-line"
        if reason is not None:
            for seg in para:
                seg.reason = reason
            continue
        first = para[0]
        m = _AGENCY_DATELINE.match(text) if not paragraphs else None
        if m and len(text) > len(m.group("prefix")) + 20:
            removed.append(Removed(first.line, m.group("prefix").strip(), "dateline"))
            text = text[len(m.group("prefix")) :]
        paragraphs.append(_repair(text, vocab, fur))
        lines.append((first.line,) if len(para) == 1 else tuple([s.line for s in para]))
    if keep_captions:
        paragraphs, lines = _with_captions(segs, paragraphs, lines, vocab, fur)
    # segments are in line order, so the audit is too; only a dateline prefix cut from the
    # first paragraph needs its place, before the lines with the same number (a stable sort)
    prefix = removed.pop() if removed else None
    skip = "caption" if keep_captions else None
    for seg in segs:
        if seg.reason is not None and seg.reason != skip:
            removed.append(_removed(seg.line, seg.text, seg.reason))
    if prefix is not None:
        removed.insert(bisect.bisect_left(removed, prefix.line, key=_LINE), prefix)
    return CleanArticle(
        headline=headline,
        byline=byline,
        published=published,
        paragraphs=paragraphs,
        removed=removed,
        paragraph_lines=lines,
    )


_LINE = operator.attrgetter("line")
_new = object.__new__


def _removed(line: int, text: str, reason: str) -> Removed:
    """``Removed(line, text, reason)`` in a third of the time the frozen dataclass's
    ``__init__`` takes (which sets each field through ``object.__setattr__``); a page has
    dozens of removed lines.

    >>> _removed(7, "Share", "chrome") == Removed(7, "Share", "chrome")
    True
    """
    r = _new(Removed)
    d = r.__dict__
    d["line"], d["text"], d["reason"] = line, text, reason
    return r


def _with_captions(
    segs: list[_Seg],
    paragraphs: list[str],
    lines: list[tuple[int, ...]],
    vocab: _PageVocab,
    fur: Furniture,
) -> tuple[list[str], list[tuple[int, ...]]]:
    """Merge caption segments back into the body at their page position."""
    items = list(zip(lines, paragraphs, strict=True))
    for seg in segs:
        if seg.reason == "caption":
            items.append(((seg.line,), _repair(seg.text, vocab, fur)))
    items.sort(key=lambda item: item[0])
    return [p for _, p in items], [ls for ls, _ in items]


_DISPLAY_CLASSES = (
    "standfirst",
    "subhead",
    "sub-head",
    "subheadline",
    "dek",
    "strapline",
    "article__summary",
    "article-summary",
)
_PRUNE_XPATH = [
    "//*[" + " or ".join(f"contains(@class, '{c}')" for c in _DISPLAY_CLASSES) + "]",
]


def html(
    page: str,
    *,
    keep_captions: bool = False,
    furniture: str | Path | Furniture | None = None,
) -> CleanArticle:
    """Clean an HTML page: trafilatura extracts the article offline, then the line rules apply.

    Headline, byline and date come from the page's metadata as read by trafilatura
    (Barbaresi 2021, "Trafilatura: A Web Scraping Library and Command-Line Tool for Text
    Discovery and Extraction", ACL demo), falling back to the line rules. Nothing is fetched.
    Audit line numbers refer to lines of the extracted text, not of the HTML source.

    Args:
        page: the HTML source.
        keep_captions: as in :func:`article`.
        furniture: as in :func:`article`.

    >>> doc = "<html><body><article><h1>Troops weep on camera</h1><p>He denied the claim.</p></article></body></html>"
    >>> html(doc).paragraphs
    ['He denied the claim.']
    """
    if not isinstance(page, str):
        raise TypeError(
            f"page must be a str of HTML, got {type(page).__name__}; decode the bytes first"
        )
    fur = load_furniture(furniture)
    if not page.strip():
        return article("", keep_captions=keep_captions, furniture=fur)
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    page = normalise_text(page)
    options = dict(
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    # Display copy marked up by class (standfirst, dek, subhead) is dropped before extraction;
    # if that leaves nothing, the page's markup was unusual: extract without pruning.
    doc = trafilatura.bare_extraction(page, prune_xpath=_PRUNE_XPATH, **options)
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        doc = trafilatura.bare_extraction(page, **options)
    doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else doc
    if not doc or not (doc.get("text") or "").strip():
        return CleanArticle(None, None, None, [], [], [])
    # trafilatura separates paragraphs with one newline; the line rules expect page-dump lines,
    # where a blank line separates paragraphs, so extracted line k becomes line 2k - 1 here.
    text = "\n\n".join(doc["text"].split("\n"))
    art = article(text, keep_captions=keep_captions, furniture=fur)
    meta_title = _SPACES.sub(" ", doc.get("title") or "").strip() or None
    meta_author = _SPACES.sub(" ", doc.get("author") or "").strip() or None
    meta_date = doc.get("date") or ""
    removed = [Removed((r.line + 1) // 2, r.text, r.reason) for r in art.removed]
    paragraphs, lines = [], []
    for para, ls in zip(art.paragraphs, art.paragraph_lines, strict=True):
        # the extractor may repeat the headline (from <title>/<h1>) as the first text line
        if meta_title and _match_key(para) == _match_key(meta_title):
            removed.append(Removed((ls[0] + 1) // 2, para, "headline"))
            continue
        paragraphs.append(para)
        lines.append(tuple((n + 1) // 2 for n in ls))
    removed.sort(key=lambda r: r.line)
    byline = art.byline
    if meta_author:
        byline = re.sub(r"^by\s+", "", meta_author, flags=re.I)
    return CleanArticle(
        headline=meta_title or art.headline,
        byline=byline,
        published=meta_date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta_date) else art.published,
        paragraphs=paragraphs,
        removed=removed,
        paragraph_lines=lines,
    )


# ---------------------------------------------------------------------------------------------
# Evaluation

_EVAL_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def token_f1(predicted: str, gold: str) -> tuple[float, float, float]:
    """Token-level precision, recall and F1 of a cleaned body against a gold body.

    Bag-of-words overlap of lower-cased word tokens (multisets), the measure of the CleanEval
    shared task (Baroni et al. 2008, "CleanEval: a competition for cleaning web pages", LREC)
    and of SQuAD's answer F1 (Rajpurkar et al. 2016, EMNLP): with ``c`` the size of the
    multiset intersection, ``P = c / |pred|``, ``R = c / |gold|``, ``F1 = 2PR / (P + R)``.
    Two empty texts score 1.0; one empty text against a non-empty one scores 0.0.

    >>> token_f1("He denied the claim.", "He denied the claim")
    (1.0, 1.0, 1.0)
    >>> token_f1("a b", "a b c d")
    (1.0, 0.5, 0.6666666666666666)
    """
    from collections import Counter

    p = Counter(t.lower() for t in _EVAL_TOKEN.findall(predicted))
    g = Counter(t.lower() for t in _EVAL_TOKEN.findall(gold))
    if not p and not g:
        return 1.0, 1.0, 1.0
    common = sum((p & g).values())
    if common == 0:
        return 0.0, 0.0, 0.0
    precision = common / sum(p.values())
    recall = common / sum(g.values())
    return precision, recall, 2 * precision * recall / (precision + recall)
