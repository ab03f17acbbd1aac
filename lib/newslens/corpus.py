"""Reading a corpus: a folder of article files plus an optional manifest, and its tables.

A corpus is a folder. It may hold a manifest ``articles.csv`` at its root with at least the
columns ``file`` (a path relative to the folder) and ``outlet``; every other column is optional
and carried through to the ``articles`` table (``id`` names the article, ``published`` and
``date_source`` give its date, ``url``, ``owner``, ``notes`` ...). Article files may be:

* ``.txt`` plain-text page dumps (cleaned by :mod:`newslens.clean`),
* ``.html`` / ``.htm`` pages (article extracted, then cleaned),
* ``.jsonl`` / ``.json`` / ``.csv`` exports with a text column (``text``, ``body``, ``content``
  ...) and metadata columns (``outlet``, ``headline``/``title``, ``published``/``date``, ``id``,
  ``url``); one article per row. The manifest itself is never read as an export.

Bad input never crashes a build and is never dropped silently: every problem becomes a row of
the ``skipped`` table (file, line, reason, detail, kept) and a warning.

>>> import newslens
>>> corpus = newslens.load_corpus()          # the embedded sample corpus
>>> sorted(corpus.articles.outlet)[:2]
['Daily Mail', 'Daily Mirror']
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from newslens import paths

MANIFEST = "articles.csv"
TEXT_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html"}
EXPORT_SUFFIXES = {".jsonl": "jsonl", ".json": "json", ".csv": "csv"}
# Folders and files inside a corpus folder that are never articles.
IGNORED_DIRS = {"processed", "reports", "__pycache__", "node_modules"}
IGNORED_NAMES = {MANIFEST, "readme.md", "readme.txt", "readme", "license", "license.txt"}

# Export column names, first match wins (case-insensitive).
TEXT_COLUMNS = ("text", "body", "content", "article", "full_text", "maintext", "article_text")
HEADLINE_COLUMNS = ("headline", "title")
OUTLET_COLUMNS = ("outlet", "source", "publication", "media", "site", "publisher")
DATE_COLUMNS = ("published", "date", "publish_date", "pubdate", "date_published")
ID_COLUMNS = ("id", "article_id", "doc_id", "uid")

UNKNOWN_OUTLET = "unknown"


class ManifestError(ValueError):
    """The manifest cannot be used at all (e.g. a required column is missing)."""


@dataclass(frozen=True)
class Document:
    """One article to process: where it is and what the manifest says about it.

    Plain files are read by the worker that processes them (``text`` is None); rows of exports
    carry their text.
    """

    article_id: str
    file: str  # relative to the corpus root, POSIX separators
    format: str  # txt | html | jsonl | json | csv
    content_hash: str
    meta: tuple[tuple[str, str], ...] = ()
    row: int | None = None  # 1-based line (jsonl) or data row (csv/json) of an export
    text: str | None = None
    path: str | None = None  # absolute path of a plain file

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.meta)


@dataclass(frozen=True)
class Skip:
    """A row of the ``skipped`` table."""

    file: str
    line: int | None
    reason: str
    detail: str
    kept: bool = False


@dataclass
class Discovery:
    """What a corpus folder holds: documents to process and problems found on the way."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    manifest_hash: str = ""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _warn(message: str) -> None:
    print(f"newslens: warning: {message}", file=sys.stderr)


def _read_manifest(root: Path) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """Rows of ``articles.csv`` with their line numbers, and the manifest's hash."""
    path = root / MANIFEST
    raw = path.read_bytes()
    from newslens.textio import DecodeError, read_text

    try:
        text = read_text(raw, source=str(path))
    except DecodeError as exc:
        raise ManifestError(str(exc)) from exc
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None:
        raise ManifestError(
            f"{path}: the manifest is empty; it needs a header row with 'file' and 'outlet'"
        )
    names = [n.strip() for n in reader.fieldnames]
    missing = [c for c in ("file", "outlet") if c not in names]
    if missing:
        raise ManifestError(
            f"{path}: line 1: missing column(s) {', '.join(missing)}; the manifest needs at least "
            f"'file' (path relative to {root}) and 'outlet' (found: {', '.join(names)})"
        )
    rows = []
    for i, row in enumerate(reader, start=2):
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        rows.append((reader.line_num if reader.line_num else i, clean))
    return rows, _sha256(raw)


