"""Who is quoted, how, and for which side: speaker, reporting verb and speaker group of quotes.

The quote spans come from :func:`newslens.segment.quotes`; this module attributes them. It is
rule-based, in the tradition of the quote extractors of the Gender Gap Tracker (Asr et al. 2021,
*PLOS ONE* 16(1): e0245533) and of Pouliquen et al. (2007), "Automatic detection of quotations
in multilingual news" (RANLP): a reporting verb near the quote, its subject as the speaker,
pronouns resolved to the most recent compatible person (a salience heuristic after Lappin &
Leass 1994: same sentence first, then the subject of earlier sentences), and runs of quote
paragraphs continuing the last speaker. Every decision is kept as evidence (``rule``,
``evidence``, ``group_cue``, ``speech_cue``) so a reader can check it.

Lexicons are data files users can edit: ``data/roles.yml`` (role words -> speaker groups,
nationality cues, titles, gendered words) and ``data/reporting_verbs.yml`` (verbs, neutral or
loaded).

>>> from newslens import quotes, segment
>>> paragraphs = ['Kyiv Mayor Vitali Klitschko said: "We will fight."']
>>> a = quotes.attribute(paragraphs, segment.quotes(paragraphs))[0]
>>> a.speaker_canonical, a.verb, a.verb_class, a.group
('Vitali Klitschko', 'say', 'neutral', 'ukrainian official')
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, islice
from operator import attrgetter
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple, Protocol

import pandas as pd
import yaml

from newslens.paths import PACKAGE_DATA
from newslens.segment import QuoteSpan

ROLES_FILE = PACKAGE_DATA / "roles.yml"
VERBS_FILE = PACKAGE_DATA / "reporting_verbs.yml"

# A quote this short (in words) counts as speech only when a reporting verb governs it:
# one-to-four-word quotes are where scare quotes and titles live (Mail: 'annexing', 'refugees').
SHORT_QUOTE_WORDS = 4
# How far (in words) a labelling verb ("branded it ...") may sit before the quote it labels.
LABEL_WINDOW = 8
# How many words may sit between a quote and a following "he said" / "Mr X wrote".
AFTER_WINDOW = 6
# How many earlier sentences a pronoun may look back for its antecedent.
LOOKBACK_SENTENCES = 8

PLACEHOLDER = "\u2591"  # masks quote interiors: never a letter, digit or punctuation


class QuoteSpanLike(Protocol):
    """What :func:`attribute` needs from a quote span (``segment.QuoteSpan`` has it)."""

    quote_id: int
    start: int
    end: int
    paragraph_start: int
    paragraph_end: int


# Hand-made spans (tests, rebuilding spans from the quotes table) use segment's own class.
Span = QuoteSpan


@dataclass(frozen=True)
class Attribution:
    """Who said a quote and how.

    Attributes:
        quote_id: the span's id.
        speaker: the speaker as the article names them (a pronoun is replaced by the name or
            description it refers to), or None when no speaker was found.
        speaker_canonical: the same person under one name within the article (the fullest
            form of the name; for unnamed speakers the role, e.g. ``soldier``), or None.
        mention: the words of the attribution that name the speaker (``he``, ``Mr Kyrylenko``).
        verb: reporting verb lemma (``say``, ``claim``), or None.
        verb_text: the verb as written (``said``, ``laid the blame``).
        verb_class: ``neutral`` or ``loaded`` (from the verb lexicon), or None.
        role: the role word that places the speaker (``soldier``, ``mayor``), or None.
        role_group: ``combatant``, ``official``, ``civilian``, ... or None.
        side: ``ukrainian``, ``russian``, ``western`` ... or None.
        group: ``"<side> <role_group>"`` (or just the role group), ``unknown`` without one.
        group_cue: which words set the group, and where they were found.
        is_speech: False for scare quotes, titles and lyrics.
        speech_cue: why the quote is (not) speech.
        rule: which attribution rule fired (``verb-before``, ``verb-after``, ``continuation``...).
        evidence: the sentence(s) that carry the attribution, as printed.
    """

    quote_id: int
    speaker: str | None
    speaker_canonical: str | None
    mention: str | None
    verb: str | None
    verb_text: str | None
    verb_class: str | None
    role: str | None
    role_group: str | None
    side: str | None
    group: str
    group_cue: str
    is_speech: bool
    speech_cue: str
    rule: str
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (JSON-able)."""
        # = dataclasses.asdict(self): the fields are plain scalars, so a copy of the instance
        # dict (which holds exactly the fields, in order) is the same.
        return dict(self.__dict__)


# ---------------------------------------------------------------------------------------------
# Lexicons


