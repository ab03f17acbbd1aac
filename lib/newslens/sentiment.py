"""Sentiment by outlet: sentence-level VADER, narrator versus quoted voice, actor targets.

VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM-14) scores each sentence with a valence lexicon and rules for
negation, boosters, capitals, "but" and punctuation. :func:`score_sentences` gives exactly the
scores of nltk's ``SentimentIntensityAnalyzer`` (same lexicon, from the vaderSentiment
package) about ten times faster; the corpus build calls it to fill the ``neg, neu, pos,
compound`` columns of the sentences table.

The sentence is the unit that is scored. Paragraph, article and outlet scores aggregate
sentence scores; a whole article is never scored in one VADER call, because the compound
score is the normalised sum ``x / sqrt(x^2 + alpha)`` with ``alpha = 15`` (Hutto & Gilbert
2014, sec. 3.2; nltk's ``normalize``): the sum ``x`` grows with every sentiment word, so on a
long text the compound saturates towards -1 or +1 and any two long articles look equally
extreme.

Analyses (all take the ``sentences`` table of ``newslens.load_corpus``, and score the texts
themselves when the score columns are missing):

* :func:`units` — scores per sentence, paragraph or article, with a positive / neutral /
  negative label (``compound`` >= +threshold, <= -threshold, default 0.05).
* :func:`outlet_summary` and :func:`outlet_tests` — per-outlet bootstrap intervals (articles
  resampled when an outlet has several, sentences otherwise, with a caveat), and pairwise
  permutation tests with Holm correction and Cliff's delta (see :mod:`newslens.stats`).
* :func:`voice_parts`, :func:`voice_summary`, :func:`voice_tests` — the outlet's own prose
  (narrator) against the words it quotes, sentences split at quote boundaries.
* :func:`load_targets`, :func:`target_mentions`, :func:`target_summary` — sentiment of the
  sentences mentioning an actor (alias map in ``data/targets.yml``).
* :func:`arc` (position in the article vs score), :func:`extremes` (evidence sentences),
  :func:`describe` (a computed interpretation), :func:`display_table`, and ``plot_*``.

>>> score_sentences(["The soldiers are not happy.", "Great news!"])["compound"].tolist()
[-0.4585, 0.6588]
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from newslens import stats
from newslens.paths import PACKAGE_DATA

__all__ = [
    "DEFAULT_TARGETS",
    "MIN_TARGET_SENTENCES",
    "NEUTRAL_THRESHOLD",
    "SCORE_COLUMNS",
    "UNITS",
    "arc",
    "describe",
    "display_table",
    "extremes",
    "label",
    "load_targets",
    "outlet_summary",
    "outlet_tests",
    "plot_arc",
    "plot_outlets",
    "plot_targets",
    "plot_voice",
    "score_sentences",
    "scored",
    "target_mentions",
    "target_summary",
    "units",
    "voice_parts",
    "voice_summary",
    "voice_tests",
]

SCORE_COLUMNS = ("neg", "neu", "pos", "compound")
#: The usual VADER bound (Hutto & Gilbert 2014; vaderSentiment README): compound >= 0.05 is
#: positive, <= -0.05 negative, in between neutral.
NEUTRAL_THRESHOLD = 0.05
UNITS = ("sentence", "paragraph", "article")
Unit = Literal["sentence", "paragraph", "article"]
DEFAULT_TARGETS = PACKAGE_DATA / "targets.yml"
#: Target cells are necessarily smaller than outlet cells; below this many sentences a cell of
#: the outlet x target table is shown as too small.
MIN_TARGET_SENTENCES = 10

# --------------------------------------------------------------------------------------------
# VADER, fast and exact
#
# The rules and constants below are those of Hutto & Gilbert's VADER as implemented in
# nltk.sentiment.vader (nltk 3.9); tests/test_sentiment.py checks that they equal nltk's and
# that every score equals nltk's to the float. They are the algorithm, not a user word list:
# changing them would break the equality with nltk, so they are not a data file.

_B_INCR = 0.293
_B_DECR = -0.293
_C_INCR = 0.733
_N_SCALAR = -0.74
_ALPHA = 15

NEGATE = frozenset(
    """aint arent cannot cant couldnt darent didnt doesnt ain't aren't can't couldn't daren't
    didn't doesn't dont hadnt hasnt havent isnt mightnt mustnt neither don't hadn't hasn't
    haven't isn't mightn't mustn't neednt needn't never none nope nor not nothing nowhere
    oughtnt shant shouldnt uhuh wasnt werent oughtn't shan't shouldn't uh-uh wasn't weren't
    without wont wouldnt won't wouldn't rarely seldom despite""".split()
)
_BOOST_UP = """absolutely amazingly awfully completely considerably decidedly deeply effing
    enormously entirely especially exceptionally extremely fabulously flipping flippin fricking
    frickin frigging friggin fully fucking greatly hella highly hugely incredibly intensely
    majorly more most particularly purely quite really remarkably so substantially thoroughly
    totally tremendously uber unbelievably unusually utterly very""".split()
_BOOST_DOWN = """almost barely hardly just_enough kind_of kinda kindof kind-of less little
    marginally occasionally partly scarcely slightly somewhat sort_of sorta sortof
    sort-of""".split()
BOOSTER_DICT: dict[str, float] = {w: _B_INCR for w in _BOOST_UP} | {
    w.replace("_", " "): _B_DECR for w in _BOOST_DOWN
}
SPECIAL_CASE_IDIOMS: dict[str, float] = {
    "the shit": 3,
    "the bomb": 3,
    "bad ass": 1.5,
    "yeah right": -2,
    "cut the mustard": 2,
    "kiss of death": -1.5,
    "hand to mouth": -2,
}
# every word of an idiom or of a multi-word booster ("kind of", "sort of", "just enough")
_IDIOM_WORDS = frozenset(
    w for phrase in (*SPECIAL_CASE_IDIOMS, *BOOSTER_DICT) if " " in phrase for w in phrase.split()
)
PUNC_LIST = (
    ".",
    "!",
    "?",
    ",",
    ";",
    ":",
    "-",
    "'",
    '"',
    "!!",
    "!!!",
    "??",
    "???",
    "?!?",
    "!?!",
    "?!?!",
    "!?!?",
)

_PUNC_SET = frozenset(PUNC_LIST)
_PUNCT_CHARS = frozenset(string.punctuation)
_P = re.escape(string.punctuation)
# nltk strips exactly one PUNC_LIST item from the start or end of a token when what remains has
# no ASCII punctuation and at least 2 characters (SentiText._words_plus_punc builds every
# punctuation x word combination per call to find this out; a regex says the same directly).
_LEADING = re.compile(f"([{_P}]+)([^{_P}]{{2,}})")
_TRAILING = re.compile(f"([^{_P}]{{2,}})([{_P}]+)")
_SO_THIS = ("so", "this")


def _strip_punct(token: str) -> str:
    if token[0] in _PUNCT_CHARS:
        m = _LEADING.fullmatch(token)
        if m is not None and m.group(1) in _PUNC_SET:
            return m.group(2)
    elif token[-1] in _PUNCT_CHARS:
        m = _TRAILING.fullmatch(token)
        if m is not None and m.group(2) in _PUNC_SET:
            return m.group(1)
    return token


class _TokenCache(dict):
    """Raw whitespace token -> VADER word ("" for tokens VADER drops), filled on first sight.

    Cleared when it reaches ``_TOKEN_CACHE_SIZE`` entries, so memory stays bounded on corpora
    with an open vocabulary (names, numbers, URLs).
    """

    def __missing__(self, token: str) -> str:
        if len(self) >= _TOKEN_CACHE_SIZE:
            self.clear()
        word = "" if len(token) <= 1 else _strip_punct(token)
        self[token] = word
        return word


_TOKEN_CACHE_SIZE = 500_000
_TOKENS = _TokenCache()


def _negated(lower: str) -> bool:
    return lower in NEGATE or "n't" in lower


class _Lexicon(NamedTuple):
    valence: dict[str, float]  # every lexicon entry (membership matters for the rules)
    items: dict[str, float]  # entries that can score as an item (boosters never do)


@cache
def _load_lexicon(path: str) -> _Lexicon:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise FileNotFoundError(
            f"cannot read the VADER lexicon {file}: {exc}; pass lexicon=None for the one in "
            "the vaderSentiment package, or the path of a tab-separated token/valence file"
        ) from exc
    valence: dict[str, float] = {}
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        try:
            valence[fields[0]] = float(fields[1])
        except (IndexError, ValueError) as exc:
            raise ValueError(
                f"{file}, line {lineno}: expected 'token<TAB>mean valence[<TAB>...]', got "
                f"{line[:60]!r}"
            ) from exc
    items = {w: v for w, v in valence.items() if w not in BOOSTER_DICT}
    return _Lexicon(valence, items)


def _lexicon(lexicon: str | Path | None) -> _Lexicon:
    from newslens.resources import vader_lexicon_path

    return _load_lexicon(str(Path(lexicon if lexicon is not None else vader_lexicon_path())))


def _cap_diff(words: list[str]) -> bool:
    n_upper = sum(1 for w in words if w.isupper())
    return 0 < len(words) - n_upper < len(words)


def _valence(
    i: int, words: list[str], lows: list[str], lex: dict[str, float], cap_diff: list
) -> float:
    """Valence of the lexicon word at position ``i``: nltk's ``sentiment_valence`` step for step.

    ``cap_diff`` is a one-element cache, so the ALL-CAPS differential is only computed for
    sentences that contain an upper-case word next to a lexicon word.
    """
    word, low = words[i], lows[i]
    valence = lex[low]
    if word.isupper():
        if cap_diff[0] is None:
            cap_diff[0] = _cap_diff(words)
        if cap_diff[0]:
            valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
    for start_i in range(3):
        if i > start_i and lows[i - start_i - 1] not in lex:
            prev, prev_low = words[i - start_i - 1], lows[i - start_i - 1]
            s = 0.0
            if prev_low in BOOSTER_DICT:
                s = BOOSTER_DICT[prev_low]
                if valence < 0:
                    s *= -1
                if prev.isupper():
                    if cap_diff[0] is None:
                        cap_diff[0] = _cap_diff(words)
                    if cap_diff[0]:
                        s = s + _C_INCR if valence > 0 else s - _C_INCR
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # nltk's _never_check
            if start_i == 0:
                if _negated(lows[i - 1]):
                    valence = valence * _N_SCALAR
            elif start_i == 1:
                if words[i - 2] == "never" and words[i - 1] in _SO_THIS:
                    valence = valence * 1.5
                elif _negated(lows[i - 2]):
                    valence = valence * _N_SCALAR
            else:
                if (words[i - 3] == "never" and words[i - 2] in _SO_THIS) or (
                    words[i - 1] in _SO_THIS
                ):
                    valence = valence * 1.25
                elif _negated(lows[i - 3]):
                    valence = valence * _N_SCALAR
                valence = _idioms(valence, words, i)
    # nltk's _least_check
    if i > 1 and lows[i - 1] not in lex and lows[i - 1] == "least":
        if lows[i - 2] != "at" and lows[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and lows[i - 1] not in lex and lows[i - 1] == "least":
        valence = valence * _N_SCALAR
    return valence


def _idioms(valence: float, words: list[str], i: int) -> float:
    # case-sensitive on purpose: nltk compares the words as written. An idiom or a two-word
    # booster can only match when a word of the window is one of their words, which is rare,
    # so the strings are only built then.
    if _IDIOM_WORDS.isdisjoint(words[i - 3 : i + 3]):
        return valence
    onezero = f"{words[i - 1]} {words[i]}"
    twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    twoone = f"{words[i - 2]} {words[i - 1]}"
    threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    threetwo = f"{words[i - 3]} {words[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASE_IDIOMS:
            valence = SPECIAL_CASE_IDIOMS[seq]
            break
    if len(words) - 1 > i:
        zeroone = f"{words[i]} {words[i + 1]}"
        if zeroone in SPECIAL_CASE_IDIOMS:
            valence = SPECIAL_CASE_IDIOMS[zeroone]
    if len(words) - 1 > i + 1:
        zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in SPECIAL_CASE_IDIOMS:
            valence = SPECIAL_CASE_IDIOMS[zeroonetwo]
    if threetwo in BOOSTER_DICT or twoone in BOOSTER_DICT:
        valence = valence + _B_DECR
    return valence


_NEUTRAL = (0.0, 1.0, 0.0, 0.0)
_EMPTY = (0.0, 0.0, 0.0, 0.0)


def _polarity(text: str, lexicon: _Lexicon) -> tuple[float, float, float, float]:
    """(neg, neu, pos, compound) of one text, equal to nltk's ``polarity_scores``.

    Where the time goes in nltk, and what is done instead: per call nltk builds a dict of every
    punctuation x word combination (17 x 2 x words strings) to strip punctuation, runs a regex
    under a ReDoS timeout, and calls ``sentiment_valence`` with three look-behind checks for
    every word. Here a token loses its punctuation by a direct test, words outside the lexicon
    (most of them) are skipped with one dict look-up (their valence is 0, which adds nothing to
    any sum), and only lexicon words go through the rules. Sums run over the same non-zero
    values in the same order, so the floats are identical.
    """
    # map/filter over the token cache keep the per-token work in C; only unseen tokens run
    # Python code (_TokenCache.__missing__)
    words = list(filter(None, map(_TOKENS.__getitem__, text.split())))
    if not words:
        return _EMPTY
    lows = list(map(str.lower, words))
    items = lexicon.items
    hits = [i for i, low in enumerate(lows) if low in items]
    if not hits:
        return _NEUTRAL
    lex = lexicon.valence
    cap_diff: list = [None]
    seen: dict[str, float] = {}
    values: list[float] = []
    n = len(words)
    for i in hits:
        word = words[i]
        # nltk scores every occurrence of a token with the context of its first occurrence
        v = seen.get(word)
        if v is None:
            j = words.index(word)
            if lows[j] == "kind" and j < n - 1 and lows[j + 1] == "of":
                v = 0.0
            else:
                v = _valence(j, words, lows, lex, cap_diff)
            seen[word] = v
        values.append(v)
    if "but" in lows:
        bi = lows.index("but")
        values = [v * 0.5 if i < bi else (v * 1.5 if i > bi else v) for i, v in zip(hits, values)]

    sum_s = float(sum(values))
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = (qm_count * 0.18 if qm_count <= 3 else 0.96) if qm_count > 1 else 0
    amplifier = ep + qm
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = sum_s / math.sqrt((sum_s * sum_s) + _ALPHA)

    pos_sum = 0.0
    neg_sum = 0.0
    n_nonzero = 0
    for v in values:
        if v > 0:
            pos_sum += float(v) + 1
            n_nonzero += 1
        elif v < 0:
            neg_sum += float(v) - 1
            n_nonzero += 1
    neu_count = n - n_nonzero
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )


def score_sentences(texts: Iterable[str], *, lexicon: str | Path | None = None) -> pd.DataFrame:
    """VADER scores of each text, in input order, identical to nltk's.

    Method: VADER (Hutto & Gilbert 2014), the rules of nltk's ``SentimentIntensityAnalyzer``
    reimplemented so that only lexicon words go through them (see ``_polarity``); every
    score equals nltk's ``polarity_scores`` to the float (rounded as nltk rounds: 3 decimals
    for ``neg, neu, pos``, 4 for ``compound``). Pass sentences, not articles: the compound
    score saturates towards +/-1 on long texts (module docstring). A text without any word of
    two or more characters scores 0 everywhere (``neu`` too), as in nltk.

    Args:
        texts: sentence strings (any iterable, e.g. a list or a pandas Series).
        lexicon: a tab-separated VADER lexicon file (token, mean valence, ...); None = the one
            in the installed vaderSentiment package, which is the one nltk uses here.

    Returns:
        DataFrame with float columns ``neg, neu, pos, compound``, one row per text, in order.

    Raises:
        TypeError: when an item is not a string (its position is named).

    >>> score_sentences(["I am NOT happy!!", ""]).to_dict("records")
    [{'neg': 0.642, 'neu': 0.358, 'pos': 0.0, 'compound': -0.5547}, {'neg': 0.0, 'neu': 0.0, 'pos': 0.0, 'compound': 0.0}]
    """
    lex = _lexicon(lexicon)
    if isinstance(texts, str):
        raise TypeError("score_sentences takes an iterable of sentences, not one string")
    # Repeated sentences (syndicated copies, standard sign-offs) are scored once per call; the
    # memo lives only for this call, so memory stays bounded by the batch.
    memo: dict[str, tuple[float, float, float, float]] = {}
    rows = []
    for pos, text in enumerate(texts):
        row = memo.get(text)
        if row is None:
            if not isinstance(text, str):
                raise TypeError(
                    f"texts[{pos}] is {type(text).__name__} ({text!r:.40}), not str; drop or "
                    "fill missing sentences before scoring"
                )
            row = memo[text] = _polarity(text, lex)
        rows.append(row)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in SCORE_COLUMNS})
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS), dtype=float)


# --------------------------------------------------------------------------------------------
# tables


def _require(df: pd.DataFrame, columns: Iterable[str], *, table: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`{table}` must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(
            f"the {table} table lacks column(s) {missing}; pass the `{table}` table of "
            "newslens.load_corpus() (see docs/architecture.md for its columns)"
        )


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must lie in [0, 1) (usual: 0.05), got {threshold}")


def scored(sentences: pd.DataFrame, *, lexicon: str | Path | None = None) -> pd.DataFrame:
    """The sentences table with VADER columns: kept when present and complete, else scored.

    Args:
        sentences: table with a ``text`` column (and possibly ``neg, neu, pos, compound``).
        lexicon: as in :func:`score_sentences`; when given, the texts are always rescored.

    Returns:
        A copy of ``sentences`` with float columns ``neg, neu, pos, compound``.

    >>> scored(pd.DataFrame({"text": ["Good."]}))["compound"].tolist()
    [0.4404]
    """
    have = all(c in sentences.columns for c in SCORE_COLUMNS)
    if have and lexicon is None and not sentences[list(SCORE_COLUMNS)].isna().any().any():
        return sentences.copy()
    if "text" not in sentences.columns and "compound" in sentences.columns and lexicon is None:
        # a table of compound scores only (e.g. from another scorer): use it as it is
        out = sentences.copy()
        for c in SCORE_COLUMNS:
            if c not in out.columns:
                out[c] = math.nan
        return out
    _require(sentences, ["text"], table="sentences")
    out = sentences.copy()
    scores = score_sentences(out["text"].fillna("").astype(str).tolist(), lexicon=lexicon)
    for c in SCORE_COLUMNS:
        out[c] = scores[c].to_numpy()
    return out


def label(
    compound: pd.Series | Iterable[float], *, threshold: float = NEUTRAL_THRESHOLD
) -> pd.Series:
    """Positive / neutral / negative label of compound scores.

    Method: Hutto & Gilbert's (2014) convention: ``compound >= threshold`` positive,
    ``<= -threshold`` negative, else neutral (NaN stays NaN).

    >>> label([0.3, 0.0, -0.05]).tolist()
    ['positive', 'neutral', 'negative']
    """
    _check_threshold(threshold)
    values = pd.Series(compound, dtype=float)
    out = pd.Series(
        np.select(
            [values >= threshold, values <= -threshold, values.notna()],
            ["positive", "negative", "neutral"],
            default=None,
        ),
        index=values.index,
        dtype=object,
    )
    return out


_SHARE_COLUMNS = ["share_negative", "share_neutral", "share_positive"]


def units(
    sentences: pd.DataFrame,
    *,
    unit: Unit = "sentence",
    threshold: float = NEUTRAL_THRESHOLD,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Scores per sentence, paragraph or article, aggregated from sentence scores.

    Method: VADER per sentence (Hutto & Gilbert 2014). A paragraph's or article's scores are
    the means of its sentences' ``neg, neu, pos, compound`` and its shares are the shares of
    its sentences labelled negative / neutral / positive; texts are never scored whole,
    because the compound score saturates on long texts (see the module docstring).

    Args:
        sentences: the sentences table (``article_id, outlet, paragraph, sentence, text`` and
            optionally the score columns, ``position``, ``in_quote``, ``quoted_share``).
        unit: ``"sentence"``, ``"paragraph"`` or ``"article"``.
        threshold: neutral band half-width for labels and shares.
        lexicon: as in :func:`score_sentences`.

    Returns:
        ``unit="sentence"``: one row per sentence, ordered by (article_id, sentence), with
        ``article_id, outlet, paragraph, sentence, position, in_quote, text, neg, neu, pos,
        compound, label``. ``"paragraph"``: one row per (article_id, paragraph) with
        ``article_id, outlet, paragraph, n_sentences, position`` (mean), the mean scores,
        ``share_negative, share_neutral, share_positive`` and ``label`` (of the mean compound).
        ``"article"``: the same per article without ``paragraph`` and ``position``.

    >>> t = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "paragraph": [0, 0],
    ...                   "sentence": [0, 1], "text": ["Good.", "Bad."]})
    >>> units(t, unit="article")[["n_sentences", "compound", "share_positive"]].round(4)
       n_sentences  compound  share_positive
    0            2   -0.0509             0.5
    """
    if unit not in UNITS:
        raise ValueError(f"unit={unit!r}: use one of {list(UNITS)}")
    _check_threshold(threshold)
    _require(sentences, ["article_id", "outlet", "sentence"], table="sentences")
    df = scored(sentences, lexicon=lexicon)
    for col, default in (
        ("paragraph", 0),
        ("position", math.nan),
        ("in_quote", False),
        ("text", ""),
    ):
        if col not in df.columns:
            df[col] = default
    df = df.sort_values(["article_id", "sentence"], kind="stable").reset_index(drop=True)
    df["label"] = label(df["compound"], threshold=threshold)
    if unit == "sentence":
        cols = [
            "article_id",
            "outlet",
            "paragraph",
            "sentence",
            "position",
            "in_quote",
            "text",
            *SCORE_COLUMNS,
            "label",
        ]
        return df[cols].reset_index(drop=True)
    keys = ["article_id", "outlet"] + (["paragraph"] if unit == "paragraph" else [])
    for name, lab in zip(_SHARE_COLUMNS, ("negative", "neutral", "positive"), strict=True):
        df[name] = (df["label"] == lab).astype(float)
    agg = {"n_sentences": ("sentence", "size")}
    if unit == "paragraph":
        agg["position"] = ("position", "mean")
    agg |= {c: (c, "mean") for c in (*SCORE_COLUMNS, *_SHARE_COLUMNS)}
    out = df.groupby(keys, sort=True, observed=True).agg(**agg).reset_index()
    out["n_sentences"] = out["n_sentences"].astype("int64")
    out["label"] = label(out["compound"], threshold=threshold)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _caveat(n: int, n_articles: int, *, min_n: int, unit: str, clustered: bool) -> str:
    notes = []
    if n == 0:
        return "no data"
    if n < min_n:
        notes.append(f"too small: {n} {unit}s, fewer than {min_n}; do not conclude")
    if unit != "article" and n_articles == 1:
        notes.append(
            f"one article: its {unit}s were resampled as if independent, so the interval is "
            "too narrow and describes this article, not the outlet"
        )
    elif n_articles < stats.MIN_ARTICLES:
        notes.append(
            f"only {n_articles} articles (fewer than {stats.MIN_ARTICLES}): the outlet's "
            "typical tone is barely estimable" + ("" if clustered or unit == "article" else "")
        )
    return "; ".join(notes)


