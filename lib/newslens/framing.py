"""Frames, cue lexicons and codebook validation.

A *codebook* is a YAML file of frames, each with indicator terms, phrases and regex patterns and
optional exclusions (the format is documented in ``docs/codebook.md``). Sentences are tagged
with every frame they match, and every match is kept as evidence (the matched string and its
offsets into the article body), so each figure can be traced back to the sentences behind it.

Two codebooks ship in ``newslens/data/codebooks/``:

* ``semetko_valkenburg_2000``: the five generic news frames of Semetko & Valkenburg (2000,
  *Journal of Communication* 50(2), 93-109);
* ``policy_frames_boydstun_2014``: the 15 frame dimensions of the Policy Frames Codebook
  (Boydstun, Card, Gross, Resnik & Smith 2014), the labels of the Media Frames Corpus.

Cue lexicons (loaded language, hedging, verification caveats) use the same format, with
``cues:`` in place of ``frames:`` (``newslens/data/cues.yml``), and are reported per 1,000 words.

Dictionary indicators are a transparent but blunt instrument (Grimmer & Stewart 2013, "Text as
data", *Political Analysis* 21(3): "validate, validate, validate"), so the module also exports a
stratified sample for hand coding and measures agreement between codebook and coder (Cohen's
kappa, Krippendorff's alpha, precision and recall).

>>> cb = load_codebook("semetko_valkenburg_2000")
>>> [f.id for f in cb.frames]
['responsibility', 'conflict', 'human_interest', 'economic', 'morality']
>>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0],
...                   "text": ["They blamed the government for the costly war."]})
>>> tag_sentences(s, cb)[["frame", "evidence"]].values.tolist()
[['responsibility', 'blamed'], ['economic', 'costly']]
"""

from __future__ import annotations

import csv
import io
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from newslens import stats
from newslens.paths import PACKAGE_DATA

__all__ = [
    "CODEBOOK_DIR",
    "CUES_FILE",
    "DEFAULT_CODEBOOK",
    "MIN_CODED",
    "MIN_WORDS",
    "Codebook",
    "CodebookError",
    "CodingError",
    "Frame",
    "agreement",
    "available_codebooks",
    "cohens_kappa",
    "cue_rates",
    "evidence",
    "export_coding_sample",
    "import_coding",
    "krippendorff_alpha",
    "load_codebook",
    "load_cues",
    "plot_cue_rates",
    "plot_heatmap",
    "plot_prevalence",
    "prevalence",
    "sentence_frames",
    "summary_text",
    "tag_many",
    "tag_sentences",
]

CODEBOOK_DIR = PACKAGE_DATA / "codebooks"
CUES_FILE = PACKAGE_DATA / "cues.yml"
DEFAULT_CODEBOOK = "semetko_valkenburg_2000"

#: Fewer words than this in a cell: a rate per 1,000 words is flagged ``too_small``.
MIN_WORDS = 1000
#: Fewer coded sentences than this for a frame: agreement is flagged ``too_small``.
MIN_CODED = 30

VOICES = ("all", "narrator", "quoted")
LEVELS = ("sentence", "article")

# Words for rates per 1,000 words: letters/digits with inner apostrophes or hyphens, so
# "Putin's" and "anti-war" count once, as a reader would count them.
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
# tag_sentences prefilters this many sentences at a time (one joined lowercased text each)
_SENTENCES_PER_CHUNK = 20_000
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
# Global inline flags must stand at the start of a regex, which breaks once patterns are
# joined into one alternation; scoped flags such as (?-i:...) are fine.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_ABS_ANCHOR = re.compile(r"(?<!\\)\\[AZz]")
_GAP_WORDS = 12  # "..." in a phrase stands for up to this many words

_TOP_KEYS = {
    "name",
    "title",
    "citation",
    "description",
    "version",
    "inflect",
    "notes",
    "frames",
    "cues",
}
_FRAME_KEYS = {
    "id",
    "label",
    "description",
    "source",
    "terms",
    "phrases",
    "patterns",
    "exclude",
    "exclude_scope",
    "inflect",
    "coder_only",
    "notes",
}
_FRAME_REQUIRED = ("id", "label", "description", "source")


class CodebookError(ValueError):
    """A codebook (or cue lexicon) file is malformed; the message names file, frame and key."""


class CodingError(ValueError):
    """A hand-coded CSV cannot be used; the message names the file, line and column."""


# --------------------------------------------------------------------------------------------
# codebooks


@dataclass(frozen=True)
class Frame:
    """One frame (or cue category) of a codebook, with its compiled indicators.

    Attributes:
        id: snake_case identifier, also the column name in coding files.
        label: human-readable name.
        description: what the frame means (shown to hand coders in ``docs``).
        source: where the frame and its indicators come from.
        terms, phrases, patterns, exclude: the indicators as written in the file.
        exclude_scope: ``"sentence"`` (an exclusion cancels every match of the frame in its
            sentence) or ``"overlap"`` (only the matches it overlaps).
        inflect: whether single-word terms also match simple inflections.
        coder_only: a frame for hand coding only (e.g. "Other"); never tagged automatically.
    """

    id: str
    label: str
    description: str
    source: str
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    exclude_scope: str = "sentence"
    inflect: bool = True
    coder_only: bool = False
    regex: re.Pattern | None = field(default=None, compare=False, repr=False)
    exclude_regex: re.Pattern | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook: frames in file order with one compiled regex each.

    Attributes:
        name: identifier of the codebook (``name`` in the file).
        title, citation, description: as in the file.
        path: the file it was loaded from.
        kind: ``"frames"`` for a frame codebook, ``"cues"`` for a cue lexicon.
        frames: the frames (or cue categories), in file order.
    """

    name: str
    title: str
    citation: str
    description: str
    path: str
    kind: str
    frames: tuple[Frame, ...]

    @property
    def ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [f.id for f in self.frames]

    @property
    def labels(self) -> dict[str, str]:
        """Frame id -> label."""
        return {f.id: f.label for f in self.frames}

    def frame(self, frame_id: str) -> Frame:
        """The frame with this id (KeyError listing the ids otherwise)."""
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(
            f"codebook {self.name!r} has no frame {frame_id!r}; it has: {', '.join(self.ids)}"
        )


def _inflections(word: str) -> list[str]:
    """Simple English inflections of one word: plural/3rd person, past, gerund.

    Deliberately naive (no lemmatiser, no irregular forms: list "fought" yourself); extra
    non-words it produces ("moraled") cost nothing because they never occur.
    """
    w = word.lower()
    if not w.isalpha() or len(w) < 3 or w.endswith(("ing", "ly", "ed")):
        return [word]
    forms = {word}
    if w.endswith("y") and w[-2] not in "aeiou":
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith("ee"):
        forms |= {w + "s", w + "d", w + "ing"}
    elif w.endswith("e"):
        forms |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {w + "es", w + "ed", w + "ing"}
    else:
        forms |= {w + "s", w + "ed", w + "ing"}
        # Short consonant-vowel-consonant words double their last letter (ban -> banned).
        if len(w) <= 4 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return sorted(forms)


_APOSTROPHE = "['’]"
_HYPHEN = r"(?:[-‐‑–]|\s+)"
_WORD_START = r"(?<!\w)"
_WORD_END = r"(?!\w)"
_WILDCARD = r"\w*"
_GAP = rf"(?:\s+\S+){{0,{_GAP_WORDS}}}?"


def _atoms(text: str) -> list[str]:
    """A literal indicator as a list of regex atoms (one per character or class)."""
    out = []
    for ch in text.lower():
        if ch in "'’":
            out.append(_APOSTROPHE)
        elif ch in "-‐‑–":
            out.append(_HYPHEN)
        else:
            out.append(re.escape(ch))
    return out


def _bounded(atoms: list[str], first: str, last: str, *, wildcard: bool = False) -> tuple[str, ...]:
    """Add whole-word boundaries where the indicator starts or ends with a word character."""
    seq = list(atoms)
    if first.isalnum() or first == "_":
        seq.insert(0, _WORD_START)
    if wildcard:
        seq.append(_WILDCARD)
    if wildcard or last.isalnum() or last == "_":
        seq.append(_WORD_END)
    return tuple(seq)


def _term_sequences(term: str, *, inflect: bool) -> list[tuple[str, ...]]:
    wildcard = term.endswith("*")
    stem = term[:-1] if wildcard else term
    forms = [stem] if wildcard or not inflect else _inflections(stem)
    return [_bounded(_atoms(f), f[0], f[-1], wildcard=wildcard) for f in forms]


def _phrase_sequence(phrase: str) -> tuple[str, ...]:
    words = phrase.split()
    atoms: list[str] = []
    for i, w in enumerate(words):
        if w == "...":
            atoms.append(_GAP)  # the \s+ before the next word closes the gap
            continue
        if i:
            atoms.append(r"\s+")
        atoms.extend(_atoms(w))
    return _bounded(atoms, phrase.strip()[0], phrase.strip()[-1])


def _trie_regex(sequences: Iterable[tuple[str, ...]]) -> str:
    """One regex for many literal sequences, factored as a trie.

    Python's ``re`` tries the branches of a flat alternation one by one at every position;
    sharing prefixes (``b(?:lame|loody)``) lets it reject most positions after one character,
    the same idea as Aho-Corasick matching (Aho & Corasick 1975) within a backtracking engine.
    Longer continuations are tried before the end of a shorter indicator, so the longest
    indicator at a position wins.
    """
    trie: dict = {}
    for seq in sequences:
        node = trie
        for atom in seq:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict) -> str:
        # Literal atoms first (sorted, deterministic), then classes and wildcards.
        keys = sorted((k for k in node if k), key=lambda k: (k.startswith(("(", "\\w", "\\s")), k))
        alts = [k + emit(node[k]) for k in keys]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _where(
    path: Path, frame: str | None = None, key: str | None = None, line: int | None = None
) -> str:
    parts = [str(path)]
    if line:
        parts[0] += f", line {line}"
    if frame is not None:
        parts.append(f"frame {frame!r}")
    if key is not None:
        parts.append(f"key {key!r}")
    return ": ".join(parts)


def _str_list(value: Any, *, path: Path, frame: str, key: str, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise CodebookError(
            f"{_where(path, frame, key, line)}: expected a YAML list of strings "
            f"(one '- item' per line), got {type(value).__name__}"
        )
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise CodebookError(
                f"{_where(path, frame, key, line)}: item {i + 1} ({item!r}) must be a non-empty string"
            )
        out.append(item.strip())
    dupes = sorted({x for x in out if out.count(x) > 1})
    if dupes:
        raise CodebookError(
            f"{_where(path, frame, key, line)}: duplicated items {dupes}; list each once"
        )
    return tuple(out)


def _compile_pattern(p: str, *, path: Path, frame: str, key: str, line: int | None) -> None:
    if _GLOBAL_FLAGS.search(p):
        raise CodebookError(
            f"{_where(path, frame, key, line)}: pattern {p!r} uses a global inline flag; patterns are "
            "already case-insensitive, use a scoped flag such as (?-i:...) instead"
        )
    if _ABS_ANCHOR.search(p):
        raise CodebookError(
            f"{_where(path, frame, key, line)}: pattern {p!r} uses \\A, \\Z or \\z; use ^ and $ "
            "(they match at the start and end of the sentence)"
        )
    try:
        rx = re.compile(p, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise CodebookError(
            f"{_where(path, frame, key, line)}: pattern {p!r} is not a valid regex: {exc}"
        ) from exc
    if rx.fullmatch(""):
        raise CodebookError(
            f"{_where(path, frame, key, line)}: pattern {p!r} matches the empty string, so it would "
            "match everywhere; make at least one character required"
        )


def _frame_regex(terms, phrases, patterns, *, inflect: bool) -> str:
    parts = []
    # Phrases and patterns before single terms: at one position the first branch that matches
    # wins, and the longer, more specific evidence is the more useful one.
    phrase_part = _trie_regex(_phrase_sequence(p) for p in phrases) if phrases else ""
    term_part = (
        _trie_regex(s for t in terms for s in _term_sequences(t, inflect=inflect)) if terms else ""
    )
    if phrase_part:
        parts.append(phrase_part)
    parts.extend(f"(?:{p})" for p in patterns)
    if term_part:
        parts.append(term_part)
    return "|".join(parts)


def _frame_lines(path: Path, text: str, list_key: str) -> list[int | None]:
    """1-based line of each frame entry, for error messages (None when YAML cannot tell)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, v in node.value:
        if getattr(k, "value", None) == list_key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def _parse_frame(
    raw: Any, *, index: int, path: Path, line: int | None, default_inflect: bool, list_key: str
) -> Frame:
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise CodebookError(
            f"{_where(path, label, None, line)}: each entry of '{list_key}' must be a mapping with keys id, label, description, source, ..."
        )
    fid = raw.get("id")
    if isinstance(fid, str) and fid:
        label = fid
    unknown = sorted(set(map(str, raw)) - _FRAME_KEYS)
    if unknown:
        raise CodebookError(
            f"{_where(path, label, unknown[0], line)}: unknown key (allowed: {', '.join(sorted(_FRAME_KEYS))}); check the spelling"
        )
    for key in _FRAME_REQUIRED:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CodebookError(
                f"{_where(path, label, key, line)}: required, must be a non-empty string"
            )
    if not _ID.match(fid):
        raise CodebookError(
            f"{_where(path, label, 'id', line)}: {fid!r} must be snake_case (a-z, 0-9, _; starting with "
            "a letter) because it becomes a column name in coding files"
        )
    lists = {
        k: _str_list(raw.get(k), path=path, frame=fid, key=k, line=line)
        for k in ("terms", "phrases", "patterns", "exclude")
    }
    for t in lists["terms"]:
        if any(ch.isspace() for ch in t):
            raise CodebookError(
                f"{_where(path, fid, 'terms', line)}: {t!r} has a space; put multi-word indicators under 'phrases'"
            )
        if "*" in t[:-1] or t == "*":
            raise CodebookError(
                f"{_where(path, fid, 'terms', line)}: {t!r}: '*' is only allowed at the end of a term (prefix match)"
            )
    for p in lists["phrases"]:
        if "..." in p.split()[0:1] or "..." in p.split()[-1:]:
            raise CodebookError(
                f"{_where(path, fid, 'phrases', line)}: {p!r}: '...' (a gap of up to {_GAP_WORDS} words) must stand between two words"
            )
    for key in ("patterns", "exclude"):
        for p in lists[key]:
            _compile_pattern(p, path=path, frame=fid, key=key, line=line)
    inflect = raw.get("inflect", default_inflect)
    coder_only = raw.get("coder_only", False)
    scope = raw.get("exclude_scope", "sentence")
    for key, value in (("inflect", inflect), ("coder_only", coder_only)):
        if not isinstance(value, bool):
            raise CodebookError(
                f"{_where(path, fid, key, line)}: must be true or false, got {value!r}"
            )
    if scope not in ("sentence", "overlap"):
        raise CodebookError(
            f"{_where(path, fid, 'exclude_scope', line)}: must be 'sentence' or 'overlap', got {scope!r}"
        )
    has_indicators = bool(lists["terms"] or lists["phrases"] or lists["patterns"])
    if coder_only and has_indicators:
        raise CodebookError(
            f"{_where(path, fid, 'coder_only', line)}: a coder-only frame cannot have terms, phrases or patterns"
        )
    if not coder_only and not has_indicators:
        raise CodebookError(
            f"{_where(path, fid, 'terms', line)}: the frame has no terms, phrases or patterns; add indicators "
            "or set 'coder_only: true' for a frame that only hand coders assign"
        )
    regex = excl = None
    if has_indicators:
        source = _frame_regex(lists["terms"], lists["phrases"], lists["patterns"], inflect=inflect)
        try:
            regex = re.compile(source, re.IGNORECASE | re.MULTILINE)
        except re.error as exc:  # e.g. the same named group in two patterns
            raise CodebookError(
                f"{_where(path, fid, 'patterns', line)}: the patterns cannot be combined into one regex ({exc}); rename or drop named groups"
            ) from exc
    if lists["exclude"]:
        try:
            excl = re.compile(
                "|".join(f"(?:{p})" for p in lists["exclude"]), re.IGNORECASE | re.MULTILINE
            )
        except re.error as exc:
            raise CodebookError(
                f"{_where(path, fid, 'exclude', line)}: the exclusions cannot be combined into one regex ({exc})"
            ) from exc
    return Frame(
        id=fid,
        label=raw["label"].strip(),
        description=" ".join(raw["description"].split()),
        source=" ".join(raw["source"].split()),
        terms=lists["terms"],
        phrases=lists["phrases"],
        patterns=lists["patterns"],
        exclude=lists["exclude"],
        exclude_scope=scope,
        inflect=inflect,
        coder_only=coder_only,
        regex=regex,
        exclude_regex=excl,
    )


