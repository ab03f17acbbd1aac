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

# --------------------------------------------------------------------------------------------
# lexicon


@dataclass(frozen=True)
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
    "function_words", "titles", "places", "place_words", "demonyms", "organisations",
    "organisation_words", "speech_verbs", "figures",
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
        raise ValueError(f"lexicon {path}: 'figures' must be a mapping with keys {sorted(_FIGURE_KEYS)}")
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
        function_words=frozenset(w.lower() for w in _str_list(raw.get("function_words"), where=f"{path}: function_words")),
        titles=frozenset(_str_list(raw.get("titles"), where=f"{path}: titles")),
        places=_alias_map(raw.get("places"), where=f"{path}: places"),
        place_words=frozenset(_str_list(raw.get("place_words"), where=f"{path}: place_words")),
        demonyms=frozenset(_str_list(raw.get("demonyms"), where=f"{path}: demonyms")),
        organisations=_alias_map(raw.get("organisations"), where=f"{path}: organisations"),
        organisation_words=frozenset(_str_list(raw.get("organisation_words"), where=f"{path}: organisation_words")),
        speech_verbs=frozenset(w.lower() for w in _str_list(raw.get("speech_verbs"), where=f"{path}: speech_verbs")),
        subjects=subjects,
        events=tuple(events),
        measure_units=frozenset(w.lower() for w in _str_list(fig.get("measure_units"), where=f"{path}: figures.measure_units")),
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
        raise FileNotFoundError(f"lexicon file {p} not found; pass lexicon=None for the packaged one")
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
    return sorted({_stem(w) for w in words if w not in lex.function_words and (len(w) > 1 or w.isdigit())})


class Similarity(NamedTuple):
    """Scores of one pair of passages (all in 0..1)."""

    score: float  #: max(ratio, (token_set + overlap) / 2)
    ratio: float  #: normalised Indel similarity of the normalised texts (rapidfuzz ``ratio``)
    token_set: float  #: rapidfuzz ``token_set_ratio``: forgives order and one text inside the other
    overlap: float  #: overlap coefficient of the content-word stems
    match: str  #: ``exact``, ``near-duplicate``, ``contained`` or ``paraphrase``


def _score(norm_a: str, norm_b: str, content_a: frozenset[str], content_b: frozenset[str]) -> Similarity:
    from rapidfuzz import fuzz

    if norm_a == norm_b:
        return Similarity(1.0, 1.0, 1.0, 1.0, "exact")
    ratio = fuzz.ratio(norm_a, norm_b) / 100.0
    token_set = fuzz.token_set_ratio(norm_a, norm_b) / 100.0
    small = min(len(content_a), len(content_b))
    overlap = len(content_a & content_b) / small if small else 0.0
    score = max(ratio, (token_set + overlap) / 2.0)
    if token_set >= 0.999 and overlap >= 0.999:
        match = "contained"
    elif ratio >= 0.9:
        match = "near-duplicate"
    else:
        match = "paraphrase"
    return Similarity(round(score, 6), round(ratio, 6), round(token_set, 6), round(overlap, 6), match)


def similarity(a: str, b: str, *, lexicon: str | Path | Lexicon | None = None) -> Similarity:
    """Similarity of two passages, the score :func:`align` thresholds.

    Method: two views of the pair, because copies and translations differ in different ways.
    ``ratio`` is rapidfuzz's normalised Indel similarity (1 - edit distance / total length,
    Levenshtein 1966) of the normalised texts: high for copies with small edits.
    ``token_set`` (rapidfuzz ``token_set_ratio``) ignores word order and scores 1 when one
    passage's words are a subset of the other's (a quote inside a sentence); ``overlap`` is the
    overlap coefficient |A ∩ B| / min(|A|, |B|) (Szymkiewicz–Simpson) of the content-word stems,
    which stays high for two translations of one quote that share the key words.
    ``score = max(ratio, (token_set + overlap) / 2)``.

    Returns:
        :class:`Similarity` with ``match`` = ``exact`` (same after :func:`normalise`),
        ``contained`` (one text's words and content words inside the other's),
        ``near-duplicate`` (ratio >= 0.9) or ``paraphrase``.

    >>> similarity("I apologise for our treacherous invasion.",
    ...            "'I apologise for our treacherous invasion,' he said").match
    'contained'
    >>> s = similarity("They sent us to our death", "They sent us to die")
    >>> s.match, round(s.score, 2)
    ('paraphrase', 0.82)
    """
    lex = load_lexicon(lexicon)
    return _score(normalise(a), normalise(b), frozenset(content_words(a, lexicon=lex)),
                  frozenset(content_words(b, lexicon=lex)))


# --------------------------------------------------------------------------------------------
# corpus tables

_SENTENCE_COLUMNS = ("article_id", "outlet", "sentence", "text", "start", "end")
_QUOTE_COLUMNS = ("article_id", "outlet", "quote_id", "text", "start", "end")