@dataclass(frozen=True)
class Roles:
    """The role lexicon, compiled (see ``data/roles.yml`` for the format)."""

    words: dict[str, tuple[str, str, str]]  # surface form -> (role, role group, "sg"/"pl")
    pattern: _Phrases
    collective: frozenset[str]
    sides: dict[str, str]
    side_pattern: _Phrases
    titles: dict[str, str | None]
    title_pattern: re.Pattern[str]
    gender: dict[str, str]
    prior_groups: frozenset[str]
    not_person: frozenset[str]
    source: str
    # known public figures: lower-case full name or surname -> (role, side)
    people: dict[str, tuple[str, str]] = field(default_factory=dict)
    # what _name_mentions found in each capitalised run seen so far (runs recur: names, "The")
    name_runs: dict[tuple[str, bool], _NameInRun | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    # the letters each title starts with ("deputy prime minister" -> "deputy"); None when a
    # title does not start with an ASCII letter (then every word is tried against title_pattern)
    title_words: frozenset[str] | None = field(default=None, repr=False, compare=False)
    # the side each cue names (_side_of), as it recurs
    side_of: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Verbs:
    """The reporting-verb lexicon, compiled (see ``data/reporting_verbs.yml``)."""

    forms: dict[str, tuple[str, str, bool]]  # surface form -> (lemma, class, labels)
    pattern: _Phrases
    source: str


_PHRASE_TOKEN = re.compile(r"\w[\w\-]*(?:\.\w+)*")


class _Hit:
    """A phrase match, with the ``start()/end()/group()`` of a regex match."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start : self._end]


# How many lookups on whole short strings (cues, single words) each lexicon remembers.
_MEMO_SIZE = 20_000
_MISSING = object()
_WORD_CHAR = re.compile(r"\w")


class _Phrases:
    """Whole-word phrase lookup by first word: the lexicons hold hundreds of phrases, and one big
    regex alternation tried at every character is far slower than a dict lookup per word.
    Longest phrase first ("prime minister" before "minister"); words of a phrase may be
    separated by any whitespace. Offers the ``finditer/match/search/fullmatch`` used here.

    Text is split into words by :class:`_Tokens`; an article is tokenised once and its lookups
    go through that object. Lookups on a whole short string (``search(cue)``,
    ``fullmatch(word)``) are remembered per lexicon, as the same cues and words recur.
    """

    def __init__(self, phrases: Sequence[str], *, ignore_case: bool) -> None:
        self.ignore_case = ignore_case
        self.index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in set(phrases):
            toks = tuple(self._norm(t) for t in _PHRASE_TOKEN.findall(phrase))
            if toks:
                self.index.setdefault(toks[0], []).append(toks)
        for cands in self.index.values():
            cands.sort(key=lambda t: (-len(t), t))
        # first word -> its phrases of two words or more (tried before the one-word phrase)
        self.longer = {k: [c for c in v if len(c) > 1] for k, v in self.index.items()}
        self.longer = {k: v for k, v in self.longer.items() if v}
        self.one_word = frozenset(k for k, v in self.index.items() if len(v[-1]) == 1)
        self._memo: dict[tuple[bool, str], tuple[int, int] | None] = {}

    def _norm(self, token: str) -> str:
        return token.lower() if self.ignore_case else token

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[_Hit]:
        end = len(text) if endpos is None else endpos
        return _Tokens(text, pos, end).finditer(self, pos, end)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> _Hit | None:
        if pos == 0 and endpos is None:
            return self._remembered(text, search=False)
        end = len(text) if endpos is None else endpos
        return _Tokens(text, pos, end).match(self, pos, end)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> _Hit | None:
        if pos == 0 and endpos is None:
            return self._remembered(text, search=True)
        hits = self.finditer(text, pos, endpos)
        return hits[0] if hits else None

    def fullmatch(self, text: str) -> _Hit | None:
        hit = self.match(text)
        return hit if hit is not None and hit.end() == len(text) else None

    def _remembered(self, text: str, *, search: bool) -> _Hit | None:
        key = (search, text)
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            if _PHRASE_TOKEN.fullmatch(text):
                # One word (a common case: single words and role cues): only a one-word
                # phrase can match it, and all of it.
                found = (0, len(text)) if self._norm(text) in self.one_word else None
            else:
                found = self._lookup(text, search=search)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = found
        return None if found is None else _Hit(text, *found)

    def _lookup(self, text: str, *, search: bool) -> tuple[int, int] | None:
        """The first phrase of a short text (``search``) or the one at its start: the phrase
        starting at the earliest word, longest first."""
        toks = list(_PHRASE_TOKEN.finditer(text))
        norm, index = self._norm, self.index
        for i in range(len(toks) if search else min(len(toks), 1)):
            if not search and toks[0].start() != 0:
                return None
            for cand in index.get(norm(toks[i].group()), ()):
                n = len(cand)
                if i + n <= len(toks) and all(
                    norm(toks[i + j].group()) == cand[j]
                    and text[toks[i + j - 1].end() : toks[i + j].start()].isspace()
                    for j in range(1, n)
                ):
                    return toks[i].start(), toks[i + n - 1].end()
        return None


_ONE_WORD = [1]


class _Tokens:
    """The ``_PHRASE_TOKEN`` words of ``text[pos:endpos]``, and where each lexicon's phrases
    start among them (found once per lexicon).

    A lookup in a range ``[a, b)`` of the text answers as a fresh tokenisation of that range
    would: a regex token never depends on the text to its left, so the words inside the range
    are the same ones unless a word straddles ``a`` or ``b``; only then (rare) is the range
    tokenised afresh.
    """

    __slots__ = ("_found", "_low", "ends", "raw", "starts", "text")

    def __init__(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        self.text = text
        found = list(_PHRASE_TOKEN.finditer(text, pos, len(text) if endpos is None else endpos))
        self.starts = list(map(re.Match.start, found))
        self.ends = list(map(re.Match.end, found))
        self.raw = [m.group() for m in found]
        self._low: list[str] | None = None
        self._found: dict[_Phrases, tuple[list[int], dict[int, list[int]]]] = {}

    def _phrase_starts(self, phrases: _Phrases) -> tuple[list[int], dict[int, list[int]]]:
        """(indices of the words where a phrase starts, index -> the lengths of the phrases
        that match there, in the order ``_Phrases`` tries them)."""
        found = self._found.get(phrases)
        if found is not None:
            return found
        if phrases.ignore_case:
            if self._low is None:
                self._low = list(map(str.lower, self.raw))
            toks = self._low
        else:
            toks = self.raw
        index, longer = phrases.index, phrases.longer
        # (= [i for i, t in enumerate(toks) if t in index], without a Python step per word)
        where = list(compress(range(len(toks)), map(index.__contains__, toks)))
        lengths: dict[int, list[int]] = dict.fromkeys(where, _ONE_WORD)
        if longer:
            text, starts, ends = self.text, self.starts, self.ends
            n_toks = len(toks)
            dropped = False
            for i in where:
                cands = longer.get(toks[i])
                if cands is None:
                    continue  # one-word phrase only: its first word is all of it
                # Most candidates differ in their second word: compare that first.
                second = toks[i + 1] if i + 1 < n_toks else None
                ns = [
                    n
                    for cand in cands
                    if cand[1] == second
                    and i + (n := len(cand)) <= n_toks
                    and all(
                        toks[i + j] == cand[j] and text[ends[i + j - 1] : starts[i + j]].isspace()
                        for j in range(1, n)
                    )
                ]
                if toks[i] in phrases.one_word:
                    ns.append(1)
                if ns:
                    lengths[i] = ns
                else:
                    del lengths[i]
                    dropped = True
            if dropped:
                where = [i for i in where if i in lengths]
        found = self._found[phrases] = (where, lengths)
        return found

    def finditer(self, phrases: _Phrases, pos: int, endpos: int) -> list[_Hit]:
        """Phrases in ``text[pos:endpos]``, left to right, each word in at most one."""
        starts, ends = self.starts, self.ends
        first = bisect_right(ends, pos)  # the first word ending after pos ...
        last = bisect_left(starts, endpos) - 1  # ... and the last starting before endpos
        if (first < len(starts) and starts[first] < pos) or (last >= 0 and ends[last] > endpos):
            # A word straddles an edge of the range: tokenise the range afresh.
            fresh = _Tokens(self.text, pos, endpos)
            return fresh._scan(phrases, 0, len(fresh.starts) - 1)
        return self._scan(phrases, first, last)

    def finditer_each(
        self, phrases: _Phrases, ranges: Sequence[tuple[int, int]]
    ) -> list[list[_Hit]]:
        """``finditer`` over each of ``ranges`` (in one pass for an article's sentences)."""
        return [self.finditer(phrases, pos, endpos) for pos, endpos in ranges]

    def _scan(self, phrases: _Phrases, first: int, last: int) -> list[_Hit]:
        """Phrases over words ``first..last``, left to right, each word in at most one."""
        where, lengths = self._found.get(phrases) or self._phrase_starts(phrases)
        k = bisect_left(where, first)
        if k == len(where) or where[k] > last:
            return []
        text, starts, ends = self.text, self.starts, self.ends
        out: list[_Hit] = []
        nxt = first
        for j in range(k, len(where)):
            i = where[j]
            if i > last:
                break
            if i < nxt:
                continue
            for n in lengths[i]:
                if i + n - 1 <= last:
                    out.append(_Hit(text, starts[i], ends[i + n - 1]))
                    nxt = i + n
                    break
        return out

    def match(
        self, phrases: _Phrases, pos: int, endpos: int, *, text_start: bool = False
    ) -> _Hit | None:
        """A phrase starting at ``pos`` (not inside a word) and ending by ``endpos``;
        ``text_start``: as if the text began at ``pos`` (a match in a slice starting there)."""
        text, starts = self.text, self.starts
        i = bisect_left(starts, pos)
        if i == len(starts) or starts[i] != pos:
            if not (pos < endpos and pos < len(text) and _WORD_CHAR.match(text, pos)):
                return None  # no word starts at pos
            return _Tokens(text, pos, endpos)._match_at(phrases, pos, 0, text_start=text_start)
        # Words i..last lie inside [pos, endpos); a word over endpos would be cut short there.
        last = bisect_left(starts, endpos) - 1
        cut = last >= 0 and self.ends[last] > endpos
        if cut:
            last -= 1
        if last < i:
            if cut and last + 1 == i:
                return _Tokens(text, pos, endpos)._match_at(phrases, pos, 0, text_start=text_start)
            return None  # endpos <= pos
        if cut:
            cands = phrases.index.get(phrases._norm(self.raw[i]))
            if cands and len(cands[0]) > last - i + 1:
                # The longest phrase could reach the cut word: tokenise the range afresh.
                return _Tokens(text, pos, endpos)._match_at(phrases, pos, 0, text_start=text_start)
        found = self._found.get(phrases)
        if found is None:
            return self._match_at(phrases, pos, i, last=last, text_start=text_start)
        # The lexicon's phrases over the whole text are known: those at word i that end in range.
        if pos > 0 and not text_start and (text[pos - 1].isalnum() or text[pos - 1] == "-"):
            return None
        for n in found[1].get(i, ()):
            if i + n - 1 <= last:
                return _Hit(text, pos, self.ends[i + n - 1])
        return None

    def _match_at(
        self,
        phrases: _Phrases,
        pos: int,
        i: int,
        *,
        last: int | None = None,
        text_start: bool,
    ) -> _Hit | None:
        """The phrase starting with word ``i`` (which must start at ``pos``) and ending by word
        ``last`` (default: the last word), longest first; what ``_Phrases`` matched per word."""
        text, starts, ends, raw = self.text, self.starts, self.ends, self.raw
        if i >= len(starts) or starts[i] != pos:
            return None
        if pos > 0 and not text_start and (text[pos - 1].isalnum() or text[pos - 1] == "-"):
            return None
        norm = phrases._norm
        if last is None:
            last = len(starts) - 1
        for cand in phrases.index.get(norm(raw[i]), ()):
            n = len(cand)
            if i + n - 1 > last:
                continue
            if all(
                norm(raw[i + j]) == cand[j] and text[ends[i + j - 1] : starts[i + j]].isspace()
                for j in range(1, n)
            ):
                return _Hit(text, pos, ends[i + n - 1])
        return None


def _plural(word: str) -> str:
    if " of " in word:  # prisoner of war -> prisoners of war
        head, _, rest = word.partition(" of ")
        return f"{_plural(head)} of {rest}"
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _lexicon_error(source: str, what: str) -> ValueError:
    return ValueError(f"{source}: {what}; see lib/newslens/data/{Path(source).name} for the format")


def _read_yaml(path: Path, *, parameter: str) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{parameter}={str(path)!r}: no such file; pass a YAML lexicon file"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc}); fix the line it names") from exc
    if not isinstance(data, dict):
        raise _lexicon_error(str(path), "the top level must be a mapping")
    return data


@cache
def _roles_cached(path: str, mtime: float) -> Roles:
    data = _read_yaml(Path(path), parameter="roles")
    groups = data.get("groups")
    if not isinstance(groups, dict) or not groups:
        raise _lexicon_error(path, "needs a non-empty 'groups' mapping (role group -> roles)")
    words: dict[str, tuple[str, str, str]] = {}
    for group, roles in groups.items():
        if isinstance(roles, list):
            roles = {str(w): [w] for w in roles}
        if not isinstance(roles, dict):
            raise _lexicon_error(
                path, f"group {group!r} must be a list of words or a mapping role -> words"
            )
        for role, synonyms in roles.items():
            if not isinstance(synonyms, list) or not synonyms:
                raise _lexicon_error(
                    path, f"role {role!r} in group {group!r} needs a list of words"
                )
            for w in synonyms:
                w = str(w).lower().strip()
                words.setdefault(w, (str(role), str(group), "sg"))
                words.setdefault(_plural(w), (str(role), str(group), "pl"))
    sides: dict[str, str] = {}
    for side, cues in (data.get("sides") or {}).items():
        for cue in cues or []:
            sides[str(cue).lower()] = str(side)
    titles = {
        str(k).lower(): (None if v is None else str(v))
        for k, v in (data.get("titles") or {}).items()
    }
    gender: dict[str, str] = {}
    for g, ws in (data.get("gender") or {}).items():
        for w in ws or []:
            gender[str(w).lower()] = str(g)
    people: dict[str, tuple[str, str]] = {}
    for name, entry in (data.get("people") or {}).items():
        if not isinstance(entry, dict) or "role" not in entry or "side" not in entry:
            raise _lexicon_error(
                path,
                f"people: {name!r} needs 'role' and 'side' (e.g. {{role: president, side: russian}})",
            )
        role = str(entry["role"]).lower()
        if role not in words:
            raise _lexicon_error(
                path, f"people: {name!r}: role {role!r} is not a role word of 'groups'"
            )
        for key in {str(name).lower(), str(name).lower().split()[-1]}:
            people[key] = (role, str(entry["side"]))
    return Roles(
        people=people,
        words=words,
        pattern=_Phrases(list(words), ignore_case=True),
        collective=frozenset(str(c).lower() for c in data.get("collective") or []),
        sides=sides,
        side_pattern=_Phrases(list(sides), ignore_case=True),
        titles=titles,
        title_words=_title_words(titles),
        title_pattern=re.compile(
            r"(?:(?:"
            + "|".join(
                re.escape(t).replace(r"\ ", r"\s+") for t in sorted(titles, key=len, reverse=True)
            )
            + r")\.?\s+)+",
            re.IGNORECASE,
        )
        if titles
        else re.compile(r"(?!)"),
        gender=gender,
        prior_groups=frozenset(str(g) for g in data.get("side_prior_groups") or []),
        not_person=frozenset(str(w).lower() for w in data.get("not_person_heads") or []),
        source=path,
    )


def _file_mtime(p: Path) -> float | None:
    """The mtime of ``p`` if it is a regular file, with one stat (None: let the caller's
    ``is_file`` check decide, and raise what it raises)."""
    try:
        st = p.stat()
    except (OSError, ValueError):
        return None
    return st.st_mtime if S_ISREG(st.st_mode) else None


_ASCII_LETTERS = re.compile(r"[A-Za-z]+")


def _title_words(titles: dict[str, str | None]) -> frozenset[str] | None:
    words = [_ASCII_LETTERS.match(t) for t in titles]
    return frozenset(w.group() for w in words) if all(words) else None


def _title_at(roles: Roles, text: str, pos: int, end: int) -> re.Match[str] | None:
    """``roles.title_pattern.match(text, pos, end)``, tried only where a title can start.

    A title match begins with the letters its title starts with, then a non-letter (".", a
    space, "-"): so the ASCII letters at ``pos`` are one of ``roles.title_words``, unless a
    character that folds to an ASCII letter (_FOLDS_TO_ASCII) is among or right after them.
    """
    if roles.title_words is not None:
        word = _ASCII_LETTERS.match(text, pos, end)
        after = word.end() if word else pos
        if not (after < end and _FOLDS_TO_ASCII.match(text, after)):
            if word is None or word.group().lower() not in roles.title_words:
                return None
    return roles.title_pattern.match(text, pos, end)


def load_roles(path: str | Path | None = None) -> Roles:
    """Load the role lexicon (cached; reloaded when the file changes).

    Args:
        path: a YAML file in the format of ``data/roles.yml``; None = the shipped one.

    >>> load_roles().words["troops"]
    ('soldier', 'combatant', 'pl')
    """
    p = Path(path).expanduser().resolve() if path is not None else ROLES_FILE
    mtime = _file_mtime(p)
    if mtime is None:
        if not p.is_file():
            raise FileNotFoundError(
                f"roles={str(path)!r}: no such file; pass a YAML file like {ROLES_FILE}"
            )
        mtime = p.stat().st_mtime
    return _roles_cached(str(p), mtime)


def _verb_forms(lemma: str) -> list[str]:
    """Regular inflections of a one-word verb (say: says, sayed ...; the lexicon lists irregulars)."""
    forms = {lemma}
    if lemma.endswith(("s", "x", "ch", "sh", "o")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    stem = lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms.add(lemma[:-1] + "ied")
    else:
        forms.add(stem + "ed" if not lemma.endswith("e") else lemma + "d")
    forms.add(stem + "ing")
    # Consonant doubling (slam -> slammed, admit -> admitted); generating both spellings is
    # harmless, and cheaper than knowing where the stress falls.
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma):
        forms.update({lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"})
    return sorted(forms)


@cache
def _verbs_cached(path: str, mtime: float) -> Verbs:
    data = _read_yaml(Path(path), parameter="verbs")
    entries = data.get("verbs")
    if not isinstance(entries, dict) or not entries:
        raise _lexicon_error(
            path, "needs a non-empty 'verbs' mapping (lemma -> {class: neutral|loaded})"
        )
    forms: dict[str, tuple[str, str, bool]] = {}
    for lemma, spec in entries.items():
        spec = spec or {}
        cls = spec.get("class")
        if cls not in ("neutral", "loaded"):
            raise _lexicon_error(
                path, f"verb {lemma!r} needs class: neutral or class: loaded, got {cls!r}"
            )
        lemma = str(lemma).lower()
        listed = [str(f).lower() for f in spec.get("forms") or []]
        surface = listed + ([lemma] if " " in lemma else _verb_forms(lemma))
        if " " not in lemma:
            surface += _verb_forms(lemma)
        for f in surface:
            forms.setdefault(f, (lemma, cls, bool(spec.get("labels", False))))
    # Case-sensitive on purpose: reporting verbs are lower-case inside a sentence, and this keeps
    # "State Emergency Service" or "Post" in a name from reading as verbs.
    return Verbs(forms=forms, pattern=_Phrases(list(forms), ignore_case=False), source=path)


def load_verbs(path: str | Path | None = None) -> Verbs:
    """Load the reporting-verb lexicon (cached; reloaded when the file changes).

    Args:
        path: a YAML file in the format of ``data/reporting_verbs.yml``; None = the shipped one.

    >>> load_verbs().forms["slammed"]
    ('slam', 'loaded', False)
    """
    p = Path(path).expanduser().resolve() if path is not None else VERBS_FILE
    mtime = _file_mtime(p)
    if mtime is None:
        if not p.is_file():
            raise FileNotFoundError(
                f"verbs={str(path)!r}: no such file; pass a YAML file like {VERBS_FILE}"
            )
        mtime = p.stat().st_mtime
    return _verbs_cached(str(p), mtime)


# ---------------------------------------------------------------------------------------------
# Sentences over the masked body

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen lt col sgt capt maj rev prof no vs etc jr sr inc ltd co u.s u.k e.g i.e".split()
)
_STOP_END = re.compile(r"[.!?\u2026]+[)\]]?(?=\s|$)")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019\-]*|\d[\d,.]*")
_NOT_NEWLINE = re.compile(r"[^\n]")
_NON_SPACE = re.compile(r"\S")
_STOP_CHAR = re.compile(r"[.!?\u2026]")
# ([\w.]+)$ searched in a text is this matched on the text reversed (group 1 reversed).
_LAST_WORD_REVERSED = re.compile(r"\n?([\w.]+)")


class _Sentence(NamedTuple):
    start: int
    end: int
    paragraph: int


def spans_of(rows: pd.DataFrame) -> list[QuoteSpan]:
    """The quote spans of one article's rows of the ``quotes`` table, in ``quote_id`` order
    (what :func:`attribute` takes; no method, a conversion).

    >>> import newslens
    >>> c = newslens.load_corpus()
    >>> first = c.quotes[c.quotes.article_id == c.quotes.article_id.iloc[0]]
    >>> [s.quote_id for s in spans_of(first)][:3]
    [0, 1, 2]
    """
    return [
        Span(
            int(r.quote_id),
            int(r.start),
            int(r.end),
            str(r.text),
            int(r.paragraph_start),
            int(r.paragraph_end),
            str(r.mark),
        )
        for r in rows.sort_values("quote_id").itertuples(index=False)
    ]


def mask_quotes(body: str, spans: Sequence[QuoteSpanLike]) -> str:
    """The body with every quote span (marks included) replaced by a placeholder character.

    Offsets are unchanged, so a match in the masked text is a match in the body; words inside
    quotes can never be taken for the attribution around them.

    >>> mask_quotes('He said: "Go home."', [Span(0, 9, 19, "Go home.", 0, 0, '"')])
    'He said: ░░░░░░░░░░'
    """
    if not all(0 <= s.start <= s.end <= len(body) for s in spans):
        # Offsets outside the body keep the indexing of a character list (negative wraps).
        chars = list(body)
        for s in spans:
            for i in range(s.start, s.end):
                if chars[i] != "\n":
                    chars[i] = PLACEHOLDER
        return "".join(chars)
    # Mask the union of the spans, a slice at a time (overlaps mask the same characters).
    out: list[str] = []
    done = 0
    for a, b in sorted((s.start, s.end) for s in spans):
        a = max(a, done)
        if b <= a:
            continue
        inner = body[a:b]
        out += (
            body[done:a],
            _NOT_NEWLINE.sub(PLACEHOLDER, inner) if "\n" in inner else PLACEHOLDER * (b - a),
        )
        done = b
    out.append(body[done:])
    return "".join(out)


def _sentences(
    body: str, masked: str, spans: Sequence[QuoteSpanLike], verbs: Verbs
) -> list[_Sentence]:
    """Sentences of the masked body; a quote never splits a sentence it sits in.

    A dedicated splitter (not ``segment.sentences``) because attribution needs the sentence
    *around* a quote: ``"It's over. We lost," he said.`` is one attribution unit here.
    """
    ends_inside = {
        s.end
        for s in spans
        if body[s.start : s.end].rstrip("\"'\u201d\u2019 ").endswith((".", "!", "?", "\u2026"))
    }
    out: list[_Sentence] = []
    pos = 0
    quote_ends = sorted(ends_inside)
    # Only a stop character or the end of a quote can end a sentence.
    stop_chars = list(map(re.Match.start, _STOP_CHAR.finditer(masked)))
    for p, para in enumerate(masked.split("\n\n")):
        p_start, p_end = pos, pos + len(para)
        cut = p_start
        stops = stop_chars[bisect_left(stop_chars, p_start) : bisect_left(stop_chars, p_end)]
        k, k_end = bisect_left(quote_ends, p_start), bisect_left(quote_ends, p_end)
        if k < k_end:
            stops = sorted({*stops, *quote_ends[k:k_end]})
        for i in stops:
            boundary = False
            if i in ends_inside and masked[i - 1] == PLACEHOLDER:
                # (the first character of masked[i:p_end].lstrip())
                nxt = _NON_SPACE.search(masked, i, p_end)
                first = nxt.group() if nxt else ""
                if first.isupper() or first == PLACEHOLDER:
                    # "...home." Maxim said  keeps going; "...home." They were seen  does not.
                    head = " ".join(
                        w.group() for w in islice(_WORD.finditer(masked, nxt.start(), p_end), 5)
                    )
                    boundary = not verbs.pattern.search(head)
            elif masked[i] in ".!?\u2026" and (i + 1 == p_end or masked[i + 1].isspace()):
                # (_LAST_WORD_REVERSED on masked[cut:i], read over its last 40 characters)
                lo = max(cut, i - 40)
                word = _LAST_WORD_REVERSED.match(masked[lo:i][::-1])
                if word is not None and lo > cut and word.end() == i - lo:
                    word = _LAST_WORD_REVERSED.match(masked[cut:i][::-1])
                nxt = _NON_SPACE.search(masked, i + 1, p_end)
                nxt = nxt.group() if nxt else ""
                last = word.group(1)[::-1] if word is not None else ""
                abbrev = word is not None and (
                    last.lower().rstrip(".") in _ABBREVIATIONS
                    or (len(last) == 1 and "A" <= last <= "Z")  # (fullmatch [A-Z])
                )
                boundary = (
                    not abbrev
                    and bool(nxt)
                    and (nxt[0].isupper() or nxt[0] in PLACEHOLDER + "\"'\u201c\u2018[(")
                )
                if boundary:
                    i += 1
            if boundary and _NON_SPACE.search(masked, cut, i):  # (masked[cut:i].strip())
                out.append(_Sentence(cut, i, p))
                cut = i
        if _NON_SPACE.search(masked, cut, p_end):
            out.append(_Sentence(cut, p_end, p))
        pos = p_end + 2
    return out


# ---------------------------------------------------------------------------------------------
# Mentions of people


_START = attrgetter("start")


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    sentence: int
    kind: str  # "name", "role", "pronoun", "group-pronoun"
    text: str
    name: str | None = None  # normalised name for kind == "name"
    role: str | None = None
    role_group: str | None = None
    number: str = "sg"
    gender: str | None = None
    profile: list[tuple[str, str]] = field(default_factory=list)  # (cue text, where)
    collective: bool = False
    looks_personal: bool = False
    referent: _Mention | None = None  # for pronouns and anaphoric descriptions, once resolved


_NAME_TOKEN = r"[A-Z][\w\u2019']*(?:-\s?[\w\u2019']+)*\.?"
_NAME_RUN = re.compile(
    _NAME_TOKEN + r"(?:\s+(?:" + _NAME_TOKEN + r"|of\s+the|of|de|van|von|bin|al)(?![\w\-]))*"
)
_POSSESSIVE = re.compile(r"['\u2019]s$")
_PRONOUNS = {"he": ("sg", "male"), "she": ("sg", "female"), "they": ("pl", None)}
_GROUP_PRONOUNS = frozenset({"one", "another"})
_DETERMINERS = frozenset(
    "a an the one another this that these those his her their its our some several".split()
)


@cache
def _stop_capitals() -> frozenset[str]:
    # Function words that are capitalised only because they start a sentence.
    from newslens import segment

    return frozenset(segment.stopwords()) | frozenset(
        "one another during earlier meanwhile elsewhere today yesterday speaking however read "
        "following according in on at after before since with and but so".split()
    )


_BROKEN_HYPHEN = re.compile(r"(?<=[a-z])-\s+(?=[a-z])")
_SPACE_RUN = re.compile(r"\s+")
_SPACES = re.compile(r"\s*")
_RUN_WORD = re.compile(r"(?:[^\s]|-\s(?=[a-z]))+")
_POSSESSIVE_S = re.compile(r"['\u2019]s\b")
_FOLLOWING_WORD = re.compile(r"\s+([A-Za-z]+)")
_NAME_PARTICLES = ("de", "van", "von", "bin", "al")


def _clean_name(text: str) -> str:
    text = _BROKEN_HYPHEN.sub("", text)  # page-broken hyphenation: Dmitrien- ko
    return _SPACE_RUN.sub(" ", text).strip()


def _cue_ends_word(masked: str, mm: re.Match[str] | _Hit | None, pos: int, end: int) -> bool:
    return (
        mm is not None
        and mm.end() > pos
        and (mm.end() == end or not masked[mm.end()].isalnum() or masked[mm.end() - 1].isspace())
    )


# A name found in a capitalised run: (offset in the run, text, normalised name, gender,
# profile, looks personal).
_NameInRun = tuple[int, str, str, str | None, tuple[tuple[str, str], ...], bool]
# How many runs each role lexicon remembers (cleared when full).
_NAME_RUN_MEMO = 20_000


def _name_mentions(
    masked: str,
    s0: int,
    s1: int,
    si: int,
    roles: Roles,
    tokens: _Tokens,
    runs: Sequence[re.Match[str]] | None = None,
) -> list[_Mention]:
    """Capitalised runs in a sentence, split into a profile (titles, roles, sides) and a name.

    "Russian Foreign Minister Sergey Lavrov" -> name "Sergey Lavrov", profile "Russian Foreign
    Minister"; "the Red Cross" is all role words, so no name. ``runs``: the sentence's
    ``_NAME_RUN`` matches when known (:func:`_name_runs`).
    """
    out: list[_Mention] = []
    memo = roles.name_runs
    for m in _NAME_RUN.finditer(masked, s0, s1) if runs is None else runs:
        pos = m.start()
        # What a run holds depends on its text and on whether a word goes on before it.
        key = (m.group(), pos > 0 and (masked[pos - 1].isalnum() or masked[pos - 1] == "-"))
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = _name_in_run(masked, pos, m.end(), roles, tokens)
            if len(memo) >= _NAME_RUN_MEMO:
                memo.clear()
            memo[key] = found
        if found is None:
            continue
        offset, text, name, gender, profile, personal = found
        start = pos + offset
        out.append(
            _Mention(
                start,
                start + len(text),
                si,
                "name",
                text,
                name,
                None,
                None,
                "sg",
                gender,
                list(profile),
                False,
                personal,
            )
        )
    return out


# The characters _NAME_RUN's lookahead (?![\w\-]) rejects.
_NAME_RUN_NEXT = re.compile(r"[\w\-]")


def _name_runs(masked: str, sentences: Sequence[_Sentence]) -> list[list[re.Match[str]] | None]:
    r"""``list(_NAME_RUN.finditer(masked, s.start, s.end))`` for each sentence, from one scan of
    the whole text (None: scan that sentence alone).

    A match attempt at a position inside a sentence reads the text past the sentence's end only
    if its match runs over that end, or at the lookahead ``(?![\w\-])`` right at the end (which
    sees the end of the text in a scan of the sentence alone). So unless a match of the whole
    text runs over an edge of the sentence, or a ``[\w\-]`` character follows it, the whole
    text's matches that start inside the sentence are the sentence's own (the regex has no
    lookbehind, so where the scan starts does not change a match).
    """
    found = list(_NAME_RUN.finditer(masked))
    starts = list(map(re.Match.start, found))
    out: list[list[re.Match[str]] | None] = []
    for st in sentences:
        s0, s1 = st.start, st.end
        k, k_end = bisect_left(starts, s0), bisect_left(starts, s1)
        if (
            (k and found[k - 1].end() > s0)
            or (k_end > k and found[k_end - 1].end() > s1)
            or _NAME_RUN_NEXT.match(masked, s1)
        ):
            out.append(None)
        else:
            out.append(found[k:k_end])
    return out


def _name_in_run(
    masked: str, pos: int, end: int, roles: Roles, tokens: _Tokens
) -> _NameInRun | None:
    run_start = pos
    stops = _stop_capitals()
    profile: list[tuple[str, str]] = []
    gender = None
    # Strip what precedes the name: function words, titles, role words and side words.
    while pos < end:
        pos = _SPACES.match(masked, pos, end).end()
        hit = _title_at(roles, masked, pos, end)
        if not _cue_ends_word(masked, hit, pos, end):
            hit = tokens.match(roles.pattern, pos, end)
            if not _cue_ends_word(masked, hit, pos, end):
                hit = tokens.match(roles.side_pattern, pos, end)
                if not _cue_ends_word(masked, hit, pos, end):
                    hit = None
        if hit is not None:
            cue = hit.group().strip()
            profile.append((cue, "title"))
            gender = (
                gender or roles.titles.get(cue.lower().rstrip(".")) or roles.gender.get(cue.lower())
            )
            pos = hit.end()
            # "Pentagon's Defense Intelligence Agency": a possessive cue ends the run.
            if _POSSESSIVE_S.match(masked, pos, end):
                pos = end
            continue
        word = _RUN_WORD.match(masked, pos, end)
        if word is None:
            break
        tok = word.group()
        if (
            tok.lower().rstrip(".") in stops
            or (tok.isupper() and len(tok) > 1)
            or not tok[:1].isupper()
        ):
            pos += len(tok)
            continue
        break
    if pos >= end:
        return None
    # The name runs until a word that is not part of a name (a role word, side or possessive).
    name_end = pos
    for w in _RUN_WORD.finditer(masked, pos, end):
        tok = w.group()
        low = tok.lower()
        if roles.pattern.fullmatch(low) is not None or low in roles.sides:
            break
        if not tok[:1].isupper() and low not in _NAME_PARTICLES:
            break
        name_end = w.end()
        if _POSSESSIVE.search(tok):
            break
    text = masked[pos:name_end].rstrip(".,")
    if not text or _POSSESSIVE.search(text) or text.lower() in stops:
        return None
    # "Anna Kovacs" looks like a person's name; "Drama Theatre", "Defense Intelligence Agency"
    # do not (a place or body head word, or a role word right after the run).
    words = text.split()
    follows = _FOLLOWING_WORD.match(masked, pos + len(text), end)
    personal = (
        len(words) >= 2
        and words[-1].lower() not in roles.not_person
        and not (follows and roles.pattern.fullmatch(follows.group(1).lower()))
    )
    return pos - run_start, text, _clean_name(text), gender, tuple(profile), personal


_ROLE_PP = re.compile(r"(?:\s+(?:\w+ly\s+)?(?:of|in|from|at|for|with)\s+[^,.;:\u2591]{1,120})?")
_NEXT_LOWER_WORD = re.compile(r"\s+([a-z]+)\b")
# ((?:[\w\u2019'\-]+\s+){0,4})$ searched in a text is this matched on the text reversed (the
# search would try every start position).
_WORDS_BEFORE_REVERSED = re.compile(r"(?:\s+[\w\u2019'\-]+){0,4}")


def _words_before(text: str, start: int, end: int) -> str:
    r"""What ``((?:[\w\u2019'\-]+\s+){0,4})$`` finds in ``text[start:end]``.

    Read over the last 80 characters, unless the words found, or the space before them, run on
    to the edge of those (then over all of it).
    """
    lo = max(start, end - 80)
    n = _WORDS_BEFORE_REVERSED.match(text[lo:end][::-1]).end()
    if lo > start and (n == end - lo or text[lo : end - n].isspace()):
        n = _WORDS_BEFORE_REVERSED.match(text[start:end][::-1]).end()
    return text[end - n : end]


def _is_modified_noun(word: str, verbs: Verbs) -> bool:
    if word in _stop_capitals() or word in verbs.forms or word.endswith(("ing", "ed", "ly")):
        return False
    return word.endswith("s") and not word.endswith("ss")  # a plural noun follows: a modifier


def _role_mentions(
    masked: str, s0: int, s1: int, si: int, roles: Roles, verbs: Verbs, matches: list[_Hit]
) -> list[_Mention]:
    """Role words in a sentence (``matches``: the role lexicon's hits in it)."""
    out = []
    stops = _stop_capitals()
    words, forms, genders, collective = roles.words, verbs.forms, roles.gender, roles.collective
    n_matches = len(matches)
    for k, m in enumerate(matches):
        m_start, m_end = m._start, m._end
        # "fighter pilot": the last of adjacent role words is the head noun.
        if k + 1 < n_matches and masked[m_end : matches[k + 1]._start].isspace():
            continue
        word = masked[m_start:m_end].lower()
        role, group, number = words[" ".join(word.split())]  # whitespace runs -> " "
        if number == "sg":
            nxt = _NEXT_LOWER_WORD.match(masked, m_end, s1)
            if nxt and _is_modified_noun(nxt.group(1), verbs):
                continue  # "Official estimates", "head teacher": the role word modifies a noun
        # Extend left over determiners, adjectives and side words ("One Russian fighter pilot"),
        # one word and the space after it at a time (words before a role word follow a space).
        start = m_start
        if m_start > s0 and masked[m_start - 1].isspace():
            for w in reversed(_words_before(masked, s0, m_start).split()):
                low = w.lower()
                if low not in _DETERMINERS and (
                    low in stops
                    or low in forms
                    or low.endswith(("ly", "ing"))
                    or any(map(str.isdigit, w))
                ):
                    break
                start -= len(w) + 1
                if low in _DETERMINERS:
                    break
            start = max(s0, start)
        # The profile runs on over a prepositional phrase: "a woman from the Russian town of ...".
        pp = _ROLE_PP.match(masked, m_end, s1)
        out.append(
            _Mention(
                start,
                m_end,
                si,
                "role",
                masked[start:m_end],
                None,
                role,
                group,
                number,
                genders.get(word),
                [(masked[start : pp.end() if pp else m_end], "noun phrase")],
                role in collective,
            )
        )
    return out


_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Oo]ne|[Aa]nother)\b")
# The same, spelled so that each branch starts with a literal (regex then scans for those
# letters only): the \b before a word is "no word character before its first letter".
_PRONOUN_SCAN = re.compile(
    "(?:"
    + "|".join(
        w[0] + r"(?<!\w.)" + w[1:]
        for w in ("He", "he", "She", "she", "They", "they", "One", "one", "Another", "another")
    )
    + r")\b"
)
# (starts, (start, end)) of _PRONOUN over a whole masked body
_PronounSpans = tuple[list[int], list[tuple[int, int]]]