@cache
def _load(path_str: str, mtime_ns: int) -> Codebook:
    # Keyed on the modification time, so an edited codebook is reloaded in a running notebook.
    path = Path(path_str)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CodebookError(
            f"{path}: the file must be a YAML mapping with keys name, title, citation, description and frames"
        )
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise CodebookError(
            f"{_where(path, None, unknown[0])}: unknown top-level key (allowed: {', '.join(sorted(_TOP_KEYS))})"
        )
    if ("frames" in data) == ("cues" in data):
        raise CodebookError(
            f"{path}: needs exactly one of 'frames' (a frame codebook) or 'cues' (a cue lexicon)"
        )
    list_key = "frames" if "frames" in data else "cues"
    for key in ("name", "title", "citation", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise CodebookError(f"{_where(path, None, key)}: required, must be a non-empty string")
    if not _ID.match(data["name"]):
        raise CodebookError(
            f"{_where(path, None, 'name')}: {data['name']!r} must be snake_case (a-z, 0-9, _)"
        )
    default_inflect = data.get("inflect", True)
    if not isinstance(default_inflect, bool):
        raise CodebookError(f"{_where(path, None, 'inflect')}: must be true or false")
    raw_frames = data[list_key]
    if not isinstance(raw_frames, list) or not raw_frames:
        raise CodebookError(
            f"{_where(path, None, list_key)}: must be a non-empty YAML list of {list_key}"
        )
    lines = _frame_lines(path, text, list_key)
    frames = []
    for i, raw in enumerate(raw_frames):
        line = lines[i] if i < len(lines) else None
        frames.append(
            _parse_frame(
                raw,
                index=i,
                path=path,
                line=line,
                default_inflect=default_inflect,
                list_key=list_key,
            )
        )
    ids = [f.id for f in frames]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        raise CodebookError(
            f"{_where(path, dupes[0], 'id')}: frame id used more than once; ids must be unique"
        )
    return Codebook(
        name=data["name"],
        title=data["title"].strip(),
        citation=" ".join(data["citation"].split()),
        description=" ".join(data["description"].split()),
        path=str(path),
        kind=list_key,
        frames=tuple(frames),
    )


def available_codebooks() -> pd.DataFrame:
    """The codebooks shipped with newslens.

    Returns:
        One row per codebook, sorted by ``name``: ``name`` (pass it to :func:`load_codebook`),
        ``title``, ``n_frames``, ``citation``, ``path``.

    >>> available_codebooks()["name"].tolist()
    ['policy_frames_boydstun_2014', 'semetko_valkenburg_2000']
    """
    rows = []
    for path in sorted(CODEBOOK_DIR.glob("*.yml")):
        cb = load_codebook(path)
        rows.append((path.stem, cb.title, len(cb.frames), cb.citation, str(path)))
    return pd.DataFrame(rows, columns=["name", "title", "n_frames", "citation", "path"])


def load_codebook(name_or_path: str | Path | Codebook = DEFAULT_CODEBOOK) -> Codebook:
    """Load and validate a codebook: a shipped name or the path of a YAML file.

    Each frame's terms and phrases are compiled once into a trie-shaped regex, joined with its
    patterns; the result is cached per file and modification time.

    Args:
        name_or_path: a name from :func:`available_codebooks`, a path to a ``.yml`` file, or an
            already loaded :class:`Codebook` (returned as is).

    Returns:
        The :class:`Codebook`.

    Raises:
        FileNotFoundError: neither a shipped name nor an existing file (lists the names).
        CodebookError: the file is malformed; the message names the file, line, frame and key.

    >>> cb = load_codebook("policy_frames_boydstun_2014")
    >>> len(cb.frames), cb.frames[0].label
    (15, 'Economic')
    """
    if isinstance(name_or_path, Codebook):
        return name_or_path
    text = str(name_or_path).strip()
    if not text:
        raise FileNotFoundError(
            "codebook name is empty; pass a name such as 'semetko_valkenburg_2000' or a path to a .yml file"
        )
    shipped = CODEBOOK_DIR / f"{text}.yml"
    path = shipped if shipped.is_file() else Path(text).expanduser()
    if not path.is_file():
        names = ", ".join(p.stem for p in sorted(CODEBOOK_DIR.glob("*.yml")))
        raise FileNotFoundError(
            f"codebook {text!r} is neither a shipped codebook ({names}) nor an existing file"
        )
    path = path.resolve()
    return _load(str(path), path.stat().st_mtime_ns)


def load_cues(path: str | Path | Codebook | None = None) -> Codebook:
    """Load the cue lexicons (loaded language, hedging, verification caveats).

    Args:
        path: a YAML file in the codebook format (with ``cues:``), a loaded :class:`Codebook`,
            or None/"" for the shipped ``newslens/data/cues.yml``.

    >>> load_cues().ids
    ['loaded_language', 'hedging', 'verification']
    """
    if isinstance(path, Codebook):
        return path
    return load_codebook(Path(path) if path else CUES_FILE)


# --------------------------------------------------------------------------------------------
# tagging


def _sentences_of(obj: Any, *, name: str = "sentences") -> pd.DataFrame:
    df = getattr(obj, "sentences", obj) if not isinstance(obj, pd.DataFrame) else obj
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be the sentences table (a DataFrame) or a Corpus, got {type(obj).__name__}"
        )
    missing = [c for c in ("article_id", "outlet", "sentence", "text") if c not in df.columns]
    if missing:
        raise KeyError(
            f"`{name}` lacks column(s) {missing}; it needs article_id, outlet, sentence, text (see docs/architecture.md)"
        )
    return df


# The prefilter of tag_sentences. A frame's regex scans every character of every sentence, but
# most sentences cannot match most frames; which ones can is decided from words and literal
# strings every match must contain (filter, then verify: Navarro & Raffinot 2002, *Flexible
# Pattern Matching in Strings*, ch. 6; required literals of a regex as in Cox 2012, "Regular
# expression matching with a trigram index"). The filter is only trusted on "plain" sentences:
# every non-ASCII character uncased and not a word character, so that ``str.lower`` maps each
# character to the one case-insensitive ``re`` matching sees (no Kelvin sign, long s, dotted I,
# accented letters); every other sentence is searched with every frame's full regex.
_TOKEN = re.compile(r"(?a)\w+")  # on plain lowercased text, the same tokens as \w+, faster
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IS_WORD = re.compile(r"\w")
# Atoms of _atoms/_bounded/_phrase_sequence that put a non-word character (or the sentence
# edge) right before / right after a run of word characters.
_BOUNDARY_BEFORE = frozenset({_WORD_START, _APOSTROPHE, _HYPHEN, r"\s+"})
_BOUNDARY_AFTER = frozenset({_WORD_END, _APOSTROPHE, _HYPHEN, r"\s+"})
_MAX_LITERALS = 64  # larger sets of required strings are not worth testing one by one


@cache
def _matches_ascii(ch: str) -> bool:
    """Whether ``ch`` matches some ASCII character case-insensitively (K, ſ, ı, İ)."""
    rx = re.compile(re.escape(ch), re.IGNORECASE)
    return any(rx.fullmatch(chr(a)) for a in range(128))


@cache
def _plain_char(ch: str) -> bool:
    return not (ch.isalnum() or ch == "_") and ch.lower() == ch == ch.upper()


def _is_plain(text: str) -> bool:
    """True when every non-ASCII character of ``text`` is uncased and not a word character."""
    return text.isascii() or all(_plain_char(c) for c in set(_NON_ASCII.findall(text)))


def _key(ch: str) -> str | None:
    """What a plain sentence's lowercased text shows where a regex character ``ch`` matched.

    None when that is not one character (``ch`` also matches ASCII letters, like the Kelvin
    sign). A cased non-ASCII ``ch`` only matches characters plain sentences never contain, so its
    key is never found in them, which is right.
    """
    if ch.isascii():
        return ch.lower()
    if _matches_ascii(ch):
        return None
    low = ch.lower()
    return low if len(low) == 1 else None


def _atom_char(atom: str) -> str | None:
    """The character a literal atom of :func:`_atoms` stands for (None for classes)."""
    if len(atom) == 1:
        return atom
    if len(atom) == 2 and atom[0] == "\\":
        return atom[1]
    return None


def _non_word_literal(ch: str | None) -> bool:
    """Whether a literal indicator character only matches non-word characters in plain text.

    ASCII punctuation matches itself only; a non-ASCII character may also match ASCII letters
    case-insensitively (the Kelvin sign), unless it matches no ASCII character at all.
    """
    if ch is None or _IS_WORD.fullmatch(ch):
        return False
    return ch.isascii() or not _matches_ascii(ch)


def _sequence_requirement(
    seq: tuple[str, ...],
) -> tuple[str, str, str | None, frozenset[str]] | None:
    """A word or string that every match of one indicator sequence shows in a plain sentence.

    ``("token", w)``: a run of word characters with a non-word character (or the sentence edge)
    forced on both sides (``(?<!\\w)``, ``(?!\\w)``, whitespace, hyphen, apostrophe or another
    non-word literal) is a whole ``\\w+`` token of the lowercased sentence. ``("substring", s)``:
    any other stretch of literal characters, e.g. the stem of a wildcard term. The third item
    is the token every match starts with (the leading run of word characters after
    ``(?<!\\w)``, with a trailing ``*`` when only the token's start is known; None when
    unknown). The fourth item: the sequence's other whole tokens, which a match holds too. None:
    the sequence has no literal character, so its frame must search every sentence.
    """
    chars = [_atom_char(a) for a in seq]
    keys = [_key(c) if c is not None else None for c in chars]
    word = [c is not None and bool(_IS_WORD.fullmatch(c)) for c in chars]

    def bounded_after(j: int) -> bool:
        if j == len(seq):
            return False
        if seq[j] in _BOUNDARY_AFTER:
            return True
        if seq[j] == _GAP:  # "...": always followed by \s+, and starts with \s+ when not empty
            return j + 1 < len(seq) and seq[j + 1] == r"\s+"
        return _non_word_literal(chars[j])

    def bounded_before(i: int) -> bool:
        if i == 0:
            return False
        if seq[i - 1] in _BOUNDARY_BEFORE:
            return True
        return _non_word_literal(chars[i - 1])

    tokens, strings = [], []
    i = 0
    while i < len(seq):
        if keys[i] is None:
            i += 1
            continue
        j = i
        while j < len(seq) and keys[j] is not None:
            j += 1
        strings.append("".join(keys[i:j]))  # a stretch of literals
        # word runs inside the stretch whose both ends are forced boundaries are tokens
        k = i
        while k < j:
            if not word[k]:
                k += 1
                continue
            m = k
            while m < j and word[m]:
                m += 1
            if bounded_before(k) and bounded_after(m):
                tokens.append("".join(keys[k:m]))
            k = m
        i = j
    # the word every match starts with (at a token start), to search only where it occurs;
    # "*" marks a prefix of the token (a wildcard stem, or a run cut short by an unknown key)
    first = None
    if seq and seq[0] == _WORD_START:
        j = 1
        while j < len(seq) and word[j] and keys[j] is not None:
            j += 1
        if j > 1:
            first = "".join(keys[1:j]) + ("" if bounded_after(j) else "*")
    if tokens:
        anchor = max(tokens, key=len)
        return ("token", anchor, first, frozenset(tokens) - {anchor})
    if strings:
        return ("substring", max(strings, key=len), first, frozenset())
    return None