def _inside(root: str, rel: str, real_dirs: dict[str, str]) -> str | None:
    """The real path a manifest path points to, or None when it escapes the corpus folder.

    Symlinks are resolved (a link may not lead out of the folder); directories are resolved
    once each, which keeps this cheap for manifests of 100,000 rows.
    """
    rel = rel.replace("\\", "/")
    if not rel or os.path.isabs(rel) or rel.startswith("/"):
        return None
    joined = os.path.normpath(os.path.join(root, rel))
    folder, name = os.path.split(joined)
    real = real_dirs.get(folder)
    if real is None:
        real = real_dirs[folder] = os.path.realpath(folder)
    candidate = os.path.join(real, name)
    if os.path.islink(candidate):
        candidate = os.path.realpath(candidate)
    if not candidate.startswith(root + os.sep):
        return None
    return candidate


def _walk(root: str) -> Iterator[tuple[str, str]]:
    """(absolute path, POSIX path relative to root) of every file below root that could be an
    article, sorted, skipping hidden and output folders."""
    cut = len(root) + 1
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith((".", "_")) and d not in IGNORED_DIRS
        )
        at_root = dirpath == root
        for name in sorted(filenames):
            if name.startswith((".", "_")) or (at_root and name.lower() in IGNORED_NAMES):
                continue
            full = os.path.join(dirpath, name)
            yield full, full[cut:].replace(os.sep, "/")


class _HashCache:
    """sha256 of corpus files keyed by (size, mtime_ns), like git's index: a rerun over an
    unchanged corpus of 100,000 files reads none of them. Stored under the cache folder; a
    read-only cache just means every file is hashed."""

    def __init__(self, root: str) -> None:
        tag = hashlib.sha256(root.encode()).hexdigest()[:16]
        self.path = paths.cache_dir() / "hashes" / f"{tag}.json"
        try:
            self.entries: dict[str, list] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}
        self.seen: dict[str, list] = {}

    def sha256(self, full: str, rel: str) -> str:
        st = os.stat(full)
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            self.seen[rel] = hit
            return hit[2]
        with open(full, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.seen[rel] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        if self.seen == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.seen, separators=(",", ":")))
            os.replace(tmp, self.path)
        except OSError:
            pass


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): k for k in row}
    for name in names:
        if name in lowered:
            value = row[lowered[name]]
            if value is not None and str(value).strip():
                return str(value)
    return None


def _export_rows(
    path: Path, fmt: str
) -> Iterator[tuple[int, dict[str, object] | None, str | None]]:
    """(row number, record or None, error) for each record of a jsonl/json/csv export."""
    from newslens.textio import DecodeError, read_text

    try:
        text = read_text(path.read_bytes(), source=str(path))
    except DecodeError as exc:
        yield 0, None, str(exc)
        return
    if fmt == "jsonl":
        for n, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield (
                    n,
                    None,
                    f"{path.name}: line {n}: not valid JSON ({exc.msg}); fix or remove the line",
                )
                continue
            if not isinstance(record, dict):
                yield (
                    n,
                    None,
                    f"{path.name}: line {n}: expected a JSON object, got {type(record).__name__}",
                )
                continue
            yield n, record, None
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield exc.lineno, None, f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})"
            return
        records = (
            data
            if isinstance(data, list)
            else data.get("articles")
            if isinstance(data, dict)
            else None
        )
        if not isinstance(records, list):
            yield (
                0,
                None,
                f"{path.name}: expected a JSON list of article objects (or {{'articles': [...]}})",
            )
            return
        for n, record in enumerate(records, start=1):
            if isinstance(record, dict):
                yield n, record, None
            else:
                yield (
                    n,
                    None,
                    f"{path.name}: item {n}: expected an object, got {type(record).__name__}",
                )
    else:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        reader = csv.DictReader(text.splitlines(keepends=True))
        for record in reader:
            yield reader.line_num, dict(record), None