def _intervals(
    table: pd.DataFrame,
    *,
    unit: str,
    group: list[str],
    value: str,
    n_boot: int,
    seed: int,
    ci: float,
    min_n: int,
) -> pd.DataFrame:
    """Bootstrap interval per group, resampling articles unless the unit is the article."""
    cluster = None if unit == "article" else "article_id"
    key = "_group"
    work = table.copy()
    work[key] = list(zip(*(work[g] for g in group), strict=True)) if len(work) else []
    res = stats.group_intervals(
        work, value=value, group=key, cluster=cluster, n_boot=n_boot, seed=seed, ci=ci, min_n=min_n
    )
    n_art = work.groupby(key, sort=True)["article_id"].nunique()
    res["n_articles"] = res[key].map(n_art).fillna(0).astype("int64")
    for i, g in enumerate(group):
        res[g] = [k[i] for k in res[key]]
    res["caveat"] = [
        _caveat(int(n), int(a), min_n=min_n, unit=unit, clustered=m == stats.METHOD_CLUSTER)
        for n, a, m in zip(res["n"], res["n_articles"], res["method"], strict=True)
    ]
    return res.drop(columns=[key, "n_clusters"])


def _default_min(unit: str) -> int:
    return stats.MIN_ARTICLES if unit == "article" else stats.MIN_SENTENCES