def _pattern_requirement(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of a codebook pattern shows in a plain sentence.

    Read off the parsed regex: literal characters, small character classes, alternations and
    repeats, with every assertion (``\\b``, look-arounds) taken as matching the empty string.
    None when no such set is known; the pattern is then searched in every sentence.
    """
    required = _pattern_requirements(pattern)
    return required[0] if required else None


def _pattern_requirements(pattern: str) -> list[frozenset[str]]:
    """Every requirement set :func:`_required` finds for a pattern, cheapest first (all hold)."""
    try:
        from re import _parser  # the parser behind re.compile; private, hence the guard
    except ImportError:  # pragma: no cover
        return []
    try:
        tree = _parser.parse(pattern, re.IGNORECASE | re.MULTILINE)
        return _required(list(tree))[1]
    except Exception:  # an unexpected parse tree: search the pattern everywhere
        return []


def _min_width(pattern: str) -> int:
    """The fewest characters a match of ``pattern`` can have (0 when unknown).

    Unknown with back-references: joined into one alternation, a pattern's group numbers
    shift, so ``\\1`` may then refer to another pattern's group.
    """
    try:
        from re import _constants as c
        from re import _parser
    except ImportError:  # pragma: no cover
        return 0

    def backref(items) -> bool:
        for op, av in items:
            if op in (c.GROUPREF, c.GROUPREF_EXISTS):
                return True
            for sub in av if isinstance(av, tuple | list) else (av,):
                subs = sub if isinstance(sub, list) else [sub]
                if any(isinstance(s, _parser.SubPattern) and backref(s) for s in subs):
                    return True
        return False

    try:
        tree = _parser.parse(pattern, re.IGNORECASE | re.MULTILINE)
        return 0 if backref(tree) else int(tree.getwidth()[0])
    except Exception:
        return 0


def _cost(strings: frozenset[str]) -> tuple[int, int, int, list[str]]:
    """How to rank requirement sets: strings of 4 characters are selective enough, then fewer
    strings (each is one pass of ``str.find``), then longer ones (then sorted, to be stable)."""
    shortest = min(map(len, strings))
    return (-min(shortest, 4), len(strings), -shortest, sorted(strings))


def _minimal(strings: Iterable[str]) -> tuple[str, ...]:
    """The strings without those containing another one (which the shorter one implies)."""
    out: list[str] = []
    for s in sorted(set(strings), key=lambda s: (len(s), s)):
        if not any(t in s for t in out):
            out.append(s)
    return tuple(sorted(out))


def _union_requirement(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of any of the patterns contains (None: unknown)."""
    out: set[str] = set()
    for p in patterns:
        req = _pattern_requirement(p)
        if req is None:
            return None
        out |= req
    return _minimal(out)


def _as_requirement(strings: set[str] | frozenset[str] | None) -> frozenset[str] | None:
    if strings is None or "" in strings or len(strings) > _MAX_LITERALS:
        return None
    return frozenset(strings)


def _required(items: list) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """(exact, required) for a sequence of parsed regex items.

    exact: every string (lowercased, as a plain sentence shows it) the sequence can match, when
    few and known; required: sets of strings, each of which has a string in every match
    (empty: none known).
    """
    from re import _constants as c

    whole: set[str] | None = {""}
    run: set[str] = {""}  # exact strings of the current stretch of the sequence
    found: list[frozenset[str] | None] = []

    def item_info(op, av) -> tuple[set[str] | None, list[frozenset[str]]]:
        if op is c.LITERAL:
            k = _key(chr(av))
            return ({k} if k is not None else None), []
        if op is c.IN:
            out: set[str] = set()
            for iop, iav in av:
                if iop is c.LITERAL:
                    chars = [chr(iav)]
                elif iop is c.RANGE and iav[1] - iav[0] < _MAX_LITERALS:
                    chars = [chr(x) for x in range(iav[0], iav[1] + 1)]
                elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
                    chars = list("0123456789")  # other digits are word characters
                else:
                    return None, []
                for ch in chars:
                    k = _key(ch)
                    if k is None:
                        return None, []
                    out.add(k)
            return (out if len(out) <= _MAX_LITERALS else None), []
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return {""}, []
        if op is c.SUBPATTERN:
            # scoped flags do not matter: a key holds with or without IGNORECASE
            e, r = _required(list(av[-1]))
            return (set(e) if e is not None else None), r
        if op is c.ATOMIC_GROUP:
            e, r = _required(list(av))
            return (set(e) if e is not None else None), r
        if op is c.BRANCH:
            infos = [_required(list(b)) for b in av[1]]
            exact = None
            if all(e is not None for e, _ in infos):
                exact = set().union(*(e for e, _ in infos))
                if len(exact) > _MAX_LITERALS:
                    exact = None
            # one branch matches: the union of each branch's cheapest set
            req = []
            if all(r for _, r in infos):
                union = _as_requirement(set().union(*(min(r, key=_cost) for _, r in infos)))
                req = [union] if union is not None else []
            return exact, req
        return None, []  # any character, negated classes, back-references, conditionals

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            e, r = _required(list(sub))
            if hi == 0:
                parts = []
            elif lo == 0:
                parts = [({""} | e if e is not None and hi == 1 else None, [])]
            elif hi == 1:
                parts = [(e, r)]
            else:
                # one copy, then the rest: keeps "\d" next to the ", " before "\d{1,3}"
                rest = None
                if lo == hi and e is not None and len(e) ** (lo - 1) <= _MAX_LITERALS:
                    rest = _power(e, lo - 1)
                parts = [(e, r), (rest, r if lo > 1 else [])]
        else:
            parts = [item_info(op, av)]
        for e, r in parts:
            found.extend(r)
            if whole is not None:
                whole = (
                    {a + b for a in whole for b in e}
                    if e is not None and len(whole) * len(e) <= _MAX_LITERALS
                    else None
                )
            if e is not None and len(e) > 1:
                found.append(_as_requirement(run))  # before it branches out
            if e is not None and len(run) * len(e) <= _MAX_LITERALS:
                run = {a + b for a in run for b in e}
            else:
                found.append(_as_requirement(run))
                run = set(e) if e is not None else {""}
    found.append(_as_requirement(run))
    if whole is not None:
        found.append(_as_requirement(whole))
    required = sorted({s for s in found if s is not None}, key=_cost)
    return (frozenset(whole) if whole is not None else None), required


def _power(strings: set[str], n: int) -> set[str]:
    out = {""}
    for _ in range(n):
        out = {a + b for a in out for b in strings}
    return out


@dataclass(frozen=True, eq=False)  # compared and hashed by identity, see _word_index
class _Prefilter:
    """What :func:`tag_sentences` tests before it runs one frame's regex on a sentence.

    Attributes:
        tokens: required word (the longest whole word of a phrase or term) -> (the phrase's
            or term's other whole words, which a match holds too; the first words of the
            phrases and terms with these words, None among them when unknown).
        vocabulary: every whole word in ``tokens``.
        substrings: strings one of which the other phrase or term matches contain.
        substring_firsts: first words of the phrases and terms behind ``substrings``.
        patterns: strings one of which every pattern match contains (empty: no patterns;
            None: unknown, search the patterns in every sentence).
        pattern_checks: per pattern, sets of strings each of which has a string in every
            match (the cheapest first), to rule out more sentences before a search.
        pattern_tests: per pattern, its ``pattern_checks`` as regexes (a search for any of the
            strings, faster than testing them one by one) and the pattern's own regex.
        exclusions: the same for the exclusions (None: unknown, always search them).
        scan_all: some indicator has no literal character: run the regex on every sentence.
        pattern_regex: the patterns alone, for sentences ``patterns`` cannot rule in or out.
        nonempty_patterns: no pattern can match the empty string.
    """

    tokens: dict[str, tuple[tuple[frozenset[str], frozenset[str | None]], ...]]
    vocabulary: frozenset[str]
    substrings: tuple[str, ...]
    substring_firsts: frozenset[str | None]
    patterns: tuple[str, ...] | None
    pattern_checks: tuple[tuple[tuple[str, ...], ...], ...]
    pattern_tests: tuple[tuple[tuple[re.Pattern, ...], re.Pattern], ...]
    exclusions: tuple[str, ...] | None
    scan_all: bool
    pattern_regex: re.Pattern | None
    nonempty_patterns: bool


@cache
def _prefilter(frame: Frame) -> _Prefilter:
    """The words and strings to look for before searching a frame (once per frame)."""
    flags = re.IGNORECASE | re.MULTILINE
    seqs = [_phrase_sequence(p) for p in frame.phrases]
    seqs += [s for t in frame.terms for s in _term_sequences(t, inflect=frame.inflect)]
    tokens: dict[str, dict[frozenset[str], set[str | None]]] = {}
    substrings: set[str] = set()
    substring_firsts: set[str | None] = set()
    scan_all = False
    for seq in seqs:
        req = _sequence_requirement(seq)
        if req is None:
            scan_all = True
        elif req[0] == "token":
            tokens.setdefault(req[1], {}).setdefault(req[3], set()).add(req[2])
        else:
            substrings.add(req[1])
            substring_firsts.add(req[2])
    pattern_regex = (
        re.compile("|".join(f"(?:{p})" for p in frame.patterns), flags) if frame.patterns else None
    )
    pattern_checks = tuple(
        tuple(tuple(sorted(s)) for s in _pattern_requirements(p)[:4]) for p in frame.patterns
    )
    return _Prefilter(
        tokens={
            w: tuple(
                (others, frozenset(firsts))
                for others, firsts in sorted(groups.items(), key=lambda g: sorted(g[0]))
            )
            for w, groups in tokens.items()
        },
        vocabulary=frozenset(tokens).union(*(o for groups in tokens.values() for o in groups)),
        substrings=_minimal(substrings),
        substring_firsts=frozenset(substring_firsts),
        patterns=_union_requirement(frame.patterns),
        pattern_checks=pattern_checks,
        pattern_tests=tuple(
            (
                tuple(re.compile("|".join(map(re.escape, strings))) for strings in checks),
                re.compile(f"(?:{p})", flags),
            )
            for p, checks in zip(frame.patterns, pattern_checks, strict=True)
        ),
        exclusions=_union_requirement(frame.exclude),
        scan_all=scan_all,
        pattern_regex=pattern_regex,
        nonempty_patterns=all(_min_width(p) > 0 for p in frame.patterns),
    )


def _containing(strings: Iterable[str], joined: str, starts: list[int]) -> set[int]:
    """Indices of the texts (joined, starting at ``starts``) that contain any of ``strings``."""
    found: set[int] = set()
    for s in strings:
        pos = joined.find(s)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            found.add(i)
            pos = joined.find(s, starts[i + 1])
    return found


_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _word_starts(low: str, words: Iterable[str]) -> list[int]:
    """Sorted offsets in a plain lowercased text where one of the tokens ``words`` starts.

    ``word*`` stands for any token starting with ``word``. (``str.find`` and a look at the
    neighbouring characters is faster here than a regex per word.)
    """
    out: set[int] = set()
    for w in words:
        whole = not w.endswith("*")
        w = w.removesuffix("*")
        n = len(w)
        p = low.find(w)
        while p >= 0:
            if (p == 0 or low[p - 1] not in _ASCII_WORD) and not (
                whole and low[p + n : p + n + 1] in _ASCII_WORD
            ):
                out.add(p)
            p = low.find(w, p + 1)
    return sorted(out)


_Hits = tuple[int, list[int], list[int], list[int], list[str]]


def _frame_matches(
    frame: Frame,
    jobs: Iterable[tuple[int, re.Pattern, list[int] | None]],
    texts: Sequence[str],
    may_exclude: Callable[[int], bool] | None = None,
) -> tuple[list[int], list[int], list[int], list[str]]:
    """The matches of a frame: for each (sentence, regex, offsets) job, what ``finditer`` finds.

    With offsets, the regex is only tried there (``match`` at each offset past the last match,
    which is what ``finditer`` does when no match can start anywhere else; the regex never
    matches the empty string). Exclusions follow the frame's scope: ``sentence`` drops every
    match of a sentence that contains an exclusion, ``overlap`` only the matches an exclusion
    overlaps; they are not searched in sentences ``may_exclude`` rules out.
    """
    idx: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    found: list[str] = []
    excl = frame.exclude_regex
    for i, rx, offsets in jobs:
        text = texts[i]
        if offsets is None:
            ms = [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text)]
        else:
            ms = []
            last = 0
            for p in offsets:
                if p >= last and (m := rx.match(text, p)) is not None:
                    ms.append((p, m.end(), m.group(0)))
                    last = m.end()
        if not ms:
            continue
        if excl is not None and (may_exclude is None or may_exclude(i)):
            if frame.exclude_scope == "sentence":
                if excl.search(text) is not None:
                    continue
            else:
                spans = [m.span() for m in excl.finditer(text)]
                ms = [r for r in ms if not any(a < r[1] and b > r[0] for a, b in spans)]
        for s, e, g in ms:
            idx.append(i)
            starts.append(s)
            ends.append(e)
            found.append(g)
    return idx, starts, ends, found


def _reference_hits(texts: Sequence[str], cb: Codebook) -> list[_Hits]:
    """Per frame: every match of the frame's full regex in every sentence (no prefilter).

    The definition :func:`tag_sentences` must reproduce; kept for tests and benchmarks.
    """
    out = []
    for order, frame in enumerate(cb.frames):
        if frame.regex is None:
            continue
        out.append(
            (
                order,
                *_frame_matches(frame, ((i, frame.regex, None) for i in range(len(texts))), texts),
            )
        )
    return out


def _possible_patterns(low: str, pf: _Prefilter) -> list[re.Pattern]:
    """The patterns whose every requirement set has a string in a plain lowercased text."""
    out = []
    for checks, rx in pf.pattern_tests:
        for check in checks:
            if check.search(low) is None:
                break
        else:
            out.append(rx)
    return out