def _export_documents(
    root: Path, path: Path, fmt: str, manifest_meta: dict[str, str] | None, out: Discovery
) -> None:
    rel = _rel(path, root)
    base_outlet = (manifest_meta or {}).get("outlet") or None
    text_col_seen = False
    for row, record, error in _export_rows(path, fmt):
        if error:
            out.skipped.append(
                Skip(rel, row or None, "bad-record" if row else "undecodable", error)
            )
            continue
        assert record is not None
        text = _pick({k: v for k, v in record.items() if isinstance(v, str)}, TEXT_COLUMNS)
        if text is None:
            if not text_col_seen:
                cols = ", ".join(sorted(record))
                detail = (
                    f"{rel}: row {row}: no text column; name it one of {', '.join(TEXT_COLUMNS)} "
                    f"(found: {cols})"
                )
            else:
                detail = f"{rel}: row {row}: the text is empty"
            out.skipped.append(Skip(rel, row, "empty", detail))
            continue
        text_col_seen = True
        flat = {
            str(k): (
                "" if v is None else v if isinstance(v, str) else json.dumps(v, sort_keys=True)
            )
            for k, v in record.items()
        }
        meta: dict[str, str] = {}
        if manifest_meta:
            meta.update({k: v for k, v in manifest_meta.items() if k not in ("file", "id")})
        outlet = _pick(flat, OUTLET_COLUMNS) or base_outlet or UNKNOWN_OUTLET
        headline = _pick(flat, HEADLINE_COLUMNS)
        published = _pick(flat, DATE_COLUMNS)
        url = _pick(flat, ("url", "link"))
        meta["outlet"] = outlet
        if headline:
            meta["headline"] = headline
        if published:
            meta["published"] = published
            meta.setdefault("date_source", "export")
        if url:
            meta["url"] = url
        rid = _pick(flat, ID_COLUMNS)
        article_id = rid if rid else f"{rel}#{row}"
        content_hash = _sha256(
            json.dumps([text, sorted(meta.items())], ensure_ascii=False).encode()
        )
        out.documents.append(
            Document(
                article_id=article_id,
                file=rel,
                format=fmt,
                content_hash=content_hash,
                meta=tuple(sorted(meta.items())),
                row=row,
                text=text,
            )
        )


def discover(path: str | os.PathLike[str] | None = None) -> Discovery:
    """List the documents of a corpus folder and everything that could not be used.

    Args:
        path: the corpus folder; None means the embedded sample corpus.

    Raises:
        FileNotFoundError: the folder does not exist.
        ManifestError: the manifest exists but lacks ``file`` or ``outlet``.
    """
    root = Path(path).expanduser().resolve() if path is not None else paths.sample_corpus()
    if not root.is_dir():
        if root.is_file():
            raise NotADirectoryError(
                f"{root} is a file; a corpus is a folder of articles (to clean one file use "
                "`newslens clean FILE`)"
            )
        raise FileNotFoundError(
            f"corpus folder {root} does not exist; pass the folder holding your articles"
        )
    out = Discovery(root=root)
    root_s = str(root)
    manifest: dict[str, tuple[int, dict[str, str]]] = {}
    if (root / MANIFEST).is_file():
        rows, out.manifest_hash = _read_manifest(root)
        seen_ids: dict[str, int] = {}
        real_dirs: dict[str, str] = {}
        for line, row in rows:
            rel = row.get("file", "")
            target = _inside(root_s, rel, real_dirs)
            if not rel:
                out.skipped.append(
                    Skip(
                        MANIFEST,
                        line,
                        "missing-file",
                        f"{MANIFEST}: line {line}: the 'file' cell is empty",
                    )
                )
                continue
            if target is None:
                out.skipped.append(
                    Skip(
                        rel,
                        line,
                        "outside-corpus",
                        f"{MANIFEST}: line {line}: refused '{rel}': it points outside the corpus folder "
                        f"{root}; copy the file into the folder and give a relative path",
                    )
                )
                continue
            if not os.path.isfile(target):
                out.skipped.append(
                    Skip(
                        rel,
                        line,
                        "missing-file",
                        f"{MANIFEST}: line {line}: file '{rel}' does not exist in {root}",
                    )
                )
                continue
            key = target[len(root_s) + 1 :].replace(os.sep, "/")
            aid = row.get("id") or key
            if key in manifest or aid in seen_ids:
                first = manifest[key][0] if key in manifest else seen_ids[aid]
                out.skipped.append(
                    Skip(
                        key,
                        line,
                        "duplicate-row",
                        f"{MANIFEST}: line {line}: '{key}' (id '{aid}') is already listed on line {first}; row ignored",
                    )
                )
                continue
            seen_ids[aid] = line
            manifest[key] = (line, row)
    hashes = _HashCache(root_s)
    for full, rel in _walk(root_s):
        suffix = os.path.splitext(rel)[1].lower()
        listed = manifest.get(rel)
        if os.path.islink(full) and not os.path.realpath(full).startswith(root_s + os.sep):
            out.skipped.append(
                Skip(
                    rel,
                    None,
                    "outside-corpus",
                    f"{rel}: refused: a symbolic link to {os.path.realpath(full)}, outside the corpus folder; copy the file in instead",
                )
            )
            continue
        if suffix in EXPORT_SUFFIXES:
            _export_documents(
                root, Path(full), EXPORT_SUFFIXES[suffix], listed[1] if listed else None, out
            )
            continue
        if suffix not in TEXT_SUFFIXES:
            out.skipped.append(
                Skip(
                    rel,
                    None,
                    "unsupported-type",
                    f"{rel}: '{suffix or 'no extension'}' is not an article format (.txt, .html, .htm, .jsonl, .json, .csv)",
                )
            )
            continue
        meta: dict[str, str]
        if listed:
            meta = {k: v for k, v in listed[1].items() if k not in ("file", "id") and v != ""}
            aid = listed[1].get("id") or rel
        else:
            meta = {"outlet": UNKNOWN_OUTLET}
            aid = rel
            if manifest or out.manifest_hash:
                out.skipped.append(
                    Skip(
                        rel,
                        None,
                        "not-in-manifest",
                        f"{rel}: not listed in {MANIFEST}; kept with outlet 'unknown' (add a row to name its outlet)",
                        kept=True,
                    )
                )
        out.documents.append(
            Document(
                article_id=aid,
                file=rel,
                format=TEXT_SUFFIXES[suffix],
                content_hash=hashes.sha256(full, rel),
                meta=tuple(sorted(meta.items())),
                path=full,
            )
        )
    hashes.save()
    ids: dict[str, int] = {}
    for i, doc in enumerate(out.documents):
        if doc.article_id in ids:
            # Two export rows (or a row and a file) share an id: keep both, make the id unique.
            new_id = f"{doc.article_id}@{doc.file}#{doc.row or 0}"
            out.skipped.append(
                Skip(
                    doc.file,
                    doc.row,
                    "duplicate-id",
                    f"{doc.file}: id '{doc.article_id}' is used twice; renamed to '{new_id}'",
                    kept=True,
                )
            )
            out.documents[i] = Document(**{**doc.__dict__, "article_id": new_id})
        ids[out.documents[i].article_id] = i
    out.documents.sort(key=lambda d: d.article_id)
    out.skipped.sort(key=lambda s: (s.file, s.line if s.line is not None else -1, s.reason))
    for s in out.skipped:
        _warn(s.detail)
    return out