SUMMARY_COLUMNS = [
    "outlet",
    "n_articles",
    "n",
    "estimate",
    "low",
    "high",
    *_SHARE_COLUMNS,
    "too_small",
    "method",
    "caveat",
]


def outlet_summary(
    sentences: pd.DataFrame,
    *,
    unit: Unit = "sentence",
    threshold: float = NEUTRAL_THRESHOLD,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_n: int | None = None,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Mean compound score per outlet with a bootstrap interval, shares and sample sizes.

    Method: percentile bootstrap (Efron & Tibshirani 1993) of the mean compound of the units
    (sentences, paragraphs or articles; see :func:`units`). For sentences and paragraphs,
    whole articles are resampled when the outlet has at least 2 (cluster bootstrap; Field &
    Welsh 2007), else its sentences are resampled as if independent, and ``caveat`` says that
    the interval is then too narrow. Articles are resampled directly for ``unit="article"``.

    Args:
        sentences: the sentences table.
        unit: unit whose mean is estimated.
        threshold: neutral band for the shares.
        n_boot, seed, ci: bootstrap resamples, seed and coverage.
        min_n: fewer units than this and the row is flagged ``too_small`` (default
            :data:`stats.MIN_SENTENCES` for sentences and paragraphs, :data:`stats.MIN_ARTICLES`
            for articles).
        lexicon: as in :func:`score_sentences`.

    Returns:
        One row per outlet, sorted by outlet: ``outlet, n_articles, n`` (units), ``estimate``
        (mean compound), ``low, high``, ``share_negative, share_neutral, share_positive``,
        ``too_small``, ``method`` (``stats.group_intervals``) and ``caveat`` (plain-language
        limits, empty when none).

    >>> t = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"],
    ...                   "sentence": [0, 1, 0], "text": ["Good.", "Bad.", "Fine."]})
    >>> outlet_summary(t, n_boot=100, min_n=2)[["outlet", "n", "too_small"]]
      outlet  n  too_small
    0      X  2      False
    1      Y  1       True
    """
    table = units(sentences, unit=unit, threshold=threshold, lexicon=lexicon)
    min_n = _default_min(unit) if min_n is None else int(min_n)
    res = _intervals(
        table,
        unit=unit,
        group=["outlet"],
        value="compound",
        n_boot=n_boot,
        seed=seed,
        ci=ci,
        min_n=min_n,
    )
    if unit == "sentence":
        lab = table["label"]
        shares = pd.DataFrame(
            {
                name: (lab == k).astype(float)
                for name, k in zip(_SHARE_COLUMNS, ("negative", "neutral", "positive"), strict=True)
            }
        )
        shares["outlet"] = table["outlet"]
    else:
        # shares of the units' labels (a paragraph or article labelled by its mean compound)
        shares = pd.DataFrame(
            {
                name: (table["label"] == k).astype(float)
                for name, k in zip(_SHARE_COLUMNS, ("negative", "neutral", "positive"), strict=True)
            }
        )
        shares["outlet"] = table["outlet"]
    share = shares.groupby("outlet", sort=True)[_SHARE_COLUMNS].mean()
    res = res.join(share, on="outlet")
    return res[SUMMARY_COLUMNS].sort_values("outlet", kind="stable").reset_index(drop=True)


def outlet_tests(
    sentences: pd.DataFrame,
    *,
    unit: Unit = "sentence",
    n_perm: int = 5000,
    seed: int = 0,
    method: Literal["holm", "fdr_bh"] = "holm",
    min_n: int | None = None,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Pairwise outlet differences in mean compound: permutation test, correction, effect size.

    Method: :func:`stats.pairwise_tests`: two-sided permutation test of the difference in
    means (Phipson & Smyth 2010), permuting whole articles when both outlets have at least 2,
    else units as if independent; Holm (1979) or Benjamini-Hochberg (1995) correction over the
    tested pairs; Cliff's delta (Cliff 1993) as effect size.

    Returns:
        One row per pair of outlets (``group_a < group_b``), with the columns of
        :func:`stats.pairwise_tests` (``diff`` = mean compound of a minus b) plus ``caveat``.

    >>> t = pd.DataFrame({"article_id": list("aabb"), "outlet": list("XXYY"),
    ...                   "sentence": [0, 1, 0, 1], "text": ["Good.", "Great.", "Bad.", "Awful."]})
    >>> outlet_tests(t, min_n=2)[["group_a", "group_b", "diff", "p_value", "method"]].round(4)
      group_a group_b    diff  p_value       method
    0       X       Y  1.0332   0.3333  permutation
    """
    table = units(sentences, unit=unit, lexicon=lexicon)
    min_n = _default_min(unit) if min_n is None else int(min_n)
    res = stats.pairwise_tests(
        table,
        value="compound",
        group="outlet",
        cluster=None if unit == "article" else "article_id",
        n_perm=n_perm,
        seed=seed,
        method=method,
        min_n=min_n,
    )
    res["caveat"] = [
        f"too small: fewer than {min_n} {unit}s in one outlet; not tested"
        if small
        else (
            ""
            if how != "permutation" or unit == "article"
            else f"{unit}s of one article treated as independent (an outlet has one article): "
            "the p-value is too small"
        )
        for small, how in zip(res["too_small"], res["method"], strict=True)
    ]
    return res