def _require(df: Any, columns: Sequence[str], *, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame (the corpus table), got {type(df).__name__}")
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
    info = pd.DataFrame({
        "article_id": articles["article_id"].astype(str),
        "outlet": articles["outlet"].astype(str),
        "published": articles["published"].fillna("").astype(str) if "published" in articles else "",
    })
    dup = dict(zip(info["article_id"], articles["duplicate_of"], strict=True)) if "duplicate_of" in articles else {}

    def root(a: str) -> str:
        seen = {a}
        while isinstance(dup.get(a), str) and dup[a] and dup[a] not in seen:
            a = dup[a]
            seen.add(a)
        return a

    info["family"] = [root(a) for a in info["article_id"]]
    # Undated articles sort after dated ones, then by id: the "source" of a cluster is the
    # earliest dated article that carries it.
    info["_order"] = list(zip(info["published"].eq(""), info["published"], info["article_id"], strict=True))
    return info.drop_duplicates("article_id").sort_values("article_id").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# passages and alignment


def passages(
    corpus: Any,
    *,
    quotes: bool = True,
    min_content_words: int = 2,
    lexicon: str | Path | Lexicon | None = None,
) -> pd.DataFrame:
    """The units that :func:`align` compares: every sentence and (optionally) every direct quote.

    Quotes are units of their own because outlets often share only the quoted words, framed by
    their own sentence ("He said: ..." vs "..., the soldier told reporters").

    Args:
        corpus: a Corpus (``articles``, ``sentences``, ``quotes``).
        quotes: also use the ``quotes`` table (when the corpus has one).
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
    ...                   "text": ["Hello.", "Putin is a liar."], "start": [0, 7], "end": [6, 23]})
    >>> passages(SimpleNamespace(articles=None, sentences=s))[["kind", "unit", "content"]]
           kind  unit     content
    0  sentence     1  liar putin
    """
    if min_content_words < 1:
        raise ValueError(f"min_content_words must be at least 1, got {min_content_words}")
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
    keep = table["content"].str.split().str.len().fillna(0) >= min_content_words
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


def _lsh_candidates(
    sets: list[list[int]], *, threshold: float, num_perm: int, seed: int
) -> set[tuple[int, int]]:
    """Candidate pairs (i < j) whose MinHash signatures collide in at least one LSH band."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    nonempty = [i for i, s in enumerate(sets) if s]
    mins = MinHash.bulk([sets[i] for i in nonempty], num_perm=num_perm, seed=seed, hashfunc=_identity)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    leans = [LeanMinHash(m) for m in mins]
    with lsh.insertion_session() as session:
        for i, m in zip(nonempty, leans, strict=True):
            session.insert(i, m, check_duplication=False)
    out: set[tuple[int, int]] = set()
    for i, m in zip(nonempty, leans, strict=True):
        for j in lsh.query(m):
            if j > i:
                out.add((i, j))
    return out


def align(
    corpus: Any,
    *,
    threshold: float = 0.6,
    candidate_threshold: float = 0.3,
    num_perm: int = 128,
    seed: int = 1,
    quotes: bool = True,
    same_outlet: bool = False,
    duplicates: bool = False,
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
        num_perm: MinHash permutations. seed: MinHash seed (candidate generation is random;
            the same seed gives the same result).
        quotes: align quotes as units of their own.
        same_outlet, duplicates: which article pairs count (see above).
        min_content_words: see :func:`passages`.
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

    Raises:
        ValueError: a threshold outside 0..1 or a bad ``num_perm``.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], e.g. 0.6; got {threshold}")
    if not 0.0 < candidate_threshold < 1.0:
        raise ValueError(f"candidate_threshold must be in (0, 1), e.g. 0.3; got {candidate_threshold}")
    if num_perm < 16:
        raise ValueError(f"num_perm must be at least 16 (128 is usual); got {num_perm}")
    lex = load_lexicon(lexicon)
    articles, sentences, _ = _tables(corpus)
    info = _article_info(articles)
    P = passages(corpus, quotes=quotes, min_content_words=min_content_words, lexicon=lex)
    missing = sorted(set(P["article_id"]) - set(info["article_id"]))
    if missing:
        raise KeyError(f"sentences/quotes mention article_id(s) not in the articles table: {missing[:5]}")
    order_of = dict(zip(info["article_id"], info["_order"], strict=True))
    family_of = dict(zip(info["article_id"], info["family"], strict=True))
    P["published"] = P["article_id"].map(dict(zip(info["article_id"], info["published"], strict=True)))
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
    exact = Similarity(1.0, 1.0, 1.0, 1.0, "exact")
    for ms in members:
        for k, m in enumerate(ms[1:], start=1):
            uf.union(ms[0], m)
            partner = next((p for p in ms[:k] if allowed(p, m)), None)
            if partner is not None:
                pair_rows.append((partner, m, exact))

    # 2. candidates between distinct texts (one representative per group)
    reps = [ms[0] for ms in members]
    contents = P["content"].to_numpy(dtype=object)
    content_sets, bigram_sets = zip(*(_shingles(norms[r], contents[r]) for r in reps), strict=True) if reps else ((), ())
    candidates = _lsh_candidates(list(bigram_sets), threshold=max(candidate_threshold, 0.5),
                                 num_perm=num_perm, seed=seed)
    candidates |= _lsh_candidates(list(content_sets), threshold=candidate_threshold,
                                  num_perm=num_perm, seed=seed)
    content_frozen = [frozenset(contents[r].split()) for r in reps]

    # 3. score candidates; link the earliest allowed pair of members
    for ga, gb in sorted(candidates):
        sim = _score(norms[reps[ga]], norms[reps[gb]], content_frozen[ga], content_frozen[gb])
        if sim.score < threshold:
            continue
        link = next(((a, b) for a in members[ga] for b in members[gb] if allowed(a, b)), None)
        if link is None:
            continue
        uf.union(link[0], link[1])
        a, b = sorted(link, key=lambda i: rank[i])
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
    shared_comps = sorted({int(comp[i]) for i in np.flatnonzero(shared)},
                          key=lambda c: rank[comp_members[c][0]])
    cluster_id = {c: k for k, c in enumerate(shared_comps)}
    P["cluster"] = pd.array([cluster_id.get(int(c), pd.NA) for c in comp], dtype="Int64")

    pairs = _pairs_table(P, pair_rows)
    clusters = _clusters_table(P, comp_members, shared_comps, lex, speakers)
    sent_table, links = _sentence_coverage(P, sentences, same_outlet=same_outlet, duplicates=duplicates,
                                           family_of=family_of)
    P = P.drop(columns=["_comp", "family"])
    params = {"threshold": threshold, "candidate_threshold": candidate_threshold, "num_perm": num_perm,
              "seed": seed, "quotes": quotes, "same_outlet": same_outlet, "duplicates": duplicates,
              "min_content_words": min_content_words, "lexicon": lex.path}
    return Alignment(P, pairs, clusters, sent_table, links, info.drop(columns="_order"), params)


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
    out = out.sort_values(["article_a", "start_a", "article_b", "start_b", "passage_a", "passage_b"],
                          kind="stable")
    return out.reset_index(drop=True)


def quote_speakers(corpus: Any) -> pd.DataFrame | None:
    """Speaker of each quote from ``newslens.quotes.table(corpus)``, if that module provides it.

    Returns:
        ``article_id``, ``quote_id``, ``speaker`` ordered by (``article_id``, ``quote_id``), or
        None when ``newslens.quotes`` has no ``table`` function or its table has no speaker
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
    if not isinstance(table, pd.DataFrame) or not {"article_id", "quote_id", "speaker"} <= set(table.columns):
        return None
    out = table[["article_id", "quote_id", "speaker"]].copy()
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
        for a, q, s in zip(speakers["article_id"], speakers["quote_id"], speakers["speaker"], strict=True):
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
            sim = _score(norms[src], norms[m], frozenset(content[src].split()), frozenset(content[m].split()))
            speaker = speaker_of.get((P.at[m, "article_id"], int(P.at[m, "unit"]))) if P.at[m, "kind"] == "quote" else None
            rows.append((k, int(P.at[m, "passage"]), P.at[m, "article_id"], P.at[m, "outlet"],
                         P.at[m, "published"], P.at[m, "kind"], int(P.at[m, "start"]), int(P.at[m, "end"]),
                         P.at[m, "text"], m == src, sim.score, sim.match, n_outlets, n_articles, speaker))
    cols = ["cluster", "passage", "article_id", "outlet", "published", "kind", "start", "end", "text",
            "is_source", "similarity", "match", "n_outlets", "n_articles", "speaker"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"cluster": "int64", "passage": "int64", "start": "int64", "end": "int64",
                       "is_source": bool, "similarity": float, "n_outlets": "int64",
                       "n_articles": "int64", "speaker": object})


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
    carriers_of = {int(c): list(zip(r.outlet, r.family, r.article_id, strict=True)) for c, r in carriers.iterrows()}

    # A sentence takes the clusters of its own passage and of shared quotes covering >= half of it.
    hits: dict[tuple[str, int], set[int]] = defaultdict(set)
    sent_rows = sh[sh["kind"] == "sentence"]
    for a, u, c in zip(sent_rows["article_id"], sent_rows["unit"], sent_rows["cluster"], strict=True):
        hits[(a, int(u))].add(int(c))
    quote_rows = sh[sh["kind"] == "quote"]
    if len(quote_rows):
        by_article = {a: g for a, g in S.groupby("article_id", sort=False)}
        for a, qs, qe, c in zip(quote_rows["article_id"], quote_rows["start"], quote_rows["end"],
                                quote_rows["cluster"], strict=True):
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
    links = links.astype({"sentence": "int64"}).sort_values(
        ["article_id", "sentence", "other_outlet"], kind="stable").reset_index(drop=True)
    linked = set(zip(links["article_id"], links["sentence"], strict=True))
    S["shared"] = [(a, int(u)) in linked for a, u in zip(S["article_id"], S["sentence"], strict=True)]
    S["clusters"] = [
        ";".join(str(c) for c in sorted(hits[(a, int(u))])) if (a, int(u)) in linked else ""
        for a, u in zip(S["article_id"], S["sentence"], strict=True)
    ]
    S = S.sort_values(["article_id", "sentence"], kind="stable").reset_index(drop=True)
    return S.drop(columns=["start", "end"]), links