_PRONOUN_WORDS = frozenset(
    ("He", "he", "She", "she", "They", "they", "One", "one", "Another", "another")
)


def _pronouns(masked: str, tokens: _Tokens) -> _PronounSpans:
    """Where _PRONOUN matches in the whole text, found from its words (``tokens``).

    Every match lies inside one word: a word made of letters and digits only matches when it is
    a pronoun; a word with "-" or "." in it ("one-off") is searched.
    """
    raw, starts, ends = tokens.raw, tokens.starts, tokens.ends
    spans: list[tuple[int, int]] = []
    for i in [i for i, t in enumerate(raw) if t in _PRONOUN_WORDS or "-" in t or "." in t]:
        if raw[i] in _PRONOUN_WORDS:
            spans.append((starts[i], ends[i]))
        else:
            spans += [m.span() for m in _PRONOUN_SCAN.finditer(masked, starts[i], ends[i])]
    return [a for a, _ in spans], spans


_LOWER_RUN = re.compile(r"[a-z]*")


def _pronoun_mentions(
    masked: str, s0: int, s1: int, si: int, verbs: Verbs, found: _PronounSpans
) -> list[_Mention]:
    if (s0 == 0 or not _WORD_CHAR.match(masked, s0 - 1)) and not _WORD_CHAR.match(masked, s1):
        # No word runs over the sentence's edges, so its \b are those of the whole text.
        starts, matches = found
        k, stop = bisect_left(starts, s0), bisect_left(starts, s1)
        spans = matches[k:stop]  # (no match runs over s1: a word would)
    else:
        spans = [(s0 + m.start(), s0 + m.end()) for m in _PRONOUN.finditer(masked[s0:s1])]
    out = []
    for a, b in spans:
        word = masked[a:b].lower()
        if word in _GROUP_PRONOUNS:
            after = masked[b:s1].lstrip()
            nxt = _LOWER_RUN.match(after).group()
            # "one says", "another adds:", "Another breaks down" are pronouns; "one video", "One of"
            # are not: the word after a pronoun is a verb (in the lexicon, or ending in -s).
            if (
                not after
                or after[0] in ",:."
                or nxt in verbs.forms
                or (nxt.endswith("s") and nxt not in ("was", "is", "has"))
                or nxt == "who"
            ):
                out.append(_Mention(a, b, si, "group-pronoun", masked[a:b], number="sg"))
            continue
        number, gender = _PRONOUNS[word]
        out.append(_Mention(a, b, si, "pronoun", masked[a:b], None, None, None, number, gender))
    return out