def _pattern_starts(
    text: str, pf: _Prefilter, patterns: Sequence[re.Pattern] | None = None
) -> list[int] | bool:
    """Every offset where one of the frame's patterns matches in ``text`` ([] when none).

    Each search finds the leftmost match at or after its start, so searching again one past
    each match start lists them all. True (somewhere, but offsets not needed) when a pattern can
    match the empty string, because then only ``finditer`` itself reproduces ``finditer``.
    With ``patterns`` (those of the frame's patterns that may match), only these are searched,
    one by one, and their offsets merged: the alternation of all patterns matches at an offset
    exactly when one of them does (not so with back-references, whose group numbers shift
    when joined: those frames, like those with patterns that can match the empty string,
    always search the alternation).
    """
    if patterns is not None and pf.nonempty_patterns and len(patterns) < len(pf.pattern_tests):
        found: list[int] = []
        for rx in patterns:
            m = rx.search(text)
            while m is not None:
                found.append(m.start())
                m = rx.search(text, m.start() + 1)
        return sorted(set(found)) if len(patterns) > 1 else found
    rx = pf.pattern_regex
    m = rx.search(text)
    if m is None:
        return []
    if not pf.nonempty_patterns:
        return True
    out = []
    while m is not None:
        out.append(m.start())
        m = rx.search(text, m.start() + 1)
    return out


def _exclusion_test(
    pf: _Prefilter, lows: Sequence[str], plain: Sequence[bool]
) -> Callable[[int], bool] | None:
    """Whether an exclusion may match sentence i: it is not plain or holds a required string."""
    if pf.exclusions is None:
        return None
    strings = pf.exclusions
    return lambda i: not plain[i] or any(s in lows[i] for s in strings)


def _tag_prefiltered(texts: Sequence[str], cb: Codebook) -> list[_Hits]:
    """Per frame: the same matches as :func:`_reference_hits`, searching only candidates.

    A plain sentence is a candidate for a frame when one of its tokens is a required word of
    the frame's phrases and terms, or it contains a required string (wildcard stems, literal
    indicators without a whole word), or one of the frame's patterns matches in it (searched
    only where the patterns' required strings occur). The frame's regex is tried only where a
    token starts with the first word of a phrase or term the sentence holds all the words of,
    and where a pattern match starts. Sentences are handled in chunks of
    ``_SENTENCES_PER_CHUNK``, which bounds the memory of the joined lowercased text the
    required strings are looked up in.
    """
    return _tag_prefiltered_many(texts, [cb])[0]


@lru_cache(maxsize=32)
def _word_index(
    prefilters: tuple[tuple[_Prefilter, ...], ...],
) -> tuple[dict[str, list[tuple[int, int]]], frozenset[str]]:
    """The inverted index required word -> (codebook, frame) and every prefilter's words.

    Cached on the prefilters themselves (by identity), so a recomputed prefilter gets a new
    index.
    """
    index: dict[str, list[tuple[int, int]]] = {}
    for b, pfs in enumerate(prefilters):
        for k, pf in enumerate(pfs):
            for w in pf.tokens:
                index.setdefault(w, []).append((b, k))
    return index, frozenset().union(*(pf.vocabulary for pfs in prefilters for pf in pfs))


def _tag_prefiltered_many(texts: Sequence[str], books: Sequence[Codebook]) -> list[list[_Hits]]:
    """:func:`_tag_prefiltered` for each codebook, reading each sentence once for all of them.

    Lowercasing, the plain-text check, tokenising and the joined text are the same for every
    codebook, so they are done once per chunk; one inverted index (word -> codebook and frame)
    gives every frame its candidate sentences in the same pass.
    """
    plans = [
        [(o, f, _prefilter(f)) for o, f in enumerate(cb.frames) if f.regex is not None]
        for cb in books
    ]
    index, vocab = _word_index(tuple(tuple(pf for _, _, pf in frames) for frames in plans))
    outs: list[list[_Hits]] = [
        [(order, [], [], [], []) for order, _, _ in frames] for frames in plans
    ]
    for base in range(0, len(texts), _SENTENCES_PER_CHUNK):
        chunk = _Chunk.read(
            texts[base : base + _SENTENCES_PER_CHUNK], [len(f) for f in plans], index, vocab
        )
        for b, frames in enumerate(plans):
            parts = _prefiltered_chunk(chunk, frames, chunk.words[b])
            for hits, part in zip(outs[b], parts, strict=True):
                hits[1].extend(i + base for i in part[0])
                for whole, piece in zip(hits[2:], part[1:], strict=True):
                    whole.extend(piece)
    return outs


# Bytes that are not ASCII word characters become spaces: splitting then gives the tokens of
# _TOKEN (a plain text's non-ASCII characters are never word characters; "?" stands for them).
_TOKEN_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256))


def _tokens(low: str) -> list[str]:
    """``_TOKEN.findall(low)`` for a plain text, without the regex engine (about 2x faster)."""
    return low.encode("ascii", "replace").translate(_TOKEN_BYTES).decode("ascii").split()


@dataclass
class _Chunk:
    """What every frame's prefilter reads of a chunk of sentences, computed once.

    Attributes:
        texts, lows: the sentences and their lowercased text.
        plain: whether the prefilter may trust the lowercased text (:func:`_is_plain`).
        other: indices of the other sentences, searched in full.
        joined, starts: the lowercased texts joined by NUL, and where each starts.
        present: per plain sentence with some, its tokens that are a word of some frame's
            prefilter.
        words: per codebook, per frame: sentence -> its tokens that are required words of the frame.
    """

    texts: Sequence[str]
    lows: list[str]
    plain: list[bool]
    other: list[int]
    joined: str
    starts: list[int]
    present: dict[int, frozenset[str]]
    words: list[list[dict[int, list[str]]]]

    @classmethod
    def read(
        cls,
        texts: Sequence[str],
        n_frames: Sequence[int],
        index: dict[str, list[tuple[int, int]]],
        vocab: frozenset[str],
    ) -> _Chunk:
        lows = [t.lower() for t in texts]
        plain = [_is_plain(t) for t in texts]
        starts = [0, *accumulate(len(t) + 1 for t in lows)]
        words: list[list[dict[int, list[str]]]] = [[{} for _ in range(n)] for n in n_frames]
        # word -> the dicts of the frames it is a required word of
        targets = {w: [words[b][k] for b, k in where] for w, where in index.items()}.get
        present: dict[int, frozenset[str]] = {}
        table, intersection = _TOKEN_BYTES, vocab.intersection
        for i, low in enumerate(lows):
            if not plain[i]:
                continue
            # the tokens of _tokens(low), inline: this loop runs once per sentence
            found = intersection(low.encode("ascii", "replace").translate(table).decode().split())
            if not found:
                continue
            present[i] = found
            for w in found:
                for d in targets(w, ()):
                    if i in d:
                        d[i].append(w)
                    else:
                        d[i] = [w]
        return cls(
            texts=texts,
            lows=lows,
            plain=plain,
            other=[i for i, p in enumerate(plain) if not p],
            joined="\x00".join(lows),
            starts=starts,
            present=present,
            words=words,
        )


def _prefiltered_chunk(
    chunk: _Chunk,
    frames: list[tuple[int, Frame, _Prefilter]],
    words: list[dict[int, list[str]]],
) -> list[tuple[list[int], list[int], list[int], list[str]]]:
    """:func:`_tag_prefiltered` for one chunk of sentences (indices into the chunk)."""
    texts, lows, plain, present = chunk.texts, chunk.lows, chunk.plain, chunk.present
    other = set(chunk.other)
    out = []
    for k, (_, frame, pf) in enumerate(frames):
        if pf.scan_all:
            jobs = [(i, frame.regex, None) for i in range(len(texts))]
            out.append(_frame_matches(frame, jobs, texts))
            continue
        # sentences a pattern may match, and where: searching the patterns alone is cheaper
        # than searching them together with the phrases and terms
        maybe = (
            range(len(texts))
            if pf.patterns is None
            else _containing(pf.patterns, chunk.joined, chunk.starts)
        )
        at: dict[int, list[int] | bool] = {}
        for i in maybe:
            if i in other:
                continue
            if pf.patterns is None:
                q = _pattern_starts(texts[i], pf)
            elif possible := _possible_patterns(lows[i], pf):
                q = _pattern_starts(texts[i], pf, possible)
            else:
                continue
            if q:
                at[i] = q
        by_string = _containing(pf.substrings, chunk.joined, chunk.starts)
        jobs = [(i, frame.regex, None) for i in chunk.other]
        for i in (words[k].keys() | by_string | at.keys()) - other:
            firsts: set[str | None] = set()
            for w in words[k].get(i, ()):
                for others, f in pf.tokens[w]:
                    if others <= present[i]:
                        firsts |= f
            if i in by_string:
                firsts |= pf.substring_firsts
            q = at.get(i)
            if q is None and not firsts:
                continue  # no phrase or term has all its words here
            if None in firsts or q is True:
                jobs.append((i, frame.regex, None))
            elif q is None:
                jobs.append((i, frame.regex, _word_starts(lows[i], firsts)))
            else:
                jobs.append((i, frame.regex, sorted(set(_word_starts(lows[i], firsts)).union(q))))
        jobs.sort(key=lambda job: job[0])
        out.append(_frame_matches(frame, jobs, texts, _exclusion_test(pf, lows, plain)))
    return out


_TAG_COLUMNS = ["article_id", "outlet", "sentence", "frame", "evidence", "start", "end"]


def _empty_tags(*, codebook: bool = False) -> pd.DataFrame:
    """The table of :func:`tag_sentences` (with ``codebook``: of :func:`tag_many`) for no match."""
    columns = _TAG_COLUMNS + ["codebook"] if codebook else _TAG_COLUMNS
    types = [str, str, "int64", str, str, "int64", "int64", str]
    return pd.DataFrame(
        {c: pd.Series(dtype=t) for c, t in zip(columns, types[: len(columns)], strict=True)}
    )


def _lexsort_key(values: pd.Series) -> np.ndarray:
    """Numbers ``np.lexsort`` orders as ``DataFrame.sort_values`` orders ``values`` (NA last).

    The keys pandas itself sorts a table by several columns with: the values of a numeric
    NumPy column, else the codes of an ordered ``Categorical`` of them.
    """
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
        return values.to_numpy()
    cat = pd.Categorical(values, ordered=True)
    codes = cat.codes
    return np.where(codes == -1, len(cat.categories), codes)


def _tag_rows(
    df: pd.DataFrame, books: Sequence[Codebook], hits: Sequence[list[_Hits]], *, codebook: bool
) -> pd.DataFrame | None:
    """The rows of :func:`tag_sentences` for each codebook, one after the other (None: no match).

    Per codebook, the matches are sorted by ``article_id``, ``sentence``, frame order,
    ``start``, ``end`` and then their order of discovery (frame, sentence, offset), with the keys
    and the stable ``np.lexsort`` that ``DataFrame.sort_values`` uses (the keys of ``df``'s
    rows, computed once: an ordered Categorical of a subset orders it as that of the whole);
    the table is then built once, with the columns taken from ``df`` so they keep its types.
    """
    base = (
        df["start"].to_numpy(dtype=np.int64)
        if "start" in df.columns
        else np.zeros(len(df), dtype=np.int64)
    )
    parts: list[tuple[np.ndarray, ...]] = []
    keys: tuple[np.ndarray, np.ndarray] | None = None
    for b, (cb, book_hits) in enumerate(zip(books, hits, strict=True)):
        kept = [h for h in book_hits if h[1]]
        if not kept:
            continue
        if keys is None:
            keys = (_lexsort_key(df["sentence"]), _lexsort_key(df["article_id"]))
        rows = np.concatenate([np.asarray(h[1], dtype=np.int64) for h in kept])
        order = np.repeat(
            np.asarray([h[0] for h in kept], dtype=np.int64), [len(h[1]) for h in kept]
        )
        start = base[rows] + np.concatenate([np.asarray(h[2], dtype=np.int64) for h in kept])
        end = base[rows] + np.concatenate([np.asarray(h[3], dtype=np.int64) for h in kept])
        found = np.empty(len(rows), dtype=object)
        found[:] = [g for h in kept for g in h[4]]
        perm = np.lexsort(
            (
                end,
                start,
                order,
                keys[0][rows],
                keys[1][rows],
            )
        )
        ids = np.asarray(cb.ids, dtype=object)
        parts.append(
            (
                rows[perm],
                ids[order[perm]],
                found[perm],
                start[perm],
                end[perm],
                np.full(len(rows), b, dtype=np.int64),
            )
        )
    if not parts:
        return None
    rows, frame, found, start, end, book = (np.concatenate(c) for c in zip(*parts, strict=True))
    # taken with their own dtype, so that no type is inferred again (object stays object)
    data: dict[str, Any] = {
        c: pd.Series(df[c].array.take(rows), dtype=df[c].dtype, copy=False)
        for c in ("article_id", "outlet", "sentence")
    }
    data["sentence"] = data["sentence"].astype("int64")
    data.update(frame=frame, evidence=found, start=start, end=end)
    if codebook:
        data["codebook"] = np.asarray([cb.name for cb in books], dtype=object)[book]
    return pd.DataFrame(data)


def _tag_table(df: pd.DataFrame, cb: Codebook, hits: list[_Hits]) -> pd.DataFrame:
    """The tidy table of :func:`tag_sentences` from per-frame matches."""
    out = _tag_rows(df, [cb], [hits], codebook=False)
    return _empty_tags() if out is None else out


def _reference_table(df: pd.DataFrame, cb: Codebook, hits: list[_Hits]) -> pd.DataFrame:
    """:func:`_tag_table` the plain pandas way (concatenate, sort_values); the definition.

    Kept for :func:`_tag_reference`, so that tests check the table :func:`_tag_rows` builds too.
    """
    base = (
        df["start"].to_numpy(dtype=np.int64)
        if "start" in df.columns
        else np.zeros(len(df), dtype=np.int64)
    )
    parts = []
    for order, idx, s, e, found in hits:
        if not idx:
            continue
        rows = np.asarray(idx, dtype=np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "_row": rows,
                    "_order": order,
                    "evidence": found,
                    "start": base[rows] + np.asarray(s, dtype=np.int64),
                    "end": base[rows] + np.asarray(e, dtype=np.int64),
                }
            )
        )
    if not parts:
        return _empty_tags()
    hits_df = pd.concat(parts, ignore_index=True)
    meta = df[["article_id", "outlet", "sentence"]].reset_index(drop=True)
    hits_df = pd.concat(
        [meta.iloc[hits_df["_row"].to_numpy()].reset_index(drop=True), hits_df], axis=1
    )
    hits_df["frame"] = np.asarray(cb.ids, dtype=object)[hits_df["_order"].to_numpy()]
    hits_df = hits_df.sort_values(
        ["article_id", "sentence", "_order", "start", "end"], kind="mergesort"
    )
    out = hits_df[_TAG_COLUMNS].reset_index(drop=True)
    return out.astype({"sentence": "int64", "start": "int64", "end": "int64"})


