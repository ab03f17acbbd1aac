"""Building the corpus tables: the per-article pipeline, batches, the cache and the engines.

Every article goes through the same pure pipeline (decode -> clean -> sentences -> quote spans
-> tokens -> VADER scores). Articles are processed in batches; each batch writes one immutable
*part* (one parquet file per table) into a content-addressed store under
``data/processed/store/``, named by a hash of the batch's article keys. An article's key hashes
its bytes, its manifest metadata, the build parameters, the library version and a fingerprint
of the pipeline's code and data files, so:

* a rerun finds every key in the store and only relinks the dataset (identical tables);
* adding or changing articles processes only those articles (incremental rebuilds);
* a new library version or parameter invalidates exactly what it affects.

A built corpus is a folder with one sub-folder per table holding hard links to the parts it
uses (``articles/part-<id>.parquet`` ...) and ``_corpus.json`` describing it. Tables read from it
are sorted by their documented keys, so row order never depends on batch history.

Engines: ``local`` maps batches over a process pool; ``dask`` maps the same batch function with
``dask.bag`` on a ``dask.distributed`` cluster (a LocalCluster by default, or a scheduler address).

>>> from newslens import build
>>> corpus = build.build()            # the sample corpus, from the cache after the first run
>>> corpus.sentences.columns[:4].tolist()
['article_id', 'outlet', 'paragraph', 'sentence']
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import newslens
from newslens import paths
from newslens.corpus import (
    EXPORT_SUFFIXES,
    SORT_KEYS,
    TABLES,
    Corpus,
    DiscoveryIndex,
    Document,
    RecordChanged,
    Skip,
    hash_entry,
    scan,
)

EXPORT_FORMATS = frozenset(EXPORT_SUFFIXES.values())

FORMAT_VERSION = 1  # bump when the layout of parts changes

_STR = pa.string()
_I64 = pa.int64()
_F64 = pa.float64()
_BOOL = pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("file", _STR),
            ("format", _STR),
            ("row", _I64),
            ("headline", _STR),
            ("byline", _STR),
            ("published", _STR),
            ("date_source", _STR),
            ("body", _STR),
            ("n_paragraphs", _I64),
            ("n_sentences", _I64),
            ("n_words", _I64),
            ("n_removed", _I64),
            ("n_quotes", _I64),
            ("quoted_share", _F64),
            ("content_hash", _STR),
            ("body_hash", _STR),
            ("encoding", _STR),
            ("repaired_mojibake", _BOOL),
            ("meta", _STR),
        ]
    ),
    "sentences": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("paragraph", _I64),
            ("sentence", _I64),
            ("text", _STR),
            ("start", _I64),
            ("end", _I64),
            ("quote_id", _I64),
            ("quoted_share", _F64),
            ("in_quote", _BOOL),
            ("position", _F64),
            ("neg", _F64),
            ("neu", _F64),
            ("pos", _F64),
            ("compound", _F64),
        ]
    ),
    "quotes": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("quote_id", _I64),
            ("text", _STR),
            ("start", _I64),
            ("end", _I64),
            ("paragraph_start", _I64),
            ("paragraph_end", _I64),
            ("mark", _STR),
        ]
    ),
    "terms": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("term", _STR),
            ("in_quote", _BOOL),
            ("count", _I64),
        ]
    ),
    "attributions": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("quote_id", _I64),
            ("text", _STR),
            ("speaker", _STR),
            ("speaker_canonical", _STR),
            ("verb", _STR),
            ("verb_class", _STR),
            ("group", _STR),
            ("group_cue", _STR),
            ("is_speech", _BOOL),
            ("start", _I64),
            ("end", _I64),
            ("paragraph_start", _I64),
            ("paragraph_end", _I64),
            ("evidence", _STR),
            ("mention", _STR),
            ("verb_text", _STR),
            ("role", _STR),
            ("role_group", _STR),
            ("side", _STR),
            ("speech_cue", _STR),
            ("rule", _STR),
        ]
    ),
    "frames": pa.schema(
        [
            ("_doc_key", _STR),
            ("codebook", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("sentence", _I64),
            ("frame", _STR),
            ("evidence", _STR),
            ("start", _I64),
            ("end", _I64),
        ]
    ),
    "removed": pa.schema(
        [
            ("_doc_key", _STR),
            ("article_id", _STR),
            ("outlet", _STR),
            ("line", _I64),
            ("text", _STR),
            ("reason", _STR),
        ]
    ),
    "skipped": pa.schema(
        [
            ("_doc_key", _STR),
            ("file", _STR),
            ("line", _I64),
            ("reason", _STR),
            ("detail", _STR),
            ("kept", _BOOL),
        ]
    ),
}
# Modules and data files whose content decides what the pipeline produces.
_PIPELINE_MODULES = (
    "textio",
    "clean",
    "segment",
    "sentiment",
    "quotes",
    "framing",
    "build",
    "corpus",
)
# Data files the build reads (analysis-only lexicons such as targets.yml are not part of it, so
# editing them does not invalidate cached tables). Codebooks are hashed one by one, only when
# the build tags with them (see settings_hash).
_PIPELINE_DATA = (
    "furniture.yml",
    "stopwords_en.txt",
    "abbreviations_en.txt",
    "roles.yml",
    "reporting_verbs.yml",
)
# What the build tags every sentence with unless told otherwise: the default frame codebook
# and the cue lexicons, the two the framing notebook uses.
DEFAULT_CODEBOOKS = ("semetko_valkenburg_2000", "cues")


@dataclass(frozen=True)
class BuildParams:
    """Parameters that change what the build produces (all part of the cache key).

    Attributes:
        keep_captions: keep image captions in the body (passed to ``clean.article``).
        in_quote_threshold: a sentence is ``in_quote`` when at least this share of its
            characters lies inside direct quotes.
        furniture: a YAML file of page-furniture rules extending the default ones (its content,
            not only its name, is part of the cache key).
        attribution: attribute every quote to a speaker during the build (the ``attributions``
            table, read by ``quotes.table``); False leaves that to analysis time.
        roles, verbs: role and reporting-verb lexicon files for attribution (None = the shipped
            ``roles.yml`` and ``reporting_verbs.yml``; a file's content is part of the cache key).
        codebooks: frame codebooks (shipped names or YAML paths; ``"cues"`` is the shipped cue
            lexicon) whose tags the build stores in the ``frames`` table, read by
            ``framing.tag_sentences``; other codebooks are tagged at analysis time.
    """

    keep_captions: bool = False
    in_quote_threshold: float = 0.5
    furniture: str | None = None
    attribution: bool = True
    roles: str | None = None
    verbs: str | None = None
    codebooks: tuple[str, ...] = DEFAULT_CODEBOOKS

    def __post_init__(self) -> None:
        for name in ("furniture", "roles", "verbs"):
            value = getattr(self, name)
            if value is None:
                continue
            path = Path(value).expanduser().resolve()
            if not path.is_file():
                raise ValueError(
                    f"{name}={value!r}: no such file; give a YAML file like lib/newslens/data/"
                    + {"furniture": "furniture.yml", "roles": "roles.yml"}.get(
                        name, "reporting_verbs.yml"
                    )
                )
            object.__setattr__(self, name, str(path))
        if not 0.0 < self.in_quote_threshold <= 1.0:
            raise ValueError(f"in_quote_threshold must be in (0, 1], got {self.in_quote_threshold}")
        books = self.codebooks
        if isinstance(books, str):
            books = (books,)
        if not isinstance(books, (tuple, list)) or not all(isinstance(b, str) for b in books):
            raise ValueError(
                f"codebooks must be a list of codebook names or YAML paths, got {self.codebooks!r}"
            )
        # a codebook given as a path is kept absolute, so every worker finds the same file
        # (a shipped name wins over a file of that name, as in framing.load_codebook)
        from newslens.framing import CODEBOOK_DIR

        object.__setattr__(
            self,
            "codebooks",
            tuple(
                b
                if b == "cues" or (CODEBOOK_DIR / f"{b}.yml").is_file()
                else str(Path(b).expanduser().resolve())
                if Path(b).expanduser().is_file()
                else b
                for b in books
            ),
        )
        names = [b.name for b in self.loaded_codebooks()]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(
                f"codebooks {list(self.codebooks)} include two codebooks named {dupes[0]!r}; "
                "the frames table tells codebooks apart by name, so give each a distinct name"
            )

    def loaded_codebooks(self) -> list:
        """The :class:`newslens.framing.Codebook` of each entry of ``codebooks``, in order.

        Raises:
            ValueError: an entry that is neither a shipped codebook, ``"cues"``, nor a file.
        """
        from newslens import framing

        out = []
        for b in self.codebooks:
            try:
                out.append(framing.load_cues() if b == "cues" else framing.load_codebook(b))
            except (FileNotFoundError, framing.CodebookError) as exc:
                raise ValueError(f"codebooks: {exc}") from exc
        return out


@cache
def pipeline_fingerprint() -> str:
    """Hash of the library version, the pipeline's source files and its data files."""
    h = hashlib.sha256(f"{newslens.__version__}|{FORMAT_VERSION}".encode())
    for name in _PIPELINE_MODULES:
        f = paths.PACKAGE_DIR / f"{name}.py"
        if f.is_file():
            h.update(name.encode() + f.read_bytes())
    for name in _PIPELINE_DATA:
        f = paths.PACKAGE_DATA / name
        if f.is_file():
            h.update(name.encode() + f.read_bytes())
    return h.hexdigest()


@cache
def _hash_bytes_at(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _file_hash(path: str | None) -> str:
    """sha256 of a file's content (cached per path, modification time and size)."""
    if not path:
        return ""
    st = Path(path).stat()
    return _hash_bytes_at(path, st.st_mtime_ns, st.st_size)


def codebook_hashes(params: BuildParams) -> dict[str, str]:
    """Codebook name -> sha256 of its file, for every codebook the build tags with."""
    return {b.name: _file_hash(b.path) for b in params.loaded_codebooks()}


def settings_hash(params: BuildParams) -> str:
    """Hash of everything but the article that decides its tables: the pipeline fingerprint,
    the parameters and the content of every lexicon, codebook or rules file they name."""
    payload = json.dumps(
        [
            pipeline_fingerprint(),
            asdict(params),
            _file_hash(params.furniture),
            _file_hash(params.roles),
            _file_hash(params.verbs),
            codebook_hashes(params),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def doc_key(doc: Document, params: BuildParams, *, settings: str | None = None) -> str:
    """The cache key of one article: its inputs and :func:`settings_hash` of the parameters
    (pass ``settings`` when keying many articles, so lexicon files are hashed once)."""
    payload = json.dumps(
        [
            settings if settings is not None else settings_hash(params),
            doc.article_id,
            doc.file,
            doc.row,
            doc.format,
            doc.content_hash,
            doc.meta,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# The per-article pipeline


class _Tables(dict):
    """Table name -> its column lists, made on first use (most articles fill few tables)."""

    def __missing__(self, table: str) -> dict[str, list]:
        cols = self[table] = {f.name: [] for f in SCHEMAS[table]}
        return cols


class _Columns:
    """Column lists for every table of one batch (cheaper than a dict per row)."""

    def __init__(self) -> None:
        self.cols: dict[str, dict[str, list]] = _Tables()

    def add(self, table: str, **row) -> None:
        cols = self.cols[table]
        for name, values in cols.items():
            values.append(row.get(name))

    def extend(self, table: str, columns: dict[str, list]) -> None:
        cols = self.cols[table]
        n = len(next(iter(columns.values())))
        for name, values in cols.items():
            if name in columns:
                values.extend(columns[name])
            else:
                values.extend([None] * n)

    def merge(self, other: _Columns) -> None:
        for table, cols in other.cols.items():
            mine = self.cols[table]
            for name, values in cols.items():
                mine[name].extend(values)

    def to_arrow(self, table: str) -> pa.Table:
        return pa.table(self.cols[table], schema=SCHEMAS[table])


def _body_hash(body: str) -> str:
    # Near-identical copies (other whitespace, quote marks or case) hash the same.
    norm = " ".join(body.lower().replace("’", "'").replace("“", '"').replace("”", '"').split())
    return hashlib.sha1(norm.encode()).hexdigest()


def _read_document(doc: Document) -> tuple[str | None, str, bool, Skip | None]:
    """(text, encoding, repaired, problem) for one document.

    The text is decoded, not yet normalised: clean.article / clean.html normalise it (once).
    """
    from newslens.textio import DecodeError, decode_bytes

    if doc.format in EXPORT_FORMATS:
        try:
            return doc.text, "utf-8", False, None
        except OSError as exc:
            problem = (
                f"{doc.file}: cannot be read ({exc.strerror}); check it still exists and is "
                "readable, then build again"
            )
            return None, "", False, Skip(doc.file, doc.row, "unreadable", problem)
        except RecordChanged as exc:
            return None, "", False, Skip(doc.file, doc.row, "changed", str(exc))
    assert doc.path is not None
    try:
        data = Path(doc.path).read_bytes()
    except OSError as exc:
        return (
            None,
            "",
            False,
            Skip(
                doc.file,
                None,
                "unreadable",
                f"{doc.file}: cannot be read ({exc.strerror}); check its permissions",
            ),
        )
    if not data.strip():
        return None, "", False, Skip(doc.file, None, "empty", f"{doc.file}: the file is empty")
    try:
        decoded = decode_bytes(data, source=doc.file)
    except DecodeError as exc:
        reason = "binary" if "binary" in str(exc) else "undecodable"
        return None, "", False, Skip(doc.file, None, reason, str(exc))
    return decoded.text, decoded.encoding, decoded.repaired_mojibake, None


def _skip(
    out: _Columns, key: str, doc: Document, reason: str, detail: str, *, kept: bool = False
) -> None:
    out.add(
        "skipped",
        _doc_key=key,
        file=doc.file,
        line=doc.row,
        reason=reason,
        detail=detail,
        kept=kept,
    )


def _process_document(
    doc: Document, key: str, params: BuildParams, out: _Columns, texts: list[str]
) -> None:
    """Run the pipeline on one document, appending its rows to ``out`` (scores come later)."""
    from newslens import clean, segment

    text, encoding, repaired, problem = _read_document(doc)
    if problem is not None:
        out.add("skipped", _doc_key=key, **asdict(problem))
        return
    assert text is not None
    if not text.strip():
        _skip(out, key, doc, "empty", f"{doc.file}: no text")
        return
    meta = doc.metadata
    if doc.format == "html":
        cleaned = clean.html(text, keep_captions=params.keep_captions, furniture=params.furniture)
    else:
        cleaned = clean.article(
            text, keep_captions=params.keep_captions, furniture=params.furniture
        )
    paragraphs = list(cleaned.paragraphs)
    outlet = meta.get("outlet") or "unknown"
    for r in cleaned.removed:
        out.add(
            "removed",
            _doc_key=key,
            article_id=doc.article_id,
            outlet=outlet,
            line=r.line,
            text=r.text,
            reason=r.reason,
        )
    if not paragraphs:
        _skip(
            out,
            key,
            doc,
            "no-body",
            f"{doc.file}: nothing was left after removing page furniture (see the removed table); check it is an article",
        )
        return

    # Sentences with offsets into body = "\n\n".join(paragraphs).
    spans: list[tuple[int, int]] = []
    para_of: list[int] = []
    offset = 0
    for p, para in enumerate(paragraphs):
        for s, e in segment.sentences(para):
            spans.append((offset + s, offset + e))
            para_of.append(p)
        offset += len(para) + 2
    body = "\n\n".join(paragraphs)
    qspans = segment.quotes(paragraphs)
    assigned = segment.assign_quotes(spans, qspans)

    n = len(spans)
    sent_text = [body[s:e] for s, e in spans]
    counts: Counter[tuple[str, bool]] = Counter()
    n_words = 0
    threshold = params.in_quote_threshold
    in_quote = [share >= threshold for _, share in assigned]
    # Tokens never contain a line break, so tokenising the sentences of one voice joined by
    # "\n" gives the same tokens as one call per sentence, with two calls per article.
    for voice in (False, True):
        toks = segment.tokens(
            "\n".join(t for t, iq in zip(sent_text, in_quote) if iq == voice), lower=True
        )
        n_words += len(toks)
        counts.update((tok, voice) for tok in toks)
    quoted_words = len(segment.tokens("\n".join(q.text for q in qspans)))

    out.extend(
        "sentences",
        {
            "_doc_key": [key] * n,
            "article_id": [doc.article_id] * n,
            "outlet": [outlet] * n,
            "paragraph": para_of,
            "sentence": list(range(n)),
            "text": sent_text,
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "quote_id": [q for q, _ in assigned],
            "quoted_share": [float(share) for _, share in assigned],
            "in_quote": in_quote,
            "position": [i / (n - 1) if n > 1 else 0.0 for i in range(n)],
        },
    )
    texts.extend(sent_text)
    for q in qspans:
        out.add(
            "quotes",
            _doc_key=key,
            article_id=doc.article_id,
            outlet=outlet,
            quote_id=q.quote_id,
            text=q.text,
            start=q.start,
            end=q.end,
            paragraph_start=q.paragraph_start,
            paragraph_end=q.paragraph_end,
            mark=q.mark,
        )
    if params.attribution and qspans:
        try:
            _attribute(out, key, doc.article_id, outlet, paragraphs, qspans, params)
        except Exception as exc:  # the article's other tables are still good: keep them
            _skip(
                out,
                key,
                doc,
                "error",
                f"{doc.file}: quote attribution failed ({type(exc).__name__}: {exc}); "
                "the article's other tables are built; please report this with the file",
                kept=True,
            )
    if counts:
        items = sorted(counts.items())
        out.extend(
            "terms",
            {
                "_doc_key": [key] * len(items),
                "article_id": [doc.article_id] * len(items),
                "outlet": [outlet] * len(items),
                "term": [t for (t, _), _ in items],
                "in_quote": [iq for (_, iq), _ in items],
                "count": [c for _, c in items],
            },
        )
    published, date_source = meta.get("published") or None, meta.get("date_source") or None
    if cleaned.published:
        published, date_source = cleaned.published, "printed"
    elif published and not date_source:
        date_source = "manifest"
    headline = meta.get("headline") or cleaned.headline
    extra = {
        k: v for k, v in meta.items() if k not in ("outlet", "published", "date_source", "headline")
    }
    out.add(
        "articles",
        _doc_key=key,
        article_id=doc.article_id,
        outlet=outlet,
        file=doc.file,
        format=doc.format,
        row=doc.row,
        headline=headline,
        byline=cleaned.byline,
        published=published,
        date_source=date_source,
        body=body,
        n_paragraphs=len(paragraphs),
        n_sentences=n,
        n_words=n_words,
        n_removed=len(cleaned.removed),
        n_quotes=len(qspans),
        quoted_share=(quoted_words / n_words) if n_words else 0.0,
        content_hash=doc.content_hash,
        body_hash=_body_hash(body),
        encoding=encoding,
        repaired_mojibake=repaired,
        meta=json.dumps(extra, sort_keys=True, ensure_ascii=False),
    )


def _attribute(out: _Columns, key, article_id, outlet, paragraphs, qspans, params) -> None:
    """Speaker, verb and group of each quote span (``quotes.attribute``, cited there)."""
    from newslens import quotes

    atts = quotes.attribute(paragraphs, qspans, roles=params.roles, verbs=params.verbs)
    rows = quotes._rows(article_id, outlet, qspans, atts)
    if rows:
        cols = {c: [r[c] for r in rows] for c in quotes.COLUMNS}
        cols["_doc_key"] = [key] * len(rows)
        out.extend("attributions", cols)


def _tag_frames(out: _Columns, params: BuildParams) -> None:
    """Tag the batch's sentences with every codebook of ``params.codebooks``.

    Method: ``framing.tag_many`` (``framing.tag_sentences``' dictionary-based frame detection,
    cited there, for every codebook in one pass), run once per batch so its chunked matching
    sees many sentences at a time. When tagging the batch
    fails, each article is tagged on its own and an article that still fails is recorded in
    ``skipped`` (its other tables stay), so one bad sentence cannot sink the batch.
    """
    if not params.codebooks:
        return
    from newslens import framing

    cols = out.cols["sentences"]
    if not cols["text"]:
        return
    sents = pd.DataFrame(
        {c: cols[c] for c in ("_doc_key", "article_id", "outlet", "sentence", "text", "start")}
    )
    books = params.loaded_codebooks()

    def tag(frame: pd.DataFrame) -> list[pd.DataFrame]:
        # one pass for all codebooks (same rows as tag_sentences per codebook, stacked)
        t = framing.tag_many(frame, books)
        return [t] if len(t) else []

    try:
        tagged = tag(sents)
    except Exception:  # isolate the article that fails, keep the others
        arts = out.cols["articles"]
        file_of = dict(zip(arts["_doc_key"], arts["file"]))
        tagged = []
        for dk, one in sents.groupby("_doc_key", sort=False):
            try:
                tagged += tag(one)
            except Exception as exc:
                out.add(
                    "skipped",
                    _doc_key=dk,
                    file=file_of.get(dk, str(one["article_id"].iat[0])),
                    line=None,
                    reason="error",
                    detail=f"frame tagging failed ({type(exc).__name__}: {exc}); "
                    "the article's other tables are built; please report this with the file",
                    kept=True,
                )
    if not tagged:
        return
    tags = pd.concat(tagged, ignore_index=True)
    doc_of = dict(zip(cols["article_id"], cols["_doc_key"]))
    out.extend(
        "frames",
        {
            "_doc_key": [doc_of[a] for a in tags["article_id"]],
            "codebook": tags["codebook"].tolist(),
            "article_id": tags["article_id"].tolist(),
            "outlet": tags["outlet"].tolist(),
            "sentence": tags["sentence"].tolist(),
            "frame": tags["frame"].tolist(),
            "evidence": tags["evidence"].tolist(),
            "start": tags["start"].tolist(),
            "end": tags["end"].tolist(),
        },
    )


def _score(texts: list[str], out: _Columns) -> None:
    from newslens import sentiment

    cols = out.cols["sentences"]
    if not texts:
        for c in ("neg", "neu", "pos", "compound"):
            cols[c] = []
        return
    scores = sentiment.score_sentences(texts)
    for c in ("neg", "neu", "pos", "compound"):
        cols[c] = scores[c].astype(float).tolist()


def part_id(keys: Sequence[str]) -> str:
    """A part's name: the hash of the (sorted) article keys it holds."""
    return hashlib.sha256("|".join(sorted(keys)).encode()).hexdigest()[:24]


def process_batch(batch: Sequence[tuple[Document, str]], params: BuildParams, store: str) -> dict:
    """Process a batch of (document, key) pairs and write its part into the store.

    This is the unit of work of every engine: it only needs the documents, the parameters and
    a store folder every worker can write to. The part is written to a temporary folder and
    renamed into place, so an interrupted build never leaves a half-written part.

    Returns:
        ``{"part": part id, "articles": int, "seconds": float, "sentences": int, "pid": the
        process that made it}`` (the keys
        stay with the caller, which knows them: the main process of a large build should not
        hold a second copy of every key).
    """
    started = time.perf_counter()
    keys = [k for _, k in batch]
    pid = part_id(keys)
    target = Path(store) / pid
    if (target / "_keys.json").is_file():
        return {
            "part": pid,
            "articles": len(keys),
            "seconds": 0.0,
            "sentences": 0,
            "pid": os.getpid(),
        }
    out = _Columns()
    texts: list[str] = []
    for doc, key in batch:
        one, one_texts = _Columns(), []
        try:
            _process_document(doc, key, params, one, one_texts)
        except Exception as exc:  # a bug or a pathological file must not sink the whole build
            one, one_texts = _Columns(), []
            _skip(
                one,
                key,
                doc,
                "error",
                f"{doc.file}: processing failed ({type(exc).__name__}: {exc}); please report this with the file",
            )
        out.merge(one)
        texts.extend(one_texts)
    _score(texts, out)
    _tag_frames(out, params)
    tmp = Path(tempfile.mkdtemp(prefix=f".{pid}-", dir=store))
    try:
        for table in TABLES:
            pq.write_table(out.to_arrow(table), tmp / f"{table}.parquet", compression="zstd")
        (tmp / "_keys.json").write_text(json.dumps(sorted(keys)))
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "_keys.json").is_file():  # someone else wrote it meanwhile: fine
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return {
        "part": pid,
        "articles": len(keys),
        "seconds": time.perf_counter() - started,
        "sentences": len(texts),
        "pid": os.getpid(),
    }


# --------------------------------------------------------------------------------------------
# Engines
#
# An engine takes the batches as an iterator (each made from the on-disk index when it is due)
# and calls ``record(keys, result)`` as each batch finishes, so no process holds the whole
# corpus: the local engine keeps four batches per worker in flight, the dask engine sends waves
# of four per worker thread.

Batch = list[tuple[Document, str]]
Record = Callable[[list[str], dict], None]

# The local engine replaces its worker processes after this many batches each. A worker's
# resident memory creeps up over tens of thousands of articles even though its memos are capped;
# fresh processes every 20,000 articles each bound it, for about a second of start-up.
WORKER_BATCHES = 200


def _run_local(
    batches: Iterator[Batch],
    n_batches: int,
    total: int,
    params,
    store,
    workers,
    progress,
    record: Record,
) -> None:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", disable=not progress, desc="build")
    try:
        if workers <= 1 or n_batches <= 1:
            for b in batches:
                record([k for _, k in b], process_batch(b, params, store))
                bar.update(len(b))
            return
        import multiprocessing as mp

        ctx = mp.get_context("forkserver") if os.name == "posix" else mp.get_context("spawn")
        # One pool per WORKER_BATCHES batches a worker: when its share is done, the pool drains
        # and a fresh one takes over. (max_tasks_per_child would do this, but it deadlocks on
        # Python 3.11 to 3.13: https://github.com/python/cpython/issues/115634.)
        while _pool_share(
            ctx, workers, workers * WORKER_BATCHES, batches, params, store, record, bar
        ):
            pass
    finally:
        bar.close()


def _pool_share(ctx, workers, share, batches, params, store, record: Record, bar) -> bool:
    """Run up to ``share`` batches on a fresh pool of ``workers`` processes; False when there
    were none left."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: dict = {}

        def submit() -> None:
            nonlocal share
            if share <= 0:
                return
            b = next(batches, None)
            if b is not None:
                share -= 1
                pending[pool.submit(process_batch, b, params, store)] = [k for _, k in b]

        for _ in range(4 * workers):  # enough queued to keep every worker busy
            submit()
        if not pending:
            return False
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                keys = pending.pop(fut)
                record(keys, fut.result())
                bar.update(len(keys))
                submit()
    return True


def _run_dask(
    batches: Iterator[Batch],
    total: int,
    params,
    store,
    workers,
    progress,
    scheduler,
    record: Record,
) -> None:
    try:
        import dask.bag as dbag
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - optional engine
        raise ImportError(
            "engine='dask' needs dask and distributed: pip install 'dask[distributed]'"
        ) from exc
    from tqdm import tqdm

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    bar = tqdm(total=total, unit="article", disable=not progress, desc="build (dask)")
    try:
        # The batches go to the cluster in waves of a few per worker thread, so the client
        # never holds the whole corpus (a bag is built from a list it keeps until computed).
        wave = max(32, 4 * sum(client.nthreads().values()))
        while chunk := list(itertools.islice(batches, wave)):
            bag = dbag.from_sequence(chunk, npartitions=len(chunk))
            results = bag.map(process_batch, params=params, store=store).compute(scheduler=client)
            for b, r in zip(chunk, results, strict=True):
                record([k for _, k in b], r)
                bar.update(len(b))
    finally:
        bar.close()
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------
# Building a corpus


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _default_out(root: Path) -> Path:
    tag = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return paths.cache_dir() / "corpora" / f"{root.name}-{tag}"


def build(
    path: str | os.PathLike[str] | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int = 100,
    rebuild: bool = False,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
    **params,
) -> Corpus:
    """Build the tables of a corpus into a parquet dataset and return the :class:`Corpus`.

    The corpus is listed into an on-disk index (:func:`newslens.corpus.scan`) and streamed from
    it in batches, so the main process holds the same few MiB whatever the corpus size: cache
    keys, the store's contents and the plan of what to process are SQLite tables next to the
    listing, not Python objects.

    Args:
        path: the corpus folder (None = the embedded sample corpus).
        out: where to write the tables (a folder per table); default a folder under the cache.
        engine: ``local`` (process pool, the default) or ``dask``.
        workers: worker processes (default: all cores for large corpora, 1 for small ones).
        scheduler: with ``engine="dask"``, the address of a running scheduler
            (``tcp://host:8786``); None starts a LocalCluster with ``workers`` processes.
        batch_size: articles per batch (one parquet part per table per batch).
        rebuild: process every article again even if the store has it.
        progress: show a progress bar.
        store: the content-addressed part store (default ``<cache>/store``); must be a folder
            every worker can reach (a shared filesystem for a real cluster).
        **params: :class:`BuildParams` fields.

    Returns:
        The built corpus; its tables are read lazily and sorted by their documented keys.

    Raises:
        ValueError: an unknown engine or parameter (the message lists the valid ones).
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', got {engine!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    valid = set(BuildParams.__dataclass_fields__)
    unknown = sorted(set(params) - valid)
    if unknown:
        raise ValueError(f"unknown build parameter(s) {unknown}; valid: {sorted(valid)}")
    bparams = BuildParams(**params)
    with scan(path) as found:
        return _build(
            found,
            bparams,
            out=out,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            batch_size=batch_size,
            rebuild=rebuild,
            progress=progress,
            store=store,
        )


def _key_documents(found: DiscoveryIndex, params: BuildParams) -> tuple[str, str]:
    """Key every document into the index (table ``keys``); return (corpus key, corpus hash).

    The corpus key hashes the sorted document keys, the manifest and the skipped rows; the
    corpus hash is :func:`newslens.corpus.corpus_hash`, computed in the same pass.
    """
    db = found.db
    settings = settings_hash(params)
    db.execute("CREATE TABLE keys(seq INTEGER PRIMARY KEY, key TEXT NOT NULL)")
    chash = hashlib.sha256(found.manifest_hash.encode())
    rows: list[tuple[int, str]] = []

    def flush() -> None:
        with db:
            db.executemany("INSERT INTO keys VALUES (?, ?)", rows)
        rows.clear()

    for seq, doc in found.documents(with_seq=True):
        rows.append((seq, doc_key(doc, params, settings=settings)))
        chash.update(hash_entry(doc))
        if len(rows) >= 1000:
            flush()
    flush()
    db.execute("CREATE INDEX keys_key ON keys(key)")
    ckey = hashlib.sha256(f"{FORMAT_VERSION}|{found.manifest_hash}".encode())
    for (k,) in db.execute("SELECT DISTINCT key FROM keys ORDER BY key"):
        ckey.update(k.encode() + b"\n")
    for s in found.skipped():
        ckey.update(json.dumps(asdict(s)).encode())
    return ckey.hexdigest()[:32], chash.hexdigest()[:16]


def _index_store(db, store_dir: Path) -> None:
    """Table ``stored(key, part)``: which part of the store already holds each key of this
    corpus (the store may hold other corpora: only this one's keys are kept)."""
    for kf in store_dir.glob("*/_keys.json"):
        try:
            part_keys = json.loads(kf.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        pid = kf.parent.name
        with db:
            db.executemany(
                "INSERT OR IGNORE INTO stored SELECT ?, ? "
                "WHERE EXISTS (SELECT 1 FROM keys WHERE key = ?)",
                ((k, pid, k) for k in part_keys if isinstance(k, str)),
            )


def _todo_batches(found: DiscoveryIndex, n_todo: int, size: int) -> Iterator[Batch]:
    """The documents to process, in article id order, ``size`` at a time."""
    for lo in range(1, n_todo + 1, size):
        rows = found.db.execute(
            "SELECT d.doc, k.key FROM todo t JOIN docs d ON d.seq = t.seq "
            "JOIN keys k ON k.seq = t.seq WHERE t.n BETWEEN ? AND ? ORDER BY t.n",
            (lo, lo + size - 1),
        ).fetchall()
        yield [(found.unpack(doc), key) for doc, key in rows]


def _build(
    found: DiscoveryIndex,
    bparams: BuildParams,
    *,
    out,
    engine: str,
    workers: int | None,
    scheduler: str | None,
    batch_size: int,
    rebuild: bool,
    progress: bool,
    store,
) -> Corpus:
    root = found.root
    db = found.db
    store_dir = Path(store) if store else paths.cache_dir() / "store"
    store_dir.mkdir(parents=True, exist_ok=True)
    out_dir = Path(out).expanduser().resolve() if out else _default_out(root)
    corpus_key, chash_s = _key_documents(found, bparams)

    manifest_path = out_dir / "_corpus.json"
    if not rebuild and manifest_path.is_file():
        try:
            done = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError):
            done = {}
        if done.get("key") == corpus_key and all((out_dir / t).is_dir() for t in TABLES):
            return Corpus(root=root, tables_dir=out_dir, key=corpus_key, hash=chash_s)

    # Which parts already hold which keys, and what is left to process (in id order).
    db.executescript(
        """
        CREATE TABLE stored(key TEXT PRIMARY KEY, part TEXT NOT NULL);
        CREATE TABLE todo(n INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
        """
    )
    if not rebuild:
        _index_store(db, store_dir)
    with db:
        db.execute(
            "INSERT INTO todo(seq) SELECT k.seq FROM keys k JOIN docs d ON d.seq = k.seq "
            "WHERE k.key NOT IN (SELECT key FROM stored) ORDER BY d.aid, d.seq"
        )
    (n_todo,) = db.execute("SELECT count(*) FROM todo").fetchone()
    started = time.perf_counter()
    if n_todo:
        if workers is None:
            workers = (os.cpu_count() or 1) if n_todo >= 4 * batch_size else 1
        n_batches = -(-n_todo // batch_size)
        made: list[tuple[str, str]] = []

        def record(keys: list[str], result: dict) -> None:
            pid = part_id(keys)
            if result.get("part") != pid:  # every engine returns one result per batch
                raise RuntimeError(f"build: no result for part {pid}; run the build again")
            made.extend((k, pid) for k in keys)
            if len(made) >= 1000:
                save()

        def save() -> None:
            with db:
                db.executemany("INSERT OR REPLACE INTO stored VALUES (?, ?)", made)
            made.clear()

        batches = _todo_batches(found, n_todo, batch_size)
        if engine == "dask":
            _run_dask(
                batches,
                n_todo,
                bparams,
                str(store_dir),
                workers,
                progress,
                scheduler,
                record,
            )
        else:
            _run_local(
                batches, n_batches, n_todo, bparams, str(store_dir), workers, progress, record
            )
        save()
    elapsed = time.perf_counter() - started
    (missing,) = db.execute(
        "SELECT count(*) FROM keys WHERE key NOT IN (SELECT key FROM stored)"
    ).fetchone()
    if missing:
        raise RuntimeError(
            f"build: {missing} articles have no part in {store_dir}; run the build again"
        )

    # Assemble the dataset: hard links to whole parts, filtered copies of partly used ones.
    # A private temporary folder: two builds of the same corpus at once (two notebooks in
    # JupyterLab, say) must not write into each other's half-built dataset.
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    for t in TABLES:
        (tmp_out / t).mkdir(parents=True)
    n_parts = 0
    rows = db.execute("SELECT part, key FROM stored ORDER BY part, key")  # this corpus' keys only
    for pid, group in itertools.groupby(rows, key=lambda r: r[0]):
        pkeys = [k for _, k in group]
        n_parts += 1
        part_keys = set(json.loads((store_dir / pid / "_keys.json").read_text()))
        whole = part_keys == set(pkeys)
        for t in TABLES:
            src = store_dir / pid / f"{t}.parquet"
            dst = tmp_out / t / f"part-{pid}.parquet"
            if whole:
                _link(src, dst)
            else:
                tbl = pq.read_table(src)
                mask = pa.compute.is_in(tbl["_doc_key"], value_set=pa.array(pkeys))
                pq.write_table(tbl.filter(mask), dst, compression="zstd")
    _write_skipped(found, tmp_out / "skipped" / "part-discovery.parquet")
    info = {
        "key": corpus_key,
        "hash": chash_s,
        "root": str(root),
        "articles": found.n_documents,
        "parts": n_parts,
        "params": asdict(bparams),
        # what the cached attributions and frames were made with, so quotes.table and
        # framing.tag_sentences can tell whether they may reuse them
        "codebooks": codebook_hashes(bparams),
        "lexicons": {
            "roles": _file_hash(bparams.roles or str(paths.PACKAGE_DATA / "roles.yml")),
            "verbs": _file_hash(bparams.verbs or str(paths.PACKAGE_DATA / "reporting_verbs.yml")),
        },
        "version": newslens.__version__,
        "processed": n_todo,
        "seconds": round(elapsed, 3),
        "engine": engine,
    }
    (tmp_out / "_corpus.json").write_text(json.dumps(info, indent=2, sort_keys=True))
    _swap_in(tmp_out, out_dir, corpus_key)
    return Corpus(root=root, tables_dir=out_dir, key=corpus_key, hash=chash_s)


def _write_skipped(found: DiscoveryIndex, dst: Path) -> None:
    """The discovery's skipped rows as one parquet file, written a chunk at a time."""
    with pq.ParquetWriter(dst, SCHEMAS["skipped"]) as writer:
        chunk = _Columns()
        n = 0
        for s in itertools.chain(found.skipped(), [None]):
            if s is not None:
                chunk.add("skipped", _doc_key="", **asdict(s))
                n += 1
            if n and (s is None or n >= 10000):
                writer.write_table(chunk.to_arrow("skipped"))
                chunk, n = _Columns(), 0


def _swap_in(new: Path, out_dir: Path, key: str) -> None:
    """Replace ``out_dir`` by the complete dataset ``new``; the old one goes only after that.

    When another build of the same folder swaps its dataset in at the same moment, the first one
    wins; identical inputs give identical tables, so the loser only checks the key matches.
    """
    old = new.with_suffix(".old")
    try:
        os.rename(out_dir, old)
    except FileNotFoundError:
        pass
    try:
        os.rename(new, out_dir)
    except OSError:
        shutil.rmtree(new, ignore_errors=True)
        try:
            theirs = json.loads((out_dir / "_corpus.json").read_text()).get("key")
        except (OSError, ValueError):
            theirs = None
        if theirs != key:
            raise RuntimeError(
                f"another build with other inputs or parameters wrote {out_dir} at the same time; "
                "run the build again, or give each build its own out="
            ) from None
    finally:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Reading a built dataset


def _read_parts(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    files = sorted(folder.glob("part-*.parquet"))
    if not files:
        raise FileNotFoundError(f"{folder} holds no parquet parts; rebuild the corpus")
    tables = [pq.read_table(f, columns=columns) for f in files]
    return pa.concat_tables(tables, promote_options="default").to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype()}.get
    )


def _duplicates(arts: pd.DataFrame) -> pd.Series:
    """``duplicate_of`` for each article: the first (by id) article with the same bytes or body."""
    dup = pd.Series([None] * len(arts), index=arts.index, dtype=object)
    for col in ("content_hash", "body_hash"):
        first = arts.groupby(col, sort=False)["article_id"].transform("first")
        hit = (first != arts["article_id"]) & dup.isna()
        dup[hit] = first[hit]
    return dup


def read_table(tables_dir: Path, name: str) -> pd.DataFrame:
    """Read one table of a built dataset, sorted by its documented keys."""
    if name == "articles":
        df = _read_parts(tables_dir / "articles")
        df = df.sort_values("article_id", kind="stable").reset_index(drop=True)
        df["duplicate_of"] = _duplicates(df)
        meta = [json.loads(m) if m else {} for m in df.pop("meta")]
        extra = sorted({k for m in meta for k in m})
        for k in extra:
            if k not in df.columns:
                df[k] = [m.get(k) for m in meta]
        for c in ("n_paragraphs", "n_sentences", "n_words", "n_removed", "n_quotes"):
            df[c] = df[c].astype("int64")
        return df.drop(columns=["_doc_key"])
    if name == "skipped":
        df = _read_parts(tables_dir / "skipped")
        arts = read_table(tables_dir, "articles")
        dups = arts[arts["duplicate_of"].notna()]
        extra = pd.DataFrame(
            {
                "_doc_key": "",
                "file": dups["file"],
                "line": pd.array(dups["row"], dtype="Int64"),
                "reason": "duplicate",
                "detail": [
                    f"{f}: article '{a}' repeats article '{d}'; kept and flagged (duplicate_of)"
                    for f, a, d in zip(dups["file"], dups["article_id"], dups["duplicate_of"])
                ],
                "kept": True,
            }
        )
        df = pd.concat([df, extra], ignore_index=True) if len(extra) else df
        df["kept"] = df["kept"].astype(bool)
    else:
        df = _read_parts(tables_dir / name)
    df = df.drop(columns=["_doc_key"])
    keys = SORT_KEYS[name]
    df = df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)
    if name in ("sentences", "terms"):
        df["in_quote"] = df["in_quote"].astype(bool)
    if name == "attributions":
        df["is_speech"] = df["is_speech"].astype(bool)
        df["quote_id"] = df["quote_id"].astype("int64")
    for c in df.columns:
        if isinstance(df[c].dtype, pd.Int64Dtype) and c not in ("quote_id", "line", "row"):
            df[c] = df[c].astype("int64")
    return df


def term_totals(corpus: Corpus, *, by: str = "outlet", include_quotes: bool = True) -> pd.DataFrame:
    """Term counts summed per outlet, reading one part at a time (memory stays bounded).

    Returns:
        DataFrame with columns ``[by, term, count]`` sorted by (by, term).
    """
    if corpus.tables_dir is None:
        t = corpus.terms if include_quotes else corpus.terms[~corpus.terms["in_quote"]]
        return t.groupby([by, "term"], sort=True)["count"].sum().reset_index()
    total: Counter[tuple[str, str]] = Counter()
    for f in sorted((corpus.tables_dir / "terms").glob("part-*.parquet")):
        t = pq.read_table(f, columns=[by, "term", "in_quote", "count"]).to_pandas()
        if not include_quotes:
            t = t[~t["in_quote"]]
        g = t.groupby([by, "term"], sort=False)["count"].sum()
        total.update(dict(g.items()))
    rows = sorted((k[0], k[1], v) for k, v in total.items())
    return pd.DataFrame(rows, columns=[by, "term", "count"])


# --------------------------------------------------------------------------------------------
# Reusing the build's attributions and frame tags at analysis time


def cached_attributions(
    corpus: Corpus, roles: str | os.PathLike[str] | None, verbs: str | os.PathLike[str] | None
) -> pd.DataFrame | None:
    """The build's ``attributions`` table when it was made with these lexicons, else None.

    The lexicons are compared by content (sha256), so an edited ``roles.yml`` is never served
    from a stale build. The table is the corpus' own (already restricted by ``select``).
    """
    info = corpus.build_info
    if not info.get("params", {}).get("attribution") or "lexicons" not in info:
        return None
    want = {
        "roles": _file_hash(
            str(Path(roles).expanduser().resolve())
            if roles
            else str(paths.PACKAGE_DATA / "roles.yml")
        ),
        "verbs": _file_hash(
            str(Path(verbs).expanduser().resolve())
            if verbs
            else str(paths.PACKAGE_DATA / "reporting_verbs.yml")
        ),
    }
    if want != info["lexicons"]:
        return None
    return corpus.attributions


def cached_frames(corpus: Corpus, codebook) -> pd.DataFrame | None:
    """The build's frame tags for ``codebook`` (a loaded Codebook) when the build tagged with
    exactly this file content, else None. Columns and order as ``framing.tag_sentences``."""
    info = corpus.build_info
    if info.get("codebooks", {}).get(codebook.name) != _file_hash(codebook.path):
        return None
    f = corpus.frames
    out = f[f["codebook"] == codebook.name].drop(columns="codebook").reset_index(drop=True)
    return out[["article_id", "outlet", "sentence", "frame", "evidence", "start", "end"]]