def _sentence_mentions(
    masked: str,
    sent: _Sentence,
    si: int,
    roles: Roles,
    verbs: Verbs,
    tokens: _Tokens,
    pronouns: _PronounSpans,
    role_hits: list[_Hit] | None = None,
) -> list[_Mention]:
    names = _name_mentions(masked, sent.start, sent.end, si, roles, tokens)
    found = names + _pronoun_mentions(masked, sent.start, sent.end, si, verbs, pronouns)
    if role_hits is None:
        role_hits = tokens.finditer(roles.pattern, sent.start, sent.end)
    if not role_hits:
        return sorted(found, key=_START)
    return _with_roles(masked, sent, si, roles, verbs, names, found, role_hits)


def _mentions_by_sentence(
    masked: str,
    sentences: Sequence[_Sentence],
    roles: Roles,
    verbs: Verbs,
    tokens: _Tokens,
    pronouns: _PronounSpans,
    role_hits: list[list[_Hit]],
) -> list[list[_Mention]]:
    """:func:`_sentence_mentions` of every sentence (``role_hits``: the role lexicon's hits in
    each), with the name runs of one scan of the text (:func:`_name_runs`) and no call for a
    sentence without name runs, pronouns or role words."""
    runs = _name_runs(masked, sentences)
    p_starts = pronouns[0]
    word_char = _WORD_CHAR.match
    out: list[list[_Mention]] = []
    for si, st in enumerate(sentences):
        s0, s1 = st.start, st.end
        sr = runs[si]
        names = _name_mentions(masked, s0, s1, si, roles, tokens, sr) if sr is None or sr else []
        if (
            bisect_left(p_starts, s0) < bisect_left(p_starts, s1)
            or (s0 and word_char(masked, s0 - 1))
            or word_char(masked, s1)
        ):
            prons = _pronoun_mentions(masked, s0, s1, si, verbs, pronouns)
            found = names + prons if names else prons
        else:
            found = names  # (no pronoun: none starts inside, and no word runs over an edge)
        hits = role_hits[si]
        if hits:
            out.append(_with_roles(masked, st, si, roles, verbs, names, list(found), hits))
        else:
            # Names and pronouns each come in text order: sort only when both are there.
            out.append(sorted(found, key=_START) if names and found is not names else list(found))
    return out


def _with_roles(
    masked: str,
    sent: _Sentence,
    si: int,
    roles: Roles,
    verbs: Verbs,
    names: list[_Mention],
    found: list[_Mention],
    role_hits: list[_Hit],
) -> list[_Mention]:
    """The mentions of a sentence: its ``names`` and other ``found`` mentions with its role words
    (``role_hits``), a role word next to a name describing that name."""
    for r in _role_mentions(masked, sent.start, sent.end, si, roles, verbs, role_hits):
        # A role word next to a name describes that name ("Kyiv Mayor Vitali Klitschko",
        # "One reconnaissance officer, Vladimir,", "Pavlo Kyrylenko, head of ..."), it is not a
        # second person.
        host = _name_for_role(masked, r, names)
        if host is not None:
            host.profile.append(
                (r.profile[0][0], "appositive" if host.start < r.start else "premodifier")
            )
            host.role, host.role_group = host.role or r.role, host.role_group or r.role_group
            host.gender = host.gender or r.gender
            continue
        # A "name" made of role words ("Military" in "Military sources") is the role.
        found = [n for n in found if not (n.kind == "name" and n.start < r.end and r.start < n.end)]
        found.append(r)
    return sorted(found, key=_START)


_CLOSES = re.compile(r"\s*(?:[,.;:)\u2591\n]|\Z)")
_APPOSITIVE_GAP = re.compile(
    r",\s*(?:\d+,\s*)?(?:an?\s+|the\s+|of\s+(?:the\s+)?(?:[\w\-]+\s+){0,3})?"
)
_PREMODIFIER_GAP = re.compile(r"\s*")
_NAMED_AFTER_GAP = re.compile(r"(?:\s+(?:of|in|at)\s+[^,.;:]*)?\s*,\s*(?:Mr|Mrs|Ms|Dr)?\.?\s*")


def _name_for_role(masked: str, r: _Mention, names: list[_Mention]) -> _Mention | None:
    # Does the role's noun phrase close right after it? (the same for every name)
    closes = None
    for n in names:
        # "Vera Dmitrienko, 40, a nurse" / "Pavlo Kyrylenko, head of": appositive after the name.
        if 0 <= r.start - n.end <= 30 and _APPOSITIVE_GAP.fullmatch(masked[n.end : r.start]):
            if closes is None:
                closes = bool(_CLOSES.match(masked, r.start + len(r.profile[0][0])))
            if closes:
                return n
        if not 0 <= n.start - r.end <= 120:
            continue
        gap_before = masked[r.end : n.start]
        # "Kyiv Mayor Vitali Klitschko", "adoptive mother Vera": premodifier right before the name.
        if n.start - r.end <= 2 and _PREMODIFIER_GAP.fullmatch(gap_before):
            return n
        # "One reconnaissance officer, Vladimir," / "Commander of the ... brigade, Mr Fomenko".
        if _NAMED_AFTER_GAP.fullmatch(gap_before):
            after = masked[n.end : n.end + 3]
            if after.startswith(",") or gap_before.strip(" ,") == "":
                return n
    return None


# ---------------------------------------------------------------------------------------------
# One article: sentences, mentions, coreference


_CLAUSE_SPLIT = re.compile(
    r"\b(?:while|whereas|and|but|as|when|after|before|because|who|which|where|what|that|whom|if|though|although)\b"
    r"|[;:\u2013\u2014]|\s-\s|\u2591+",
    re.IGNORECASE,
)


def _last_sure_cut(text: str) -> int:
    """Where the last ``;:\u2013\u2014`` or placeholder run of ``text`` starts (0 if none).

    No _CLAUSE_SPLIT match can contain one of these other than their own, so scanning
    ``_CLAUSE_SPLIT.finditer(text, pos)`` from there gives the tail of the matches of a scan
    from 0.
    """
    at = max(text.rfind(";"), text.rfind(":"), text.rfind("\u2013"), text.rfind("\u2014"), 0)
    last = text.rfind(PLACEHOLDER)
    if last >= at:
        at = len(text[: last + 1].rstrip(PLACEHOLDER))
    return at


_LEADING_NONWORD = re.compile(r"^\W+")
_BOUNDARY = re.compile(
    r";|\s[\u2013\u2014-]\s|,\s*(?:after|while|whereas|when|as|but|where|which|because|before|since)\b|\bafter\b|\bwhile\b",
    re.IGNORECASE,
)
_TRAILING_AUX = re.compile(
    r"(?:\s+|^)(?:also|later|then|since|again|earlier|previously|has|have|had|reportedly|allegedly|once|would|"
    r"will|did|does|do|just|further|today|yesterday|recently|finally|simply|already|repeatedly|has\s+since|"
    r"went\s+on\s+to|go\s+on\s+to|continued\s+to|this\s+week|last\s+week|tearfully|angrily|bluntly)\s*$",
    re.IGNORECASE,
)
# The last word of every _TRAILING_AUX phrase: the regex can only match a text whose last word
# is one of these (when that word is ASCII, where its case-folding is plain).
_AUX_LAST_WORDS = frozenset(
    "also later then since again earlier previously has have had reportedly allegedly once would "
    "will did does do just further today yesterday recently finally simply already repeatedly to "
    "week tearfully angrily bluntly".split()
)
_LEADING_ADVERBIAL = re.compile(
    r"^\s*(?:(?:And|But|So|Yet|Meanwhile|However|Earlier|Later|Elsewhere|Today|Yesterday)\b,?\s*)*"
    r"(?:(?:In|During|On|At|After|Before|With|Speaking|Since|Following|Elsewhere|Meanwhile|Earlier)\b[^,]*,\s*)?"
)


@dataclass
class _Doc:
    body: str
    masked: str
    paragraphs: list[str]
    sentences: list[_Sentence]
    mentions: list[_Mention]
    by_sentence: list[list[_Mention]]
    spans: list[QuoteSpanLike]
    roles: Roles
    verbs: Verbs
    canonical: dict[str, str]  # normalised name -> canonical name
    person: set[str]  # canonical names that are people
    side_prior: dict[str, tuple[str, int, int]]  # role group -> (side, votes, total)
    tokens: _Tokens  # the words of ``masked``, for lexicon lookups in its ranges
    sentence_starts: list[int]
    names_by_person: dict[str, list[_Mention]] | None = None  # canonical name -> name mentions
    name_genders: dict[str, str] | None = None  # canonical name -> gender (see _gender)
    evidence: dict[int, str] = field(default_factory=dict)  # sentence -> its text, squashed


def _sentence_at(doc: _Doc, offset: int) -> int:
    """The last sentence starting at or before ``offset`` (0 when there is none)."""
    return (bisect_right(doc.sentence_starts, offset) or 1) - 1


def _words_between(text: str) -> int:
    return len(_WORD.findall(text))


def _verb_matches(doc: _Doc, a: int, b: int) -> list[_Hit]:
    return doc.tokens.finditer(doc.verbs.pattern, a, b)


def _build(
    paragraphs: Sequence[str], spans: Sequence[QuoteSpanLike], roles: Roles, verbs: Verbs
) -> _Doc:
    body = "\n\n".join(paragraphs)
    for s in spans:
        if not (0 <= s.start < s.end <= len(body)):
            raise ValueError(
                f"spans: quote {s.quote_id} has offsets {s.start}:{s.end} outside the body "
                f"(length {len(body)}); spans must index '\\n\\n'.join(paragraphs) (use segment.quotes)"
            )
    masked = mask_quotes(body, spans)
    sentences = _sentences(body, masked, spans, verbs)
    tokens = _Tokens(masked)
    pronouns = _pronouns(masked, tokens)
    role_hits = tokens.finditer_each(roles.pattern, [(st.start, st.end) for st in sentences])
    by_sentence = _mentions_by_sentence(
        masked, sentences, roles, verbs, tokens, pronouns, role_hits
    )
    mentions = [m for ms in by_sentence for m in ms]
    doc = _Doc(
        body,
        masked,
        list(paragraphs),
        sentences,
        mentions,
        by_sentence,
        list(spans),
        roles,
        verbs,
        {},
        set(),
        {},
        tokens,
        [st.start for st in sentences],
    )
    _people(doc)
    _side_prior(doc)
    for m in mentions:
        _resolve(doc, m)
    return doc


_BEFORE_VERB = re.compile(
    r"(?:\s*,[^,.;:\u2591]{0,50},)?\s*(?:\w+ly\s+|has\s+|had\s+|have\s+|also\s+)*"
)