def _tag_reference(
    sentences: pd.DataFrame | Any, codebook: str | Path | Codebook = DEFAULT_CODEBOOK
) -> pd.DataFrame:
    """:func:`tag_sentences` without the prefilter: every frame's regex on every sentence.

    The definition the fast path must reproduce row for row (its table built the plain pandas
    way too); used by tests and benchmarks.
    """
    df = _sentences_of(sentences)
    cb = load_codebook(codebook)
    texts = df["text"].fillna("").astype(str).tolist()
    return _reference_table(df, cb, _reference_hits(texts, cb))


def tag_sentences(
    sentences: pd.DataFrame | Any, codebook: str | Path | Codebook = DEFAULT_CODEBOOK
) -> pd.DataFrame:
    """Tag sentences with every frame of a codebook they match, keeping each match as evidence.

    Method: dictionary-based frame detection (the deductive, indicator-based approach reviewed
    by Matthes & Kohring 2008, *Journal of Communication* 58(2), 258-279): a sentence carries a
    frame when any of its indicators (terms, phrases, patterns) occurs in it, unless one of the
    frame's exclusions occurs in it too (``exclude_scope: sentence``) or overlaps the match
    (``exclude_scope: overlap``). Matching is case-insensitive and whole-word; matches never
    cross a sentence boundary.

    Each frame's indicators form one regex (terms and phrases as a trie, as in Aho & Corasick
    1975), and its matches in a sentence are what ``finditer`` finds in that sentence alone.
    Most sentences cannot match most frames, so sentences are first filtered, then verified
    (Navarro & Raffinot 2002, *Flexible Pattern Matching in Strings*, ch. 6). Every term or
    phrase match contains a whole word the indicator spells out (a run of word characters
    that its word boundaries, whitespace, hyphens, apostrophes or other non-word characters
    delimit on both sides; failing that, a literal string such as a wildcard stem), and every
    pattern match contains one of a set of strings read off the parsed regex (required
    literals, as in Cox 2012, "Regular expression matching with a trigram index"). A sentence
    with none of a frame's words and strings holds no match of it and is skipped. In the
    others the regex is only tried where a match can start: where a token starts with the
    first word of a phrase or term whose words are all present, and where one of the patterns
    matches (found by searching the patterns alone); ``finditer`` tries the same regex at the
    same offsets and finds nothing anywhere else, so the matches are the same. The filter reads the lowercased text, so it is only trusted where lowercasing agrees with
    the regex engine's case folding: in sentences whose non-ASCII characters are all uncased
    non-word characters. Any other sentence (accented letters, the Kelvin sign, long s,
    dotted I ...) is searched in full with every frame's regex, and so is every sentence for
    a frame with an indicator without a literal character.

    Given a built Corpus whose build tagged with this very codebook (the same file content;
    see the ``codebooks`` build parameter), the rows come from its ``frames`` table: the same
    function ran there, per batch and in parallel, so the rows are the same.

    For several codebooks, :func:`tag_many` gives the same rows in one pass over the sentences.

    Args:
        sentences: the sentences table (``article_id``, ``outlet``, ``sentence``, ``text`` and,
            for body offsets, ``start``) or a Corpus.
        codebook: a shipped name, a YAML path or a loaded :class:`Codebook` (cue lexicons work
            too: see :func:`load_cues`).

    Returns:
        One row per match: ``article_id``, ``outlet``, ``sentence``, ``frame`` (frame id),
        ``evidence`` (the matched string), ``start``, ``end`` (offsets into the article body
        when the table has ``start``, else into the sentence text). Sorted by ``article_id``,
        ``sentence``, frame in codebook order, ``start``. A sentence matching no frame has no row.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "sentence": [0, 1],
    ...                   "text": ["Nothing here.", "A moral duty, she said."], "start": [0, 14]})
    >>> tag_sentences(s).values.tolist()
    [['a', 'X', 1, 'morality', 'moral', 16, 21], ['a', 'X', 1, 'morality', 'duty', 22, 26]]
    """
    cb = load_codebook(codebook)
    if hasattr(sentences, "build_info") and not isinstance(sentences, pd.DataFrame):
        from newslens.build import cached_frames

        cached = cached_frames(sentences, cb)
        if cached is not None:
            return cached.copy()
    df = _sentences_of(sentences)
    texts = df["text"].fillna("").astype(str).tolist()
    return _tag_table(df, cb, _tag_prefiltered(texts, cb) if texts else [])


def tag_many(
    sentences: pd.DataFrame | Any,
    codebooks: str | Path | Codebook | Sequence[str | Path | Codebook],
) -> pd.DataFrame:
    """Tag sentences with several codebooks in one pass: :func:`tag_sentences` per codebook, stacked.

    Method: the dictionary-based frame detection of :func:`tag_sentences` (Matthes & Kohring
    2008), with its filter-then-verify matching (Navarro & Raffinot 2002, ch. 6; required
    literals as in Cox 2012). What the filter reads of a sentence does not depend on the
    codebook (its lowercased text, whether that text can be trusted, its tokens), so it is
    computed once for all codebooks, and one inverted index of every frame's required words
    finds the candidate sentences of all frames of all codebooks in a single pass over the
    tokens. Each frame's regex then runs on its own candidates exactly as in
    :func:`tag_sentences`, and the table is built once.

    Args:
        sentences: the sentences table (as for :func:`tag_sentences`) or a Corpus (each
            codebook is then tagged by :func:`tag_sentences`, which reads a build's ``frames``
            table when it can).
        codebooks: the codebooks, in the order of the result (shipped names, YAML paths or
            loaded :class:`Codebook` objects, as for :func:`tag_sentences`); a single one is
            taken as a list of one.

    Returns:
        The rows of ``tag_sentences(sentences, book)`` for each codebook in turn, with a
        ``codebook`` column (the codebook's ``name``), numbered from 0: equal, row for row and
        type for type, to ``pd.concat([t.assign(codebook=b.name) for b in books if len(t :=
        tag_sentences(sentences, b))], ignore_index=True)``. No match at all (no sentences, no
        codebooks): an empty table with the same columns, ``article_id``, ``outlet``,
        ``frame``, ``evidence`` and ``codebook`` as strings and the others int64 (the empty
        table of :func:`tag_sentences` with ``codebook`` added).

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0],
    ...                   "text": ["They blamed the costly war, allegedly."]})
    >>> tag_many(s, ["semetko_valkenburg_2000", load_cues()])[["frame", "codebook"]].values.tolist()
    [['responsibility', 'semetko_valkenburg_2000'], ['economic', 'semetko_valkenburg_2000'], ['hedging', 'newslens_cues']]
    """
    if isinstance(codebooks, str | Path | Codebook):
        codebooks = [codebooks]
    books = [load_codebook(b) for b in codebooks]
    if hasattr(sentences, "build_info") and not isinstance(sentences, pd.DataFrame):
        tagged = [
            t.assign(codebook=cb.name) for cb in books if len(t := tag_sentences(sentences, cb))
        ]
        return pd.concat(tagged, ignore_index=True) if tagged else _empty_tags(codebook=True)
    df = _sentences_of(sentences)
    texts = df["text"].fillna("").astype(str).tolist()
    hits = _tag_prefiltered_many(texts, books) if texts and books else []
    out = _tag_rows(df, books, hits, codebook=True) if hits else None
    return _empty_tags(codebook=True) if out is None else out


def sentence_frames(
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame,
    codebook: str | Path | Codebook = DEFAULT_CODEBOOK,
) -> pd.DataFrame:
    """Wide 0/1 table: one row per sentence, one column per frame (1 = tagged).

    Args:
        sentences: the sentences table or a Corpus.
        tags: :func:`tag_sentences` output for the same sentences and codebook.
        codebook: the codebook the tags came from (its frame order gives the column order).

    Returns:
        ``article_id``, ``outlet``, ``sentence``, ``in_quote`` (False when the table has no such
        column), ``n_words``, then one int column per frame id; rows in the sentences' order
        sorted by (``article_id``, ``sentence``).

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["A moral duty."]})
    >>> sentence_frames(s, tag_sentences(s))[["morality", "conflict"]].values.tolist()
    [[1, 0]]
    """
    df = _sentences_of(sentences)
    cb = load_codebook(codebook)
    unknown = sorted(set(tags["frame"]) - set(cb.ids)) if len(tags) else []
    if unknown:
        raise ValueError(
            f"`tags` has frames {unknown} that codebook {cb.name!r} does not define; tag with the same codebook"
        )
    base = df[["article_id", "outlet", "sentence"]].copy()
    base["in_quote"] = (
        df["in_quote"].fillna(False).astype(bool).to_numpy() if "in_quote" in df.columns else False
    )
    base["n_words"] = [len(_WORD.findall(t)) for t in df["text"].fillna("").astype(str)]
    base = base.sort_values(["article_id", "sentence"], kind="mergesort").reset_index(drop=True)
    present = tags[["article_id", "sentence", "frame"]].drop_duplicates().assign(_v=1)
    wide = present.pivot_table(
        index=["article_id", "sentence"], columns="frame", values="_v", aggfunc="max", fill_value=0
    )
    wide = wide.reindex(columns=cb.ids, fill_value=0)
    out = base.merge(wide, left_on=["article_id", "sentence"], right_index=True, how="left")
    out[cb.ids] = out[cb.ids].fillna(0).astype("int64")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# prevalence and cue rates


def _voice_masks(table: pd.DataFrame, split_quotes: bool) -> list[tuple[str, np.ndarray]]:
    masks = [("all", np.ones(len(table), dtype=bool))]
    if split_quotes:
        q = table["in_quote"].to_numpy(dtype=bool)
        masks += [("narrator", ~q), ("quoted", q)]
    return masks


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit if n != 1 else unit[:-1]}"


def _note(
    *,
    n: int,
    n_articles: int,
    method: str,
    minimum: int,
    unit: str,
    level: str,
    k: int | None = None,
) -> str:
    notes = []
    if n == 0:
        return f"no {unit}"
    if method == stats.METHOD_NONE:
        notes.append(f"only {_plural(n, unit)}: no interval")
    elif k is not None and k in (0, n):
        # A percentile bootstrap of an all-or-none sample collapses to a point; the rule of
        # three (Hanley & Lippman-Hand 1983, JAMA 249(13)) gives an honest 95% bound instead.
        bound = 3 / n if k == 0 else 1 - 3 / n
        side = "upper" if k == 0 else "lower"
        notes.append(
            f"{'none' if k == 0 else 'all'} of {_plural(n, unit)} matched: the bootstrap interval collapses to a point; the rule of three gives a 95% {side} bound of {max(0.0, min(1.0, bound)):.2f}"
        )
    elif level == "sentence" and n_articles == 1:
        notes.append(
            "one article: the interval resamples its sentences and describes this article, not the outlet"
        )
    elif level == "sentence" and n_articles < stats.MIN_ARTICLES:
        notes.append(f"only {n_articles} articles: the interval is rough")
    if n < minimum:
        notes.append(f"fewer than {minimum} {unit}: too small to conclude anything")
    return "; ".join(notes)


_PREV_COLUMNS = [
    "frame",
    "label",
    "outlet",
    "voice",
    "level",
    "n",
    "n_articles",
    "k",
    "share",
    "low",
    "high",
    "too_small",
    "method",
    "note",
]


