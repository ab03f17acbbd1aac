"""Cross-outlet comparison: shared passages and quotes, what each outlet alone reports,
numeric claims lined up across outlets, and who is named where.

Stories such as the sample corpus are retold from one original: outlets copy agency text,
translate the same quote differently, add material of their own and print different numbers
for the same thing. This module makes that visible on the corpus tables (``articles``,
``sentences``, ``quotes``; see ``docs/architecture.md``):

* :func:`align` finds sentences and quotes that two outlets share (exact copies, near
  duplicates after normalisation, and paraphrased translations of one quote), groups them into
  clusters of one source passage and the outlets that carry it, and marks every sentence as
  shared or not. Candidate pairs come from MinHash locality-sensitive hashing (Broder 1997;
  Indyk & Motwani 1998) with the maintained ``datasketch`` package, so the work grows with the
  number of passages, not with its square; candidates are scored with ``rapidfuzz``.
* :func:`outlet_shares`, :func:`outlet_matrix` and :func:`unique_material` turn an alignment
  into the share of each outlet's body that others carry too (with cluster-bootstrap
  intervals) and the material only one outlet has.
* :func:`figures` extracts numeric claims (number, qualifier, unit, subject, event, sentence)
  and :func:`line_up` lines up claims about the same quantity across outlets and flags
  disagreements.
* :func:`entities` and :func:`who_where` find named people and places per outlet with a
  rule-based finder that needs no downloaded model (see :func:`entities` for why).

Lexicons (gazetteer, titles, subject and event words) live in ``data/entities.yml``; every
function that uses them takes ``lexicon=`` to point at a user's own copy.

>>> from types import SimpleNamespace
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"],
...                      "published": ["2022-03-01", "2022-03-02"]})
>>> sents = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"], "sentence": [0, 0],
...     "text": ["He said they sent us to our death.", "He said: They sent us to our death!"],
...     "start": [0, 0], "end": [34, 35]})
>>> al = align(SimpleNamespace(articles=arts, sentences=sents, quotes=None))
>>> al.pairs[["article_a", "article_b", "match"]].to_dict("records")
[{'article_a': 'a', 'article_b': 'b', 'match': 'exact'}]
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import yaml

from newslens import stats
from newslens.paths import PACKAGE_DATA

__all__ = [
    "DEFAULT_LEXICON",
    "Alignment",
    "Lexicon",
    "Similarity",
    "align",
    "content_words",
    "entities",
    "figures",
    "figures_in",
    "line_up",
    "load_lexicon",
    "normalise",
    "outlet_matrix",
    "outlet_shares",
    "passages",
    "quote_speakers",
    "similarity",
    "unique_material",
    "who_where",
]

DEFAULT_LEXICON = PACKAGE_DATA / "entities.yml"
# Matrices (MinHash permutations x tokens, bootstrap resamples x articles) are built in chunks
# of at most this many cells (~32 MB), so memory stays flat on large corpora.
_CHUNK_CELLS = 4_000_000

# --------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True, eq=False)  # hashed by identity: loaded once per file, then cached
class Lexicon:
    """Word lists used by the entity finder and the figure extractor (``entities.yml``)."""

    path: str
    function_words: frozenset[str]
    titles: frozenset[str]
    places: dict[str, str]  # any spelling -> canonical place
    place_words: frozenset[str]
    demonyms: frozenset[str]
    organisations: dict[str, str]  # any spelling -> canonical organisation
    organisation_words: frozenset[str]
    speech_verbs: frozenset[str]
    subjects: dict[str, str]  # noun (lower) -> canonical subject
    events: tuple[tuple[str, str], ...]  # (phrase, canonical event), longest phrase first
    measure_units: frozenset[str]

    @property
    def event_pattern(self) -> re.Pattern[str]:
        return _event_pattern(self)


_LEXICON_KEYS = {
    "function_words",
    "titles",
    "places",
    "place_words",
    "demonyms",
    "organisations",
    "organisation_words",
    "speech_verbs",
    "figures",
}
_FIGURE_KEYS = {"subjects", "events", "measure_units"}


def _str_list(value: Any, *, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list of words, got {type(value).__name__}")
    return [str(v) for v in value]


def _alias_map(value: Any, *, where: str) -> dict[str, str]:
    """``{canonical: [other spellings]}`` -> ``{spelling: canonical}`` (canonical maps to itself)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a mapping of canonical name -> list of spellings")
    out: dict[str, str] = {}
    for canonical, spellings in value.items():
        out[str(canonical)] = str(canonical)
        for s in _str_list(spellings, where=f"{where}.{canonical}"):
            out[s] = str(canonical)
    return out


@cache
def _load_lexicon(path: str, mtime_ns: int) -> Lexicon:
    del mtime_ns  # part of the cache key only: an edited file is re-read
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"lexicon {path}{line}: not valid YAML ({exc}); fix the file") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"lexicon {path}: expected a mapping with keys {sorted(_LEXICON_KEYS)}")
    unknown = set(raw) - _LEXICON_KEYS
    if unknown:
        raise ValueError(
            f"lexicon {path}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_LEXICON_KEYS)}"
        )
    fig = raw.get("figures") or {}
    if not isinstance(fig, dict) or set(fig) - _FIGURE_KEYS:
        raise ValueError(
            f"lexicon {path}: 'figures' must be a mapping with keys {sorted(_FIGURE_KEYS)}"
        )
    subjects: dict[str, str] = {}
    for canonical, nouns in (fig.get("subjects") or {}).items():
        for noun in _str_list(nouns, where=f"{path}: figures.subjects.{canonical}"):
            subjects[noun.lower()] = str(canonical)
    events: list[tuple[str, str]] = []
    for canonical, words in (fig.get("events") or {}).items():
        for w in _str_list(words, where=f"{path}: figures.events.{canonical}"):
            events.append((w.lower(), str(canonical)))
    # Longest phrase first, so "captured or killed" wins over "captured" at the same place.
    events.sort(key=lambda e: (-len(e[0]), e[0]))
    return Lexicon(
        path=path,
        function_words=frozenset(
            w.lower() for w in _str_list(raw.get("function_words"), where=f"{path}: function_words")
        ),
        titles=frozenset(_str_list(raw.get("titles"), where=f"{path}: titles")),
        places=_alias_map(raw.get("places"), where=f"{path}: places"),
        place_words=frozenset(_str_list(raw.get("place_words"), where=f"{path}: place_words")),
        demonyms=frozenset(_str_list(raw.get("demonyms"), where=f"{path}: demonyms")),
        organisations=_alias_map(raw.get("organisations"), where=f"{path}: organisations"),
        organisation_words=frozenset(
            _str_list(raw.get("organisation_words"), where=f"{path}: organisation_words")
        ),
        speech_verbs=frozenset(
            w.lower() for w in _str_list(raw.get("speech_verbs"), where=f"{path}: speech_verbs")
        ),
        subjects=subjects,
        events=tuple(events),
        measure_units=frozenset(
            w.lower()
            for w in _str_list(fig.get("measure_units"), where=f"{path}: figures.measure_units")
        ),
    )


def load_lexicon(path: str | Path | Lexicon | None = None) -> Lexicon:
    """Load the lexicon file (``data/entities.yml`` by default), cached until the file changes.

    Args:
        path: a YAML file with the keys of ``data/entities.yml``, an already loaded
            :class:`Lexicon`, or None for the packaged file.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not valid YAML or has unknown keys (the message names them).

    >>> lex = load_lexicon()
    >>> lex.places["Kiev"], lex.subjects["troops"]
    ('Kyiv', 'soldier')
    """
    if isinstance(path, Lexicon):
        return path
    p = Path(path if path is not None else DEFAULT_LEXICON).expanduser().resolve()
    if not p.is_file():
        raise FileNotFoundError(
            f"lexicon file {p} not found; pass lexicon=None for the packaged one"
        )
    return _load_lexicon(str(p), p.stat().st_mtime_ns)


@cache
def _event_pattern(lex: Lexicon) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p, _ in lex.events) or "(?!)"
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# normalisation and similarity

# Quote marks and apostrophes of every style are dropped, so that ’ ' “ " ‘ « render alike.
_APOSTROPHES = re.compile(r"[\u2018\u2019\u201a\u201b\u2032'`´]")
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def normalise(text: str) -> str:
    """Case-fold, drop quote marks and apostrophes, turn other punctuation into spaces.

    This is the normalisation under which two passages count as the same text: it forgives
    case, punctuation, quote style (‘ ’ “ ” " '), and whitespace (including non-breaking
    spaces and hard line wraps).

    >>> normalise("“They sent us to our DEATH,” he said.")
    'they sent us to our death he said'
    >>> normalise("don’t  look") == normalise("Don't look")
    True
    """
    t = _APOSTROPHES.sub("", str(text).casefold())
    t = _UNDERSCORE.sub(" ", _NON_WORD.sub(" ", t))
    return t.strip()


@cache
def _stemmer():
    # Snowball (Porter 2001) ships inside nltk itself: no data download is needed.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@cache
def _stem(word: str) -> str:
    return _stemmer().stem(word)


def content_words(text: str, *, lexicon: str | Path | Lexicon | None = None) -> list[str]:
    """Sorted distinct Snowball stems of the content words of ``text`` (function words dropped).

    Used to compare paraphrased translations, which share content words but not word order.

    >>> content_words("They sent us to our death, and they sent us to die")
    ['death', 'die', 'sent']
    """
    lex = load_lexicon(lexicon)
    words = normalise(text).split()
    return sorted(
        {_stem(w) for w in words if w not in lex.function_words and (len(w) > 1 or w.isdigit())}
    )


class Similarity(NamedTuple):
    """Scores of one pair of passages (all in 0..1)."""

    score: float  #: max(ratio, contained, (token_sort + dice) / 2)
    ratio: float  #: normalised Indel similarity of the normalised texts (rapidfuzz ``ratio``)
    contained: (
        float  #: rapidfuzz ``partial_ratio`` if >= 0.9 and the shorter text can stand alone, else 0
    )
    token_sort: float  #: rapidfuzz ``token_sort_ratio``: forgives word order
    dice: float  #: Dice coefficient of the content-word stems
    match: str  #: ``exact``, ``contained``, ``near-duplicate`` or ``paraphrase``


# The shorter passage must be this substantial before "contained in the other" counts: a
# common phrase ("the invasion of Ukraine") is inside thousands of unrelated sentences.
_CONTAINED_MIN_WORDS = 5
_CONTAINED_MIN_CONTENT = 3
_CONTAINED_MIN_PARTIAL = 0.9


def _score(
    norm_a: str, norm_b: str, content_a: frozenset[str], content_b: frozenset[str]
) -> Similarity:
    from rapidfuzz import fuzz

    if norm_a == norm_b:
        return Similarity(1.0, 1.0, 1.0, 1.0, 1.0, "exact")
    ratio = fuzz.ratio(norm_a, norm_b) / 100.0
    token_sort = fuzz.token_sort_ratio(norm_a, norm_b) / 100.0
    total = len(content_a) + len(content_b)
    dice = 2.0 * len(content_a & content_b) / total if total else 0.0
    short_norm, short_content = (
        (norm_a, content_a) if len(norm_a) <= len(norm_b) else (norm_b, content_b)
    )
    contained = 0.0
    if (
        len(short_norm.split()) >= _CONTAINED_MIN_WORDS
        and len(short_content) >= _CONTAINED_MIN_CONTENT
    ):
        partial = fuzz.partial_ratio(norm_a, norm_b) / 100.0
        # Below 0.9 the best window is a loose echo ("innocent people" in a long quote), not
        # the shorter passage printed inside the longer one.
        contained = partial if partial >= _CONTAINED_MIN_PARTIAL else 0.0
    score = max(ratio, contained, (token_sort + dice) / 2.0)
    if ratio >= 0.9:
        match = "near-duplicate"
    elif contained >= 0.95:
        match = "contained"
    else:
        match = "paraphrase"
    return Similarity(*(round(x, 6) for x in (score, ratio, contained, token_sort, dice)), match)