def corpus_hash(path: str | os.PathLike[str] | None = None) -> str:
    """A short hash of a corpus' contents: every document's id, metadata and bytes, and the manifest.

    Two folders with the same articles and manifest have the same hash wherever they live.
    """
    found = discover(path)
    h = hashlib.sha256(found.manifest_hash.encode())
    for doc in found.documents:
        h.update(
            json.dumps([doc.article_id, doc.file, doc.row, doc.content_hash, doc.meta]).encode()
        )
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# The Corpus object

TABLES = (
    "articles",
    "sentences",
    "quotes",
    "attributions",
    "frames",
    "terms",
    "removed",
    "skipped",
)
SORT_KEYS = {
    "articles": ["article_id"],
    "sentences": ["article_id", "sentence"],
    "quotes": ["article_id", "quote_id"],
    "attributions": ["article_id", "quote_id"],
    # rows of one sentence keep the order the tagger gave them (frame in codebook order, start)
    "frames": ["codebook", "article_id", "sentence"],
    "terms": ["article_id", "term", "in_quote"],
    "removed": ["article_id", "line"],
    "skipped": ["file", "line", "reason"],
}


class Corpus:
    """The tidy tables of a corpus (see ``docs/architecture.md`` for every column).

    Tables load lazily from the build's parquet dataset and are sorted by their documented keys.

    Attributes:
        root: the corpus folder.
        key: hash of the inputs and parameters the tables were built from.
        hash: :func:`corpus_hash` of the folder.
    """

    def __init__(self, *, root: Path, tables_dir: Path | None, key: str, hash: str, frames=None):
        self.root = root
        self.tables_dir = tables_dir
        self.key = key
        self.hash = hash
        self._frames: dict[str, pd.DataFrame] = dict(frames or {})

    def __repr__(self) -> str:
        return (
            f"Corpus(root={str(self.root)!r}, articles={len(self.articles)}, key={self.key[:12]!r})"
        )

    def table(self, name: str) -> pd.DataFrame:
        """One table by name (``articles``, ``sentences``, ``quotes``, ``attributions``,
        ``frames``, ``terms``, ``removed``, ``skipped``)."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
        if name not in self._frames:
            from newslens.build import read_table

            assert self.tables_dir is not None
            self._frames[name] = read_table(self.tables_dir, name)
        return self._frames[name]

    articles = property(lambda self: self.table("articles"))
    sentences = property(lambda self: self.table("sentences"))
    quotes = property(lambda self: self.table("quotes"))
    attributions = property(lambda self: self.table("attributions"))
    frames = property(lambda self: self.table("frames"))
    terms = property(lambda self: self.table("terms"))
    removed = property(lambda self: self.table("removed"))
    skipped = property(lambda self: self.table("skipped"))

    @property
    def build_info(self) -> dict:
        """What the build recorded in ``_corpus.json`` (parameters, codebook hashes, timing);
        empty for a corpus that was not built to disk, or whose folder another build (other
        parameters) has replaced since, so nothing is reused from a dataset it did not read."""
        if self.tables_dir is None:
            return {}
        try:
            info = json.loads((self.tables_dir / "_corpus.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return info if info.get("key") == self.key else {}

    @property
    def outlets(self) -> list[str]:
        """The outlets in the corpus, sorted."""
        return sorted(self.articles["outlet"].unique())

    def select(self, outlets: list[str] | None = None, *, drop_duplicates: bool = True) -> Corpus:
        """A corpus restricted to some outlets, without flagged duplicate articles by default.

        Args:
            outlets: outlet names to keep; None or empty keeps all.
            drop_duplicates: drop articles whose ``duplicate_of`` is set.

        Raises:
            ValueError: an outlet that is not in the corpus (the message lists those that are).
        """
        arts = self.articles
        if outlets:
            unknown = sorted(set(outlets) - set(arts["outlet"]))
            if unknown:
                raise ValueError(
                    f"outlets {unknown} are not in the corpus at {self.root}; it has: {', '.join(self.outlets)}"
                )
            arts = arts[arts["outlet"].isin(outlets)]
        if drop_duplicates and "duplicate_of" in arts:
            arts = arts[arts["duplicate_of"].isna()]
        ids = set(arts["article_id"])
        frames = {"articles": arts.reset_index(drop=True), "skipped": self.skipped}
        for name in ("sentences", "quotes", "attributions", "frames", "terms", "removed"):
            t = self.table(name)
            frames[name] = t[t["article_id"].isin(ids)].reset_index(drop=True)
        return Corpus(
            root=self.root, tables_dir=self.tables_dir, key=self.key, hash=self.hash, frames=frames
        )

    def summary(self) -> pd.DataFrame:
        """Articles, sentences, words and quote share per outlet, sorted by outlet."""
        arts = self.articles
        g = arts.groupby("outlet", sort=True)
        out = pd.DataFrame(
            {
                "articles": g.size(),
                "sentences": g["n_sentences"].sum(),
                "words": g["n_words"].sum(),
                "removed_lines": g["n_removed"].sum(),
                "quoted_share": g.apply(
                    lambda d: (d["quoted_share"] * d["n_words"]).sum() / max(d["n_words"].sum(), 1),
                    include_groups=False,
                ),
            }
        )
        return out.reset_index()


def load_corpus(
    path: str | os.PathLike[str] | None = None,
    *,
    engine: str = "local",
    workers: int | None = None,
    rebuild: bool = False,
    progress: bool = False,
    **params,
) -> Corpus:
    """Build (or read from the cache) the tables of a corpus.

    Args:
        path: the corpus folder; None or "" means the embedded sample corpus.
        engine: ``local`` (process pool) or ``dask``; see :func:`newslens.build.build`.
        workers: worker processes; None picks a sensible number for the corpus size.
        rebuild: ignore cached per-article results.
        progress: show a progress bar.
        **params: build parameters (see :class:`newslens.build.BuildParams`).

    Returns:
        The :class:`Corpus`; tables are cached under ``data/processed/`` keyed by a hash of the
        inputs, the parameters and the library version, so reruns are instant and identical.
    """
    from newslens.build import build

    return build(
        path or None, engine=engine, workers=workers, rebuild=rebuild, progress=progress, **params
    )