def _people(doc: _Doc) -> None:
    """Which names are people, and one canonical name per person (same surname, fullest form)."""
    names = [m for m in doc.mentions if m.kind == "name"]
    person_names: set[str] = set()
    masked, tokens, verb_pattern = doc.masked, doc.tokens, doc.verbs.pattern
    for m in names:
        # A title or role, a name that looks like a person's, or the subject of a reporting verb
        # (looked up only when the others do not already say so).
        if (
            m.role is not None
            or m.looks_personal
            or any(w in ("title", "premodifier", "appositive") for _, w in m.profile)
        ):
            person_names.add(m.name)
            continue
        after = masked[m.end : m.end + 60]
        skip = _BEFORE_VERB.match(after).end()
        # = doc.verbs.pattern.match(after, skip), on the article's words
        if tokens.match(verb_pattern, m.end + skip, m.end + len(after), text_start=skip == 0):
            person_names.add(m.name)
    surnames = {n.split()[-1].lower() for n in person_names}
    for m in names:
        if m.name.split()[-1].lower() in surnames:
            person_names.add(m.name)
    first: dict[str, int] = {}  # name -> where it is first mentioned
    for m in names:
        if m.start < first.get(m.name, m.start + 1):
            first[m.name] = m.start
    by_surname: dict[str, list[str]] = {}
    for n in person_names:
        by_surname.setdefault(n.split()[-1].lower(), []).append(n)
    for same in by_surname.values():
        # Names of one person never tie: two names are never first mentioned at one offset.
        best = max(same, key=lambda n: (len(n.split()), len(n), -first[n]))
        for name in same:
            doc.canonical[name] = best
    doc.person = {doc.canonical[n] for n in person_names}


def _side_of(text: str, roles: Roles) -> str | None:
    memo = roles.side_of
    found = memo.get(text, _MISSING)
    if found is _MISSING:
        m = roles.side_pattern.search(text)
        if m is None:
            found = None
        else:
            key = _SPACE_RUN.sub(" ", m.group().lower())
            # the phrase matcher leaves out a cue's final dot: "U.S." is found as "U.S"
            found = roles.sides.get(key) or roles.sides.get(key + ".")
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[text] = found
    return found


def _side_prior(doc: _Doc) -> None:
    """Per role group, the side most often named with its role words in this article.

    Used when the text gives a speaker no side of their own ("Another officer at the same event"
    in an article about Russian officers). Ties give no side.
    """
    votes: dict[str, Counter[str]] = {}
    roles = doc.roles
    prior_groups = roles.prior_groups
    for m in doc.mentions:
        if m.role_group not in prior_groups:
            continue
        for cue, _ in m.profile:
            side = _side_of(cue, roles)
            if side:
                votes.setdefault(m.role_group, Counter())[side] += 1
    for group, counter in votes.items():
        ranked = counter.most_common()
        total = sum(counter.values())
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            doc.side_prior[group] = (ranked[0][0], ranked[0][1], total)


def _is_person(doc: _Doc, m: _Mention) -> bool:
    if m.kind == "name":
        return doc.canonical.get(m.name, m.name) in doc.person
    if m.kind == "role":
        return not m.collective and m.role_group not in ("organisation",)
    return False


def _target(m: _Mention) -> _Mention:
    while m.referent is not None and m.referent is not m:
        m = m.referent
    return m


def _gender(doc: _Doc, m: _Mention) -> str | None:
    t = _target(m)
    if t.kind == "name":
        if doc.name_genders is None:
            # The gender of each person's first name mention that has one (names' genders no
            # longer change once the article's mentions and people are known).
            doc.name_genders = {}
            for x in doc.mentions:
                if x.kind == "name" and x.gender:
                    doc.name_genders.setdefault(doc.canonical.get(x.name, x.name), x.gender)
        found = doc.name_genders.get(doc.canonical.get(t.name, t.name))
        if found is not None:
            return found
    return t.gender


def _compatible(doc: _Doc, pronoun: _Mention, cand: _Mention) -> bool:
    t = _target(cand)
    if cand.kind in ("pronoun", "group-pronoun") and t is cand:
        return False  # unresolved
    if not _is_person(doc, t):
        return False
    number = (
        "pl" if (t.kind == "role" and t.number == "pl" and cand.kind != "group-pronoun") else "sg"
    )
    if cand.kind == "pronoun":
        number = cand.number
    if number != pronoun.number:
        return False
    g = _gender(doc, cand)
    return pronoun.gender is None or g is None or g == pronoun.gender


_THE = re.compile(r"(?i)the\b")


def _resolve(doc: _Doc, m: _Mention) -> None:
    """Set ``m.referent`` for pronouns, one/another and anaphoric descriptions (in text order).

    Salience after Lappin & Leass (1994): a compatible mention earlier in the same sentence
    (nearest first), else the earliest compatible mention (the subject, usually) of each earlier
    sentence, most recent sentence first.
    """
    if m.kind == "pronoun":
        before = [c for c in doc.by_sentence[m.sentence] if c.end <= m.start]
        for c in reversed(before):
            if _compatible(doc, m, c):
                m.referent = _target(c)
                return
        for si in range(m.sentence - 1, max(-1, m.sentence - 1 - LOOKBACK_SENTENCES), -1):
            for c in doc.by_sentence[si]:
                if _compatible(doc, m, c):
                    m.referent = _target(c)
                    return
    elif m.kind == "group-pronoun":
        m.referent = _group_antecedent(doc, m)
    elif m.kind == "role" and m.number == "sg" and not m.collective and _THE.match(m.text):
        # "the Ukrainian leader" after "Zelensky said ...": the same person, if the roles agree.
        for si in range(m.sentence - 1, max(-1, m.sentence - 1 - 3), -1):
            for c in doc.by_sentence[si]:
                t = _target(c)
                if t.kind == "name" and _is_person(doc, t) and t.role_group in (None, m.role_group):
                    m.referent = t
                    t.profile.append((m.text, "description"))
                    return


def _group_antecedent(doc: _Doc, m: _Mention) -> _Mention | None:
    """The group that "one" / "another" is one of: soldiers in "... soldiers, one says"."""
    for c in reversed([c for c in doc.by_sentence[m.sentence] if c.end <= m.start]):
        if c.kind == "role" and c.number == "pl" and _is_person(doc, c):
            return c
    first = max(0, m.sentence - LOOKBACK_SENTENCES)
    for si in range(m.sentence - 1, first - 1, -1):
        for c in doc.by_sentence[si]:
            if c.kind == "group-pronoun" and c.referent is not None:
                return c.referent
    speaking, plain = None, None
    for si in range(m.sentence - 1, first - 1, -1):
        for c in doc.by_sentence[si]:
            if c.kind == "role" and c.number == "pl" and _is_person(doc, c):
                plain = plain or c
                after = doc.masked[c.end : doc.sentences[si].end]
                if speaking is None and doc.verbs.pattern.search(" ".join(after.split()[:5])):
                    speaking = c
    return speaking or plain


# ---------------------------------------------------------------------------------------------
# Attribution

_TITLE_CUES = re.compile(
    r"\b(?:performance\s+of|song|songs|anthem|album|film|movie|book|novel|poem|play|show|series|titled|"
    r"entitled|headlined|headline|slogan|slogans|banner|banners|placard|placards|sign|hashtag|"
    r"lines|lyrics|sang|sing|sung|singing|chant|chanting|motto|caption|nicknamed|codenamed|operation)\b[^.;\u2591]{0,25}$",
    re.IGNORECASE,
)
_SCARE_CUES = re.compile(
    r"\b(?:so-called|so\s+called|spoke\s+of|spoken\s+of|speaks\s+of|speaking\s+of|talk\s+of|talked\s+of|"
    r"talking\s+of|claims\s+of|claim\s+of|supposed|alleged|self-styled|self-proclaimed|dubious)\s*$",
    re.IGNORECASE,
)


# Every _TITLE_CUES word contains one of these. Case-insensitive matching lets only ASCII
# letters and these four other characters match an ASCII letter (checked in the tests), so
# without them a text matches a cue word only if its lower-case form contains it.
_TITLE_WORDS = re.compile(
    "performance|song|anthem|album|film|movie|book|novel|poem|play|show|series|titled|headline|"
    "slogan|banner|placard|sign|hashtag|lines|lyrics|sang|sing|sung|chant|motto|caption|"
    "nicknamed|codenamed|operation"
)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
# The last word of every _SCARE_CUES phrase.
_SCARE_LAST_WORDS = frozenset("called of supposed alleged styled proclaimed dubious".split())
_LETTERS = re.compile(r"[^\W\d_]*")


def _title_cue(before: str) -> re.Match[str] | None:
    """``_TITLE_CUES.search(before)``, searching only where a match can start.

    Neither ".", ";" nor a quote can be inside a match. A cue word ends at most 26 characters
    from the end and is at most 9 letters long, except "performance<spaces>of": a match starting
    60 or more characters from the end is that phrase with a long space, found by moving back
    over that space and the word before it.
    """
    lo = max(before.rfind("."), before.rfind(";"), before.rfind(PLACEHOLDER)) + 1
    at = len(before) - 60
    if at > lo:
        while at > lo and before[at - 1].isspace():
            at -= 1
        lo = max(lo, at - 12)
    window = before[lo:]
    if not _FOLDS_TO_ASCII.search(window) and not _TITLE_WORDS.search(window.lower()):
        return None  # no cue word in the window, in any case
    return _TITLE_CUES.search(before, lo)


def _scare_cue(before: str) -> re.Match[str] | None:
    """``_SCARE_CUES.search(before)``, skipped when the text's last word rules a match out.

    A match ends with one of _SCARE_LAST_WORDS, then only space: the letters at the end of the
    text are that word (a non-letter precedes it); when they are ASCII, case-folding is plain.
    """
    end = len(before.rstrip())
    last = _LETTERS.match(before[max(0, end - 24) : end][::-1]).group()
    if last.isascii() and last[::-1].lower() not in _SCARE_LAST_WORDS:
        return None
    lo = max(before.rfind("."), before.rfind(";"), before.rfind(PLACEHOLDER)) + 1
    return _SCARE_CUES.search(before, lo)


@dataclass
class _Found:
    verb: _Hit | None = None
    mention: _Mention | None = None
    mention_text: str | None = None
    rule: str = "none"
    sentences: tuple[int, ...] = ()
    governs: bool = False  # a reporting verb governs the quote's clause


def _inner_words(doc: _Doc, span: QuoteSpanLike, *, limit: int = SHORT_QUOTE_WORDS + 1) -> int:
    """Words inside the quote, counted up to ``limit`` (enough to tell a short quote)."""
    return len(list(islice(_WORD.finditer(doc.body, span.start, span.end), limit)))


def _mention_in(doc: _Doc, si: int, a: int, b: int, *, last: bool = True) -> _Mention | None:
    found = [m for m in doc.by_sentence[si] if a <= m.start < b]
    if not found:
        return None
    # A place or title in the region ("a woman from the town of Aleysk") is not the speaker
    # when a person is there too.
    people = [m for m in found if m.kind != "name" or _is_person(doc, m)]
    found = people or found
    if not found:
        return None
    return found[-1] if last else found[0]


_CAPITALISED_TAIL = re.compile(r"(?:[A-Z][\w\u2019'&.\-]*\s*)+$")


def _ad_hoc(doc: _Doc, si: int, a: int, b: int) -> _Mention | None:
    """A speaker the lexicons do not know ("CNN", "Ukraine"): the capitalised words as written."""
    text = doc.masked[a:b]
    m = _CAPITALISED_TAIL.search(text.strip())
    if not m:
        return None
    words = m.group().strip()
    if words.lower() in _stop_capitals():
        return None
    start = a + text.index(words)
    side = _side_of(words, doc.roles)
    mention = _Mention(
        start, start + len(words), si, "other", words, name=words, profile=[(words, "name")]
    )
    if side and words.lower().rstrip("'s\u2019") in doc.roles.sides:
        # A country or capital as speaker ("Ukraine says", "Moscow claimed") speaks as a government.
        mention.role, mention.role_group = "government", "official"
    return mention


def _clause_subject(doc: _Doc, si: int, limit: int) -> _Mention | None:
    st = doc.sentences[si]
    head = doc.masked[st.start : limit]
    skip = _LEADING_ADVERBIAL.match(head)
    a = st.start + (skip.end() if skip else 0)
    first_part = doc.masked[a:limit].split(",")[0]
    m = _mention_in(doc, si, a, a + len(first_part), last=False)
    return m or _mention_in(doc, si, a, limit, last=False)


def _strip_trailing_aux(text: str) -> str:
    """``text`` with _TRAILING_AUX removed from its end until it no longer matches."""
    while True:
        words = text.rsplit(None, 1)
        last = words[-1] if words else ""
        if last.isascii() and last.lower() not in _AUX_LAST_WORDS:
            return text  # nothing for _TRAILING_AUX to strip
        stripped = _TRAILING_AUX.sub("", text)
        if stripped == text:
            return text
        text = stripped


_COMMA_PART = re.compile(r"[^,]+")
_NOT_SUBJECT_PART = re.compile(
    r"(?i)(?:\d|a\b|an\b|the\b|who\b|whose\b|which\b|of\b|from\b|\w+ing\b)"
)
_ARTICLE = re.compile(r"(?i)(?:a|an|the)\b")


def _subject_before(doc: _Doc, si: int, verb: _Hit) -> tuple[_Mention | None, str]:
    """The subject of a reporting verb that precedes its quote."""
    st = doc.sentences[si]
    pre = _strip_trailing_aux(doc.masked[st.start : verb.start()])
    if not pre.strip():
        return None, "no subject"
    # Split into comma parts, walking back over appositives ("Alekseevich, 34,", "X, director of Y,").
    if pre.rstrip().endswith(","):
        if verb.group().endswith("ing"):  # ", adding ...": the subject of the clause
            return _clause_subject(doc, si, verb.start()), "participle"
        parts = [mm.span() for mm in _COMMA_PART.finditer(pre)]
        for a, b in reversed(parts):
            piece = pre[a:b].strip()
            starts_role = (
                doc.roles.pattern.match(piece) is not None
                and not piece[:1].isupper()
                or (
                    doc.roles.pattern.match(piece) is not None
                    and _mention_in(doc, si, st.start + a, st.start + b) is None
                )
            )
            if not piece or starts_role or _NOT_SUBJECT_PART.match(piece):
                if _ARTICLE.match(piece):
                    m = _mention_in(doc, si, st.start + a, st.start + b)
                    if (
                        m is not None
                        and m.kind == "role"
                        and m.text.lower().startswith(("a ", "an "))
                    ):
                        return (
                            m,
                            "appositive subject",
                        )  # "In a clip, a soldier, making a call, says"
                continue
            m = _mention_in(doc, si, st.start + a, st.start + b)
            if m is not None:
                return m, "subject"
            break
        return _clause_subject(doc, si, verb.start()), "clause subject"
    # The clause the verb sits in: after the last clause word, quote or dash.
    cuts = list(_CLAUSE_SPLIT.finditer(pre, _last_sure_cut(pre)))
    tail_start = cuts[-1].end() if cuts else 0
    tail = pre[tail_start:]
    if tail.strip():
        m = _mention_in(doc, si, st.start + tail_start, st.start + len(pre))
        if m is None:
            m = _ad_hoc(doc, si, st.start + tail_start, st.start + len(pre))
        return m, "subject"
    cut = cuts[-1].group().strip().lower() if cuts else ""
    if cut == "who":  # "a woman from Aleysk, who says": the noun phrase before "who"
        return _mention_in(doc, si, st.start, st.start + cuts[-1].start()), "relative clause"
    return _clause_subject(doc, si, verb.start()), "coordinated clause"