def prevalence(
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame | None = None,
    *,
    codebook: str | Path | Codebook = DEFAULT_CODEBOOK,
    split_quotes: bool = True,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_sentences: int = stats.MIN_SENTENCES,
    min_articles: int = stats.MIN_ARTICLES,
) -> pd.DataFrame:
    """Per-outlet frame prevalence: share of sentences and share of articles with each frame.

    Method: the share of sentences carrying the frame, with a percentile bootstrap interval
    (Efron & Tibshirani 1993, ch. 13) that resamples whole articles when the outlet has two or
    more (the cluster bootstrap of Field & Welsh 2007, because sentences of one article are not
    independent) and single sentences otherwise, in which case the interval describes that one
    article and the ``note`` says so; and the share of articles with at least one such sentence,
    resampling articles. Both via :func:`newslens.stats.group_intervals`. With
    ``split_quotes`` the same is computed for narrator sentences and for sentences inside
    direct quotes (``in_quote``), so an outlet's frames can be told apart from its sources'.

    Args:
        sentences: the sentences table (with ``in_quote`` for the split) or a Corpus.
        tags: :func:`tag_sentences` output; None tags the sentences with ``codebook`` now.
        codebook: the codebook (name, path or :class:`Codebook`).
        split_quotes: add ``voice`` rows ``narrator`` and ``quoted``.
        n_boot, seed, ci: bootstrap settings (the same seed for every cell).
        min_sentences, min_articles: below these, a cell is flagged ``too_small``.

    Returns:
        One row per (frame, outlet, voice, level), coder-only frames (e.g. "Other") left out
        because the codebook never tags them, sorted by frame in codebook order, outlet,
        voice (all, narrator, quoted), level (sentence, article); columns ``frame``, ``label``,
        ``outlet``, ``voice``, ``level``, ``n`` (sentences or articles in the cell),
        ``n_articles``, ``k`` (how many carry the frame), ``share``, ``low``, ``high``,
        ``too_small``, ``method`` (as in :func:`newslens.stats.bootstrap_ci`), ``note``
        (the caveat in words, empty when there is none). Cells with no sentences (e.g. no quoted
        sentences in an outlet) are listed with ``n == 0`` and NaN shares.

    >>> s = pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"],
    ...                   "sentence": [0, 1, 0], "in_quote": [False, True, False],
    ...                   "text": ["A moral duty.", "Rain.", "Sin."]})
    >>> p = prevalence(s, n_boot=50, split_quotes=False)
    >>> p[(p.frame == "morality") & (p.level == "sentence")][["outlet", "n", "k", "share"]].values.tolist()
    [['X', 2, 1, 0.5], ['Y', 1, 1, 1.0]]
    """
    cb = load_codebook(codebook)
    df = _sentences_of(sentences)
    if tags is None:
        tags = tag_sentences(df, cb)
    table = sentence_frames(df, tags, cb)
    outlets = sorted(table["outlet"].astype(str).unique())
    rows = []
    for frame in cb.frames:
        if frame.coder_only:
            continue  # never tagged: a share of 0 would be an artefact, not a finding
        for voice, mask in _voice_masks(table, split_quotes):
            part = table.loc[mask, ["article_id", "outlet", frame.id]]
            by_level = {
                "sentence": (part, "article_id", min_sentences, "sentences"),
                "article": (
                    part.groupby(["outlet", "article_id"], as_index=False)[frame.id].max(),
                    None,
                    min_articles,
                    "articles",
                ),
            }
            for level in LEVELS:
                data, cluster, minimum, unit = by_level[level]
                res = (
                    stats.group_intervals(
                        data.rename(columns={frame.id: "_v"}),
                        value="_v",
                        group="outlet",
                        cluster=cluster,
                        stat="proportion",
                        n_boot=n_boot,
                        seed=seed,
                        ci=ci,
                        min_n=minimum,
                    )
                    if len(data)
                    else pd.DataFrame(columns=["outlet"])
                )
                res = res.set_index("outlet")
                k_by = data.groupby("outlet")[frame.id].sum()
                art_by = data.groupby("outlet")["article_id"].nunique()
                for outlet in outlets:
                    if outlet in res.index:
                        r = res.loc[outlet]
                        n, share, low, high, method = (
                            int(r["n"]),
                            float(r["estimate"]),
                            float(r["low"]),
                            float(r["high"]),
                            str(r["method"]),
                        )
                    else:
                        n, share, low, high, method = (
                            0,
                            math.nan,
                            math.nan,
                            math.nan,
                            stats.METHOD_NONE,
                        )
                    n_art = int(art_by.get(outlet, 0))
                    rows.append(
                        (
                            frame.id,
                            frame.label,
                            outlet,
                            voice,
                            level,
                            n,
                            n_art,
                            int(k_by.get(outlet, 0)),
                            share,
                            low,
                            high,
                            stats.too_small(n, minimum=minimum),
                            method,
                            _note(
                                n=n,
                                n_articles=n_art,
                                method=method,
                                minimum=minimum,
                                unit=unit,
                                level=level,
                                k=int(k_by.get(outlet, 0)),
                            ),
                        )
                    )
    out = pd.DataFrame(rows, columns=_PREV_COLUMNS)
    return out.astype(
        {
            "n": "int64",
            "n_articles": "int64",
            "k": "int64",
            "share": float,
            "low": float,
            "high": float,
            "too_small": bool,
        }
    )


def _ratio_interval(
    k: np.ndarray, w: np.ndarray, *, per: float, n_boot: int, seed: int, ci: float
) -> tuple[float, float, float]:
    """Percentile bootstrap interval of the ratio ``per * sum(k) / sum(w)`` over resampled units.

    Method: the bootstrap of a ratio estimator (Efron & Tibshirani 1993, ch. 10 and the
    percentile interval of ch. 13): units (articles, or sentences when there is one article)
    are drawn with replacement and the pooled ratio recomputed; resamples are drawn as count
    vectors in bounded chunks so memory stays flat. ``newslens.stats`` has no weighted
    statistic, hence this small helper; it uses the same seed convention.
    """
    n = k.size
    if n == 0 or w.sum() == 0:
        return math.nan, math.nan, math.nan
    est = per * k.sum() / w.sum()
    if n < 2:
        return est, math.nan, math.nan
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000_000 // n)
    boots = []
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        denom = counts @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            boots.append(np.where(denom > 0, per * (counts @ k) / denom, np.nan))
    vals = np.concatenate(boots)
    vals = vals[~np.isnan(vals)]
    alpha = (1.0 - ci) / 2.0
    low, high = np.quantile(vals, [alpha, 1.0 - alpha])
    return est, float(low), float(high)


_RATE_COLUMNS = [
    "cue",
    "label",
    "outlet",
    "voice",
    "n_articles",
    "n_sentences",
    "n_words",
    "k",
    "per_1000",
    "low",
    "high",
    "too_small",
    "method",
    "note",
]


def cue_rates(
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame | None = None,
    *,
    cues: str | Path | Codebook | None = None,
    split_quotes: bool = True,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_words: int = MIN_WORDS,
) -> pd.DataFrame:
    """Cue matches per 1,000 words for every outlet, with bootstrap intervals.

    Method: rate = 1000 x matches / words (words counted as runs of letters and digits with
    inner apostrophes or hyphens); interval from the bootstrap of this ratio estimator
    (Efron & Tibshirani 1993, ch. 10 and 13), resampling articles when the outlet has two or
    more (cluster bootstrap, Field & Welsh 2007) and sentences otherwise (then the interval
    describes that one article; the ``note`` says so). Counting matches rather than sentences
    follows dictionary rates of LIWC (Pennebaker et al. 2015) and of the propaganda-technique
    cues of Da San Martino et al. (2019, EMNLP), e.g. name-calling and loaded language.

    Args:
        sentences: the sentences table or a Corpus.
        tags: :func:`tag_sentences` output with the cue lexicon; None tags now.
        cues: the cue lexicon (path or :class:`Codebook`); None = the shipped ``cues.yml``.
        split_quotes: add ``voice`` rows ``narrator`` and ``quoted``.
        n_boot, seed, ci: bootstrap settings.
        min_words: cells with fewer words are flagged ``too_small``.

    Returns:
        One row per (cue, outlet, voice), sorted by cue in lexicon order, outlet, voice; columns
        ``cue``, ``label``, ``outlet``, ``voice``, ``n_articles``, ``n_sentences``,
        ``n_words``, ``k`` (matches), ``per_1000``, ``low``, ``high``, ``too_small``,
        ``method`` (``cluster bootstrap``, ``bootstrap`` or ``too few values``), ``note``.
        The sentences behind each number: :func:`evidence` on the same tags.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0],
    ...                   "text": ["The tyrant allegedly fled."]})
    >>> r = cue_rates(s, split_quotes=False, n_boot=10)
    >>> r[["cue", "n_words", "k", "per_1000"]].values.tolist()[:2]
    [['loaded_language', 4, 1, 250.0], ['hedging', 4, 1, 250.0]]
    """
    lex = load_cues(cues)
    df = _sentences_of(sentences)
    if tags is None:
        tags = tag_sentences(df, lex)
    table = sentence_frames(df, tags, lex)
    counts = tags.groupby(["article_id", "sentence", "frame"]).size()
    outlets = sorted(table["outlet"].astype(str).unique())
    rows = []
    for cue in lex.frames:
        per_sentence = (
            counts.xs(cue.id, level="frame")
            if len(counts) and cue.id in counts.index.get_level_values("frame")
            else pd.Series(dtype="int64")
        )
        key = pd.MultiIndex.from_frame(table[["article_id", "sentence"]])
        k_all = per_sentence.reindex(key, fill_value=0).to_numpy(dtype=float)
        for voice, mask in _voice_masks(table, split_quotes):
            for outlet in outlets:
                m = mask & (table["outlet"].to_numpy() == outlet)
                sub = table.loc[m]
                n_art = int(sub["article_id"].nunique())
                k, w = k_all[m], sub["n_words"].to_numpy(dtype=float)
                if n_art >= 2:
                    codes = pd.factorize(sub["article_id"], sort=True)[0]
                    k_u, w_u = np.bincount(codes, weights=k), np.bincount(codes, weights=w)
                    method = stats.METHOD_CLUSTER
                else:
                    k_u, w_u = k, w
                    method = stats.METHOD_IID if k.size >= 2 else stats.METHOD_NONE
                est, low, high = _ratio_interval(
                    k_u, w_u, per=1000.0, n_boot=n_boot, seed=seed, ci=ci
                )
                n_words = int(w.sum())
                if n_words == 0:
                    method = stats.METHOD_NONE
                note = _note(
                    n=len(sub),
                    n_articles=n_art,
                    method=method,
                    minimum=0,
                    unit="sentences",
                    level="sentence",
                )
                if n_words and not k.sum():
                    note = "; ".join(
                        x
                        for x in (
                            note,
                            f"no matches in {n_words:,} words: the bootstrap interval collapses to 0; the rule of three gives a 95% upper bound of {3000 / n_words:.1f} per 1,000 words",
                        )
                        if x
                    )
                if n_words < min_words and len(sub):
                    note = "; ".join(
                        x
                        for x in (
                            note,
                            f"fewer than {min_words} words: too small to conclude anything",
                        )
                        if x
                    )
                rows.append(
                    (
                        cue.id,
                        cue.label,
                        outlet,
                        voice,
                        n_art,
                        len(sub),
                        n_words,
                        int(k.sum()),
                        est,
                        low,
                        high,
                        n_words < min_words,
                        method,
                        note,
                    )
                )
    out = pd.DataFrame(rows, columns=_RATE_COLUMNS)
    return out.astype(
        {
            "n_articles": "int64",
            "n_sentences": "int64",
            "n_words": "int64",
            "k": "int64",
            "per_1000": float,
            "low": float,
            "high": float,
            "too_small": bool,
        }
    )