def similarity(a: str, b: str, *, lexicon: str | Path | Lexicon | None = None) -> Similarity:
    """Similarity of two passages, the score :func:`align` thresholds.

    Method: three views of the pair, because copies, quotes inside sentences and translations
    differ in different ways. ``ratio`` is rapidfuzz's normalised Indel similarity
    (1 - edit distance / total length; Levenshtein 1966) of the normalised texts: high for
    copies with small edits and for short renderings that share their function words ("They
    sent us to our death" / "They sent us to die"). ``contained`` is rapidfuzz
    ``partial_ratio`` (best alignment of the shorter text inside the longer), counted only when
    it is at least 0.9 and the shorter text has at least 5 words and 3 content words, so a
    quote printed inside another outlet's sentence scores high but a stock phrase or a loose
    echo does not. The paraphrase view is
    the mean of ``token_sort`` (rapidfuzz ``token_sort_ratio``, order-free) and the Dice
    coefficient (Dice 1945) of the content-word stems, which stays high for two translations
    of one quote that share the key words in another order.
    ``score = max(ratio, contained, (token_sort + dice) / 2)``.

    Returns:
        :class:`Similarity` with ``match`` = ``exact`` (same after :func:`normalise`),
        ``near-duplicate`` (ratio >= 0.9), ``contained`` (partial ratio >= 0.95) or
        ``paraphrase``.

    >>> similarity("I apologise for our treacherous invasion.",
    ...            "'I apologise for our treacherous invasion,' he said through tears").match
    'contained'
    >>> s = similarity("They sent us to our death", "They sent us to die")
    >>> s.match, round(s.score, 2)
    ('paraphrase', 0.82)
    >>> round(similarity("peaceful Ukrainian civilians", "the peaceful life of the Ukrainian people").score, 2)
    0.59
    """
    lex = load_lexicon(lexicon)
    return _score(
        normalise(a),
        normalise(b),
        frozenset(content_words(a, lexicon=lex)),
        frozenset(content_words(b, lexicon=lex)),
    )


# --------------------------------------------------------------------------------------------
# corpus tables

_SENTENCE_COLUMNS = ("article_id", "outlet", "sentence", "text", "start", "end")
_QUOTE_COLUMNS = ("article_id", "outlet", "quote_id", "text", "start", "end")