_CLAUSE_STOP = re.compile(r"[,.;:]")


def _speaker_after(
    doc: _Doc, si: int, span: QuoteSpanLike, verb: _Hit
) -> tuple[_Mention | None, str]:
    between = doc.masked[span.end : verb.start()]
    if _words_between(between) == 0:
        # Inverted: '"...," said Jane Smith, a spokeswoman' / 'according to officials'.
        end = doc.sentences[si].end
        m = _mention_in(doc, si, verb.end(), end, last=False)
        if m is None:
            stop = _CLAUSE_STOP.search(doc.masked[verb.end() : end])
            m = _ad_hoc(
                doc, si, verb.end(), verb.end() + (stop.start() if stop else end - verb.end())
            )
        return m, "verb-after, inverted"
    m = _mention_in(doc, si, span.end, verb.start())
    return (m or _ad_hoc(doc, si, span.end, verb.start())), "verb-after"


def _introduces_next(doc: _Doc, verb: _Hit, si: int) -> bool:
    """True when the verb opens the next quote (``another adds: "..."``)."""
    rest = doc.masked[verb.end() : doc.sentences[si].end]
    nxt = rest.find(PLACEHOLDER)
    return nxt >= 0 and (":" in rest[:nxt] or _words_between(rest[:nxt]) <= 3)


_FOR = re.compile(r"\s+for\b")


def _find(doc: _Doc, span: QuoteSpanLike, short: bool) -> _Found:
    s_first = _sentence_at(doc, span.start)
    s_last = _sentence_at(doc, span.end - 1)
    intro = doc.masked[doc.sentences[s_first].start : span.start]
    if intro.rstrip().endswith(":"):
        vs = _verb_matches(doc, doc.sentences[s_first].start, span.start)
        if vs and PLACEHOLDER not in doc.masked[vs[-1].end() : span.start]:
            mention, rule = _subject_before(doc, s_first, vs[-1])
            return _Found(
                vs[-1],
                mention,
                None,
                "verb-before colon" + ("" if rule == "subject" else f", {rule}"),
                (s_first,),
                True,
            )
    # 1. '"...," he said' / '"...," said X' right after the quote.
    after = _verb_matches(doc, span.end, doc.sentences[s_last].end)
    for v in after:
        between = doc.masked[span.end : v.start()]
        if (
            PLACEHOLDER not in between
            and _words_between(between) <= AFTER_WINDOW
            and ":" not in between
            and not _BOUNDARY.search(between)
            and not _CLAUSE_SPLIT.search(_LEADING_NONWORD.sub("", between))
            and not _introduces_next(doc, v, s_last)
        ):
            mention, rule = _speaker_after(doc, s_last, span, v)
            return _Found(v, mention, None, rule, (s_last,), True)
        break
    # 2. 'X said: "..."' / 'X branded it "..."' before the quote.
    st = doc.sentences[s_first]
    for v in reversed(_verb_matches(doc, st.start, span.start)):
        between = doc.masked[v.end() : span.start]
        lemma, _, labels = doc.verbs.forms[v.group().lower()]
        if labels and _words_between(between) > LABEL_WINDOW:
            continue
        if labels and lemma == "call" and _FOR.match(between):
            continue  # "called for sanctions" asks, it does not quote
        crossed = bool(_BOUNDARY.search(between.replace(PLACEHOLDER, "")))
        if crossed and short:
            break
        mention, rule = _subject_before(doc, s_first, v)
        return _Found(
            v,
            mention,
            None,
            "verb-before" + ("" if rule == "subject" else f", {rule}"),
            (s_first,),
            not crossed,
        )
    # 3. A verb later in the sentence ("'...' the city council said in a statement").
    for v in after:
        between = doc.masked[span.end : v.start()]
        if (
            PLACEHOLDER not in between
            and _words_between(between) <= 12
            and not _BOUNDARY.search(between)
        ):
            mention, rule = _speaker_after(doc, s_last, span, v)
            return _Found(v, mention, None, "verb-after, far", (s_last,), True)
        break
    # 4. 'He continued:' / 'telling her:' ending the previous sentence of the same paragraph.
    if s_first > 0:
        prev = doc.sentences[s_first - 1]
        if doc.masked[prev.start : prev.end].rstrip().endswith(":"):
            vs = _verb_matches(doc, prev.start, prev.end)
            if vs:
                mention, rule = _subject_before(doc, s_first - 1, vs[-1])
                return _Found(vs[-1], mention, None, "previous sentence", (s_first - 1,), True)
    return _Found(sentences=(s_first,))


def _speech(
    doc: _Doc, span: QuoteSpanLike, found: _Found, short: bool, chained: bool
) -> tuple[bool, str]:
    """Is the quote someone's speech, or a title, lyric or scare quote? (see module docs)."""
    st = doc.sentences[_sentence_at(doc, span.start)]
    before = doc.masked[st.start : span.start]
    cue = _title_cue(before)
    if cue:
        return False, f"title or lyrics cue: {cue.group().strip()!r}"
    cue = _scare_cue(before)
    if cue:
        return False, f"scare-quote cue: {cue.group().strip()!r}"
    if found.verb is not None and found.governs:
        return True, f"reporting verb {found.verb.group()!r}"
    if chained:
        return True, "continues the previous speaker's quote"
    if short:
        return (
            False,
            f"short ({_inner_words(doc, span)} words) with no reporting verb: scare quote or term",
        )
    if found.verb is not None:
        return True, f"reporting verb {found.verb.group()!r} (across a clause boundary)"
    return True, "full sentence(s) in quote marks"


_WHERE_PRIORITY = {
    "appositive": 0,
    "premodifier": 1,
    "noun phrase": 1,
    "description": 2,
    "title": 3,
    "name": 4,
}


def _profile(doc: _Doc, target: _Mention) -> list[tuple[int, int, str, str]]:
    """(priority, position, cue, where) for every description of the speaker in the article."""
    if target.kind == "name":
        if doc.names_by_person is None:
            # Mentions no longer change once the article is built.
            doc.names_by_person = {}
            for m in doc.mentions:
                if m.kind == "name":
                    key = doc.canonical.get(m.name, m.name)
                    doc.names_by_person.setdefault(key, []).append(m)
        same = doc.names_by_person.get(doc.canonical.get(target.name, target.name), [])
    else:
        same = [target]
    out = []
    for m in same:
        for cue, where in m.profile:
            out.append((_WHERE_PRIORITY.get(where, 5), m.start, cue, where))
    return sorted(out)


def _group(
    doc: _Doc, target: _Mention | None
) -> tuple[str | None, str | None, str | None, str, str]:
    """(role, role_group, side, group, group_cue) of a speaker, with the words that decided it."""
    if target is None:
        return None, None, None, "unknown", "no speaker"
    profile = _profile(doc, target)
    role = group = side = None
    cues: list[str] = []
    if target.kind == "role" or (target.kind == "other" and target.role):
        role, group = target.role, target.role_group
        cues.append(f"role '{role}' in '{_squash(target.text)}'")
    else:
        for _, _, cue, where in profile:
            m = doc.roles.pattern.search(cue)
            if m:
                role, group, _ = doc.roles.words[_SPACE_RUN.sub(" ", m.group().lower())]
                cues.append(f"role '{m.group()}' in '{_squash(cue)}' ({where})")
                break
    for _, _, cue, _where in profile:
        s = _side_of(cue, doc.roles)
        if s:
            side = s
            cues.append(f"side '{doc.roles.side_pattern.search(cue).group()}' in '{_squash(cue)}'")
            break
    known = None
    if target.kind == "name" and target.name:
        name = target.name.lower()
        known = doc.roles.people.get(name) or doc.roles.people.get(name.split()[-1])
    if known is not None:
        # A public figure the lexicon knows: fills what the text leaves open (never overrides it).
        if group is None:
            role, group, _ = doc.roles.words[known[0]]
            cues.append(f"role '{known[0]}' of known person '{target.name}' (roles.yml people)")
        if side is None:
            side = known[1]
            cues.append(f"side {side} of known person '{target.name}' (roles.yml people)")
    if side is None and group in doc.side_prior:
        side, votes, total = doc.side_prior[group]
        cues.append(f"side {side}: article prior, {votes} of {total} side words on {group} roles")
    if group is None:
        return role, None, side, "unknown", "; ".join(cues) or "no role word found for the speaker"
    return role, group, side, f"{side} {group}" if side else group, "; ".join(cues)


def _squash(text: str) -> str:
    return " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip()


def _names(doc: _Doc, mention: _Mention | None) -> tuple[str | None, str | None, _Mention | None]:
    """(speaker as the article names them, canonical speaker, the mention they resolve to)."""
    if mention is None:
        return None, None, None
    target = _target(mention)
    if target.kind in ("pronoun", "group-pronoun"):
        return None, None, None  # unresolved pronoun: the speaker is unknown
    if target.kind == "name":
        return target.name, doc.canonical.get(target.name, target.name), target
    if target.kind == "role":
        text = _squash(target.text)
        head = doc.roles.pattern.search(text)
        canonical = target.role
        if (
            head
            and head.group()[:1].isupper()
            and target.collective
            and target.role_group == "organisation"
        ):
            canonical = head.group()  # a proper name: "the Red Cross" -> "Red Cross"
        if mention.kind == "group-pronoun":
            text = f"{mention.text} ({text})"
        return text, canonical, target
    return _squash(target.text), _squash(target.text), target


_NOT_GAP = re.compile(r"[^\s\u2591]")  # (\s is str.isspace; \u2591 is PLACEHOLDER)


def _continues(
    doc: _Doc, prev_span: QuoteSpanLike, span: QuoteSpanLike, prev_found: _Found
) -> bool:
    """A quote continues the previous one when it follows in the same or the next paragraph and
    nothing but the previous quote's own attribution ("..., he said.") stands between them."""
    if span.paragraph_start - prev_span.paragraph_end not in (0, 1):
        return False
    tail = _sentence_at(doc, prev_span.end - 1)
    allowed = sorted(
        (doc.sentences[i].start, doc.sentences[i].end) for i in (*prev_found.sentences, tail)
    )
    # Every character between the quotes outside the allowed sentences is a space or a quote.
    pos, end = prev_span.end, span.start
    for a, b in allowed:
        if a > pos and _NOT_GAP.search(doc.masked, pos, min(a, end)):
            return False
        pos = max(pos, b)
        if pos >= end:
            return True
    return not _NOT_GAP.search(doc.masked, pos, end)


def _evidence(doc: _Doc, sentences: Sequence[int]) -> str:
    texts = doc.evidence
    for i in sentences:
        if i not in texts:
            texts[i] = _squash(doc.body[doc.sentences[i].start : doc.sentences[i].end])
    if len(sentences) == 1:
        return texts[sentences[0]]
    return " \u2026 ".join(texts[i] for i in sorted(set(sentences)))