def evidence(
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame,
    *,
    per_group: int = 3,
    frames: Sequence[str] | None = None,
    outlets: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The sentences behind a frame or cue figure: a few per (frame, outlet).

    Sentences with the most distinct matches come first (ties by article and position), so the
    examples are the clearest instances, chosen deterministically.

    Args:
        sentences: the sentences table or a Corpus (for the sentence text and ``in_quote``).
        tags: :func:`tag_sentences` output.
        per_group: at most this many sentences per (frame, outlet); 0 or less = all.
        frames, outlets: keep only these (None = all).

    Returns:
        ``frame``, ``outlet``, ``article_id``, ``sentence``, ``in_quote``, ``matches`` (the
        matched strings, ``"; "``-joined in text order), ``n_matches``, ``text``; sorted by
        frame (order of first appearance in ``tags``, i.e. codebook order), outlet, then
        ``n_matches`` descending, ``article_id``, ``sentence``.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["A moral duty."]})
    >>> evidence(s, tag_sentences(s))[["frame", "matches"]].values.tolist()
    [['morality', 'moral; duty']]
    """
    df = _sentences_of(sentences)
    columns = [
        "frame",
        "outlet",
        "article_id",
        "sentence",
        "in_quote",
        "matches",
        "n_matches",
        "text",
    ]
    t = tags
    if frames is not None:
        t = t[t["frame"].isin(list(frames))]
    if outlets is not None:
        t = t[t["outlet"].isin(list(outlets))]
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame_order = {f: i for i, f in enumerate(dict.fromkeys(tags["frame"]))}
    g = t.sort_values("start", kind="mergesort").groupby(
        ["frame", "outlet", "article_id", "sentence"], sort=False
    )
    agg = g["evidence"].agg(lambda x: "; ".join(dict.fromkeys(x))).rename("matches").to_frame()
    agg["n_matches"] = g["evidence"].agg(lambda x: len({v.lower() for v in x}))
    agg = agg.reset_index()
    info = df[["article_id", "sentence", "text"]].copy()
    info["in_quote"] = (
        df["in_quote"].fillna(False).astype(bool) if "in_quote" in df.columns else False
    )
    agg = agg.merge(info, on=["article_id", "sentence"], how="left")
    agg["_f"] = agg["frame"].map(frame_order)
    agg = agg.sort_values(
        ["_f", "outlet", "n_matches", "article_id", "sentence"],
        ascending=[True, True, False, True, True],
        kind="mergesort",
    )
    if per_group > 0:
        agg = agg.groupby(["frame", "outlet"], sort=False).head(per_group)
    return agg[columns].reset_index(drop=True)


def summary_text(
    table: pd.DataFrame, *, level: str = "sentence", voice: str = "all", top: int = 3
) -> str:
    """A few computed sentences on a :func:`prevalence` or :func:`cue_rates` table, caveats first.

    Args:
        table: output of :func:`prevalence` (uses ``share``) or :func:`cue_rates` (``per_1000``).
        level: for prevalence, ``sentence`` or ``article``.
        voice: ``all``, ``narrator`` or ``quoted``.
        top: how many leading frames/cues to name per outlet.

    Returns:
        Markdown text: sample sizes, the leading frames per outlet with intervals, and whether
        the sample supports any comparison.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["A moral duty."]})
    >>> print(summary_text(prevalence(s, n_boot=10, split_quotes=False)).splitlines()[0])
    **Sample:** X: 1 article, 1 sentence.
    """
    is_rate = "per_1000" in table.columns
    key, value = ("cue", "per_1000") if is_rate else ("frame", "share")
    t = table[table["voice"] == voice]
    if not is_rate:
        t = t[t["level"] == level]
    if t.empty:
        return "No rows to describe."
    lines = []
    sizes = []
    for outlet, part in t.groupby("outlet", sort=True):
        first = part.iloc[0]
        n_art = _plural(int(first["n_articles"]), "articles")
        if is_rate:
            sizes.append(f"{outlet}: {n_art}, {int(first['n_words']):,} words")
        elif level == "sentence":
            sizes.append(f"{outlet}: {n_art}, {_plural(int(first['n']), 'sentences')}")
        else:
            sizes.append(f"{outlet}: {n_art}")
    lines.append("**Sample:** " + "; ".join(sizes) + ".")
    for outlet, part in t.groupby("outlet", sort=True):
        ranked = (
            part.dropna(subset=[value])
            .sort_values([value, key], ascending=[False, True], kind="mergesort")
            .head(top)
        )
        ranked = ranked[ranked[value] > 0]
        if ranked.empty:
            lines.append(f"- **{outlet}**: no matches.")
            continue
        fmt = (
            (lambda r: f"{r['label']} {r[value]:.1f} per 1,000 words ({_ci_text(r, 1)})")
            if is_rate
            else (lambda r: f"{r['label']} {100 * r[value]:.0f}% ({_ci_text(r, 100)})")
        )
        lines.append(f"- **{outlet}**: " + "; ".join(fmt(r) for _, r in ranked.iterrows()) + ".")
    single = sorted(t.loc[t["n_articles"] == 1, "outlet"].unique())
    small = sorted(t.loc[t["too_small"], "outlet"].unique())
    if single:
        lines.append(
            f"**Caveat:** {len(single)} of {t['outlet'].nunique()} outlets are represented by a single article "
            f"({', '.join(single)}): their intervals resample sentences of that article and say nothing about the outlet's coverage in general."
        )
    if small:
        lines.append(f"**Too small to conclude:** {', '.join(small)} (cells flagged `too_small`).")
    if not single and not small:
        lines.append(
            "Intervals resample articles; overlapping intervals mean the data do not separate those outlets."
        )
    return "\n\n".join(lines)


def _ci_text(row: pd.Series, scale: float) -> str:
    if math.isnan(row["low"]):
        return "no interval"
    digits = 1 if scale == 1 else 0
    return f"{scale * row['low']:.{digits}f}–{scale * row['high']:.{digits}f}"


# --------------------------------------------------------------------------------------------
# agreement statistics


def cohens_kappa(a: Sequence[Any] | np.ndarray, b: Sequence[Any] | np.ndarray) -> float:
    """Cohen's kappa for two coders of the same units.

    Method: Cohen (1960, *Educational and Psychological Measurement* 20(1), 37-46, eq. 1):
    ``kappa = (p_o - p_e) / (1 - p_e)`` with observed agreement ``p_o`` and chance agreement
    ``p_e = sum_c p_a(c) p_b(c)`` from each coder's own marginal distribution. Units where
    either code is missing (None/NaN) are dropped. NaN when no unit is left or ``p_e == 1``
    (both coders used one and the same category: agreement is not informative).

    >>> round(cohens_kappa([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]), 4)
    0.0909
    """
    x, y = _paired(a, b)
    if x.size == 0:
        return math.nan
    cats = sorted(set(x) | set(y))
    po = float(np.mean(x == y))
    pe = float(sum(np.mean(x == c) * np.mean(y == c) for c in cats))
    if math.isclose(pe, 1.0):
        return math.nan
    return (po - pe) / (1.0 - pe)


def _paired(a, b) -> tuple[np.ndarray, np.ndarray]:
    x = pd.Series(list(a), dtype=object)
    y = pd.Series(list(b), dtype=object)
    if len(x) != len(y):
        raise ValueError(
            f"the two codings have different lengths ({len(x)} and {len(y)}); pass one code per unit for each coder"
        )
    keep = x.notna() & y.notna()
    return x[keep].to_numpy(), y[keep].to_numpy()


def krippendorff_alpha(
    data: Sequence[Sequence[Any]] | np.ndarray | pd.DataFrame,
    *,
    level: Literal["nominal"] = "nominal",
) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    Method: Krippendorff (2004, *Content Analysis*, 2nd ed., ch. 11; and 2011, "Computing
    Krippendorff's Alpha-Reliability", Annenberg School working paper): from the coincidence
    matrix ``o_ck = sum_u (number of c-k pairs in unit u) / (m_u - 1)`` over units with
    ``m_u >= 2`` values, ``alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c != k} o_ck /
    sum_{c != k} n_c n_k``, where ``n_c`` are the coincidence marginals and ``n`` the number of
    pairable values. Units coded by fewer than two coders are not pairable and are ignored.
    NaN when fewer than two pairable values exist or all pairable values are one category.

    Args:
        data: reliability data, one row per coder and one column per unit (NaN/None =
            missing); a DataFrame is read the same way.
        level: only ``"nominal"`` (the metric for frame present/absent codes).

    >>> round(krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]), 3)
    0.095
    """
    if level != "nominal":
        raise ValueError(
            f"level={level!r}: only 'nominal' is implemented (frame codes are categories)"
        )
    frame = pd.DataFrame(data).astype(object)
    values = frame.to_numpy(dtype=object)
    if values.ndim != 2:
        raise ValueError("`data` must be two-dimensional: one row per coder, one column per unit")
    present = pd.notna(frame).to_numpy()
    cats = sorted({v for v in values[present].tolist()}, key=repr)
    if not cats:
        return math.nan
    code = {c: i for i, c in enumerate(cats)}
    # n_uc: how many coders gave unit u the value c
    counts = np.zeros((values.shape[1], len(cats)))
    for r in range(values.shape[0]):
        for u in np.flatnonzero(present[r]):
            counts[u, code[values[r, u]]] += 1
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    n_c = counts.sum(axis=0)
    n = n_c.sum()
    if n < 2:
        return math.nan
    disagree = float(((m**2 - (counts**2).sum(axis=1)) / (m - 1)).sum())  # sum_{c != k} o_ck
    expected = float(n**2 - (n_c**2).sum())  # sum_{c != k} n_c n_k
    if expected == 0:
        return math.nan
    return float(1.0 - (n - 1) * disagree / expected)


# --------------------------------------------------------------------------------------------
# hand-coding workflow

_CODING_META = ["coding_id", "article_id", "outlet", "sentence", "text"]


def export_coding_sample(
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame | None = None,
    *,
    codebook: str | Path | Codebook = DEFAULT_CODEBOOK,
    path: str | Path | None = None,
    n_per_frame: int = 20,
    unmatched_share: float = 0.25,
    seed: int = 0,
) -> pd.DataFrame:
    """A stratified, shuffled sample of sentences for hand coding, optionally written to CSV.

    Method: stratified sampling (Cochran 1977, *Sampling Techniques*, ch. 5): each tagged
    sentence belongs to the stratum of its rarest frame (so rare frames are not crowded out by
    common ones); up to ``n_per_frame`` sentences are drawn from each frame's stratum, plus
    unmatched sentences making up ``unmatched_share`` of the sample so that misses (false
    negatives) can be found. Rows are shuffled so the coder sees no stratum order, and the
    codebook's tags are not shown (blind coding). Over-representing tagged sentences makes
    recall on the sample optimistic; see ``docs/codebook.md``.

    Args:
        sentences: the sentences table or a Corpus.
        tags: :func:`tag_sentences` output for ``codebook``; None tags now.
        codebook: the codebook to validate.
        path: if given, the CSV is written there (UTF-8 with BOM, for spreadsheet programs).
        n_per_frame: sentences drawn per frame stratum.
        unmatched_share: share of the sample drawn from sentences with no frame, in [0, 1).
        seed: seed of numpy's ``default_rng``: the same seed gives the same sample.

    Returns:
        ``coding_id`` (1..n), ``article_id``, ``outlet``, ``sentence``, ``text``, then one empty
        column per frame id (the coder writes 1 if the sentence carries the frame, else 0) and
        ``notes``; rows in shuffled order.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "sentence": [0, 1],
    ...                   "text": ["A moral duty.", "Rain fell."]})
    >>> export_coding_sample(s, n_per_frame=1, unmatched_share=0.5)[["coding_id", "sentence", "morality"]].values.tolist()
    [[1, 0, ''], [2, 1, '']]
    """
    if not 0.0 <= unmatched_share < 1.0:
        raise ValueError(f"unmatched_share must be in [0, 1), got {unmatched_share}")
    if n_per_frame < 1:
        raise ValueError(f"n_per_frame must be at least 1, got {n_per_frame}")
    cb = load_codebook(codebook)
    df = _sentences_of(sentences)
    if tags is None:
        tags = tag_sentences(df, cb)
    table = sentence_frames(df, tags, cb)
    auto = [f.id for f in cb.frames if not f.coder_only]
    freq = table[auto].sum(axis=0)
    # Rarest frame first (ties in codebook order): a sentence's stratum is its rarest frame.
    rank = sorted(auto, key=lambda f: (freq[f], auto.index(f)))
    stratum = pd.Series("", index=table.index, dtype=object)
    for f in reversed(rank):
        stratum[table[f] == 1] = f
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for f in auto:
        pool = np.flatnonzero((stratum == f).to_numpy())
        take = min(n_per_frame, pool.size)
        chosen.extend(sorted(rng.choice(pool, size=take, replace=False).tolist()) if take else [])
    pool = np.flatnonzero((stratum == "").to_numpy())
    n_unmatched = (
        round(unmatched_share / (1.0 - unmatched_share) * len(chosen))
        if chosen
        else min(n_per_frame, pool.size)
    )
    n_unmatched = min(n_unmatched, pool.size)
    if n_unmatched:
        chosen.extend(sorted(rng.choice(pool, size=n_unmatched, replace=False).tolist()))
    order = rng.permutation(len(chosen))
    picked = table.iloc[np.asarray(chosen, dtype=int)[order]] if chosen else table.iloc[[]]
    texts = df.set_index(["article_id", "sentence"])["text"]
    out = picked[["article_id", "outlet", "sentence"]].reset_index(drop=True)
    out.insert(0, "coding_id", np.arange(1, len(out) + 1, dtype=np.int64))
    out["text"] = [
        texts.loc[(a, s)] for a, s in zip(out["article_id"], out["sentence"], strict=True)
    ]
    # object columns, so a user filling codes in pandas can write ints or strings
    for f in [*cb.ids, "notes"]:
        out[f] = pd.Series([""] * len(out), index=out.index, dtype=object)
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(path, index=False, encoding="utf-8-sig")
    return out