def _require(df: Any, columns: Sequence[str], *, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame (the corpus table), got {type(df).__name__}"
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(
            f"{name} table lacks column(s) {missing} (see docs/architecture.md); "
            f"it has {sorted(map(str, df.columns))}"
        )
    return df


def _tables(corpus: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(articles, sentences, quotes) of a Corpus-like object, checked against the contracts."""
    for attr in ("articles", "sentences"):
        if not hasattr(corpus, attr):
            raise TypeError(
                f"corpus must be a newslens Corpus (from newslens.load_corpus) or an object with "
                f"'articles' and 'sentences' tables; it has no attribute {attr!r}"
            )
    sentences = _require(corpus.sentences, _SENTENCE_COLUMNS, name="sentences")
    articles = corpus.articles
    if articles is None:
        articles = sentences[["article_id", "outlet"]].drop_duplicates()
    articles = _require(articles, ("article_id", "outlet"), name="articles")
    quotes = getattr(corpus, "quotes", None)
    if quotes is not None:
        quotes = _require(quotes, _QUOTE_COLUMNS, name="quotes")
    return articles, sentences, quotes


def _article_info(articles: pd.DataFrame) -> pd.DataFrame:
    """article_id, outlet, published (str, '' when unknown), family (root of duplicate_of)."""
    info = pd.DataFrame(
        {
            "article_id": articles["article_id"].astype(str),
            "outlet": articles["outlet"].astype(str),
            "published": articles["published"].fillna("").astype(str)
            if "published" in articles
            else "",
        }
    )
    dup = (
        dict(zip(info["article_id"], articles["duplicate_of"], strict=True))
        if "duplicate_of" in articles
        else {}
    )

    def root(a: str) -> str:
        seen = {a}
        while isinstance(dup.get(a), str) and dup[a] and dup[a] not in seen:
            a = dup[a]
            seen.add(a)
        return a

    info["family"] = [root(a) for a in info["article_id"]]
    # Undated articles sort after dated ones, then by id: the "source" of a cluster is the
    # earliest dated article that carries it.
    info["_order"] = list(
        zip(info["published"].eq(""), info["published"], info["article_id"], strict=True)
    )
    return info.drop_duplicates("article_id").sort_values("article_id").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# passages and alignment


def passages(
    corpus: Any,
    *,
    quotes: bool = True,
    min_words: int = 4,
    min_content_words: int = 2,
    lexicon: str | Path | Lexicon | None = None,
) -> pd.DataFrame:
    """The units that :func:`align` compares: every sentence and (optionally) every direct quote.

    Quotes are units of their own because outlets often share only the quoted words, framed by
    their own sentence ("He said: ..." vs "..., the soldier told reporters").

    Args:
        corpus: a Corpus (``articles``, ``sentences``, ``quotes``).
        quotes: also use the ``quotes`` table (when the corpus has one).
        min_words: passages with fewer words are dropped: two- and three-word phrases
            ("cannon meat", "good people") recur by chance and are not shared passages.
        min_content_words: passages with fewer distinct content words are dropped; 2 keeps
            short quotes such as "They sent us to our death" (sent, death).
        lexicon: lexicon file or :class:`Lexicon` (function words).

    Returns:
        One row per passage, ordered by (``article_id``, ``start``, ``kind``), with columns
        ``passage`` (int, 0..n-1 in that order), ``article_id``, ``outlet``, ``kind``
        (``sentence`` or ``quote``), ``unit`` (sentence index or quote_id), ``start``, ``end``
        (body offsets), ``text``, ``norm`` (:func:`normalise`), ``content`` (space-joined
        sorted content stems), ``n_words``.

    >>> from types import SimpleNamespace
    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["A", "A"], "sentence": [0, 1],
    ...                   "text": ["Hello there.", "Putin is a liar."], "start": [0, 13], "end": [12, 29]})
    >>> passages(SimpleNamespace(articles=None, sentences=s))[["kind", "unit", "content"]]
           kind  unit     content
    0  sentence     1  liar putin
    """
    if min_content_words < 1 or min_words < 1:
        raise ValueError(
            f"min_words and min_content_words must be at least 1, got {min_words} and {min_content_words}"
        )
    lex = load_lexicon(lexicon)
    _, sentences, quote_table = _tables(corpus)
    parts = [sentences.assign(kind="sentence", unit=sentences["sentence"])]
    if quotes and quote_table is not None and len(quote_table):
        parts.append(quote_table.assign(kind="quote", unit=quote_table["quote_id"]))
    cols = ["article_id", "outlet", "kind", "unit", "start", "end", "text"]
    table = pd.concat([p[cols] for p in parts], ignore_index=True)
    table = table.astype({"article_id": str, "outlet": str, "text": str})
    table["unit"] = table["unit"].astype("int64")
    table["norm"] = [normalise(t) for t in table["text"]]
    table["content"] = [" ".join(content_words(t, lexicon=lex)) for t in table["text"]]
    table["n_words"] = [len(n.split()) for n in table["norm"]]
    n_content = np.array([len(c.split()) for c in table["content"]], dtype="int64")
    keep = (n_content >= min_content_words) & (table["n_words"].to_numpy() >= min_words)
    table = table[keep].sort_values(["article_id", "start", "kind", "unit"], kind="stable")
    table = table.reset_index(drop=True)
    table.insert(0, "passage", np.arange(len(table), dtype="int64"))
    return table


@dataclass(frozen=True)
class Alignment:
    """Result of :func:`align`. All attributes are tidy DataFrames (see :func:`align`)."""

    passages: pd.DataFrame
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    sentences: pd.DataFrame
    links: pd.DataFrame
    articles: pd.DataFrame
    near_misses: pd.DataFrame
    params: dict[str, Any]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:  # path compression keeps later finds O(1)
            p[x], x = root, p[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _identity(x: int) -> int:
    return x


@cache
def _token_hash(token: str) -> int:
    # crc32 is deterministic across processes (Python's hash() is salted per process).
    return zlib.crc32(token.encode("utf-8"))


def _shingles(norm: str, content: str) -> tuple[list[int], list[int]]:
    """Hashes of the content stems, and of word bigrams (with function words) of the text."""
    words = norm.split()
    bigrams = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)} or set(words)
    return ([_token_hash(t) for t in content.split()], [_token_hash(b) for b in sorted(bigrams)])


@cache
def _band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch picks for a Jaccard threshold: the split that
    minimises the (equally weighted) false-positive and false-negative areas under the LSH
    S-curve (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, sec. 3.4)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


# datasketch's "legacy" MinHash scheme: h -> ((a * h + b) mod (2^61 - 1)) & (2^32 - 1).
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def _signatures(sets: list[list[int]], *, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures (one row per non-empty set), vectorised over all sets at once.

    The permutations are datasketch's (``MinHash(num_perm, seed, scheme="legacy")``), so every
    row equals ``MinHash(..., scheme="legacy").update_batch(set).hashvalues``; computing them
    in numpy chunks avoids datasketch's per-set Python overhead on 100,000s of passages.
    """
    from datasketch import MinHash

    a, b = (
        np.asarray(x, dtype=np.uint64)
        for x in MinHash(num_perm=num_perm, seed=seed, scheme="legacy").permutations
    )
    lengths = np.fromiter((len(x) for x in sets), dtype=np.int64, count=len(sets))
    offsets = np.r_[0, np.cumsum(lengths)]
    flat = np.fromiter((h for x in sets for h in x), dtype=np.uint64, count=int(offsets[-1]))
    sig = np.empty((len(sets), num_perm), dtype=np.uint64)
    budget = max(1, _CHUNK_CELLS // num_perm)  # tokens per chunk: bounded memory
    first = 0
    while first < len(sets):
        last = int(np.searchsorted(offsets, offsets[first] + budget, side="right")) - 1
        last = min(len(sets), max(last, first + 1))
        tok = flat[offsets[first] : offsets[last]]
        with np.errstate(over="ignore"):  # uint64 wrap-around, exactly as datasketch computes it
            phv = ((tok[:, None] * a[None, :] + b[None, :]) % _MERSENNE_PRIME) & _MAX_HASH
        sig[first:last] = np.minimum.reduceat(phv, offsets[first:last] - offsets[first], axis=0)
        first = last
    return sig


def _lsh_candidates(
    sets: list[list[int]], *, threshold: float, num_perm: int, seed: int
) -> set[tuple[int, int]]:
    """Candidate pairs (i < j) whose MinHash signatures agree on all rows of at least one band.

    Banding is done with numpy on the signature matrix, one sort per band: the same test as
    ``datasketch.MinHashLSH.query`` with datasketch's band split, without a Python call per key.
    """
    nonempty = [i for i, x in enumerate(sets) if x]
    if len(nonempty) < 2:
        return set()
    sigs = _signatures([sets[i] for i in nonempty], num_perm=num_perm, seed=seed)
    ids = np.asarray(nonempty, dtype="int64")
    bands, rows = _band_params(threshold, num_perm)
    out: set[tuple[int, int]] = set()
    for band in range(bands):
        block = np.ascontiguousarray(sigs[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        # Start of each run of equal keys; runs of length >= 2 are buckets with candidates.
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(keys)])
        for st, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            members = np.sort(ids[order[st : st + size]])
            for a_pos in range(size - 1):
                a = int(members[a_pos])
                out.update((a, int(b)) for b in members[a_pos + 1 :])
    return out


def _prune_common(content_sets: list[list[int]], *, max_df: float) -> list[list[int]]:
    """Drop stems that occur in more than ``max_df`` of the passages (and in more than 20) from
    the blocking sets only: a stem in every other sentence of a one-story corpus ("russian")
    makes unrelated passages collide without helping to find true pairs."""
    n = len(content_sets)
    df = Counter(h for s in content_sets for h in set(s))
    limit = max(20.0, max_df * n)
    common = {h for h, k in df.items() if k > limit}
    if not common:
        return content_sets
    return [[h for h in s if h not in common] for s in content_sets]


def align(
    corpus: Any,
    *,
    threshold: float = 0.7,
    candidate_threshold: float = 0.3,
    max_df: float = 0.02,
    near_miss: float = 0.2,
    num_perm: int = 128,
    seed: int = 1,
    quotes: bool = True,
    same_outlet: bool = False,
    duplicates: bool = False,
    min_words: int = 4,
    min_content_words: int = 2,
    speakers: pd.DataFrame | None = None,
    lexicon: str | Path | Lexicon | None = None,
) -> Alignment:
    """Align sentences and quotes that different outlets share, and cluster them.

    Method:

    1. Units are sentences and direct quotes (:func:`passages`), normalised with
       :func:`normalise`. Passages with the same normalised text form an exact group, which is
       compared once, however many articles carry it (agency copy repeated in thousands of
       articles costs one comparison, not millions).
    2. Candidate pairs of distinct texts come from two MinHash LSH indexes (Broder 1997,
       "On the resemblance and containment of documents"; banding after Indyk & Motwani 1998
       and Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3), built with
       ``datasketch``: one on word-bigram shingles (finds copies and light edits), one on
       content-word stems (finds translations of one quote that share key words but not word
       order). Each passage is inserted once and queried once, so the cost grows with the
       number of passages plus the number of candidates, never with all pairs.
       ``candidate_threshold`` is the Jaccard level the banding is tuned for.
    3. Candidates are scored with :func:`similarity` (rapidfuzz Indel ratio, token-set ratio
       and content-word overlap); pairs scoring at least ``threshold`` are kept.
    4. Clusters are the connected components (union-find) of kept pairs and exact groups;
       the source passage of a cluster is the one in the earliest published article
       (then by article_id and offset). Connected components chain (single linkage), so
       every member's ``similarity`` to the source is reported for inspection.

    An article is never paired with itself; by default passages are paired only across
    outlets. ``same_outlet=True`` also pairs different articles of one outlet, except copies
    of one article (``duplicate_of``) unless ``duplicates=True``.

    Args:
        corpus: a Corpus (``articles``, ``sentences``, optional ``quotes``).
        threshold: minimum :func:`similarity` score of an aligned pair (0..1).
        candidate_threshold: Jaccard similarity the LSH banding targets (lower finds more
            paraphrases and costs more comparisons).
        max_df: content stems found in more than this share of passages (and in more than
            20) are left out of the content-word blocking sets (not out of the scores).
        near_miss: candidate pairs scoring within this distance below ``threshold`` are kept
            in ``near_misses``, to show what the threshold just excluded.
        num_perm: MinHash permutations. seed: MinHash seed (candidate generation is random;
            the same seed gives the same result).
        quotes: align quotes as units of their own.
        same_outlet, duplicates: which article pairs count (see above).
        min_words, min_content_words: see :func:`passages`.
        speakers: optional table with ``article_id``, ``quote_id``, ``speaker`` (e.g.
            :func:`quote_speakers`) used to label quote passages in the clusters.
        lexicon: lexicon file or :class:`Lexicon`.

    Returns:
        :class:`Alignment` with

        * ``passages``: :func:`passages` plus ``group`` (exact-text group), ``cluster``
          (<NA> when not shared) and ``shared`` (bool).
        * ``pairs``: one row per aligned pair, ordered by (``article_a``, ``start_a``,
          ``article_b``, ``start_b``); ``a`` is the earlier article. Columns ``passage_a``,
          ``article_a``, ``outlet_a``, ``kind_a``, ``start_a``, ``text_a``, the same with
          ``_b``, ``score``, ``ratio``, ``token_set``, ``overlap``, ``match``. Exact copies
          are paired with the earliest copy only (a spanning set, not all pairs).
        * ``clusters``: one row per passage in a shared cluster, ordered by (``cluster``,
          source first, ``published``, ``article_id``, ``start``): ``cluster``, ``passage``,
          ``article_id``, ``outlet``, ``published``, ``kind``, ``start``, ``end``, ``text``,
          ``is_source``, ``similarity`` and ``match`` (to the source), ``n_outlets``,
          ``n_articles``, ``speaker``.
        * ``sentences``: ``article_id``, ``outlet``, ``sentence``, ``text``, ``n_words``,
          ``shared`` (the sentence, or a shared quote covering at least half of it, is in a
          shared cluster), ``clusters`` (sorted cluster ids, ``;``-joined).
        * ``links``: ``article_id``, ``outlet``, ``sentence``, ``other_outlet``: which other
          outlets carry each shared sentence.
        * ``articles``: ``article_id``, ``outlet``, ``published``, ``family``.
        * ``near_misses``: like ``pairs``, for scored candidates below ``threshold`` (by at
          most ``near_miss``), ordered by ``score`` descending; not clustered.

    Raises:
        ValueError: a threshold outside 0..1 or a bad ``num_perm``.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], e.g. 0.7; got {threshold}")
    if not 0.0 < candidate_threshold < 1.0:
        raise ValueError(
            f"candidate_threshold must be in (0, 1), e.g. 0.3; got {candidate_threshold}"
        )
    if num_perm < 16:
        raise ValueError(f"num_perm must be at least 16 (128 is usual); got {num_perm}")
    lex = load_lexicon(lexicon)
    articles, sentences, _ = _tables(corpus)
    info = _article_info(articles)
    P = passages(
        corpus, quotes=quotes, min_words=min_words, min_content_words=min_content_words, lexicon=lex
    )
    missing = sorted(set(P["article_id"]) - set(info["article_id"]))
    if missing:
        raise KeyError(
            f"sentences/quotes mention article_id(s) not in the articles table: {missing[:5]}"
        )
    order_of = dict(zip(info["article_id"], info["_order"], strict=True))
    family_of = dict(zip(info["article_id"], info["family"], strict=True))
    P["published"] = P["article_id"].map(
        dict(zip(info["article_id"], info["published"], strict=True))
    )
    P["family"] = P["article_id"].map(family_of)
    # Sort key for "earliest copy": publication date, article, offset.
    sort_key = [(*order_of[a], s) for a, s in zip(P["article_id"], P["start"], strict=True)]
    by_time = sorted(range(len(P)), key=lambda i: sort_key[i])
    rank = np.empty(len(P), dtype="int64")
    rank[by_time] = np.arange(len(P))

    art = P["article_id"].to_numpy(dtype=object)
    out_ = P["outlet"].to_numpy(dtype=object)
    fam = P["family"].to_numpy(dtype=object)

    def allowed(i: int, j: int) -> bool:
        if art[i] == art[j]:
            return False
        if out_[i] != out_[j]:
            return True
        return same_outlet and (duplicates or fam[i] != fam[j])

    # 1. exact groups, members in time order
    norms = P["norm"].to_numpy(dtype=object)
    group_of: dict[str, int] = {}
    members: list[list[int]] = []
    for i in by_time:
        g = group_of.setdefault(norms[i], len(members))
        if g == len(members):
            members.append([])
        members[g].append(i)
    group = np.empty(len(P), dtype="int64")
    for g, ms in enumerate(members):
        group[ms] = g
    P["group"] = group

    uf = _UnionFind(len(P))
    pair_rows: list[tuple[int, int, Similarity]] = []
    exact = Similarity(1.0, 1.0, 1.0, 1.0, 1.0, "exact")
    for ms in members:
        for k, m in enumerate(ms[1:], start=1):
            uf.union(ms[0], m)
            partner = next((p for p in ms[:k] if allowed(p, m)), None)
            if partner is not None:
                pair_rows.append((partner, m, exact))

    # 2. candidates between distinct texts (one representative per group)
    reps = [ms[0] for ms in members]
    contents = P["content"].to_numpy(dtype=object)
    content_sets, bigram_sets = (
        zip(*(_shingles(norms[r], contents[r]) for r in reps), strict=True) if reps else ((), ())
    )
    candidates = _lsh_candidates(
        list(bigram_sets), threshold=candidate_threshold, num_perm=num_perm, seed=seed
    )
    candidates |= _lsh_candidates(
        _prune_common(list(content_sets), max_df=max_df),
        threshold=candidate_threshold,
        num_perm=num_perm,
        seed=seed,
    )
    content_frozen = [frozenset(contents[r].split()) for r in reps]

    # 3. score candidates; link the earliest allowed pair of members
    near_rows: list[tuple[int, int, Similarity]] = []
    for ga, gb in sorted(candidates):
        sim = _score(norms[reps[ga]], norms[reps[gb]], content_frozen[ga], content_frozen[gb])
        if sim.score < threshold - near_miss:
            continue
        link = next(((a, b) for a in members[ga] for b in members[gb] if allowed(a, b)), None)
        if link is None:
            continue
        a, b = sorted(link, key=lambda i: rank[i])
        if sim.score < threshold:
            near_rows.append((a, b, sim))
            continue
        uf.union(link[0], link[1])
        pair_rows.append((a, b, sim))

    # 4. clusters: a passage is shared when its component holds a passage it may be paired with
    comp = np.array([uf.find(i) for i in range(len(P))], dtype="int64")
    P["_comp"] = comp
    shared = np.zeros(len(P), dtype=bool)
    comp_members: dict[int, list[int]] = defaultdict(list)
    for i in by_time:
        comp_members[int(comp[i])].append(i)
    for ms in comp_members.values():
        if len(ms) < 2:
            continue
        outlets = {out_[m] for m in ms}
        if len(outlets) > 1 and not same_outlet:
            for m in ms:
                shared[m] = True
            continue
        for m in ms:
            shared[m] = any(allowed(m, o) for o in ms if o != m)
    P["shared"] = shared
    shared_comps = sorted(
        {int(comp[i]) for i in np.flatnonzero(shared)}, key=lambda c: rank[comp_members[c][0]]
    )
    cluster_id = {c: k for k, c in enumerate(shared_comps)}
    P["cluster"] = pd.array([cluster_id.get(int(c), pd.NA) for c in comp], dtype="Int64")

    pairs = _pairs_table(P, pair_rows)
    near = (
        _pairs_table(P, near_rows)
        .sort_values(
            ["score", "article_a", "start_a", "article_b", "start_b"],
            ascending=[False, True, True, True, True],
            kind="stable",
        )
        .reset_index(drop=True)
    )
    clusters = _clusters_table(P, comp_members, shared_comps, lex, speakers)
    sent_table, links = _sentence_coverage(
        P, sentences, same_outlet=same_outlet, duplicates=duplicates, family_of=family_of
    )
    P = P.drop(columns=["_comp", "family"])
    params = {
        "threshold": threshold,
        "candidate_threshold": candidate_threshold,
        "max_df": max_df,
        "near_miss": near_miss,
        "num_perm": num_perm,
        "seed": seed,
        "quotes": quotes,
        "same_outlet": same_outlet,
        "duplicates": duplicates,
        "min_words": min_words,
        "min_content_words": min_content_words,
        "lexicon": lex.path,
    }
    return Alignment(
        P, pairs, clusters, sent_table, links, info.drop(columns="_order"), near, params
    )


def _pairs_table(P: pd.DataFrame, rows: list[tuple[int, int, Similarity]]) -> pd.DataFrame:
    cols = ["passage", "article_id", "outlet", "kind", "start", "text"]
    a = P.iloc[[r[0] for r in rows]][cols].reset_index(drop=True)
    b = P.iloc[[r[1] for r in rows]][cols].reset_index(drop=True)
    a.columns = [f"{c}_a" if c != "article_id" else "article_a" for c in cols]
    b.columns = [f"{c}_b" if c != "article_id" else "article_b" for c in cols]
    scores = pd.DataFrame([r[2] for r in rows], columns=list(Similarity._fields))
    out = pd.concat([a, b, scores], axis=1)
    if out.empty:
        out = pd.DataFrame(columns=list(a.columns) + list(b.columns) + list(Similarity._fields))
    out = out.sort_values(
        ["article_a", "start_a", "article_b", "start_b", "passage_a", "passage_b"], kind="stable"
    )
    return out.reset_index(drop=True)


def quote_speakers(corpus: Any) -> pd.DataFrame | None:
    """Speaker of each quote from ``newslens.quotes.table(corpus)``, if that module provides it.

    Returns:
        ``article_id``, ``quote_id``, ``speaker`` (``speaker_canonical`` when the table has it)
        ordered by (``article_id``, ``quote_id``), or None when ``newslens.quotes`` has no ``table`` function or its table has no speaker
        column (so :func:`align` labels clusters without speakers).

    >>> quote_speakers(object()) is None or True
    True
    """
    try:
        from newslens import quotes as quotes_module
    except ImportError:
        return None
    table_fn = getattr(quotes_module, "table", None)
    if table_fn is None or not hasattr(corpus, "quotes"):
        return None
    table = table_fn(corpus)
    if not isinstance(table, pd.DataFrame) or not {"article_id", "quote_id", "speaker"} <= set(
        table.columns
    ):
        return None
    # The canonical name ("Vitali Klitschko" for "Mr Klitschko") when the sources module has it.
    column = "speaker_canonical" if "speaker_canonical" in table.columns else "speaker"
    out = table[["article_id", "quote_id", column]].rename(columns={column: "speaker"})
    return out.sort_values(["article_id", "quote_id"], kind="stable").reset_index(drop=True)


def _clusters_table(
    P: pd.DataFrame,
    comp_members: dict[int, list[int]],
    shared_comps: list[int],
    lex: Lexicon,
    speakers: pd.DataFrame | None,
) -> pd.DataFrame:
    speaker_of: dict[tuple[str, int], str] = {}
    if speakers is not None:
        _require(speakers, ("article_id", "quote_id", "speaker"), name="speakers")
        for a, q, s in zip(
            speakers["article_id"], speakers["quote_id"], speakers["speaker"], strict=True
        ):
            if isinstance(s, str) and s:
                speaker_of[(str(a), int(q))] = s
    content = P["content"].to_numpy(dtype=object)
    norms = P["norm"].to_numpy(dtype=object)
    rows = []
    for k, c in enumerate(shared_comps):
        ms = comp_members[c]
        src = ms[0]
        n_outlets = len({P.at[m, "outlet"] for m in ms})
        n_articles = len({P.at[m, "article_id"] for m in ms})
        for m in ms:
            sim = _score(
                norms[src], norms[m], frozenset(content[src].split()), frozenset(content[m].split())
            )
            speaker = (
                speaker_of.get((P.at[m, "article_id"], int(P.at[m, "unit"])))
                if P.at[m, "kind"] == "quote"
                else None
            )
            rows.append(
                (
                    k,
                    int(P.at[m, "passage"]),
                    P.at[m, "article_id"],
                    P.at[m, "outlet"],
                    P.at[m, "published"],
                    P.at[m, "kind"],
                    int(P.at[m, "start"]),
                    int(P.at[m, "end"]),
                    P.at[m, "text"],
                    m == src,
                    sim.score,
                    sim.match,
                    n_outlets,
                    n_articles,
                    speaker,
                )
            )
    cols = [
        "cluster",
        "passage",
        "article_id",
        "outlet",
        "published",
        "kind",
        "start",
        "end",
        "text",
        "is_source",
        "similarity",
        "match",
        "n_outlets",
        "n_articles",
        "speaker",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype(
        {
            "cluster": "int64",
            "passage": "int64",
            "start": "int64",
            "end": "int64",
            "is_source": bool,
            "similarity": float,
            "n_outlets": "int64",
            "n_articles": "int64",
            "speaker": object,
        }
    )


def _sentence_coverage(
    P: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    same_outlet: bool,
    duplicates: bool,
    family_of: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark each sentence shared or not, and list the other outlets that carry it."""
    S = sentences[["article_id", "outlet", "sentence", "text", "start", "end"]].copy()
    S = S.astype({"article_id": str, "outlet": str})
    S["n_words"] = [len(_WORD.findall(t)) for t in S["text"].astype(str)]
    sh = P[P["shared"]]
    # Who carries each shared cluster: (outlet, family, article) of every member.
    carriers = sh.groupby("cluster")[["outlet", "family", "article_id"]].agg(list)
    carriers_of = {
        int(c): list(zip(r.outlet, r.family, r.article_id, strict=True))
        for c, r in carriers.iterrows()
    }

    # A sentence takes the clusters of its own passage and of shared quotes covering >= half of it.
    hits: dict[tuple[str, int], set[int]] = defaultdict(set)
    sent_rows = sh[sh["kind"] == "sentence"]
    for a, u, c in zip(
        sent_rows["article_id"], sent_rows["unit"], sent_rows["cluster"], strict=True
    ):
        hits[(a, int(u))].add(int(c))
    quote_rows = sh[sh["kind"] == "quote"]
    if len(quote_rows):
        by_article = {a: g for a, g in S.groupby("article_id", sort=False)}
        for a, qs, qe, c in zip(
            quote_rows["article_id"],
            quote_rows["start"],
            quote_rows["end"],
            quote_rows["cluster"],
            strict=True,
        ):
            g = by_article.get(a)
            if g is None:
                continue
            ov = np.minimum(g["end"].to_numpy(), qe) - np.maximum(g["start"].to_numpy(), qs)
            length = (g["end"] - g["start"]).to_numpy().clip(min=1)
            for u in g["sentence"].to_numpy()[ov / length >= 0.5]:
                hits[(a, int(u))].add(int(c))

    outlet_of = dict(zip(S["article_id"], S["outlet"], strict=False))
    link_rows = []
    for (a, u), cs in hits.items():
        own = outlet_of[a]
        others: set[str] = set()
        for c in cs:
            for outlet, family, article in carriers_of.get(c, []):
                if article == a:
                    continue
                if outlet != own or (same_outlet and (duplicates or family != family_of.get(a))):
                    others.add(outlet)
        link_rows.extend((a, own, u, o) for o in others)
    links = pd.DataFrame(link_rows, columns=["article_id", "outlet", "sentence", "other_outlet"])
    links = (
        links.astype({"sentence": "int64"})
        .sort_values(["article_id", "sentence", "other_outlet"], kind="stable")
        .reset_index(drop=True)
    )
    linked = set(zip(links["article_id"], links["sentence"], strict=True))
    S["shared"] = [
        (a, int(u)) in linked for a, u in zip(S["article_id"], S["sentence"], strict=True)
    ]
    S["clusters"] = [
        ";".join(str(c) for c in sorted(hits[(a, int(u))])) if (a, int(u)) in linked else ""
        for a, u in zip(S["article_id"], S["sentence"], strict=True)
    ]
    S = S.sort_values(["article_id", "sentence"], kind="stable").reset_index(drop=True)
    return S.drop(columns=["start", "end"]), links


# --------------------------------------------------------------------------------------------
# per-outlet shares and unique material


def _ratio_interval(
    num: np.ndarray, den: np.ndarray, *, n_boot: int, ci: float, seed: int
) -> tuple[float, float, float, str]:
    """Pooled ratio sum(num) / sum(den) with a percentile cluster-bootstrap interval.

    Articles are the resampled clusters (Field & Welsh 2007); the interval is the percentile
    interval of Efron & Tibshirani (1993, eq. 13.5) of the pooled ratio over resamples.
    """
    n = int(num.size)
    total = float(den.sum())
    est = float(num.sum()) / total if total > 0 else math.nan
    if n < 2 or total <= 0:
        return est, math.nan, math.nan, stats.METHOD_NONE
    rng = np.random.default_rng(seed)
    step = max(1, _CHUNK_CELLS // n)
    boots = []
    for k in range(0, n_boot, step):
        w = rng.multinomial(n, np.full(n, 1.0 / n), size=min(step, n_boot - k)).astype(float)
        d = w @ den
        with np.errstate(invalid="ignore", divide="ignore"):
            boots.append(np.where(d > 0, (w @ num) / d, np.nan))
    b = np.concatenate(boots)
    alpha = (1.0 - ci) / 2.0
    low, high = np.nanquantile(b, [alpha, 1.0 - alpha])
    return est, float(low), float(high), stats.METHOD_CLUSTER


def _check_alignment(alignment: Any) -> Alignment:
    if not isinstance(alignment, Alignment):
        raise TypeError(
            f"expected the result of compare.align(corpus), got {type(alignment).__name__}"
        )
    return alignment


def outlet_shares(
    alignment: Alignment,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    min_articles: int = stats.MIN_ARTICLES,
) -> pd.DataFrame:
    """Share of each outlet's body that another outlet carries too.

    Method: the pooled share (shared words / all words of the outlet's sentences, and the same
    for sentences) is a ratio estimator over the outlet's articles; its interval is a
    percentile cluster bootstrap that resamples whole articles (Efron & Tibshirani 1993,
    ch. 13; Field & Welsh 2007), because sentences of one article are not independent.

    Args:
        alignment: result of :func:`align`.
        n_boot, ci, seed: bootstrap resamples, coverage and seed.
        min_articles: outlets with fewer articles are flagged ``too_small``: with so few
            articles the share describes those articles, not the outlet.

    Returns:
        One row per outlet, ordered by ``outlet``: ``outlet``, ``n_articles``, ``n_sentences``,
        ``shared_sentences``, ``sentence_share`` (+ ``sentence_low``, ``sentence_high``),
        ``n_words``, ``shared_words``, ``word_share`` (+ ``word_low``, ``word_high``),
        ``unique_words`` (words in sentences no other outlet carries), ``method``,
        ``too_small``.

    >>> from types import SimpleNamespace
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    >>> sents = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["A", "A", "B"],
    ...     "sentence": [0, 1, 0], "text": ["Putin is a liar and a deceiver.",
    ...     "Only A says this today here.", "Putin is a liar and a deceiver!"],
    ...     "start": [0, 32, 0], "end": [31, 60, 31]})
    >>> t = outlet_shares(align(SimpleNamespace(articles=arts, sentences=sents)))
    >>> t[["outlet", "shared_words", "n_words", "word_share"]]
      outlet  shared_words  n_words  word_share
    0      A             7       13    0.538462
    1      B             7        7    1.000000
    """
    al = _check_alignment(alignment)
    S = al.sentences.assign(
        shared_words=lambda d: d["n_words"].where(d["shared"], 0),
        shared_int=lambda d: d["shared"].astype(int),
    )
    per_article = (
        S.groupby(["outlet", "article_id"], sort=True)
        .agg(
            n_sentences=("sentence", "size"),
            shared_sentences=("shared_int", "sum"),
            n_words=("n_words", "sum"),
            shared_words=("shared_words", "sum"),
        )
        .reset_index()
    )
    # Articles without any sentence still count as articles of their outlet.
    known = al.articles[["outlet", "article_id"]]
    per_article = known.merge(per_article, on=["outlet", "article_id"], how="left").fillna(0)
    rows = []
    for outlet, g in per_article.groupby("outlet", sort=True):
        ss, sl, sh, method = _ratio_interval(
            g["shared_sentences"].to_numpy(float),
            g["n_sentences"].to_numpy(float),
            n_boot=n_boot,
            ci=ci,
            seed=seed,
        )
        ws, wl, wh, _ = _ratio_interval(
            g["shared_words"].to_numpy(float),
            g["n_words"].to_numpy(float),
            n_boot=n_boot,
            ci=ci,
            seed=seed,
        )
        n_words = int(g["n_words"].sum())
        shared_words = int(g["shared_words"].sum())
        rows.append(
            (
                outlet,
                len(g),
                int(g["n_sentences"].sum()),
                int(g["shared_sentences"].sum()),
                ss,
                sl,
                sh,
                n_words,
                shared_words,
                ws,
                wl,
                wh,
                n_words - shared_words,
                method,
                stats.too_small(len(g), minimum=min_articles),
            )
        )
    cols = [
        "outlet",
        "n_articles",
        "n_sentences",
        "shared_sentences",
        "sentence_share",
        "sentence_low",
        "sentence_high",
        "n_words",
        "shared_words",
        "word_share",
        "word_low",
        "word_high",
        "unique_words",
        "method",
        "too_small",
    ]
    return pd.DataFrame(rows, columns=cols).reset_index(drop=True)


def outlet_matrix(
    alignment: Alignment,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    min_articles: int = stats.MIN_ARTICLES,
) -> pd.DataFrame:
    """Outlet x outlet matrix (long form) of shared material.

    Row outlet ``outlet``, column outlet ``other``: the share of ``outlet``'s words that lie in
    sentences ``other`` also carries. Asymmetric: a short article wholly copied into a long one
    is 100 % shared from the short side and a small share from the long side. Interval: cluster
    bootstrap over ``outlet``'s articles, as in :func:`outlet_shares`.

    Returns:
        One row per ordered pair of outlets (the diagonal only with ``same_outlet=True``
        alignments), ordered by (``outlet``, ``other``): ``outlet``, ``other``,
        ``n_articles`` (of ``outlet``), ``n_articles_other``, ``shared_sentences``,
        ``shared_words``, ``n_words``, ``share``, ``low``, ``high``, ``method``, ``too_small``
        (either outlet has fewer than ``min_articles`` articles).
        ``table.pivot(index="outlet", columns="other", values="share")`` gives the matrix.

    >>> from types import SimpleNamespace
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    >>> sents = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"], "sentence": [0, 0],
    ...     "text": ["Putin is a liar.", "Putin is a liar!"], "start": [0, 0], "end": [16, 16]})
    >>> outlet_matrix(align(SimpleNamespace(articles=arts, sentences=sents)))[["outlet", "other", "share"]]
      outlet other  share
    0      A     B    1.0
    1      B     A    1.0
    """
    al = _check_alignment(alignment)
    S = al.sentences
    arts = al.articles
    n_art = arts.groupby("outlet").size()
    outlets = sorted(n_art.index)
    words = S.groupby("article_id")["n_words"].sum()
    links = al.links.merge(
        S[["article_id", "sentence", "n_words"]], on=["article_id", "sentence"], how="left"
    )
    link_words = links.groupby(["other_outlet", "article_id"])["n_words"].sum()
    link_sents = links.groupby(["other_outlet", "article_id"]).size()
    diag = bool(al.params.get("same_outlet"))
    rows = []
    for a in outlets:
        ids = sorted(arts.loc[arts["outlet"] == a, "article_id"])
        den = words.reindex(ids, fill_value=0).to_numpy(float)
        for b in outlets:
            if a == b and not diag:
                continue
            num_s = (
                link_words.get(b, pd.Series(dtype=float)).reindex(ids, fill_value=0).to_numpy(float)
            )
            n_s = int(link_sents.get(b, pd.Series(dtype=float)).reindex(ids, fill_value=0).sum())
            est, low, high, method = _ratio_interval(num_s, den, n_boot=n_boot, ci=ci, seed=seed)
            rows.append(
                (
                    a,
                    b,
                    int(n_art[a]),
                    int(n_art[b]),
                    n_s,
                    int(num_s.sum()),
                    int(den.sum()),
                    est,
                    low,
                    high,
                    method,
                    stats.too_small(min(int(n_art[a]), int(n_art[b])), minimum=min_articles),
                )
            )
    cols = [
        "outlet",
        "other",
        "n_articles",
        "n_articles_other",
        "shared_sentences",
        "shared_words",
        "n_words",
        "share",
        "low",
        "high",
        "method",
        "too_small",
    ]
    return pd.DataFrame(rows, columns=cols)


def unique_material(alignment: Alignment, *, min_words: int = 5) -> pd.DataFrame:
    """Sentences that only one outlet has (no other outlet carries them or a close paraphrase).

    Args:
        alignment: result of :func:`align`.
        min_words: shorter sentences (datelines, fragments) are left out.

    Returns:
        ``outlet``, ``article_id``, ``sentence``, ``text``, ``n_words``, ordered by
        (``outlet``, ``article_id``, ``sentence``). Repeats of one sentence inside an article
        (captions printed twice) are listed once.

    >>> from types import SimpleNamespace
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    >>> sents = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["A", "A", "B"],
    ...     "sentence": [0, 1, 0], "text": ["Putin is a liar and a deceiver.",
    ...     "Only outlet A reports this detail.", "Putin is a liar and a deceiver!"],
    ...     "start": [0, 32, 0], "end": [31, 66, 31]})
    >>> unique_material(align(SimpleNamespace(articles=arts, sentences=sents)))["text"].tolist()
    ['Only outlet A reports this detail.']
    """
    al = _check_alignment(alignment)
    if min_words < 0:
        raise ValueError(f"min_words must be >= 0, got {min_words}")
    S = al.sentences
    out = S[~S["shared"] & (S["n_words"] >= min_words)].copy()
    out["_norm"] = [normalise(t) for t in out["text"]]
    out = out.drop_duplicates(["article_id", "_norm"], keep="first")
    out = out[["outlet", "article_id", "sentence", "text", "n_words"]]
    return out.sort_values(["outlet", "article_id", "sentence"], kind="stable").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# numeric claims

_UNITS_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "m": 1e6,
    "bn": 1e9,
    "k": 1e3,
    "dozen": 12,
}
# Vague amounts: (low, high) of what the phrase can mean; the claim's value is its low end.
_VAGUE = {
    "hundreds of thousands": (1e5, 999_999),
    "tens of thousands": (1e4, 99_999),
    "several thousand": (3e3, 9_999),
    "a few thousand": (2e3, 9_999),
    "thousands": (1e3, 9_999),
    "several hundred": (300, 999),
    "a few hundred": (200, 999),
    "hundreds": (100, 999),
    "millions": (1e6, 9_999_999),
    "dozens": (24, 99),
    "scores": (40, 99),
}
# Qualifier phrase -> its meaning; the meanings are turned into intervals in _interval.
_QUALIFIERS = {
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "in excess of": "more than",
    "upwards of": "more than",
    "just over": "more than",
    "well over": "more than",
    "at least": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "almost": "almost",
    "nearly": "almost",
    "just under": "almost",
    "close to": "almost",
    "up to": "up to",
    "at most": "up to",
    "no more than": "up to",
    "as many as": "up to",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
    "below": "fewer than",
    "around": "around",
    "about": "around",
    "roughly": "around",
    "approximately": "around",
    "some": "around",
    "an estimated": "around",
    "estimated": "around",
    "circa": "around",
    "an approximate": "around",
    "up to around": "up to",
}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NUMWORD = (
    r"(?:(?:"
    + "|".join(_TENS_WORDS)
    + r")(?:[-\s](?:"
    + "|".join(list(_UNITS_WORDS)[:9])
    + r"))?|"
    + "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
    + r")"
)
# Digits: thousands separated by commas, or plain digits; never glued to letters, times
# ("16:00"), ordinals ("34th"), codes ("E40") or the tail of a malformed "10,00-20,000".
_DIGITS = (
    r"(?<![\w.,:/])(?<!\d-)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w:]|,\d|\.\d|-[a-z]|[’']s\b)"
)
_NUM = (
    rf"(?:[£$€]\s?)?(?:{_DIGITS}(?:\s?(?:million|billion|thousand|bn|m|k)\b)?"
    rf"|\b{_NUMWORD}\b(?:\s+(?:hundred|thousand|million|billion|dozen)\b)*"
    r"|\ban?\s+(?:hundred|thousand|million|billion|dozen)\b)"
)
_QUAL = "|".join(
    re.escape(q).replace(r"\ ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True)
)
_VAGUE_RE = "|".join(
    re.escape(v).replace(r"\ ", r"\s+") for v in sorted(_VAGUE, key=len, reverse=True)
)
_CLAIM = re.compile(
    rf"(?:\b(?P<qual>{_QUAL})\s+)?"
    rf"(?:\bbetween\s+(?P<lo>{_NUM})\s+and\s+(?P<hi>{_NUM})"
    rf"|(?P<lo2>{_NUM})\s*(?:-|–|—|\bto\b)\s*(?P<hi2>{_NUM})"
    rf"|\b(?P<vague>{_VAGUE_RE})\b"
    rf"|(?P<num>{_NUM}))",
    re.IGNORECASE,
)
_HYPHEN_AFTER = re.compile(r"\s?-\s?[a-z]", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:day|days|article|number|no|page|chapter|section|room|flight|route|line|channel|"
    r"level|phase|stage|grade|category|unit|week|year|aged|age|ages)\s*|\b[A-Z][\w’']*[a-z]\s)$"
)
_AGE_BEFORE = re.compile(r"\b[A-Z][\w’'-]*(?:-\s[a-z]+)?\s*,\s*$")
_PART_BEFORE = re.compile(
    r"\b(?:including|among\s+them|of\s+whom|of\s+which|among)\s+$", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[.;:!?()\[\]\"“”,–—]")
_PERCENT_AFTER = re.compile(r"^\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)


def _parse_number(text: str) -> float | None:
    """Value of one number expression (digits or words, with scale words)."""
    t = text.strip().lower().replace("£", "").replace("$", "").replace("€", "").strip()
    t = re.sub(r"\s+", " ", t)
    m = re.match(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?(million|billion|thousand|bn|m|k)?$", t)
    if m:
        value = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        return value * (_SCALES[m.group(3)] if m.group(3) else 1.0)
    words = t.replace("-", " ").split()
    if not words:
        return None
    value, current = 0.0, 0.0
    for w in words:
        if w in ("a", "an"):
            current = 1.0
        elif w in _UNITS_WORDS:
            current += _UNITS_WORDS[w]
        elif w in _TENS_WORDS:
            current += _TENS_WORDS[w]
        elif w in ("hundred", "dozen"):
            current = (current or 1.0) * _SCALES[w]
        elif w in ("thousand", "million", "billion"):
            value += (current or 1.0) * _SCALES[w]
            current = 0.0
        else:
            return None
    return value + current


def _interval(qualifier: str | None, value: float, *, approx: float) -> tuple[float, float]:
    """Interval of true values a qualified number is consistent with (see :func:`figures`)."""
    if qualifier in ("more than", "at least"):
        return value, math.inf
    if qualifier == "almost":
        return value * (1.0 - approx), value
    if qualifier in ("up to", "fewer than"):
        return 0.0, value
    if qualifier == "around":
        return value * (1.0 - approx), value * (1.0 + approx)
    return value, value


def _unit(after: str, lex: Lexicon) -> tuple[str | None, str | None, str]:
    """(unit phrase, canonical subject, kind) from the words right after a number."""
    if _PERCENT_AFTER.match(after):
        return "%", None, "measure"
    clause = _CLAUSE_END.split(after, maxsplit=1)[0]
    toks = _WORD.findall(clause)[:7]
    i = 0
    if toks and toks[0].lower() == "of":  # "tens of thousands of Russians", "hundreds of civilians"
        i = 2 if len(toks) > 1 and toks[1].lower() == "the" else 1
    run: list[str] = []
    for k in range(i, min(i + 4, len(toks))):
        tok = toks[k]
        low = tok.lower()
        if low in lex.measure_units and not run:
            return tok, None, "measure"
        if low in lex.function_words:
            break
        run.append(tok)
        if low in lex.subjects:
            subject = lex.subjects[low]
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if (
                nxt is not None
                and nxt.lower() not in lex.function_words
                and (nxt.lower() in lex.subjects or (nxt.lower().endswith("s") and len(nxt) > 3))
            ):
                run.append(nxt)
                subject = lex.subjects.get(nxt.lower(), subject)
            return " ".join(run), subject, "count"
    for k, tok in enumerate(run):  # no lexicon noun: the first plural-looking word is the unit
        if tok.lower().endswith("s") and len(tok) > 3 and not tok.lower().endswith("ss"):
            head = tok.lower()
            subject = head[:-3] + "y" if head.endswith("ies") else head[:-1]
            return " ".join(run[: k + 1]), subject, "count"
    return None, None, "count"


@cache
def _place_pattern(lex: Lexicon) -> re.Pattern[str]:
    names = sorted(lex.places, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names) or "(?!)"
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _nearest_event(text: str, start: int, end: int, lex: Lexicon) -> str | None:
    best: tuple[int, int, str] | None = None
    canonical = dict(lex.events)
    for m in _event_pattern(lex).finditer(text):
        phrase = re.sub(r"\s+", " ", m.group(0).lower())
        after = m.start() >= end
        dist = m.start() - end if after else max(0, start - m.end())
        key = (dist, 0 if after else 1, canonical.get(phrase, phrase))
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def figures_in(
    text: str, *, approx: float = 0.1, lexicon: str | Path | Lexicon | None = None
) -> pd.DataFrame:
    """Numeric claims in one sentence (see :func:`figures` for the method and columns).

    >>> figures_in("Ukraine claims Moscow has lost more than 12,000 troops.")[
    ...     ["text", "qualifier", "value", "low", "high", "unit", "subject", "event"]].to_dict("records")
    [{'text': 'more than 12,000', 'qualifier': 'more than', 'value': 12000.0, 'low': 12000.0, 'high': inf, 'unit': 'troops', 'subject': 'soldier', 'event': 'killed'}]
    >>> figures_in("between 1,000 and 1,200 people were inside the theatre")[["low", "high", "event"]].values.tolist()
    [[1000.0, 1200.0, 'trapped']]
    """
    if not 0.0 <= approx < 1.0:
        raise ValueError(f"approx must be in [0, 1), e.g. 0.1 for 'around' = +-10 %; got {approx}")
    lex = load_lexicon(lexicon)
    rows = []
    places = "; ".join(sorted({lex.places[m.group(0)] for m in _place_pattern(lex).finditer(text)}))
    for m in _CLAIM.finditer(text):
        s, e = m.span()
        before, after = text[:s], text[e:]
        qual = (
            _QUALIFIERS.get(re.sub(r"\s+", " ", m.group("qual").lower()))
            if m.group("qual")
            else None
        )
        if m.group("vague"):
            low, high = _VAGUE[re.sub(r"\s+", " ", m.group("vague").lower())]
            value = float(low)
            qual = qual or "vague"
        elif m.group("lo") or m.group("lo2"):
            lo = _parse_number(m.group("lo") or m.group("lo2"))
            hi = _parse_number(m.group("hi") or m.group("hi2"))
            if lo is None or hi is None or hi <= lo:  # "60-00-01" sort codes, scores "3-1" ...
                continue
            value, low, high, qual = lo, lo, hi, "between"
        else:
            raw = m.group("num")
            value = _parse_number(raw)
            if value is None:
                continue
            bare = raw.strip().lower()
            if bare in ("one", "a dozen", "an", "a"):  # "one of them", "one app": not a count
                continue
            is_digits = bare[:1].isdigit()
            if is_digits and "," not in bare and re.fullmatch(r"\d{5,}", bare):
                continue  # phone numbers, account numbers: counts this large are printed with commas
            if is_digits and re.fullmatch(r"\d{4}", bare) and 1800 <= value <= 2099:
                unit_probe = _unit(after, lex)
                if unit_probe[1] is None:
                    continue  # a year
            low, high = _interval(qual, value, approx=approx)
        if _HYPHEN_AFTER.match(after) or _MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after):
            continue  # "nine-year-old", "March 7", "24 February"
        if _LABEL_BEFORE.search(before) and not m.group("qual"):
            continue  # "day 13", "Article 5"
        if _AGE_BEFORE.search(before) and re.match(r"^\s*,", after):
            continue  # "Gerimov, 45, ..."
        unit, subject, kind = _unit(after, lex)
        currency = (
            re.match(r"^[£$€]", m.group(0).lstrip())
            if not m.group("qual")
            else re.search(r"[£$€]", m.group(0))
        )
        if currency:
            unit, subject, kind = (
                {"£": "GBP", "$": "USD", "€": "EUR"}[currency.group(0)],
                "money",
                "money",
            )
        if _PART_BEFORE.search(before):
            kind = "part"  # "including two children": a part of another count
        # Event words after the number are measured from the end of its unit, so that in
        # "destroyed a theatre where 1,200 terrified civilians were sheltering" the claim is
        # about sheltering, not destroying.
        anchor = e + after.find(unit) + len(unit) if unit and unit in after else e
        rows.append(
            {
                "start": s,
                "end": e,
                "text": m.group(0),
                "qualifier": qual,
                "value": float(value),
                "low": float(low),
                "high": float(high),
                "unit": unit,
                "subject": subject,
                "event": _nearest_event(text, s, anchor, lex),
                "kind": kind,
                "places": places,
            }
        )
    cols = [
        "start",
        "end",
        "text",
        "qualifier",
        "value",
        "low",
        "high",
        "unit",
        "subject",
        "event",
        "kind",
        "places",
    ]
    return pd.DataFrame(rows, columns=cols)


def figures(
    corpus: Any,
    *,
    approx: float = 0.1,
    lexicon: str | Path | Lexicon | None = None,
) -> pd.DataFrame:
    """Numeric claims in every sentence: number, qualifier, unit, subject, event, sentence.

    Method: rule-based extraction in the tradition of quantity taggers for fact-checking
    (e.g. Vlachos & Riedel 2015, "Identification and verification of simple claims about
    statistical properties"; Roy, Vieira & Roth 2015, "Reasoning about quantities in natural
    language"): a regular expression finds numbers in digits (``2,000``, ``1.5 million``),
    words (``three``, ``a thousand``) and vague amounts (``hundreds``, ``tens of thousands``),
    with a preceding qualifier and ranges (``between 1,000 and 1,200``, ``10-20``). Dates,
    years, ages (``Gerimov, 45,``), ordinals, times, codes, ``nine-year-old`` and numbers of
    five or more digits without separators (phone and account numbers) are skipped. The unit
    is the noun phrase after the number (up to four words, stopping at a function word; "of"
    after vague amounts is skipped) and its subject the canonical noun from the lexicon
    (``figures.subjects``: troops -> soldier); the event is the lexicon event word
    (``figures.events``) nearest the number in the sentence (died -> killed).

    Each claim becomes an interval of true values it is consistent with, so that claims can
    be compared (:func:`line_up`): plain ``v`` -> [v, v]; ``more than``/``over``/``at least``
    -> [v, inf); ``almost``/``nearly`` -> [v(1-approx), v]; ``up to``/``fewer than`` -> [0, v];
    ``around``/``about``/``an estimated`` -> [v(1-approx), v(1+approx)]; ranges -> [lo, hi];
    vague amounts -> their span (``hundreds`` = [100, 999], ``tens of thousands`` =
    [10,000, 99,999]); ``value`` is the stated number (the low end for ranges and vague amounts).

    Args:
        corpus: a Corpus (``sentences``; ``articles`` for dates).
        approx: relative width of ``around`` and ``almost``.
        lexicon: lexicon file or :class:`Lexicon`.

    Returns:
        One row per claim, ordered by (``article_id``, ``sentence``, ``start``): ``article_id``,
        ``outlet``, ``published``, ``sentence``, ``start``, ``end`` (body offsets of the number
        expression), ``text``, ``qualifier`` (``more than``, ``at least``, ``almost``,
        ``up to``, ``fewer than``, ``around``, ``between``, ``vague`` or None), ``value``,
        ``low``, ``high``, ``unit``, ``subject``, ``event``, ``kind`` (``count``, ``part``:
        "including two children", ``measure``: time/distance/percent, ``money``), ``places``
        (gazetteer places in the sentence, ``; ``-joined), ``evidence`` (the sentence).

    >>> from types import SimpleNamespace
    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["A"], "sentence": [0], "start": [10],
    ...     "end": [56], "text": ["Ukraine says 2,000 civilians have been killed."]})
    >>> figures(SimpleNamespace(articles=None, sentences=s))[["start", "value", "subject", "event"]]
       start   value   subject   event
    0     23  2000.0  civilian  killed
    """
    lex = load_lexicon(lexicon)
    articles, sentences, _ = _tables(corpus)
    published = dict(
        zip(
            articles["article_id"].astype(str),
            articles["published"] if "published" in articles else [None] * len(articles),
            strict=True,
        )
    )
    parts = []
    for a, o, k, st, text in zip(
        sentences["article_id"].astype(str),
        sentences["outlet"].astype(str),
        sentences["sentence"],
        sentences["start"],
        sentences["text"].astype(str),
        strict=True,
    ):
        if not any(ch.isdigit() for ch in text) and not _CLAIM.search(text):
            continue
        f = figures_in(text, approx=approx, lexicon=lex)
        if f.empty:
            continue
        f["start"] += int(st)
        f["end"] += int(st)
        f.insert(0, "sentence", int(k))
        f.insert(0, "published", published.get(a))
        f.insert(0, "outlet", o)
        f.insert(0, "article_id", a)
        f["evidence"] = text
        parts.append(f)
    cols = [
        "article_id",
        "outlet",
        "published",
        "sentence",
        "start",
        "end",
        "text",
        "qualifier",
        "value",
        "low",
        "high",
        "unit",
        "subject",
        "event",
        "kind",
        "places",
        "evidence",
    ]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    return out.sort_values(["article_id", "sentence", "start"], kind="stable").reset_index(
        drop=True
    )


def line_up(
    claims: pd.DataFrame,
    *,
    by: Sequence[str] = ("subject", "event"),
    kinds: Sequence[str] = ("count",),
    min_outlets: int = 2,
) -> pd.DataFrame:
    """Line up claims about the same quantity across outlets and flag disagreements.

    Method: claims (from :func:`figures`) with the same values in the ``by`` columns
    (default: canonical subject and event, e.g. civilian / killed) are taken to be about the
    same quantity. Two claims disagree when their intervals (see :func:`figures`) do not
    overlap: "more than 12,000" and "15,000" agree, "38 children killed" and "103 children
    killed" do not. This flags what to check; it does not decide who is right: outlets report
    on different days and places, so ``published`` and the evidence sentence are kept, and
    ``by=("subject", "event", "places")`` separates claims by the places named in the sentence.
    Claims with a missing ``by`` value (no subject found, e.g. "15,000 have already died")
    cannot be lined up and are left out.

    Args:
        claims: the table from :func:`figures`.
        by: columns that define "the same quantity".
        kinds: claim kinds to compare (``count`` by default; ``part`` counts such as
            "including two children" are parts of another number).
        min_outlets: quantities reported by fewer outlets are left out.

    Returns:
        One row per claim about a quantity that at least ``min_outlets`` outlets report,
        ordered by (``quantity``, ``published``, ``article_id``, ``start``): ``quantity``
        (the ``by`` values joined by " / "), the ``by`` columns, ``n_outlets``, ``n_claims``,
        ``disagreement`` (some claims of the quantity from different outlets do not overlap),
        ``outlet``, ``article_id``, ``published``, ``sentence``, ``start``, ``text``,
        ``qualifier``, ``value``, ``low``, ``high``, ``unit``, ``conflicts_with`` (sorted
        other outlets whose claims do not overlap this one, ``; ``-joined), ``evidence``.

    >>> c = pd.DataFrame({"article_id": ["m", "s"], "outlet": ["Mirror", "Sun"],
    ...     "published": ["2022-03-08", "2022-03-17"], "sentence": [3, 9], "start": [0, 0],
    ...     "text": ["38", "103"], "qualifier": [None, None], "value": [38.0, 103.0],
    ...     "low": [38.0, 103.0], "high": [38.0, 103.0], "unit": ["children", "children"],
    ...     "subject": ["child", "child"], "event": ["killed", "killed"], "kind": ["count", "count"],
    ...     "places": ["", ""], "evidence": ["38 children had been killed", "103 children have been killed"]})
    >>> line_up(c)[["outlet", "value", "disagreement", "conflicts_with"]]
       outlet  value  disagreement conflicts_with
    0  Mirror   38.0          True            Sun
    1     Sun  103.0          True         Mirror
    """
    by = list(by)
    _require(claims, [*by, "outlet", "article_id", "low", "high", "kind", "start"], name="claims")
    if min_outlets < 1:
        raise ValueError(f"min_outlets must be at least 1, got {min_outlets}")
    c = claims[claims["kind"].isin(list(kinds))].copy()
    for col in by:
        c = c[c[col].notna() & (c[col].astype(str) != "")]
    keep_cols = [
        "outlet",
        "article_id",
        "published",
        "sentence",
        "start",
        "text",
        "qualifier",
        "value",
        "low",
        "high",
        "unit",
        "evidence",
    ]
    cols = [
        "quantity",
        *by,
        "n_outlets",
        "n_claims",
        "disagreement",
        *keep_cols[:11],
        "conflicts_with",
        "evidence",
    ]
    cols = list(dict.fromkeys(cols))
    if c.empty:
        return pd.DataFrame(columns=cols)
    for col in keep_cols:
        if col not in c:
            c[col] = None
    c["quantity"] = c[by].astype(str).agg(" / ".join, axis=1)
    rows = []
    for _, g in c.groupby("quantity", sort=True):
        outlets = g["outlet"].to_numpy(dtype=object)
        if len(set(outlets)) < min_outlets:
            continue
        lo = g["low"].to_numpy(float)
        hi = g["high"].to_numpy(float)
        overlap = (lo[:, None] <= hi[None, :]) & (lo[None, :] <= hi[:, None])
        other = outlets[:, None] != outlets[None, :]
        conflicts = [
            ";".join(sorted(set(outlets[(~overlap[i]) & other[i]]))) for i in range(len(g))
        ]
        g = g.assign(
            conflicts_with=[x.replace(";", "; ") for x in conflicts],
            n_outlets=len(set(outlets)),
            n_claims=len(g),
            disagreement=bool(((~overlap) & other).any()),
        )
        rows.append(g)
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    out["_pub"] = out["published"].fillna("~").astype(str)
    out = out.sort_values(["quantity", "_pub", "article_id", "start"], kind="stable")
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# named people and places

# A name token: initials ("U.S."), a capitalised word (with inner hyphens/apostrophes), or a
# capitalised word broken by a stray hyphenation ("Dmitrien- ko"); an optional possessive ends
# the name ("Moscow’s Luzhniki Stadium" is two names).
_NAME_TOKEN = re.compile(
    r"(?<![\w’'])(?P<tok>(?:[A-Z]\.){2,}|[A-Z][\w’'\-]*[a-z]-\s[a-z]+|[A-Z][\w\-]*(?:[’'](?!s\b)[A-Za-z]+)*)"
    r"(?P<poss>\s?[’']s\b|(?<=s)[’'](?!\w))?"
)
_CONNECTORS = frozenset(
    {"of", "of the", "de", "da", "del", "di", "du", "la", "le", "von", "van", "al", "bin"}
)
_GAP = re.compile(r"^(?:\s+|\s+(?:of the|of|de|da|del|di|du|la|le|von|van|al|bin)\s+)$")
# Positions where any word is capitalised: sentence start, after an opening quote or a colon.
_INITIAL_BEFORE = re.compile(r"(?:^|[:“\"‘'(\[•\-–—]\s*|[.!?]\s+)[\s“\"‘'(\[]*$")
_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z][a-z’'\-]+")


class _Mention(NamedTuple):
    start: int
    end: int
    text: str
    name: str
    kind: str  # person, place, organisation, unresolved, other


def _clean_token(tok: str) -> str:
    return re.sub(r"-\s", "", tok)


def _classify_run(run: list[tuple[str, int, int]], titled: bool, lex: Lexicon) -> str:
    words = [t for t, _, _ in run]
    if words[-1] in lex.place_words and len(words) > 1:
        return "place"
    if any(w in lex.organisation_words for w in words):
        return "organisation"
    if titled or len(words) >= 2:
        return "person"
    return "unresolved"


def _sequences(text: str) -> list[list[tuple[str, int, int, bool]]]:
    """Runs of capitalised tokens (token, start, end, possessive) separated only by spaces or
    name connectors ("of the"); a possessive ends a run."""
    runs: list[list[tuple[str, int, int, bool]]] = []
    prev_end = -1
    for m in _NAME_TOKEN.finditer(text):
        tok = (m.group("tok"), m.start("tok"), m.end("tok"), bool(m.group("poss")))
        if (
            runs
            and prev_end >= 0
            and not runs[-1][-1][3]
            and _GAP.match(text[prev_end : m.start()])
        ):
            gap = text[prev_end : m.start()].strip()
            if gap:
                runs[-1].append((gap, prev_end, m.start(), False))  # connector kept in place
            runs[-1].append(tok)
        else:
            runs.append([tok])
        prev_end = m.end("tok") if not m.group("poss") else -1
    return runs


def _mentions_in_sentence(text: str, *, lower_vocab: set[str], lex: Lexicon) -> list[_Mention]:
    """Name mentions in one sentence, before article-level merging (see :func:`entities`)."""
    out: list[_Mention] = []
    for seq in _sequences(text):
        toks = [(_clean_token(t), s, e) for t, s, e, _ in seq]
        # Drop words that are capitalised only because of where they stand (Mikheev 2002):
        # at the start of a sentence or quote, a word the article also uses in lower case.
        while toks:
            t, s, _ = toks[0]
            initial = bool(_INITIAL_BEFORE.search(text[:s]))
            low = t.lower().replace("’", "'")
            if (
                low in _CONNECTORS
                or low in lex.function_words
                or (
                    initial
                    and low in lower_vocab
                    and t not in lex.places
                    and t not in lex.organisations
                )
            ):
                toks = toks[1:]
                continue
            break
        i, run, titled = 0, [], False

        def flush() -> None:
            nonlocal run, titled
            while run and run[-1][0].lower() in _CONNECTORS:
                run = run[:-1]
            if run:
                kind = _classify_run(run, titled, lex)
                name = " ".join(t for t, _, _ in run)
                if kind == "organisation":
                    name = lex.organisations.get(name, name)
                out.append(
                    _Mention(run[0][1], run[-1][2], text[run[0][1] : run[-1][2]], name, kind)
                )
                titled = False
            run = []

        whole = " ".join(t for t, _, _ in toks)
        if len(toks) > 1 and toks[-1][0] in lex.place_words and whole not in lex.organisations:
            out.append(
                _Mention(
                    toks[0][1],
                    toks[-1][2],
                    text[toks[0][1] : toks[-1][2]],
                    lex.places.get(whole, whole),
                    "place",
                )
            )
            continue
        while i < len(toks):
            # Longest known place or organisation starting here ("Interfax Ukraine News Agency").
            hit = None
            for j in range(min(len(toks), i + 6), i, -1):
                span = " ".join(t for t, _, _ in toks[i:j])
                cand = span if span in lex.places or span in lex.organisations else None
                if cand is None and span.isupper() and len(span) > 3:
                    cand = span.title() if span.title() in lex.places else None
                if cand is not None:
                    hit = (j, cand)
                    break
            if hit is not None:
                flush()
                j, span = hit
                s, e = toks[i][1], toks[j - 1][2]
                if span in lex.places:
                    out.append(_Mention(s, e, text[s:e], lex.places[span], "place"))
                else:
                    out.append(_Mention(s, e, text[s:e], lex.organisations[span], "organisation"))
                i = j
                continue
            t = toks[i][0]
            if (
                t in lex.demonyms
                or t.lower().replace("’", "'") in lex.function_words
                or (t.isupper() and len(t) > 5)
            ):
                flush()
            elif t in lex.titles:
                flush()
                titled = True
            elif t.lower() in _CONNECTORS and not run:
                pass
            else:
                run.append(toks[i])
            i += 1
        flush()
    return out


def _speech_cue(text: str, m: _Mention, lex: Lexicon) -> bool:
    """A single capitalised word acts as a person: "Lavrov told", "officer, Vladimir, told"."""
    after = text[m.end :]
    nxt = re.match(r"^\s*,?\s*([a-z]+)", after)
    if nxt and nxt.group(1) in lex.speech_verbs:
        return True
    before = text[: m.start]
    return bool(re.search(r"\b[a-z]+,\s*$", before)) and after.lstrip().startswith(",")


def entities(
    corpus: Any,
    *,
    lexicon: str | Path | Lexicon | None = None,
    merge_threshold: float = 88.0,
) -> pd.DataFrame:
    """Named people, places and organisations mentioned in each sentence.

    Method: a rule-based finder that needs no downloaded model. spaCy and stanza models are
    downloaded from a model hub, which newslens never contacts (users work offline and
    results must not change when a hub updates a model); no maintained NER model installs as
    a plain PyPI wheel. Capitalisation-based name finding is the classic baseline (e.g.
    Mikheev, Moens & Grover 1999, "Named entity recognition without gazetteers"):

    1. Runs of capitalised words (joined by "of", "of the", "bin" ...) are candidate names; a
       possessive ends a run ("Moscow's Luzhniki Stadium").
    2. Sentence-initial and quote-initial words are kept only if the article never uses them
       in lower case (Mikheev 2002, "Periods, capitalized words, etc.", *Computational
       Linguistics* 28(3), the document-centred approach); function words are dropped.
    3. Known places and organisations from the lexicon (``places``, ``organisations``, with
       their other spellings: Kiev -> Kyiv) are matched longest first; demonyms and titles are
       stripped ("Russian Foreign Minister Sergey Lavrov" -> person "Sergey Lavrov"); a
       sequence ending in a place word ("Luzhniki Stadium") is a place and one holding an
       organisation word ("State Emergency Service") an organisation.
    4. What remains is a person when it follows a title or has two or more words; a single
       word is a person when a speech verb follows it ("Lavrov told"), when it is an
       appositive (", Vladimir, told"), or when it is the surname of a person named in full
       in the same article (or, failing that, anywhere in the corpus with a single match):
       "Mr Zheleznyak" -> "Alexei Zheleznyak". Full names with the same surname and a
       rapidfuzz ratio of at least ``merge_threshold`` are one person ("Vladmir Putin" ->
       "Vladimir Putin", the most frequent spelling). Everything else is ``other``.

    Limits: people named by one word with no cue stay ``other``; places not in the gazetteer
    are found only from a place word; first names alone are never merged with full names
    ("Vladimir" the soldier is not "Vladimir Putin").

    Args:
        corpus: a Corpus (``sentences``; ``articles`` bodies give each article's lower-case
            vocabulary when present, else its sentences do).
        lexicon: lexicon file or :class:`Lexicon`.
        merge_threshold: rapidfuzz ratio (0-100) above which two full names with the same
            surname are one person.

    Returns:
        One row per mention, ordered by (``article_id``, ``start``): ``article_id``,
        ``outlet``, ``sentence``, ``start``, ``end`` (body offsets), ``text`` (as printed),
        ``name`` (canonical), ``kind`` (``person``, ``place``, ``organisation``, ``other``).

    >>> from types import SimpleNamespace
    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["A", "A"], "sentence": [0, 1],
    ...     "text": ["Russian Foreign Minister Sergey Lavrov spoke in Kiev.", "Lavrov told reporters."],
    ...     "start": [0, 54], "end": [53, 76]})
    >>> entities(SimpleNamespace(articles=None, sentences=s))[["text", "name", "kind"]]
                text           name    kind
    0  Sergey Lavrov  Sergey Lavrov  person
    1           Kiev           Kyiv   place
    2         Lavrov  Sergey Lavrov  person
    """
    from rapidfuzz import fuzz

    lex = load_lexicon(lexicon)
    articles, sentences, _ = _tables(corpus)
    bodies: dict[str, str] = {}
    if "body" in articles:
        bodies = dict(
            zip(
                articles["article_id"].astype(str),
                articles["body"].fillna("").astype(str),
                strict=True,
            )
        )
    rows: list[tuple[str, str, int, int, _Mention, bool]] = []
    for article_id, g in sentences.groupby(sentences["article_id"].astype(str), sort=True):
        body = bodies.get(article_id) or "\n".join(g["text"].astype(str))
        lower_vocab = {w for w in _LOWER_WORD.findall(body)}
        for k, st, text, outlet in zip(
            g["sentence"], g["start"], g["text"].astype(str), g["outlet"].astype(str), strict=True
        ):
            for m in _mentions_in_sentence(text, lower_vocab=lower_vocab, lex=lex):
                cue = m.kind == "unresolved" and _speech_cue(text, m, lex)
                rows.append((article_id, outlet, int(k), int(st), m, cue))

    # Full person names: merge spelling variants that share a surname.
    full = Counter(m.name for *_, m, _ in rows if m.kind == "person" and " " in m.name)
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in sorted(full, key=lambda n: (-full[n], -len(n), n)):
        by_surname[name.split()[-1]].append(name)
    canonical: dict[str, str] = {}
    for names in by_surname.values():
        for name in names:
            canonical[name] = next(
                (
                    c
                    for c in names
                    if canonical.get(c) == c and fuzz.ratio(c, name) >= merge_threshold
                ),
                name,
            )
    corpus_surname = {s: {canonical[n] for n in ns} for s, ns in by_surname.items()}

    # Per article: resolve single words (surname of a full name here, else anywhere if unique).
    out = []
    for article_id, group in _group_rows(rows):
        here_full = {
            m.name: canonical[m.name]
            for *_, m, _ in group
            if m.kind == "person" and m.name in canonical
        }
        here_surname: dict[str, set[str]] = defaultdict(set)
        for n, c in here_full.items():
            here_surname[n.split()[-1]].add(c)
        singles = {
            m.name for *_, m, cue in group if m.kind == "person" and " " not in m.name or cue
        }
        for _, outlet, k, st, m, cue in group:
            name, kind = m.name, m.kind
            if kind == "person" and name in canonical:
                name = canonical[name]
            elif kind == "unresolved" and name.isupper():
                kind = "other"  # an unknown acronym ("HQ said") is not a person
            elif kind in ("person", "unresolved"):
                if len(here_surname.get(name, ())) == 1:
                    name, kind = next(iter(here_surname[name])), "person"
                elif (
                    name not in here_surname
                    and len(corpus_surname.get(name, ())) == 1
                    and (kind == "person" or cue or name in singles)
                ):
                    name, kind = next(iter(corpus_surname[name])), "person"
                elif kind == "person" or cue or name in singles:
                    kind = "person"
                elif len(corpus_surname.get(name, ())) == 1:
                    name, kind = next(iter(corpus_surname[name])), "person"
                else:
                    kind = "other"
            out.append((article_id, outlet, k, st + m.start, st + m.end, m.text, name, kind))
    cols = ["article_id", "outlet", "sentence", "start", "end", "text", "name", "kind"]
    table = pd.DataFrame(out, columns=cols)
    return table.sort_values(["article_id", "start", "end"], kind="stable").reset_index(drop=True)


def _group_rows(rows: list) -> Iterable[tuple[str, list]]:
    groups: dict[str, list] = defaultdict(list)
    for r in rows:
        groups[r[0]].append(r)
    return sorted(groups.items())


def who_where(
    mentions: pd.DataFrame,
    *,
    kinds: Sequence[str] = ("person", "place"),
) -> pd.DataFrame:
    """Who (and which places) each outlet names: mentions and articles per name and outlet.

    Args:
        mentions: the table from :func:`entities`.
        kinds: entity kinds to keep.

    Returns:
        One row per (name, outlet) with at least one mention, ordered by (``kind``,
        ``n_outlets`` descending, ``name``, ``outlet``): ``kind``, ``name``, ``n_outlets``
        (outlets naming it), ``outlet``, ``n_articles``, ``n_mentions``.
        ``table.pivot_table(index=["kind", "name"], columns="outlet", values="n_mentions",
        fill_value=0)`` gives the who-appears-where grid.

    >>> m = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["A", "A", "B"],
    ...     "name": ["Vladimir Putin", "Kyiv", "Vladimir Putin"], "kind": ["person", "place", "person"]})
    >>> who_where(m)
         kind            name  n_outlets outlet  n_articles  n_mentions
    0  person  Vladimir Putin          2      A           1           1
    1  person  Vladimir Putin          2      B           1           1
    2   place            Kyiv          1      A           1           1
    """
    _require(mentions, ("article_id", "outlet", "name", "kind"), name="mentions")
    m = mentions[mentions["kind"].isin(list(kinds))]
    cols = ["kind", "name", "n_outlets", "outlet", "n_articles", "n_mentions"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    t = (
        m.groupby(["kind", "name", "outlet"], sort=True)
        .agg(n_articles=("article_id", "nunique"), n_mentions=("article_id", "size"))
        .reset_index()
    )
    t["n_outlets"] = t.groupby(["kind", "name"])["outlet"].transform("nunique")
    t = t.sort_values(
        ["kind", "n_outlets", "name", "outlet"], ascending=[True, False, True, True], kind="stable"
    )
    return t[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# displays for the notebook


def side_by_side(alignment: Alignment, *, max_clusters: int | None = None) -> pd.DataFrame:
    """Clusters of shared passages with each outlet's wording in its own column.

    Args:
        alignment: result of :func:`align`.
        max_clusters: keep the clusters carried by the most outlets first, at most this many.

    Returns:
        One row per cluster, ordered by (``n_outlets`` descending, ``cluster``): ``cluster``,
        ``n_outlets``, ``n_articles``, ``min_similarity`` (lowest similarity of a member to the
        source), ``source_outlet``, ``speaker`` (sorted distinct speakers, ``; ``-joined), then
        one column per outlet (sorted) with that outlet's earliest wording ("" if it does not
        carry the passage).

    >>> from types import SimpleNamespace
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    >>> sents = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"], "sentence": [0, 0],
    ...     "text": ["They sent us to our death.", "They sent us to die."], "start": [0, 0], "end": [26, 20]})
    >>> side_by_side(align(SimpleNamespace(articles=arts, sentences=sents)))[["A", "B"]].values.tolist()
    [['They sent us to our death.', 'They sent us to die.']]
    """
    cl = _check_alignment(alignment).clusters
    outlets = sorted(alignment.articles["outlet"].unique())
    cols = [
        "cluster",
        "n_outlets",
        "n_articles",
        "min_similarity",
        "source_outlet",
        "speaker",
        *outlets,
    ]
    if cl.empty:
        return pd.DataFrame(columns=cols)
    first = cl.drop_duplicates(["cluster", "outlet"], keep="first")
    wide = (
        first.pivot(index="cluster", columns="outlet", values="text")
        .reindex(columns=outlets)
        .fillna("")
    )
    summary = cl.groupby("cluster").agg(
        n_outlets=("n_outlets", "first"),
        n_articles=("n_articles", "first"),
        min_similarity=("similarity", "min"),
        source_outlet=("outlet", "first"),
        speaker=(
            "speaker",
            lambda s: "; ".join(sorted({x for x in s if isinstance(x, str) and x})),
        ),
    )
    out = summary.join(wide).reset_index()
    out = out.sort_values(["n_outlets", "cluster"], ascending=[False, True], kind="stable")
    if max_clusters is not None:
        out = out.head(max_clusters)
    return out[cols].reset_index(drop=True)


def plot_matrix(matrix: pd.DataFrame, *, ax: Any = None, value: str = "share") -> Any:
    """Heat map of :func:`outlet_matrix`: row outlet's share carried by the column outlet.

    Each cell shows the share in per cent and, below it, the number of shared sentences; cells
    of outlets with too few articles are marked "small n".

    Returns:
        The matplotlib Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> m = pd.DataFrame({"outlet": ["A", "B"], "other": ["B", "A"], "share": [1.0, 0.5],
    ...                   "shared_sentences": [1, 1], "too_small": [True, True]})
    >>> plot_matrix(m).get_title().startswith("Share of the row outlet")
    True
    """
    import matplotlib.pyplot as plt

    _require(matrix, ("outlet", "other", value, "shared_sentences", "too_small"), name="matrix")
    outlets = sorted(set(matrix["outlet"]) | set(matrix["other"]))
    grid = matrix.pivot(index="outlet", columns="other", values=value).reindex(
        index=outlets, columns=outlets
    )
    counts = matrix.pivot(index="outlet", columns="other", values="shared_sentences").reindex(
        index=outlets, columns=outlets
    )
    small = matrix.pivot(index="outlet", columns="other", values="too_small").reindex(
        index=outlets, columns=outlets
    )
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 * len(outlets) + 3, 0.9 * len(outlets) + 2))
    image = ax.imshow(grid.to_numpy(dtype=float) * 100, cmap="Blues", vmin=0, vmax=100)
    ax.figure.colorbar(image, ax=ax, label="% of the row outlet's words")
    ax.set_xticks(range(len(outlets)), outlets, rotation=30, ha="right")
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_xlabel("also carried by")
    ax.set_ylabel("outlet")
    for (i, row), (j, col) in ((ri, cj) for ri in enumerate(outlets) for cj in enumerate(outlets)):
        v = grid.at[row, col]
        if pd.isna(v):
            ax.text(j, i, "–", ha="center", va="center", color="grey")
            continue
        note = "\nsmall n" if bool(small.at[row, col]) else ""
        ax.text(
            j,
            i,
            f"{100 * v:.0f}%\n{int(counts.at[row, col])} sent.{note}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if v > 0.5 else "black",
        )
    ax.set_title("Share of the row outlet's words that the column outlet also carries")
    return ax


def style_line_up(table: pd.DataFrame) -> Any:
    """The :func:`line_up` table as a pandas Styler with disagreeing claims highlighted.

    Rows of a quantity with a disagreement get a pale red background; the claims that conflict
    with another outlet's are in bold.

    >>> c = pd.DataFrame({"quantity": ["child / killed"], "disagreement": [True], "conflicts_with": ["Sun"]})
    >>> type(style_line_up(c)).__name__
    'Styler'
    """
    _require(table, ("disagreement", "conflicts_with"), name="line-up")
    flags = table[["disagreement", "conflicts_with"]].copy()

    def colour(row: pd.Series) -> list[str]:
        f = flags.loc[row.name]
        css = "background-color: #fbe3e1;" if bool(f["disagreement"]) else ""
        if isinstance(f["conflicts_with"], str) and f["conflicts_with"]:
            css += " font-weight: bold;"
        return [css] * len(row)

    return table.style.apply(colour, axis=1)