# --------------------------------------------------------------------------------------------
# narrator versus quoted voice

_QUOTE_MARKS = frozenset("\"'“”‘’«»„‚‹›")
_WORDY = re.compile(r"\w")
VOICE_COLUMNS = [
    "article_id",
    "outlet",
    "paragraph",
    "sentence",
    "voice",
    "start",
    "end",
    "n_chars",
    "text",
    *SCORE_COLUMNS,
]


def _split_sentence(text: str, start: int, spans: list[tuple[int, int]]) -> dict[str, str]:
    """Split a sentence into its narrator and quoted text given quote spans (body offsets).

    The quote marks themselves (first and last character of a span, when they are marks)
    belong to neither voice; pieces of one voice are joined with a space.
    """
    end = start + len(text)
    inside = np.zeros(len(text), dtype=np.int8)  # 0 narrator, 1 quoted, 2 quote mark
    for q_start, q_end in spans:
        a, b = max(q_start, start), min(q_end, end)
        if a >= b:
            continue
        inside[a - start : b - start] = 1
        if start <= q_start < end and text[q_start - start] in _QUOTE_MARKS:
            inside[q_start - start] = 2
        if start <= q_end - 1 < end and text[q_end - 1 - start] in _QUOTE_MARKS:
            inside[q_end - 1 - start] = 2
    pieces: dict[str, list[str]] = {"narrator": [], "quoted": []}
    # runs of equal labels, found with numpy rather than a Python loop over characters
    edges = np.flatnonzero(np.diff(inside)) + 1
    bounds = np.concatenate(([0], edges, [len(text)]))
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        kind = int(inside[a])
        if kind == 2:
            continue
        pieces["narrator" if kind == 0 else "quoted"].append(text[a:b].strip())
    return {voice: " ".join(p for p in parts if p) for voice, parts in pieces.items()}