def import_coding(
    path: str | Path,
    *,
    codebook: str | Path | Codebook = DEFAULT_CODEBOOK,
    coder: str | None = None,
    allow_blank: bool = False,
) -> pd.DataFrame:
    """Read a hand-coded CSV (from :func:`export_coding_sample`) into a tidy table.

    The file may have been saved by a spreadsheet program: a BOM, ``;`` or tab delimiters and
    surrounding spaces are accepted. Every frame of the codebook must have a column, and every
    cell must be 0 or 1 (blank cells only with ``allow_blank``, and then they are missing).

    Args:
        path: the coded CSV.
        codebook: the codebook the sample was exported for.
        coder: the coder's name; None uses a ``coder`` column if there is one, else the file
            name without extension.
        allow_blank: treat blank cells as "not coded" (missing) instead of an error.

    Returns:
        One row per (coded sentence, frame): ``coder``, ``coding_id``, ``article_id``,
        ``sentence``, ``text``, ``line`` (line in the file), ``frame``, ``value`` (Int64 0/1
        or <NA>); sorted by ``coder``, ``coding_id``, frame in codebook order.

    Raises:
        FileNotFoundError: no such file.
        CodingError: missing columns, duplicate or non-numeric ids, or values other than 0/1,
            naming the file, line and column.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "ann.csv")
    >>> _ = open(p, "w").write("coding_id,article_id,sentence,text,responsibility,conflict,human_interest,economic,morality\\n"
    ...                        "1,a,0,A moral duty.,0,0,0,0,1\\n")
    >>> import_coding(p)[["coder", "frame", "value"]].values.tolist()[-1]
    ['ann', 'morality', 1]
    """
    cb = load_codebook(codebook)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"coding file {path} does not exist")
    raw = path.read_bytes().decode("utf-8-sig", errors="strict") if path.stat().st_size else ""
    if not raw.strip():
        raise CodingError(
            f"{path}: the file is empty; export a sample with export_coding_sample() and fill it in"
        )
    header_line = raw.splitlines()[0]
    delimiter = max([",", ";", "\t"], key=header_line.count)
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
    fields = [(f or "").strip() for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    missing = [c for c in ("coding_id", "article_id", "sentence") if c not in fields]
    missing_frames = [f for f in cb.ids if f not in fields]
    if missing or missing_frames:
        raise CodingError(
            f"{path}, line 1: missing column(s) {missing + missing_frames}; the file needs coding_id, article_id, "
            f"sentence and one 0/1 column per frame of codebook {cb.name!r} ({', '.join(cb.ids)})"
        )
    default_coder = coder or path.stem
    rows = []
    seen: dict[tuple[str, int], int] = {}
    for rec in reader:
        line = reader.line_num
        if all(not (v or "").strip() for v in rec.values() if isinstance(v, str)):
            continue  # blank line at the end of a spreadsheet export
        name = coder or (rec.get("coder") or "").strip() or default_coder
        cid = (rec.get("coding_id") or "").strip()
        sent = (rec.get("sentence") or "").strip()
        try:
            cid_i, sent_i = int(float(cid)), int(float(sent))
        except ValueError:
            raise CodingError(
                f"{path}, line {line}: coding_id {cid!r} and sentence {sent!r} must be whole numbers; do not edit these columns"
            ) from None
        if (name, cid_i) in seen:
            raise CodingError(
                f"{path}, line {line}: coding_id {cid_i} already appears on line {seen[(name, cid_i)]} for coder {name!r}; each sentence is coded once per coder"
            )
        seen[(name, cid_i)] = line
        article = (rec.get("article_id") or "").strip()
        if not article:
            raise CodingError(
                f"{path}, line {line}: article_id is empty; do not edit the id columns"
            )
        for f in cb.ids:
            cell = (rec.get(f) or "").strip()
            if cell in ("0", "1", "0.0", "1.0"):
                value: Any = int(float(cell))
            elif cell == "" and allow_blank:
                value = pd.NA
            elif cell == "":
                raise CodingError(
                    f"{path}, line {line}, column {f!r}: blank; code every frame with 0 or 1 (or pass allow_blank=True to treat blanks as not coded)"
                )
            else:
                raise CodingError(
                    f"{path}, line {line}, column {f!r}: {cell!r} is not 0 or 1; write 1 if the sentence carries the frame, else 0"
                )
            rows.append((name, cid_i, article, sent_i, rec.get("text") or "", line, f, value))
    if not rows:
        raise CodingError(f"{path}: no coded rows below the header")
    out = pd.DataFrame(
        rows,
        columns=["coder", "coding_id", "article_id", "sentence", "text", "line", "frame", "value"],
    )
    out["_f"] = out["frame"].map({f: i for i, f in enumerate(cb.ids)})
    out = (
        out.sort_values(["coder", "coding_id", "_f"], kind="mergesort")
        .drop(columns="_f")
        .reset_index(drop=True)
    )
    return out.astype(
        {"coding_id": "int64", "sentence": "int64", "line": "int64", "value": "Int64"}
    )


_AGREE_COLUMNS = [
    "frame",
    "label",
    "coder",
    "n",
    "coder_yes",
    "codebook_yes",
    "both_yes",
    "observed",
    "kappa",
    "alpha",
    "precision",
    "recall",
    "f1",
    "too_small",
    "note",
]


def agreement(
    coding: pd.DataFrame,
    sentences: pd.DataFrame | Any,
    tags: pd.DataFrame | None = None,
    *,
    codebook: str | Path | Codebook = DEFAULT_CODEBOOK,
    min_n: int = MIN_CODED,
    check_text: bool = True,
) -> pd.DataFrame:
    """Agreement between the codebook's tags and each human coder, per frame.

    Method: per frame, the codebook and the coder each give every coded sentence 0 or 1;
    reported are observed agreement, Cohen's kappa (Cohen 1960), Krippendorff's alpha for
    nominal data with two coders (Krippendorff 2004/2011), and precision, recall and F1 of the
    codebook against the coder as reference (van Rijsbergen 1979). The coded sample is
    stratified towards tagged sentences, so recall is optimistic for the corpus as a whole.

    Args:
        coding: :func:`import_coding` output (several coders may be concatenated).
        sentences: the sentences table or a Corpus the sample was drawn from.
        tags: :func:`tag_sentences` output; None tags now.
        codebook: the codebook the sample was exported for.
        min_n: frames with fewer coded sentences are flagged ``too_small``.
        check_text: require each coded row's ``text`` to equal the sentence's current text,
            which catches a corpus rebuilt with different sentence splitting.

    Returns:
        One row per (frame, coder) the coding covers, sorted by frame in codebook order and
        coder: ``frame``,
        ``label``, ``coder``, ``n`` (sentences coded for the frame), ``coder_yes``,
        ``codebook_yes``, ``both_yes``, ``observed``, ``kappa``, ``alpha``, ``precision``,
        ``recall``, ``f1``, ``too_small``, ``note``.

    Raises:
        CodingError: a coded sentence is not in ``sentences`` or its text differs.

    >>> s = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "X"], "sentence": [0, 1],
    ...                   "text": ["A moral duty.", "Rain fell."]})
    >>> c = pd.DataFrame({"coder": "ann", "coding_id": [1, 2], "article_id": "a", "sentence": [0, 1],
    ...                   "text": ["A moral duty.", "Rain fell."], "line": [2, 3], "frame": "morality", "value": [1, 0]})
    >>> agreement(c, s, min_n=1)[["frame", "n", "kappa", "precision", "recall"]].values.tolist()
    [['morality', 2, 1.0, 1.0, 1.0]]
    """
    cb = load_codebook(codebook)
    df = _sentences_of(sentences)
    missing = [
        c for c in ("coder", "article_id", "sentence", "frame", "value") if c not in coding.columns
    ]
    if missing:
        raise KeyError(f"`coding` lacks column(s) {missing}; pass the output of import_coding()")
    if tags is None:
        tags = tag_sentences(df, cb)
    unknown_frames = sorted(set(coding["frame"]) - set(cb.ids))
    if unknown_frames:
        raise CodingError(
            f"`coding` has frames {unknown_frames} that codebook {cb.name!r} does not define"
        )
    texts = df.set_index(["article_id", "sentence"])["text"]
    keys = pd.MultiIndex.from_frame(
        coding[["article_id", "sentence"]].astype({"sentence": "int64"})
    )
    known = keys.isin(texts.index)
    if not known.all():
        bad = coding.loc[~known].iloc[0]
        where = (
            f"line {bad['line']}"
            if "line" in coding.columns
            else f"row {int(np.flatnonzero(~known)[0])}"
        )
        raise CodingError(
            f"coding {where}: sentence ({bad['article_id']!r}, {bad['sentence']}) is not in the sentences table; "
            "validate against the corpus the sample was exported from"
        )
    if check_text and "text" in coding.columns:
        current = texts.reindex(keys).to_numpy()
        same = [
            " ".join(str(a).split()) == " ".join(str(b).split())
            for a, b in zip(coding["text"], current, strict=True)
        ]
        if not all(same):
            bad = coding.loc[~np.asarray(same)].iloc[0]
            where = f"line {bad['line']}" if "line" in coding.columns else "a row"
            raise CodingError(
                f"coding {where}: the text of sentence ({bad['article_id']!r}, {bad['sentence']}) differs from the corpus; "
                "the corpus was rebuilt with different cleaning or sentence splitting: re-export the sample, or pass check_text=False"
            )
    tagged = set(
        zip(tags["article_id"], tags["sentence"].astype("int64"), tags["frame"], strict=True)
    )
    rows = []
    coders = sorted(coding["coder"].astype(str).unique())
    for frame in cb.frames:
        for coder in coders:
            part = coding[(coding["frame"] == frame.id) & (coding["coder"].astype(str) == coder)]
            if part.empty:
                continue  # the coder did not code this frame at all
            part = part[part["value"].notna()]
            human = part["value"].astype(int).to_numpy()
            machine = np.array(
                [
                    int((a, int(s), frame.id) in tagged)
                    for a, s in zip(part["article_id"], part["sentence"], strict=True)
                ],
                dtype=int,
            )
            n = int(human.size)
            both = int(((human == 1) & (machine == 1)).sum())
            h_yes, m_yes = int(human.sum()), int(machine.sum())
            precision = both / m_yes if m_yes else math.nan
            recall = both / h_yes if h_yes else math.nan
            f1 = (
                2 * precision * recall / (precision + recall)
                if m_yes and h_yes and (precision + recall)
                else math.nan
            )
            kappa = cohens_kappa(machine, human) if n else math.nan
            alpha = krippendorff_alpha([machine, human]) if n else math.nan
            notes = []
            if frame.coder_only:
                notes.append("coder-only frame: the codebook never tags it")
            if n and (h_yes in (0, n)) and (m_yes in (0, n)):
                notes.append(
                    "no variation in the codes: kappa and alpha are undefined or uninformative"
                )
            if n < min_n:
                notes.append(f"fewer than {min_n} coded sentences: too small to conclude anything")
            rows.append(
                (
                    frame.id,
                    frame.label,
                    coder,
                    n,
                    h_yes,
                    m_yes,
                    both,
                    float(np.mean(human == machine)) if n else math.nan,
                    kappa,
                    alpha,
                    precision,
                    recall,
                    f1,
                    n < min_n,
                    "; ".join(notes),
                )
            )
    out = pd.DataFrame(rows, columns=_AGREE_COLUMNS)
    return out.astype(
        {
            "n": "int64",
            "coder_yes": "int64",
            "codebook_yes": "int64",
            "both_yes": "int64",
            "observed": float,
            "kappa": float,
            "alpha": float,
            "precision": float,
            "recall": float,
            "f1": float,
            "too_small": bool,
        }
    )


# --------------------------------------------------------------------------------------------
# plots


def _select(table: pd.DataFrame, *, voice: str, level: str | None) -> pd.DataFrame:
    t = table[table["voice"] == voice]
    if level is not None and "level" in t.columns:
        t = t[t["level"] == level]
    if t.empty:
        raise ValueError(
            f"no rows for voice={voice!r}"
            + (f", level={level!r}" if level else "")
            + "; check the table and the arguments"
        )
    return t


def plot_prevalence(prev: pd.DataFrame, *, level: str = "sentence", voice: str = "all", ax=None):
    """Dot-and-whisker plot of frame shares per outlet, with bootstrap intervals.

    Filled markers are cells with enough data; hollow markers are flagged ``too_small``.
    The title carries the sample sizes.

    Args:
        prev: :func:`prevalence` output.
        level: ``sentence`` or ``article``.
        voice: ``all``, ``narrator`` or ``quoted``.
        ax: a matplotlib Axes to draw on (None = a new figure).

    Returns:
        The matplotlib Figure.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["A moral duty."]})
    >>> plot_prevalence(prevalence(s, n_boot=10, split_quotes=False)).axes[0].get_xlabel()
    'share of sentences with the frame'
    """
    import matplotlib.pyplot as plt

    t = _select(prev, voice=voice, level=level)
    labels = list(dict.fromkeys(t["label"]))
    outlets = sorted(t["outlet"].unique())
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) * max(1, len(outlets)) ** 0.5 + 1.5))
    else:
        fig = ax.figure
    height = 0.8 / max(1, len(outlets))
    for j, outlet in enumerate(outlets):
        part = t[t["outlet"] == outlet].set_index("label").reindex(labels)
        y = np.arange(len(labels)) + (j - (len(outlets) - 1) / 2) * height
        x = part["share"].to_numpy(dtype=float)
        lo = np.clip(x - part["low"].to_numpy(dtype=float), 0, None)
        hi = np.clip(part["high"].to_numpy(dtype=float) - x, 0, None)
        color = f"C{j % 10}"
        ax.errorbar(
            x,
            y,
            xerr=[np.nan_to_num(lo), np.nan_to_num(hi)],
            fmt="none",
            ecolor=color,
            alpha=0.6,
            lw=1,
        )
        small = part["too_small"].fillna(True).to_numpy(dtype=bool)
        ax.scatter(
            x[~small],
            y[~small],
            color=color,
            s=28,
            label=outlet if (~small).any() else None,
            zorder=3,
        )
        ax.scatter(
            x[small],
            y[small],
            facecolors="white",
            edgecolors=color,
            s=28,
            zorder=3,
            label=None if (~small).any() else outlet,
        )
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    unit = "sentences" if level == "sentence" else "articles"
    ax.set_xlabel(f"share of {unit} with the frame")
    ax.set_xlim(-0.02, 1.02)
    sizes = t.groupby("outlet")[["n", "n_articles"]].first()
    ax.set_title(
        f"Frame prevalence ({voice}, {unit}); "
        + ", ".join(f"{o}: n={int(r.n)}" for o, r in sizes.iterrows()),
        fontsize=8,
    )
    ax.legend(fontsize=7, loc="lower right", title="hollow = too small", title_fontsize=7)
    fig.tight_layout()
    return fig


def plot_heatmap(prev: pd.DataFrame, *, level: str = "sentence", voice: str = "all", ax=None):
    """Heatmap of frame shares: outlets by frames, each cell annotated with share and n.

    Cells flagged ``too_small`` are hatched, so the eye does not read them as findings.

    Args:
        prev: :func:`prevalence` output.
        level, voice: which rows to draw.
        ax: a matplotlib Axes (None = a new figure).

    Returns:
        The matplotlib Figure.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["A moral duty."]})
    >>> plot_heatmap(prevalence(s, n_boot=10, split_quotes=False)).axes[0].get_ylabel()
    'outlet'
    """
    import matplotlib.pyplot as plt

    t = _select(prev, voice=voice, level=level)
    labels = list(dict.fromkeys(t["label"]))
    grid = (
        t.pivot(index="outlet", columns="label", values="share")
        .reindex(columns=labels)
        .sort_index()
    )
    small = (
        t.pivot(index="outlet", columns="label", values="too_small")
        .reindex(columns=labels)
        .sort_index()
    )
    n = t.groupby("outlet")["n"].first().reindex(grid.index)
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(labels), 1.2 + 0.55 * len(grid)))
    else:
        fig = ax.figure
    values = grid.to_numpy(dtype=float)
    vmax = max(0.05, float(np.nanmax(values, initial=0)) if np.isfinite(values).any() else 0.05)
    im = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0, vmax=vmax)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            text = "–" if pd.isna(v) else f"{100 * v:.0f}%"
            dark = not pd.isna(v) and v > 0.6 * vmax
            ax.text(
                j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black"
            )
            if bool(small.iat[i, j]):
                ax.add_patch(
                    plt.Rectangle(
                        (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="grey", lw=0
                    )
                )
    ax.set_xticks(np.arange(len(labels)), labels, rotation=40, ha="right", fontsize=7)
    ax.set_yticks(np.arange(len(grid)), [f"{o} (n={int(n[o])})" for o in grid.index], fontsize=8)
    ax.set_ylabel("outlet")
    ax.set_title(f"Share of {level}s with each frame ({voice}); hatched = too small", fontsize=8)
    fig.colorbar(im, ax=ax, fraction=0.03)
    fig.tight_layout()
    return fig


def plot_cue_rates(rates: pd.DataFrame, *, voice: str = "all", ax=None):
    """Cue matches per 1,000 words per outlet, with bootstrap intervals.

    Args:
        rates: :func:`cue_rates` output.
        voice: ``all``, ``narrator`` or ``quoted``.
        ax: a matplotlib Axes (None = a new figure).

    Returns:
        The matplotlib Figure.

    >>> s = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "sentence": [0], "text": ["It reportedly fell."]})
    >>> plot_cue_rates(cue_rates(s, n_boot=10, split_quotes=False)).axes[0].get_xlabel()
    'matches per 1,000 words'
    """
    import matplotlib.pyplot as plt

    t = _select(rates, voice=voice, level=None)
    labels = list(dict.fromkeys(t["label"]))
    outlets = sorted(t["outlet"].unique())
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(labels) * max(1, len(outlets)) ** 0.5))
    else:
        fig = ax.figure
    height = 0.8 / max(1, len(outlets))
    for j, outlet in enumerate(outlets):
        part = t[t["outlet"] == outlet].set_index("label").reindex(labels)
        y = np.arange(len(labels)) + (j - (len(outlets) - 1) / 2) * height
        x = part["per_1000"].to_numpy(dtype=float)
        lo = np.nan_to_num(np.clip(x - part["low"].to_numpy(dtype=float), 0, None))
        hi = np.nan_to_num(np.clip(part["high"].to_numpy(dtype=float) - x, 0, None))
        ax.barh(
            y,
            x,
            height=height * 0.9,
            color=f"C{j % 10}",
            alpha=0.8,
            label=f"{outlet} ({int(part['n_words'].iloc[0]):,} words)",
        )
        ax.errorbar(x, y, xerr=[lo, hi], fmt="none", ecolor="black", lw=0.8)
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("matches per 1,000 words")
    ax.set_title(f"Cue rates ({voice} sentences), 95% bootstrap intervals", fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