def attribute(
    paragraphs: Sequence[str],
    spans: Sequence[QuoteSpanLike],
    *,
    roles: str | Path | None = None,
    verbs: str | Path | None = None,
) -> list[Attribution]:
    """Speaker, reporting verb and speaker group of each quote span of one article.

    Method: rule-based attribution (Pouliquen et al. 2007; the Gender Gap Tracker, Asr et al.
    2021): in order, a reporting verb right after the quote (``"...," he said``,
    ``"...," said X``), the nearest reporting verb before it in the sentence (``X told CNN: "..."``,
    ``X branded it "..."``; labelling verbs only within a few words), a verb later in the
    sentence, a previous sentence ending in a colon (``He continued:``); else the quote continues
    the previous quote's speaker when it follows it in the same or the next paragraph; else the
    speaker is unknown. The verb's subject is the speaker (walking back over appositives such as
    ``Alekseevich, 34,``); pronouns are resolved to the most recent compatible person (number and,
    where the text shows it, gender; Lappin & Leass 1994). Names are merged within the article by
    surname. Groups come from the role lexicon, sides from nationality cues in the speaker's
    descriptions, else from the side most often named with that role group in the article.

    Args:
        paragraphs: the article's body paragraphs (``clean.article(text).paragraphs``).
        spans: quote spans over ``"\\n\\n".join(paragraphs)`` (``segment.quotes(paragraphs)``).
        roles: role lexicon file (format of ``data/roles.yml``); None = the shipped one.
        verbs: reporting-verb lexicon file (format of ``data/reporting_verbs.yml``); None = shipped.

    Returns:
        One :class:`Attribution` per span, in span order.

    Raises:
        ValueError: when a span's offsets fall outside the body.

    >>> from newslens import segment
    >>> ps = ['"We will win," said Jane Smith, a spokeswoman for the Pentagon.', '"Soon," she added.']
    >>> [(a.speaker_canonical, a.verb, a.group) for a in attribute(ps, segment.quotes(ps))]
    [('Jane Smith', 'say', 'western official'), ('Jane Smith', 'add', 'western official')]
    """
    role_lex, verb_lex = load_roles(roles), load_verbs(verbs)
    spans = sorted(spans, key=attrgetter("start", "quote_id"))
    if not spans:
        return []
    doc = _build(paragraphs, spans, role_lex, verb_lex)
    out: list[Attribution] = []
    founds: list[_Found] = []
    for k, span in enumerate(spans):
        short = _inner_words(doc, span) <= SHORT_QUOTE_WORDS
        found = _find(doc, span, short)
        founds.append(found)
        prev = out[-1] if out else None
        prev_span = spans[k - 1] if k else None
        same_sentence = prev_span is not None and _sentence_at(
            doc, prev_span.start
        ) == _sentence_at(doc, span.start)
        can_inherit = (
            found.verb is None and prev is not None and prev.is_speech and prev.speaker is not None
        )
        chained = can_inherit and same_sentence
        continues = can_inherit and (chained or _continues(doc, prev_span, span, founds[-2]))
        is_speech, speech_cue = _speech(doc, span, found, short, continues)
        inherit = prev if is_speech and continues else None
        if inherit is not None:
            out.append(
                Attribution(
                    span.quote_id,
                    inherit.speaker,
                    inherit.speaker_canonical,
                    inherit.mention,
                    inherit.verb,
                    inherit.verb_text,
                    inherit.verb_class,
                    inherit.role,
                    inherit.role_group,
                    inherit.side,
                    inherit.group,
                    inherit.group_cue,
                    True,
                    speech_cue if not chained else speech_cue,
                    "same sentence as previous quote"
                    if chained
                    else "continuation of previous quote",
                    inherit.evidence,
                )
            )
            continue
        if not is_speech:
            out.append(
                Attribution(
                    span.quote_id,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "not speech",
                    "",
                    False,
                    speech_cue,
                    found.rule,
                    _evidence(doc, found.sentences),
                )
            )
            continue
        speaker, canonical, target = _names(doc, found.mention)
        role, role_group, side, group, group_cue = _group(doc, target)
        verb = verb_text = verb_class = None
        if found.verb is not None:
            verb_text = _squash(found.verb.group())
            verb, verb_class, _ = verb_lex.forms[verb_text.lower()]
        sentences = list(found.sentences)
        if target is not None and found.mention is not None and found.mention is not target:
            sentences.append(target.sentence)
        out.append(
            Attribution(
                span.quote_id,
                speaker,
                canonical,
                _squash(found.mention.text) if found.mention is not None else None,
                verb,
                verb_text,
                verb_class,
                role,
                role_group,
                side,
                group,
                group_cue,
                True,
                speech_cue,
                found.rule if speaker else (found.rule + ", speaker unknown"),
                _evidence(doc, sentences),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Evaluation against hand labels

_EVAL_TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")


def _tokens(text: str) -> Counter[str]:
    return Counter(t.replace("\u2019", "'") for t in _EVAL_TOKEN.findall(text.lower()))


def text_overlap(predicted: str, gold: str) -> float:
    """Token overlap of two quote texts: ``min(|P ∩ G| / |P|, |P ∩ G| / |G|)`` over lower-cased
    word multisets (so a match must cover at least that share of *both* texts).

    >>> text_overlap("It's vandalism.", "It's vandalism. You cannot forgive such things.")
    0.2857142857142857
    """
    p, g = _tokens(predicted), _tokens(gold)
    if not p or not g:
        return 0.0
    common = sum((p & g).values())
    return min(common / sum(p.values()), common / sum(g.values()))


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    """Speaker agreement: equal ignoring case, or the same surname (last word); None == None.

    >>> same_speaker("Vladmir Putin", "Vladimir Putin"), same_speaker("Maxim", "Alexei")
    (True, False)
    """
    if predicted is None or gold is None:
        return predicted is None and gold is None
    p, g = predicted.strip().lower(), gold.strip().lower()
    return p == g or (bool(p.split()) and bool(g.split()) and p.split()[-1] == g.split()[-1])


def evaluate(
    predicted: pd.DataFrame, gold: pd.DataFrame, *, min_overlap: float = 0.5
) -> dict[str, float]:
    """Quote F1 and speaker accuracy of attributions against hand labels.

    Method: per article, speech quotes are matched one-to-one, greedily by decreasing
    :func:`text_overlap`, keeping pairs with overlap >= ``min_overlap`` (the overlap criterion
    of quote-extraction evaluations such as Pareti 2016, "PARC 3.0", LREC, and the Gender Gap
    Tracker's partial-match scoring). Quote precision = matched / predicted speech quotes,
    recall = matched / gold speech quotes, F1 their harmonic mean. Speaker accuracy is the share
    of matched pairs whose canonical speakers agree (:func:`same_speaker`); verb and group
    accuracy likewise (exact, case-insensitive). Not-speech accuracy is the share of gold
    not-speech quotes (in the body, when ``gold`` has a ``where`` column) that are matched by a
    predicted quote flagged ``is_speech=False``.

    Args:
        predicted: columns ``article_id, text, speaker_canonical, verb, group, is_speech``
            (e.g. :func:`table`).
        gold: columns ``article_id, text, speaker_canonical, verb_lemma, group, is_speech``
            (the gold JSON files, see ``tests/gold/quotes/README.md``).
        min_overlap: smallest text overlap that counts as the same quote.

    Returns:
        ``n_gold, n_predicted, n_matched, precision, recall, f1, speaker_accuracy,
        verb_accuracy, group_accuracy, not_speech_gold, not_speech_accuracy``.

    >>> import pandas as pd
    >>> g = pd.DataFrame({"article_id": ["a"], "text": ["We will win"], "speaker_canonical": ["Jane Smith"],
    ...                   "verb_lemma": ["say"], "group": ["official"], "is_speech": [True]})
    >>> p = g.rename(columns={"verb_lemma": "verb"}).assign(speaker_canonical="Smith")
    >>> r = evaluate(p, g); r["f1"], r["speaker_accuracy"]
    (1.0, 1.0)
    """
    need_p = {"article_id", "text", "speaker_canonical", "verb", "group", "is_speech"}
    need_g = {"article_id", "text", "speaker_canonical", "verb_lemma", "group", "is_speech"}
    for name, df, need in (("predicted", predicted, need_p), ("gold", gold, need_g)):
        missing = need - set(df.columns)
        if missing:
            raise ValueError(f"{name}: missing columns {sorted(missing)}")
    pairs: list[tuple[dict, dict]] = []
    not_speech_hits = 0
    for aid in sorted(set(gold["article_id"]) | set(predicted["article_id"])):
        g_all = gold[gold["article_id"] == aid].to_dict("records")
        p_all = predicted[predicted["article_id"] == aid].to_dict("records")
        g_sp = [g for g in g_all if g["is_speech"]]
        p_sp = [p for p in p_all if p["is_speech"]]
        scored = sorted(
            (
                (text_overlap(p["text"], g["text"]), i, j)
                for i, p in enumerate(p_sp)
                for j, g in enumerate(g_sp)
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_p, used_g = set(), set()
        for ov, i, j in scored:
            if ov < min_overlap:
                break
            if i not in used_p and j not in used_g:
                used_p.add(i)
                used_g.add(j)
                pairs.append((p_sp[i], g_sp[j]))
        for g in (g for g in g_all if not g["is_speech"] and g.get("where", "body") == "body"):
            if any(
                not p["is_speech"] and text_overlap(p["text"], g["text"]) >= min_overlap
                for p in p_all
            ):
                not_speech_hits += 1
    n_gold = int(gold["is_speech"].sum())
    n_pred = int(predicted["is_speech"].sum())
    n_match = len(pairs)
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def share(ok: Sequence[bool]) -> float:
        return sum(ok) / len(ok) if ok else float("nan")

    def norm(x: object) -> str | None:
        return None if x is None or (isinstance(x, float) and x != x) else str(x).lower()

    in_body = gold["where"] == "body" if "where" in gold.columns else True
    n_not = int(((~gold["is_speech"].astype(bool)) & in_body).sum())
    return {
        "n_gold": n_gold,
        "n_predicted": n_pred,
        "n_matched": n_match,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": share(
            [
                same_speaker(norm(p["speaker_canonical"]), norm(g["speaker_canonical"]))
                for p, g in pairs
            ]
        ),
        "verb_accuracy": share([norm(p["verb"]) == norm(g["verb_lemma"]) for p, g in pairs]),
        "group_accuracy": share([norm(p["group"]) == norm(g["group"]) for p, g in pairs]),
        "not_speech_gold": n_not,
        "not_speech_accuracy": share(
            [True] * not_speech_hits + [False] * (n_not - not_speech_hits)
        ),
    }


# ---------------------------------------------------------------------------------------------
# Tables

#: Columns of :func:`table`, in order.
COLUMNS = [
    "article_id",
    "outlet",
    "quote_id",
    "text",
    "speaker",
    "speaker_canonical",
    "verb",
    "verb_class",
    "group",
    "group_cue",
    "is_speech",
    "start",
    "end",
    "paragraph_start",
    "paragraph_end",
    "evidence",
    "mention",
    "verb_text",
    "role",
    "role_group",
    "side",
    "speech_cue",
    "rule",
]


def _rows(
    article_id: str, outlet: str, spans: Sequence[Any], atts: Sequence[Attribution]
) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "outlet": outlet,
            "quote_id": a.quote_id,
            "text": s.text,
            "speaker": a.speaker,
            "speaker_canonical": a.speaker_canonical,
            "verb": a.verb,
            "verb_class": a.verb_class,
            "group": a.group,
            "group_cue": a.group_cue,
            "is_speech": a.is_speech,
            "start": s.start,
            "end": s.end,
            "paragraph_start": s.paragraph_start,
            "paragraph_end": s.paragraph_end,
            "evidence": a.evidence,
            "mention": a.mention,
            "verb_text": a.verb_text,
            "role": a.role,
            "role_group": a.role_group,
            "side": a.side,
            "speech_cue": a.speech_cue,
            "rule": a.rule,
        }
        for s, a in zip(spans, atts)
    ]


_DTYPES = {
    "quote_id": "int64",
    "start": "int64",
    "end": "int64",
    "paragraph_start": "int64",
    "paragraph_end": "int64",
    "is_speech": "bool",
}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = df.astype(_DTYPES)
    return df.sort_values(["article_id", "quote_id"], kind="mergesort").reset_index(drop=True)


def _frame_from_columns(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """What ``_frame`` makes of the same rows, from one list per column."""
    if not columns["article_id"]:
        return _frame([])
    df = pd.DataFrame(columns, columns=COLUMNS).astype(_DTYPES)
    return df.sort_values(["article_id", "quote_id"], kind="mergesort").reset_index(drop=True)


def table(
    corpus: Any, *, roles: str | Path | None = None, verbs: str | Path | None = None
) -> pd.DataFrame:
    """One row per direct quote of a corpus, with its speaker, reporting verb and group.

    Method: :func:`attribute` on every article's body and quote spans (the corpus ``quotes``
    table from ``segment.quotes``). A built Corpus whose build attributed its quotes with the
    same lexicons (compared by file content; see the ``attribution`` build parameter) answers
    from its ``attributions`` table, which the build made with this same function.

    Args:
        corpus: a :class:`newslens.corpus.Corpus` (``articles`` with ``article_id, outlet, body``;
            ``quotes`` with ``article_id, quote_id, text, start, end, paragraph_start,
            paragraph_end, mark``).
        roles, verbs: lexicon files (see :func:`attribute`); None = the shipped ones.

    Returns:
        Columns :data:`COLUMNS`, ordered by (``article_id``, ``quote_id``): ``article_id, outlet,
        quote_id, text`` (without marks), ``speaker, speaker_canonical, verb`` (lemma),
        ``verb_class`` (neutral/loaded), ``group`` (``"<side> <role group>"``, ``unknown`` or
        ``not speech``), ``group_cue``, ``is_speech``, ``start, end, paragraph_start,
        paragraph_end`` (offsets into the body, marks included), ``evidence`` (the attribution
        sentence(s)), then ``mention, verb_text, role, role_group, side, speech_cue, rule``.

    >>> import newslens
    >>> t = table(newslens.load_corpus())
    >>> t.loc[t.speaker_canonical == "Vitali Klitschko", ["outlet", "verb", "group"]].values.tolist()
    [['Daily Mirror', 'say', 'ukrainian official']]
    """
    if hasattr(corpus, "build_info"):
        from newslens.build import cached_attributions

        cached = cached_attributions(corpus, roles, verbs)
        if cached is not None:
            return cached.copy()
    arts = corpus.articles
    qs = corpus.quotes
    for name, df, need in (
        ("articles", arts, {"article_id", "outlet", "body"}),
        (
            "quotes",
            qs,
            {
                "article_id",
                "quote_id",
                "text",
                "start",
                "end",
                "paragraph_start",
                "paragraph_end",
                "mark",
            },
        ),
    ):
        missing = need - set(df.columns)
        if missing:
            raise ValueError(
                f"corpus.{name}: missing columns {sorted(missing)}; build the corpus with newslens.load_corpus"
            )
    # One pass over plain lists: quote rows grouped by article (as groupby does, without
    # missing ids), articles in the order sort_values gives.
    q_cols = {
        c: qs[c].tolist()
        for c in (
            "article_id",
            "quote_id",
            "start",
            "end",
            "text",
            "paragraph_start",
            "paragraph_end",
            "mark",
        )
    }
    by_article: dict[Any, list[int]] = {}
    for i, aid in enumerate(q_cols["article_id"]):
        if not pd.isna(aid):
            by_article.setdefault(aid, []).append(i)
    plain_ids = not qs["quote_id"].isna().any()
    arts = arts.sort_values("article_id")
    columns: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for aid, outlet, body in zip(
        arts["article_id"].tolist(), arts["outlet"].tolist(), arts["body"].tolist()
    ):
        rows = by_article.get(aid)
        if not rows:
            continue
        ids = [q_cols["quote_id"][i] for i in rows]
        if plain_ids and len(set(ids)) == len(ids):
            rows = [i for _, i in sorted(zip(ids, rows))]
        else:  # a quote id missing or twice: the order sort_values gives
            order = qs.iloc[rows].reset_index(drop=True).sort_values("quote_id").index
            rows = [rows[k] for k in order]
        spans = [
            Span(
                int(q_cols["quote_id"][i]),
                int(q_cols["start"][i]),
                int(q_cols["end"][i]),
                str(q_cols["text"][i]),
                int(q_cols["paragraph_start"][i]),
                int(q_cols["paragraph_end"][i]),
                str(q_cols["mark"][i]),
            )
            for i in rows
        ]
        paragraphs = str(body).split("\n\n")
        for row in _rows(
            aid, outlet, spans, attribute(paragraphs, spans, roles=roles, verbs=verbs)
        ):
            for c, v in row.items():
                columns[c].append(v)
    return _frame_from_columns(columns)


def from_file(
    path: str | Path, *, roles: str | Path | None = None, verbs: str | Path | None = None
) -> list[dict[str, Any]]:
    """The quotes of one article file, attributed (used by ``python -m newslens quotes PATH``).

    Reads with :func:`newslens.textio.read_text`, cleans with :func:`newslens.clean.article`
    (:func:`newslens.clean.html` for ``.html``/``.htm``), finds spans with
    :func:`newslens.segment.quotes`, then :func:`attribute`.

    Returns:
        One dict per quote in text order: ``quote_id, text`` (without the marks), ``speaker,
        speaker_canonical, verb, verb_class, group, group_cue, is_speech, start, end,
        paragraph_start, paragraph_end, evidence, mention, verb_text, role, role_group, side,
        speech_cue, rule``.

    Raises:
        FileNotFoundError: when ``path`` is not a file.

    >>> from newslens import paths
    >>> rows = from_file(paths.sample_corpus() / "raw" / "daily-mirror_2022-03-08_invasion-faltering.txt")
    >>> [(r["speaker"], r["verb"]) for r in rows][:2]
    [('Jens Stoltenberg', 'warn'), ('One (Military sources)', 'say')]
    """
    from newslens import clean, segment, textio

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"path={str(path)!r}: no such file; give one article as .txt or .html"
        )
    text = textio.read_text(p.read_bytes(), source=str(p))
    art = clean.html(text) if p.suffix.lower() in (".html", ".htm") else clean.article(text)
    spans = segment.quotes(art.paragraphs)
    rows = _rows(str(p), "", spans, attribute(art.paragraphs, spans, roles=roles, verbs=verbs))
    return [{k: v for k, v in r.items() if k not in ("article_id", "outlet")} for r in rows]


# ---------------------------------------------------------------------------------------------
# Per-outlet summaries


def _speech_rows(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["is_speech"]]


def quote_share(
    corpus: Any, quotes_table: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Share of body words inside speech quotes, per article and per outlet with an interval.

    Method: per article, words in speech quotes / words in the body (``segment.tokens``); per
    outlet, the mean of the article shares with a percentile bootstrap over articles
    (:func:`newslens.stats.group_intervals`, Efron & Tibshirani 1993). Outlets with fewer than
    ``stats.MIN_ARTICLES`` articles are flagged ``too_small``.

    Returns:
        One row per outlet, sorted: ``outlet, n`` (articles), ``n_clusters, estimate, low, high,
        too_small, method, quoted_words, body_words``.
    """
    from newslens import segment, stats

    arts = corpus.articles.sort_values("article_id")
    sp = _speech_rows(quotes_table)
    quoted = sp.groupby("article_id")["text"].apply(
        lambda s: sum(len(segment.tokens(x)) for x in s)
    )
    per = pd.DataFrame(
        {
            "article_id": arts["article_id"].to_numpy(),
            "outlet": arts["outlet"].to_numpy(),
            "body_words": [len(segment.tokens(b)) for b in arts["body"]],
        }
    )
    per["quoted_words"] = per["article_id"].map(quoted).fillna(0).astype("int64")
    per["share"] = per["quoted_words"] / per["body_words"].where(per["body_words"] > 0)
    out = stats.group_intervals(
        per, value="share", group="outlet", n_boot=n_boot, seed=seed, min_n=stats.MIN_ARTICLES
    )
    sums = per.groupby("outlet")[["quoted_words", "body_words"]].sum().reset_index()
    return out.merge(sums, on="outlet", how="left")


def voices(quotes_table: pd.DataFrame) -> pd.DataFrame:
    """Who is quoted, by outlet: one row per (outlet, canonical speaker) among speech quotes.

    Returns:
        ``outlet, speaker_canonical, group, n_quotes, n_words, n_articles, example`` (the
        longest quote), ordered by outlet then ``n_quotes`` descending then speaker.
        Unattributed quotes appear as speaker ``unknown``.
    """
    sp = _speech_rows(quotes_table).copy()
    cols = ["outlet", "speaker_canonical", "group", "n_quotes", "n_words", "n_articles", "example"]
    if sp.empty:
        return pd.DataFrame(columns=cols)
    sp["speaker_canonical"] = sp["speaker_canonical"].fillna("unknown")
    sp["n_words"] = sp["text"].str.split().str.len()
    rows = []
    for (outlet, who), part in sp.groupby(["outlet", "speaker_canonical"], sort=True):
        ex = part.loc[part["n_words"].idxmax()]
        rows.append(
            {
                "outlet": outlet,
                "speaker_canonical": who,
                "group": part["group"].mode().sort_values().iloc[0],
                "n_quotes": len(part),
                "n_words": int(part["n_words"].sum()),
                "n_articles": part["article_id"].nunique(),
                "example": ex["text"],
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(
        ["outlet", "n_quotes", "speaker_canonical"], ascending=[True, False, True], kind="mergesort"
    ).reset_index(drop=True)


def speakers(quotes_table: pd.DataFrame) -> pd.DataFrame:
    """Number of quotes and distinct speakers per outlet.

    Returns:
        ``outlet, n_articles, n_quotes`` (speech), ``n_not_speech, n_speakers`` (distinct named
        speakers: canonical names that are not a role word), ``n_unnamed`` (quotes from a
        described but unnamed speaker), ``n_unknown`` (no speaker found), sorted by outlet.
    """
    rows = []
    for outlet, part in quotes_table.groupby("outlet", sort=True):
        sp = part[part["is_speech"]]
        named = (
            sp["speaker_canonical"].notna()
            & sp["role"].ne(sp["speaker_canonical"])
            & (sp["speaker_canonical"].str[:1].str.isupper().fillna(False))
        )
        rows.append(
            {
                "outlet": outlet,
                "n_articles": part["article_id"].nunique(),
                "n_quotes": len(sp),
                "n_not_speech": int((~part["is_speech"]).sum()),
                "n_speakers": sp.loc[named, "speaker_canonical"].nunique(),
                "n_unnamed": int((sp["speaker_canonical"].notna() & ~named).sum()),
                "n_unknown": int(sp["speaker_canonical"].isna().sum()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "outlet",
            "n_articles",
            "n_quotes",
            "n_not_speech",
            "n_speakers",
            "n_unnamed",
            "n_unknown",
        ],
    )


def _shares(sp: pd.DataFrame, column: str, *, n_boot: int, seed: int) -> pd.DataFrame:
    from newslens import stats

    if sp.empty:
        levels = []
    else:
        levels = sorted(sp[column].fillna("unknown").unique())
    parts = []
    for level in levels:
        d = sp.assign(hit=(sp[column].fillna("unknown") == level).astype(float))
        r = stats.group_intervals(
            d,
            value="hit",
            group="outlet",
            cluster="article_id",
            stat="proportion",
            n_boot=n_boot,
            seed=seed,
            min_n=stats.MIN_SENTENCES,
        )
        r.insert(1, column, level)
        r.insert(2, "count", r["outlet"].map(d.groupby("outlet")["hit"].sum()).astype("int64"))
        parts.append(r)
    if not parts:
        return pd.DataFrame(
            columns=[
                "outlet",
                column,
                "count",
                "n",
                "n_clusters",
                "estimate",
                "low",
                "high",
                "too_small",
                "method",
            ]
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["outlet", column], kind="mergesort").reset_index(drop=True)


def group_shares(quotes_table: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Share of each speaker group among an outlet's speech quotes, with a cluster bootstrap.

    Method: proportion of quotes per group, percentile interval from resampling whole articles
    (Field & Welsh 2007, via :func:`newslens.stats.group_intervals`); quotes of one article are
    not independent. Cells with fewer than ``stats.MIN_SENTENCES`` quotes are flagged
    ``too_small``; with one article the interval ignores that dependence (``method``).

    Returns:
        ``outlet, group, count, n`` (speech quotes of the outlet), ``n_clusters`` (articles),
        ``estimate, low, high, too_small, method``, sorted by outlet and group.
    """
    return _shares(_speech_rows(quotes_table), "group", n_boot=n_boot, seed=seed)


def verb_shares(quotes_table: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Neutral vs loaded reporting verbs per outlet (share of speech quotes, cluster bootstrap).

    Quotes without a reporting verb of their own (continuations, unattributed) count as
    ``none``. Method and columns as in :func:`group_shares`, with ``verb_class`` for ``group``.
    """
    sp = _speech_rows(quotes_table).copy()
    sp["verb_class"] = sp["verb_class"].where(
        ~sp["rule"].str.startswith(("continuation", "same sentence")), None
    )
    sp["verb_class"] = sp["verb_class"].fillna("none")
    return _shares(sp, "verb_class", n_boot=n_boot, seed=seed)


def verb_counts(quotes_table: pd.DataFrame) -> pd.DataFrame:
    """Reporting verbs as written per outlet: ``outlet, verb, verb_class, count, example``
    (the attribution sentence of the first quote), ordered by outlet, count descending, verb.
    Continuations of a quote are not counted again."""
    sp = _speech_rows(quotes_table)
    sp = sp[sp["verb"].notna() & ~sp["rule"].str.startswith(("continuation", "same sentence"))]
    rows = []
    for (outlet, verb, cls), part in sp.groupby(["outlet", "verb", "verb_class"], sort=True):
        rows.append(
            {
                "outlet": outlet,
                "verb": verb,
                "verb_class": cls,
                "count": len(part),
                "example": part.iloc[0]["evidence"],
            }
        )
    out = pd.DataFrame(rows, columns=["outlet", "verb", "verb_class", "count", "example"])
    return out.sort_values(
        ["outlet", "count", "verb"], ascending=[True, False, True], kind="mergesort"
    ).reset_index(drop=True)


def examples(quotes_table: pd.DataFrame, *, k: int = 3, seed: int = 0) -> pd.DataFrame:
    """Up to ``k`` speech quotes per outlet, drawn at random (seeded), with their evidence.

    Returns:
        ``outlet, article_id, quote_id, speaker, group, verb_text, text, evidence``, ordered by
        outlet, article_id, quote_id.
    """
    cols = ["outlet", "article_id", "quote_id", "speaker", "group", "verb_text", "text", "evidence"]
    sp = _speech_rows(quotes_table)
    if sp.empty or k <= 0:
        return pd.DataFrame(columns=cols)
    picked = [
        part.sample(n=min(k, len(part)), random_state=seed)
        for _, part in sp.groupby("outlet", sort=True)
    ]
    out = pd.concat(picked)[cols]
    return out.sort_values(["outlet", "article_id", "quote_id"], kind="mergesort").reset_index(
        drop=True
    )


def describe(groups: pd.DataFrame, verb_classes: pd.DataFrame, speakers_table: pd.DataFrame) -> str:
    """A short Markdown interpretation of who each outlet quotes and how, computed from the tables.

    For each outlet: the speaker group it quotes most (count, share and its bootstrap interval),
    how many of its quotes a loaded reporting verb introduces, and whether it has too few quotes
    to conclude anything; then the sample-size caveat. Corpus text (outlet names, groups) is
    HTML-escaped.

    Args:
        groups: output of :func:`group_shares`.
        verb_classes: output of :func:`verb_shares`.
        speakers_table: output of :func:`speakers` (for the number of articles per outlet).

    >>> describe(pd.DataFrame(columns=["outlet", "group", "count", "n", "estimate", "low", "high", "too_small"]),
    ...          pd.DataFrame(columns=["outlet", "verb_class", "count"]), pd.DataFrame(columns=["outlet", "n_articles"]))
    'No speech quotes were found.'
    """
    import html

    if groups.empty:
        return "No speech quotes were found."
    esc = html.escape
    top = (
        groups.sort_values(["outlet", "count"], ascending=[True, False], kind="mergesort")
        .groupby("outlet")
        .head(1)
    )
    loaded = verb_classes[verb_classes["verb_class"] == "loaded"].set_index("outlet")["count"]
    lines = [
        f"- **{esc(str(r.outlet))}**: most quotes come from *{esc(str(r.group))}* speakers ({r.count} of {r.n}, "
        f"{r.estimate:.0%}, 95% {r.low:.0%}-{r.high:.0%}); loaded verbs introduce "
        f"{int(loaded.get(r.outlet, 0))} of {r.n} quotes"
        + (" — too few quotes to conclude anything." if r.too_small else ".")
        for r in top.itertuples()
    ]
    most = int(speakers_table["n_articles"].max()) if len(speakers_table) else 0
    return (
        "\n".join(lines)
        + f"\n\nWith at most {most} article(s) per outlet, these are descriptions of these articles, "
        "not of the outlets: differences between outlets are within the intervals unless the "
        "intervals do not overlap, and single-article outlets cannot be compared at all."
    )


def plot_shares(
    shares: pd.DataFrame, *, column: str | None = None, title: str = "", xlabel: str = "share"
):
    """Dot-and-interval plot of an interval table (:func:`group_shares`, :func:`verb_shares`,
    :func:`quote_share`): one panel per level of ``column`` (or one panel when None), one row per
    outlet, labelled with ``n``; hollow markers where the cell is ``too_small``.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    levels = [None] if column is None else sorted(shares[column].unique())
    fig, axes = plt.subplots(
        1,
        max(len(levels), 1),
        figsize=(3.2 * max(len(levels), 1) + 1.5, 0.45 * shares["outlet"].nunique() + 1.6),
        sharey=True,
        squeeze=False,
    )
    outlets = sorted(shares["outlet"].unique())
    for ax, level in zip(axes[0], levels):
        part = shares if level is None else shares[shares[column] == level]
        part = part.set_index("outlet").reindex(outlets)
        y = range(len(outlets))
        est, low, high = part["estimate"], part["low"], part["high"]
        ax.hlines(list(y), low.fillna(est), high.fillna(est), color="0.4", lw=2)
        small = part["too_small"].fillna(True).astype(bool)
        ax.scatter(est[~small], [i for i, s in zip(y, small) if not s], color="C0", zorder=3)
        ax.scatter(
            est[small],
            [i for i, s in zip(y, small) if s],
            facecolors="white",
            edgecolors="C0",
            zorder=3,
        )
        for i, n in enumerate(part["n"].fillna(0).astype(int)):
            ax.annotate(
                f"n={n}",
                (1.0, i),
                xycoords=("axes fraction", "data"),
                ha="right",
                va="bottom",
                fontsize=7,
                color="0.4",
            )
        ax.set_xlim(-0.02, 1.02)
        ax.set_title(str(level) if level is not None else title, fontsize=9)
        ax.set_xlabel(xlabel)
    axes[0][0].set_yticks(range(len(outlets)), outlets)
    if title and column is not None:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