def voice_parts(
    sentences: pd.DataFrame,
    quotes: pd.DataFrame | None = None,
    *,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Each sentence's narrator part and quoted part, scored separately.

    Method: a sentence that overlaps no direct quote is one narrator part, and one that lies
    wholly inside quotes is one quoted part; a partly quoted sentence is split at the quote
    spans of the ``quotes`` table (body offsets; the quote marks are dropped), the pieces of
    each voice are joined with a space, and each voice's text is scored with VADER (Hutto &
    Gilbert 2014). A part with no letter or digit (a full stop left after a closing quote) is
    dropped rather than scored as neutral. Splitting keeps VADER's negation and "but" rules
    from reaching across voices (``He denied it was "a great success"`` scores the quote as
    positive and the narrator part apart). Without a ``quotes`` table the sentence's
    ``in_quote`` flag assigns the whole sentence to one voice.

    Args:
        sentences: the sentences table (``article_id, outlet, paragraph, sentence, text,
            start, end``, and ``in_quote`` when ``quotes`` is None).
        quotes: the quotes table (``article_id, start, end``) or None.
        lexicon: as in :func:`score_sentences`.

    Returns:
        One row per (sentence, voice) present, ordered by (article_id, sentence, voice) with
        ``narrator`` before ``quoted``: ``article_id, outlet, paragraph, sentence, voice,
        start, end`` (the sentence's offsets), ``n_chars`` (characters of that voice),
        ``text``, ``neg, neu, pos, compound``.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "paragraph": [0],
    ...                   "sentence": [0], "start": [0], "end": [32],
    ...                   "text": ['He said: "We are happy" sadly.']})
    >>> q = pd.DataFrame({"article_id": ["a"], "start": [9], "end": [23]})
    >>> voice_parts(s, q)[["voice", "text", "compound"]].to_dict("records")
    [{'voice': 'narrator', 'text': 'He said: sadly.', 'compound': -0.4215}, {'voice': 'quoted', 'text': 'We are happy', 'compound': 0.5719}]
    """
    base = ["article_id", "outlet", "sentence", "text"]
    _require(
        sentences,
        base + (["start", "end"] if quotes is not None else ["in_quote"]),
        table="sentences",
    )
    df = sentences.copy()
    if "paragraph" not in df.columns:
        df["paragraph"] = 0
    if "start" not in df.columns:
        df["start"], df["end"] = 0, df["text"].str.len()
    df = df.sort_values(["article_id", "sentence"], kind="stable").reset_index(drop=True)
    rows: list[tuple] = []
    if quotes is None:
        for r in df.itertuples(index=False):
            voice = "quoted" if bool(r.in_quote) else "narrator"
            rows.append(
                (
                    r.article_id,
                    r.outlet,
                    r.paragraph,
                    r.sentence,
                    voice,
                    r.start,
                    r.end,
                    len(r.text),
                    r.text,
                )
            )
    else:
        _require(quotes, ["article_id", "start", "end"], table="quotes")
        spans_by_article: dict[Any, list[tuple[int, int]]] = {
            k: sorted(zip(g["start"].astype(int), g["end"].astype(int), strict=True))
            for k, g in quotes.groupby("article_id", sort=True)
        }
        for r in df.itertuples(index=False):
            spans = [
                s for s in spans_by_article.get(r.article_id, ()) if s[0] < r.end and s[1] > r.start
            ]
            if not spans:
                parts = {"narrator": r.text, "quoted": ""}
            else:
                parts = _split_sentence(r.text, int(r.start), spans)
            for voice in ("narrator", "quoted"):
                text = parts[voice]
                if _WORDY.search(text):
                    rows.append(
                        (
                            r.article_id,
                            r.outlet,
                            r.paragraph,
                            r.sentence,
                            voice,
                            r.start,
                            r.end,
                            len(text),
                            text,
                        )
                    )
    out = pd.DataFrame(rows, columns=VOICE_COLUMNS[:-4])
    scores = score_sentences(out["text"].tolist(), lexicon=lexicon)
    for c in SCORE_COLUMNS:
        out[c] = scores[c].to_numpy()
    out = out.astype({"n_chars": "int64"})
    return out[VOICE_COLUMNS].reset_index(drop=True)


def voice_summary(
    parts: pd.DataFrame,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_n: int = stats.MIN_SENTENCES,
    threshold: float = NEUTRAL_THRESHOLD,
) -> pd.DataFrame:
    """Mean compound per outlet and voice (narrator / quoted) with bootstrap intervals.

    Method: as :func:`outlet_summary` on the parts of :func:`voice_parts`: percentile
    bootstrap (Efron & Tibshirani 1993), resampling articles when the outlet has at least 2
    (Field & Welsh 2007), else parts with a caveat.

    Returns:
        One row per (outlet, voice), sorted, with ``outlet, voice, n_articles, n`` (parts),
        ``estimate, low, high, share_negative, share_neutral, share_positive, too_small,
        method, caveat``.

    >>> p = pd.DataFrame({"article_id": ["a"] * 3, "outlet": ["X"] * 3,
    ...                   "voice": ["narrator", "quoted", "quoted"], "compound": [0.1, -0.5, -0.7]})
    >>> voice_summary(p, n_boot=50, min_n=2)[["voice", "n", "estimate", "too_small"]]
          voice  n  estimate  too_small
    0  narrator  1       0.1       True
    1    quoted  2      -0.6      False
    """
    _require(parts, ["article_id", "outlet", "voice", "compound"], table="parts")
    res = _intervals(
        parts,
        unit="sentence",
        group=["outlet", "voice"],
        value="compound",
        n_boot=n_boot,
        seed=seed,
        ci=ci,
        min_n=min_n,
    )
    res["caveat"] = res["caveat"].str.replace("sentences", "sentence parts")
    lab = label(parts["compound"], threshold=threshold)
    shares = pd.DataFrame(
        {
            name: (lab == k).astype(float)
            for name, k in zip(_SHARE_COLUMNS, ("negative", "neutral", "positive"), strict=True)
        }
    )
    shares[["outlet", "voice"]] = parts[["outlet", "voice"]].to_numpy()
    share = shares.groupby(["outlet", "voice"], sort=True)[_SHARE_COLUMNS].mean()
    res = res.join(share, on=["outlet", "voice"])
    cols = ["outlet", "voice", *SUMMARY_COLUMNS[1:]]
    return res[cols].sort_values(["outlet", "voice"], kind="stable").reset_index(drop=True)


def voice_tests(
    parts: pd.DataFrame,
    *,
    n_perm: int = 5000,
    seed: int = 0,
    method: Literal["holm", "fdr_bh"] = "holm",
    min_n: int = stats.MIN_SENTENCES,
) -> pd.DataFrame:
    """Per outlet, narrator minus quoted mean compound with a permutation test.

    Method: two-sided permutation test (Phipson & Smyth 2010) of narrator versus quoted parts
    within each outlet, permuting parts (the voices share articles, so article clusters cannot
    be swapped between them; parts of one article are treated as independent, which the
    caveat says); p-values corrected across outlets with Holm (1979) or Benjamini-Hochberg
    (1995); Cliff's delta (Cliff 1993) of narrator versus quoted.

    Returns:
        One row per outlet, sorted: ``outlet, n_narrator, n_quoted, diff`` (narrator - quoted),
        ``p_value, p_adjusted, effect_size, too_small, caveat``. Outlets with fewer than
        ``min_n`` parts in a voice are listed, not tested.

    >>> p = pd.DataFrame({"outlet": ["X"] * 4, "voice": ["narrator"] * 2 + ["quoted"] * 2,
    ...                   "compound": [0.5, 0.6, -0.5, -0.4]})
    >>> voice_tests(p, min_n=2)[["outlet", "diff", "p_value"]].round(4)
      outlet  diff  p_value
    0      X   1.0   0.3333
    """
    _require(parts, ["outlet", "voice", "compound"], table="parts")
    cols = [
        "outlet",
        "n_narrator",
        "n_quoted",
        "diff",
        "p_value",
        "p_adjusted",
        "effect_size",
        "too_small",
        "caveat",
    ]
    rows = []
    for outlet, part in parts.groupby("outlet", sort=True):
        a = part.loc[part["voice"] == "narrator", "compound"].to_numpy(dtype=float)
        b = part.loc[part["voice"] == "quoted", "compound"].to_numpy(dtype=float)
        small = stats.too_small(min(a.size, b.size), minimum=min_n)
        diff = float(a.mean() - b.mean()) if a.size and b.size else math.nan
        p = math.nan
        if not small:
            p = stats.permutation_test(a, b, n_perm=n_perm, seed=seed).p_value
        caveat = (
            f"too small: fewer than {min_n} parts in a voice; not tested"
            if small
            else "parts of one article treated as independent: the p-value is optimistic"
        )
        rows.append(
            (outlet, a.size, b.size, diff, p, math.nan, stats.cliffs_delta(a, b), small, caveat)
        )
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out["p_adjusted"] = stats.adjust_pvalues(out["p_value"].to_numpy(float), method=method)
    return out.astype(
        {
            "n_narrator": "int64",
            "n_quoted": "int64",
            "diff": float,
            "p_value": float,
            "p_adjusted": float,
            "effect_size": float,
            "too_small": bool,
        }
    )


# --------------------------------------------------------------------------------------------
# actor-targeted sentiment


def load_targets(
    targets: str | Path | Mapping[str, Iterable[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The target -> aliases map, from ``data/targets.yml``, a user's YAML file, or a dict.

    Args:
        targets: None (the packaged default for the sample corpus), a YAML file path with the
            same shape (``target: [alias, ...]``), or a mapping.

    Returns:
        ``{target: aliases}`` sorted by target, each alias list de-duplicated
        (case-insensitively) and ordered longest first, so longer aliases win.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file or mapping is not ``target -> list of non-empty strings``.

    >>> load_targets({"NATO": ["NATO", "the alliance"]})
    {'NATO': ('the alliance', 'NATO')}
    """
    source = "targets"
    if targets is None or isinstance(targets, str | Path):
        path = Path(targets) if targets is not None else DEFAULT_TARGETS
        source = str(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"targets file {path} not found; pass a YAML file of 'target: [aliases]', a "
                "dict, or None for the packaged default"
            )
        data = _read_yaml(str(path))
    else:
        data = targets
    if not isinstance(data, Mapping) or not data:
        raise ValueError(f"{source}: expected a non-empty mapping 'target: [alias, ...]'")
    out: dict[str, tuple[str, ...]] = {}
    for target, aliases in data.items():
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(target, str) or not target.strip():
            raise ValueError(f"{source}: target names must be non-empty strings, got {target!r}")
        if aliases is None or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ValueError(f"{source}: target {target!r} needs a list of non-empty alias strings")
        seen: dict[str, str] = {}
        for a in aliases:
            seen.setdefault(" ".join(a.split()).casefold(), " ".join(a.split()))
        if not seen:
            raise ValueError(f"{source}: target {target!r} has no aliases")
        out[target.strip()] = tuple(sorted(seen.values(), key=lambda a: (-len(a), a.casefold())))
    return dict(sorted(out.items()))


@cache
def _read_yaml(path: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not valid YAML: {exc}") from exc


@cache
def _alias_regex(aliases: tuple[str, ...]) -> re.Pattern[str]:
    # (?<!\w) / (?!\w) rather than \b: an alias may begin or end with a non-word character
    body = "|".join(r"\s+".join(map(re.escape, a.split())) for a in aliases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


MENTION_COLUMNS = [
    "article_id",
    "outlet",
    "paragraph",
    "sentence",
    "target",
    "aliases",
    "in_quote",
    "text",
    *SCORE_COLUMNS,
]


def target_mentions(
    sentences: pd.DataFrame,
    *,
    targets: str | Path | Mapping[str, Iterable[str]] | None = None,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Sentences that mention each target, with their scores.

    Method: alias matching, case-insensitive, on word boundaries (an alias is not preceded or
    followed by a letter, digit or underscore; spaces in an alias match any white space), then
    the sentence's VADER score (Hutto & Gilbert 2014). A sentence mentioning two targets is
    listed for both: VADER scores the sentence, not the words about the target, so this is the
    tone of the sentences in which an actor appears.

    Args:
        sentences: the sentences table.
        targets: see :func:`load_targets`.
        lexicon: as in :func:`score_sentences`.

    Returns:
        One row per (sentence, target) mention, ordered by (article_id, sentence, target):
        ``article_id, outlet, paragraph, sentence, target, aliases`` (the distinct matched
        strings, lower-cased, sorted, joined by ``"; "``), ``in_quote, text, neg, neu, pos,
        compound``.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0],
    ...                   "text": ["Putin's troops were defeated near Kyiv."]})
    >>> target_mentions(s)[["target", "aliases"]].to_dict("records")
    [{'target': 'Putin', 'aliases': 'putin'}, {'target': 'Russian soldiers', 'aliases': 'troops'}, {'target': 'Ukraine', 'aliases': 'kyiv'}]
    """
    tmap = load_targets(targets)
    _require(sentences, ["article_id", "outlet", "sentence", "text"], table="sentences")
    df = scored(sentences, lexicon=lexicon)
    if "paragraph" not in df.columns:
        df["paragraph"] = 0
    if "in_quote" not in df.columns:
        df["in_quote"] = False
    df = df.sort_values(["article_id", "sentence"], kind="stable").reset_index(drop=True)
    frames = []
    text = df["text"].fillna("").astype(str)
    for target, aliases in tmap.items():
        found = text.str.findall(_alias_regex(aliases))
        hit = found.str.len() > 0
        if not hit.any():
            continue
        part = df.loc[hit].copy()
        part["target"] = target
        part["aliases"] = [
            "; ".join(sorted({" ".join(m.split()).lower() for m in ms})) for ms in found[hit]
        ]
        frames.append(part)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MENTION_COLUMNS}).astype(
            {c: float for c in SCORE_COLUMNS}
        )
    out = pd.concat(frames, ignore_index=True)
    # target order within a sentence follows the sorted target names
    order = {t: i for i, t in enumerate(tmap)}
    out["_t"] = out["target"].map(order)
    out = out.sort_values(["article_id", "sentence", "_t"], kind="stable")
    return out[MENTION_COLUMNS].reset_index(drop=True)


def target_summary(
    sentences: pd.DataFrame,
    *,
    targets: str | Path | Mapping[str, Iterable[str]] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_n: int = MIN_TARGET_SENTENCES,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Outlet x target table: mean compound of the sentences mentioning each target.

    Method: :func:`target_mentions`, then a percentile bootstrap per cell (Efron & Tibshirani
    1993), resampling articles when the cell spans at least 2 (Field & Welsh 2007), else
    sentences with a caveat. Every outlet x target pair is listed, also those never mentioned
    (``n = 0``, NaN estimate), so a missing cell is visible rather than silently dropped.

    Returns:
        One row per (outlet, target), sorted by outlet then target: ``outlet, target,
        n_articles, n`` (sentences), ``estimate, low, high, too_small, method, caveat``.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "sentence": [0, 1],
    ...                   "text": ["Putin lied.", "Zelensky thanked them."]})
    >>> target_summary(s, min_n=1, n_boot=50)[["target", "n", "estimate"]].head(3)
                 target  n  estimate
    0             Putin  1   -0.3818
    1            Russia  0       NaN
    2  Russian soldiers  0       NaN
    """
    tmap = load_targets(targets)
    mentions = target_mentions(sentences, targets=tmap, lexicon=lexicon)
    cols = [
        "outlet",
        "target",
        "n_articles",
        "n",
        "estimate",
        "low",
        "high",
        "too_small",
        "method",
        "caveat",
    ]
    res = _intervals(
        mentions,
        unit="sentence",
        group=["outlet", "target"],
        value="compound",
        n_boot=n_boot,
        seed=seed,
        ci=ci,
        min_n=min_n,
    )
    grid = pd.MultiIndex.from_product(
        [sorted(sentences["outlet"].dropna().unique()), list(tmap)], names=["outlet", "target"]
    ).to_frame(index=False)
    out = grid.merge(res, on=["outlet", "target"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["n_articles"] = out["n_articles"].fillna(0).astype("int64")
    out["too_small"] = out["too_small"].fillna(True).astype(bool)
    out["method"] = out["method"].fillna("no mentions")
    out["caveat"] = out["caveat"].fillna("never mentioned")
    return out[cols].astype({"estimate": float, "low": float, "high": float})


# --------------------------------------------------------------------------------------------
# arc and evidence


def arc(
    sentences: pd.DataFrame,
    *,
    bins: int = 5,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_n: int = 5,
    lexicon: str | Path | None = None,
) -> pd.DataFrame:
    """Sentiment through the article: mean compound per outlet and position bin.

    Method: sentences are binned by ``position`` (0 = first sentence, 1 = last) into ``bins``
    equal-width bins, and each (outlet, bin) cell gets a percentile bootstrap interval (Efron &
    Tibshirani 1993; articles resampled when the cell spans at least 2, Field & Welsh 2007).
    Bins hold few sentences, hence the lower default ``min_n``.

    Returns:
        One row per (outlet, bin) with sentences, sorted: ``outlet, bin`` (0-based),
        ``position_low, position_high`` (bin edges), ``n_articles, n, estimate, low, high,
        too_small, method, caveat``.

    >>> s = pd.DataFrame({"article_id": ["a"] * 4, "outlet": ["X"] * 4, "sentence": range(4),
    ...                   "position": [0.0, 0.33, 0.67, 1.0], "compound": [0.5, 0.1, -0.2, -0.6]})
    >>> arc(s, bins=2, min_n=1, n_boot=50)[["bin", "n", "estimate"]]
       bin  n  estimate
    0    0  2       0.3
    1    1  2      -0.4
    """
    if int(bins) < 1:
        raise ValueError(f"bins must be a positive number of position bins, got {bins}")
    _require(sentences, ["article_id", "outlet", "position"], table="sentences")
    df = scored(sentences, lexicon=lexicon)
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    pos = df["position"].astype(float).clip(0.0, 1.0)
    # the last bin is closed on the right, so position 1.0 (the last sentence) is counted
    df["bin"] = np.minimum((pos * bins).fillna(-1).astype(int), int(bins) - 1)
    df = df[pos.notna()]
    res = _intervals(
        df,
        unit="sentence",
        group=["outlet", "bin"],
        value="compound",
        n_boot=n_boot,
        seed=seed,
        ci=ci,
        min_n=min_n,
    )
    res["bin"] = res["bin"].astype("int64")
    res["position_low"] = edges[res["bin"].to_numpy()]
    res["position_high"] = edges[res["bin"].to_numpy() + 1]
    cols = [
        "outlet",
        "bin",
        "position_low",
        "position_high",
        "n_articles",
        "n",
        "estimate",
        "low",
        "high",
        "too_small",
        "method",
        "caveat",
    ]
    return res[cols].sort_values(["outlet", "bin"], kind="stable").reset_index(drop=True)


def extremes(
    sentences: pd.DataFrame, *, k: int = 3, lexicon: str | Path | None = None
) -> pd.DataFrame:
    """The most negative and most positive sentences of each outlet, as evidence.

    Only sentences with compound < 0 can be "most negative" and > 0 "most positive", so a
    sentence never appears as both. Ties are broken by (article_id, sentence).

    Returns:
        Rows ordered by outlet, then ``most negative`` before ``most positive``, then rank:
        ``outlet, polarity, rank`` (1 = most extreme), ``article_id, sentence, in_quote,
        compound, text``.

    >>> s = pd.DataFrame({"article_id": ["a"] * 3, "outlet": ["X"] * 3, "sentence": [0, 1, 2],
    ...                   "text": ["Awful war.", "A day.", "Great joy."]})
    >>> extremes(s, k=1)[["polarity", "text"]].to_dict("records")
    [{'polarity': 'most negative', 'text': 'Awful war.'}, {'polarity': 'most positive', 'text': 'Great joy.'}]
    """
    if int(k) < 1:
        raise ValueError(f"k must be a positive number of sentences, got {k}")
    _require(sentences, ["article_id", "outlet", "sentence", "text"], table="sentences")
    df = scored(sentences, lexicon=lexicon)
    if "in_quote" not in df.columns:
        df["in_quote"] = False
    cols = ["outlet", "polarity", "rank", "article_id", "sentence", "in_quote", "compound", "text"]
    neg = df[df["compound"] < 0].sort_values(
        ["outlet", "compound", "article_id", "sentence"], kind="stable"
    )
    df = df.assign(_neg=-df["compound"])
    pos = df[df["compound"] > 0].sort_values(
        ["outlet", "_neg", "article_id", "sentence"], kind="stable"
    )
    frames = []
    for name, part in (("most negative", neg), ("most positive", pos)):
        top = part.groupby("outlet", sort=True).head(int(k)).copy()
        top["polarity"] = name
        top["rank"] = top.groupby("outlet").cumcount() + 1
        frames.append(top)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    if out.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = out.sort_values(["outlet", "polarity", "rank"], kind="stable")
    return out[cols].astype({"rank": "int64"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# reading the tables


def _fmt_interval(row: Any, digits: int = 2) -> str:
    if bool(row.too_small):
        return f"too small (n={int(row.n)})"
    if math.isnan(row.low):
        return f"{row.estimate:+.{digits}f} (n={int(row.n)})"
    return f"{row.estimate:+.{digits}f} [{row.low:+.{digits}f}, {row.high:+.{digits}f}]"


def display_table(summary: pd.DataFrame, *, digits: int = 2) -> pd.DataFrame:
    """A summary table for reading: cells too small show "too small (n=...)", not a number.

    Args:
        summary: output of :func:`outlet_summary`, :func:`voice_summary`,
            :func:`target_summary` or :func:`arc` (needs ``n, estimate, low, high,
            too_small``).
        digits: decimals shown.

    Returns:
        The grouping columns, ``n``, ``n_articles`` (when present), ``mean [95% CI]`` as text,
        and ``caveat`` (when present).

    >>> t = pd.DataFrame({"outlet": ["X", "Y"], "n": [30, 4], "estimate": [-0.2, 0.1],
    ...                   "low": [-0.3, 0.0], "high": [-0.1, 0.2], "too_small": [False, True]})
    >>> display_table(t)["mean [CI]"].tolist()
    ['-0.20 [-0.30, -0.10]', 'too small (n=4)']
    """
    _require(summary, ["n", "estimate", "low", "high", "too_small"], table="summary")
    keys = [c for c in ("outlet", "voice", "target", "bin") if c in summary.columns]
    out = summary[keys + [c for c in ("n_articles", "n") if c in summary.columns]].copy()
    out["mean [CI]"] = [_fmt_interval(r, digits) for r in summary.itertuples(index=False)]
    if "caveat" in summary.columns:
        out["caveat"] = summary["caveat"].to_numpy()
    return out.reset_index(drop=True)


def describe(
    summary: pd.DataFrame,
    tests: pd.DataFrame | None = None,
    *,
    voice: pd.DataFrame | None = None,
    alpha: float = 0.05,
    ci: float = 0.95,
    method: Literal["holm", "fdr_bh"] = "holm",
    unit: str = "sentence",
) -> str:
    """A short interpretation of the outlet tables, in words, with every number computed.

    The text states the sample sizes and what they allow, names the cells too small to
    conclude on, and calls a difference significant only after the multiple-comparison
    correction (``p_adjusted < alpha``).

    Args:
        summary: output of :func:`outlet_summary`.
        tests: output of :func:`outlet_tests`, or None.
        voice: output of :func:`voice_tests`, or None.
        alpha: significance level for adjusted p-values.
        ci: the coverage the intervals were computed with (for the wording).
        method: the correction used in ``tests`` (for the wording).
        unit: the unit of ``summary`` (for the wording).

    >>> t = pd.DataFrame({"outlet": ["X", "Y"], "n_articles": [1, 1], "n": [30, 25],
    ...                   "estimate": [-0.2, 0.1], "low": [-0.3, 0.0], "high": [-0.1, 0.2],
    ...                   "too_small": [False, False]})
    >>> print(describe(t))  # doctest: +NORMALIZE_WHITESPACE
    2 outlets, 2 articles, 55 sentences. Every outlet here is a single article, so a
    difference between outlets is a difference between articles and says nothing about the
    outlets' coverage in general; the intervals resample sentences of one article as if they
    were independent and are too narrow. Lowest mean compound: X (-0.20, 95% interval -0.30 to
    -0.10, n=30). Highest: Y (+0.10, 95% interval +0.00 to +0.20, n=25).
    """
    _require(summary, ["outlet", "n", "estimate", "low", "high", "too_small"], table="summary")
    if summary.empty:
        return "No sentences to describe: the table is empty."
    correction = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}.get(method, method)
    pct = f"{ci:.0%}"
    n_art = int(summary["n_articles"].sum()) if "n_articles" in summary.columns else None
    parts = [
        f"{len(summary)} outlet{'s' if len(summary) != 1 else ''}"
        + (f", {n_art} article{'s' if n_art != 1 else ''}" if n_art is not None else "")
        + f", {int(summary['n'].sum())} {unit}s."
    ]
    if n_art is not None and (summary["n_articles"] <= 1).all():
        parts.append(
            "Every outlet here is a single article, so a difference between outlets is a "
            "difference between articles and says nothing about the outlets' coverage in "
            "general"
            + (
                ""
                if unit == "article"
                else f"; the intervals resample {unit}s of one article as if they were "
                "independent and are too narrow"
            )
            + "."
        )
    elif n_art is not None and (summary["n_articles"] < stats.MIN_ARTICLES).any():
        few = summary.loc[summary["n_articles"] < stats.MIN_ARTICLES, "outlet"].tolist()
        parts.append(
            f"Fewer than {stats.MIN_ARTICLES} articles for: {', '.join(map(str, few))}; "
            "their intervals rest on very few independent units."
        )
    small = summary.loc[summary["too_small"], "outlet"].tolist()
    if small:
        parts.append(
            f"Too small to conclude anything about: {', '.join(map(str, small))}"
            + (" (every outlet)." if len(small) == len(summary) else ".")
        )
    ok = summary.loc[~summary["too_small"] & summary["estimate"].notna()]
    if len(ok) >= 1:
        lo, hi = ok.loc[ok["estimate"].idxmin()], ok.loc[ok["estimate"].idxmax()]

        def one(r: pd.Series) -> str:
            return (
                f"{r['outlet']} ({r['estimate']:+.2f}, {pct} interval "
                f"{r['low']:+.2f} to {r['high']:+.2f}, n={int(r['n'])})"
            )

        if len(ok) > 1:
            parts.append(f"Lowest mean compound: {one(lo)}. Highest: {one(hi)}.")
        else:
            parts.append(f"Mean compound: {one(lo)}.")
    if tests is not None and len(tests):
        tested = tests.loc[~tests["too_small"]]
        sig = tested.loc[tested["p_adjusted"] < alpha]
        parts.append(
            f"{len(sig)} of {len(tested)} tested outlet pairs differ at adjusted p < {alpha:g} "
            f"(permutation tests, {correction} correction)."
            if len(tested)
            else "No outlet pair was large enough to test."
        )
        if len(sig):
            best = sig.loc[sig["effect_size"].abs().idxmax()]
            parts.append(
                f"Largest: {best['group_a']} vs {best['group_b']}, difference "
                f"{best['diff']:+.2f}, Cliff's delta {best['effect_size']:+.2f}, adjusted p = "
                f"{best['p_adjusted']:.3g}."
            )
    if voice is not None and len(voice):
        tested = voice.loc[~voice["too_small"]]
        if len(tested):
            sig = tested.loc[tested["p_adjusted"] < alpha]
            lower = tested.loc[tested["diff"] < 0, "outlet"].tolist()
            parts.append(
                f"Narrator versus quoted voice: tested for {len(tested)} outlet"
                f"{'s' if len(tested) != 1 else ''}; the outlet's own prose is more negative "
                f"than the words it quotes in {len(lower)} of them"
                + (f" ({', '.join(map(str, lower))})" if lower else "")
                + f", and {len(sig)} difference{'s' if len(sig) != 1 else ''} hold"
                f"{'' if len(sig) != 1 else 's'} at adjusted p < {alpha:g}."
            )
        else:
            parts.append("No outlet has enough narrator and quoted parts to compare them.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# plots (matplotlib is imported on first use, so the corpus build never pays for it)


def _axes(ax: Any, *, size: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def plot_outlets(
    table: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    ax: Any = None,
    seed: int = 0,
    value: str = "compound",
) -> Any:
    """Per-outlet distribution: every unit as a point, the mean with its interval, and n.

    Args:
        table: output of :func:`units` (one row per unit, with ``outlet`` and ``value``).
        summary: output of :func:`outlet_summary` on the same units.
        ax: matplotlib Axes to draw on; None = a new figure.
        seed: seed of the vertical jitter of the points.
        value: column of ``table`` to plot.

    Returns:
        The Axes. Outlets flagged too small show their points and a hollow mean marker with
        "too small" instead of an interval.
    """
    outlets = summary["outlet"].tolist()
    ax = _axes(ax, size=(8, 0.7 * max(len(outlets), 2) + 1.2))
    rng = np.random.default_rng(seed)
    for y, row in enumerate(summary.itertuples(index=False)):
        vals = table.loc[table["outlet"] == row.outlet, value].to_numpy(dtype=float)
        ax.scatter(
            vals,
            y + rng.uniform(-0.18, 0.18, vals.size),
            s=10,
            alpha=0.35,
            color="0.45",
            linewidths=0,
        )
        if row.n == 0:
            continue
        if row.too_small:
            ax.plot(row.estimate, y, "o", mfc="white", mec="C3", ms=8)
            note = f"n={row.n}, too small"
        else:
            if not math.isnan(row.low):
                ax.hlines(y, row.low, row.high, color="C0", lw=3)
            ax.plot(row.estimate, y, "o", color="C0", ms=8)
            note = f"n={row.n}" + (f", {row.n_articles} art." if "n_articles" in summary else "")
        ax.annotate(
            note,
            (1.02, y),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=8,
            annotation_clip=False,
        )
    ax.axvline(0, color="0.8", lw=1, zorder=0)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(len(outlets) - 0.4, -0.6)  # first outlet at the top
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(f"VADER {value} (points: units; dot and bar: mean and 95% interval)")
    return ax


def plot_voice(summary: pd.DataFrame, *, ax: Any = None) -> Any:
    """Narrator versus quoted mean compound per outlet, with intervals and n.

    Args:
        summary: output of :func:`voice_summary`.
        ax: matplotlib Axes or None.

    Returns:
        The Axes; too-small cells are hollow markers without an interval.
    """
    outlets = sorted(summary["outlet"].unique())
    ax = _axes(ax, size=(8, 0.8 * max(len(outlets), 2) + 1.2))
    styles = {"narrator": ("C0", -0.15), "quoted": ("C1", 0.15)}
    for voice, (color, dy) in styles.items():
        part = summary[summary["voice"] == voice]
        for row in part.itertuples(index=False):
            y = outlets.index(row.outlet) + dy
            if row.too_small:
                ax.plot(row.estimate, y, "o", mfc="white", mec=color, ms=7)
            else:
                if not math.isnan(row.low):
                    ax.hlines(y, row.low, row.high, color=color, lw=3)
                ax.plot(row.estimate, y, "o", color=color, ms=7)
            ax.annotate(
                f"n={row.n}" + (" (too small)" if row.too_small else ""),
                (1.02, y),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=7,
                color=color,
                annotation_clip=False,
            )
        ax.plot([], [], "o", color=color, label=voice)
    ax.axvline(0, color="0.8", lw=1, zorder=0)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(len(outlets) - 0.4, -0.6)  # first outlet at the top
    ax.set_xlabel("mean VADER compound (95% interval; hollow = too small)")
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_arc(sentences: pd.DataFrame, arc_table: pd.DataFrame) -> Any:
    """Sentiment arc: each sentence's compound by position, and binned means with intervals.

    Args:
        sentences: the (scored) sentences table with ``outlet, position, compound``.
        arc_table: output of :func:`arc`.

    Returns:
        The Figure: one panel per outlet, shared axes.
    """
    import matplotlib.pyplot as plt

    outlets = sorted(arc_table["outlet"].unique()) or ["(none)"]
    ncols = min(len(outlets), 5)  # wrap many outlets into rows of five panels
    nrows = math.ceil(len(outlets) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3 * ncols + 1, 3.2 * nrows),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[len(outlets) :]:
        ax.set_visible(False)
    for ax, outlet in zip(axes.flat, outlets, strict=False):
        s = sentences[sentences["outlet"] == outlet]
        ax.scatter(s["position"], s["compound"], s=9, alpha=0.35, color="0.45", linewidths=0)
        a = arc_table[arc_table["outlet"] == outlet]
        mid = (a["position_low"] + a["position_high"]) / 2
        ok = ~a["too_small"]
        ax.errorbar(
            mid[ok],
            a["estimate"][ok],
            yerr=[
                (a["estimate"] - a["low"])[ok].fillna(0),
                (a["high"] - a["estimate"])[ok].fillna(0),
            ],
            fmt="o-",
            color="C0",
            capsize=3,
        )
        ax.plot(mid[~ok], a["estimate"][~ok], "o", mfc="white", mec="C3")
        for x, row in zip(mid, a.itertuples(index=False), strict=True):
            ax.annotate(f"{row.n}", (x, -1.0), ha="center", va="bottom", fontsize=7)
        ax.axhline(0, color="0.8", lw=1, zorder=0)
        ax.set_title(str(outlet), fontsize=9)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlabel("position in article")
    for row in axes:
        row[0].set_ylabel("VADER compound")
    fig.suptitle("Sentiment arc (numbers: sentences per bin; hollow: too small)", fontsize=10)
    return fig


def plot_targets(summary: pd.DataFrame, *, ax: Any = None) -> Any:
    """Outlet x target heatmap of mean compound, each cell annotated with n.

    Args:
        summary: output of :func:`target_summary`.
        ax: matplotlib Axes or None.

    Returns:
        The Axes. Cells below the minimum size are grey and read "too small"; targets never
        mentioned read "n=0".
    """
    outlets = sorted(summary["outlet"].unique())
    targets = sorted(summary["target"].unique())
    ax = _axes(ax, size=(1.5 * max(len(targets), 2) + 2, 0.6 * max(len(outlets), 2) + 1.5))
    grid = np.full((len(outlets), len(targets)), np.nan)
    for row in summary.itertuples(index=False):
        if not row.too_small:
            grid[outlets.index(row.outlet), targets.index(row.target)] = row.estimate
    import matplotlib

    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="0.9")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.6, vmax=0.6, aspect="auto")
    for row in summary.itertuples(index=False):
        i, j = outlets.index(row.outlet), targets.index(row.target)
        text = (
            f"{row.estimate:+.2f}\nn={row.n}"
            if not row.too_small
            else f"n={row.n}\n" + ("too small" if row.n else "")
        )
        ax.text(j, i, text, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(targets)), targets, rotation=30, ha="right")
    ax.set_yticks(range(len(outlets)), outlets)
    ax.figure.colorbar(im, ax=ax, label="mean compound of sentences mentioning the target")
    return ax
