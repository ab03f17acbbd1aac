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

import codecs
import csv
import hashlib
import io
import json
import operator
import os
import pickle
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True, slots=True)
class Document:
    """One article to process: where it is and what the manifest says about it.

    Plain files are read by the worker that processes them. A row of a JSONL or CSV export is
    held as its place in the file (``span``: byte offset and length, ``column``: its text column),
    not its text, so discovering an export of a million rows does not keep a million texts in
    memory; :attr:`text` reads it back. Rows that cannot be read back byte for byte (JSON arrays,
    UTF-16 files, rows whose line structure normalisation changes) keep their text in ``inline``.
    """

    article_id: str
    file: str  # relative to the corpus root, POSIX separators
    format: str  # txt | html | jsonl | json | csv
    content_hash: str
    meta: tuple[tuple[str, str], ...] = ()
    row: int | None = None  # 1-based line (jsonl) or data row (csv/json) of an export
    inline: str | None = None  # an export row's text, when it is held in memory
    path: str | None = None  # absolute path of the file
    span: tuple[int, int] | None = None  # (byte offset, byte length) of an export record
    column: str | int | None = None  # the record's text: a JSON key or a CSV column index
    encoding: str | None = None  # the export file's encoding, for reading ``span`` back

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.meta)

    @property
    def text(self) -> str | None:
        """An export row's text (read back from its file if need be); None for a plain file.

        Raises:
            RecordChanged: the file no longer holds the row that discovery saw there.
        """
        if self.inline is not None or self.span is None:
            return self.inline
        assert self.path is not None
        with open(self.path, "rb") as f:
            f.seek(self.span[0])
            chunk = f.read(self.span[1])
        text = _record_text(chunk, self.format, self.column, self.encoding or "utf-8")
        if text is None or _export_hash(text, self.meta) != self.content_hash:
            raise RecordChanged(
                f"{self.file}: row {self.row} changed after the corpus was listed; "
                "run the build again"
            )
        return text


class RecordChanged(ValueError):
    """An export file changed between discovery and reading one of its rows."""


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
    """What a corpus folder holds: documents to process and problems found on the way.

    The in-memory form, for small corpora and tests; a build lists the corpus into a
    :class:`DiscoveryIndex` on disk instead, which it streams in batches.
    """

    root: Path
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    manifest_hash: str = ""


_DOC_FIELDS = Document.__slots__
_CHUNK = 1000  # rows written to or read from the index at a time
# SQLite page cache of an index, in KiB: what listing a corpus holds in memory whatever its size
# (the rest of the index lives in a temporary file that SQLite deletes on close).
INDEX_CACHE_KIB = 8192


def _b(s: str) -> bytes:
    """A string as the bytes an index stores and sorts it by.

    SQLite compares BLOBs with memcmp, and UTF-8 bytes compare in code-point order, the order
    Python sorts ``str`` by; ``surrogatepass`` keeps the lone surrogates that undecodable file
    names carry (and that plain UTF-8 refuses) in that order too.
    """
    return s.encode("utf-8", "surrogatepass")


def _valid(s: str) -> str:
    """``s`` with every lone surrogate replaced by U+FFFD.

    Lone surrogates are what Python makes of a file name that is not UTF-8 (``os.walk``'s
    surrogateescape) and of a ``\\ud800`` escape in JSON; they cannot be hashed as UTF-8 or
    stored in parquet, so one such name or row would sink a whole batch.
    """
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


_fields_of = operator.attrgetter(*_DOC_FIELDS)


def _pack(doc: Document) -> bytes:
    return pickle.dumps(_fields_of(doc), protocol=5)


def _unpack(blob: bytes) -> Document:
    return Document(*pickle.loads(blob))


class DiscoveryIndex:
    """What a corpus folder holds, listed on disk: the streaming form of :class:`Discovery`.

    Documents, skipped rows and the manifest's rows go into a private temporary SQLite database
    rather than Python lists, so listing a corpus of a million articles holds the same few MiB
    as listing five: SQLite keeps at most :data:`INDEX_CACHE_KIB` of pages in memory, spills the
    rest (and its sorts) to a temporary file, and deletes that file when the index closes.
    Documents come back sorted by article id and skipped rows by (file, line, reason), the
    orders :func:`discover` gives; ties keep the order they were found in.

    Use it as a context manager (:func:`scan` returns one). ``db`` is open to the build, which
    keeps its cache keys in tables of its own next to ``docs`` (``seq``, ``aid``, ``doc``).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_hash = ""
        self.has_manifest = False
        # "" = a private on-disk database, removed by SQLite when the connection closes
        self.db = sqlite3.connect("")
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "temp_store=FILE",
            f"cache_size=-{INDEX_CACHE_KIB}",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(
            """
            CREATE TABLE docs(seq INTEGER PRIMARY KEY, aid BLOB NOT NULL, doc BLOB NOT NULL);
            CREATE TABLE skips(seq INTEGER PRIMARY KEY, file BLOB, line INTEGER, reason BLOB,
                               skip BLOB);
            CREATE TABLE mrows(rel BLOB, line INTEGER, aid BLOB, meta BLOB, row BLOB);
            """
        )
        self._docs: list[tuple[bytes, bytes]] = []
        self._skips: list[tuple] = []
        self.n_documents = 0
        self.n_skipped = 0

    def __enter__(self) -> DiscoveryIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- filling it

    def add(self, doc: Document) -> None:
        self._docs.append((_b(doc.article_id), _pack(doc)))
        self.n_documents += 1
        if len(self._docs) >= _CHUNK:
            self._flush()

    def skip(self, s: Skip) -> None:
        file, detail = _valid(s.file), _valid(s.detail)
        if (file, detail) != (s.file, s.detail):  # an undecodable name
            s = replace(s, file=file, detail=detail)
        line = s.line if s.line is not None else -1
        self._skips.append((_b(s.file), line, _b(s.reason), pickle.dumps(s, protocol=5)))
        self.n_skipped += 1
        if len(self._skips) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        with self.db:
            if self._docs:
                self.db.executemany("INSERT INTO docs(aid, doc) VALUES (?, ?)", self._docs)
            if self._skips:
                self.db.executemany(
                    "INSERT INTO skips(file, line, reason, skip) VALUES (?, ?, ?, ?)", self._skips
                )
        self._docs.clear()
        self._skips.clear()

    def _finish(self) -> None:
        """Make article ids unique (the first keeps its id), then index the sort orders."""
        self._flush()
        (dupes,) = self.db.execute(
            "SELECT EXISTS(SELECT 1 FROM docs GROUP BY aid HAVING count(*) > 1)"
        ).fetchone()
        if dupes:
            self._rename_duplicate_ids()
        self.db.executescript(
            """
            CREATE INDEX docs_order ON docs(aid, seq);
            CREATE INDEX skips_order ON skips(file, line, reason, seq);
            DROP TABLE IF EXISTS manifest;
            """
        )

    def _rename_duplicate_ids(self) -> None:
        # In the order documents were found: an id seen before is renamed, and the new id is
        # taken too (what a dict of ids did, on disk).
        self.db.execute("CREATE TEMP TABLE ids(aid BLOB PRIMARY KEY)")
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT seq, aid, doc FROM docs WHERE seq > ? ORDER BY seq LIMIT ?", (last, _CHUNK)
            ).fetchall()
            if not rows:
                break
            renamed = []
            for seq, aid, blob in rows:
                cur = self.db.execute("INSERT OR IGNORE INTO ids VALUES (?)", (aid,))
                if cur.rowcount == 0:
                    doc = _unpack(blob)
                    new_id = f"{doc.article_id}@{doc.file}#{doc.row or 0}"
                    self.skip(
                        Skip(
                            doc.file,
                            doc.row,
                            "duplicate-id",
                            f"{doc.file}: id '{doc.article_id}' is used twice; renamed to '{new_id}'",
                            kept=True,
                        )
                    )
                    doc = replace(doc, article_id=new_id)
                    renamed.append((_b(new_id), _pack(doc), seq))
                    self.db.execute("INSERT OR IGNORE INTO ids VALUES (?)", (_b(new_id),))
            with self.db:
                self.db.executemany("UPDATE docs SET aid = ?, doc = ? WHERE seq = ?", renamed)
            last = rows[-1][0]
        self.db.execute("DROP TABLE ids")
        self._flush()

    # -- reading it back

    def documents(self, *, with_seq: bool = False) -> Iterator:
        """Every document, sorted by article id (``(seq, document)`` pairs with ``with_seq``;
        ``seq`` is the document's row in ``docs``)."""
        cur = self.db.execute("SELECT seq, doc FROM docs ORDER BY aid, seq")
        while rows := cur.fetchmany(_CHUNK):
            for seq, blob in rows:
                yield (seq, _unpack(blob)) if with_seq else _unpack(blob)

    def skipped(self) -> Iterator[Skip]:
        """Every skipped row, sorted by (file, line, reason)."""
        cur = self.db.execute("SELECT skip FROM skips ORDER BY file, line, reason, seq")
        while rows := cur.fetchmany(_CHUNK):
            for (blob,) in rows:
                yield pickle.loads(blob)

    @staticmethod
    def unpack(blob: bytes) -> Document:
        """The document stored as ``docs.doc``."""
        return _unpack(blob)

    # -- the manifest, while listing

    def _manifest_rows(self, rows: list[tuple]) -> None:
        """Record manifest rows ``(rel, line, id, metadata, export row or None)`` in line order."""
        if rows:
            with self.db:
                self.db.executemany(
                    "INSERT INTO mrows VALUES (?, ?, ?, ?, ?)",
                    [
                        (
                            _b(rel),
                            line,
                            _b(aid),
                            pickle.dumps(meta, protocol=5),
                            None if row is None else pickle.dumps(row, protocol=5),
                        )
                        for rel, line, aid, meta, row in rows
                    ],
                )
        rows.clear()

    def _manifest_done(self) -> None:
        """Keep the first row for each file and each id; later ones become ``duplicate-row``.

        A row is a duplicate when a *kept* row before it lists its file or id, so the rows are
        checked one by one, in line order, but only when some file or id occurs twice.
        """
        db = self.db
        (dupes,) = db.execute(
            "SELECT EXISTS(SELECT 1 FROM mrows GROUP BY rel HAVING count(*) > 1) "
            "OR EXISTS(SELECT 1 FROM mrows GROUP BY aid HAVING count(*) > 1)"
        ).fetchone()
        if not dupes:
            db.executescript(
                "ALTER TABLE mrows RENAME TO manifest; CREATE INDEX manifest_rel ON manifest(rel);"
            )
            return
        db.execute(
            "CREATE TABLE manifest(rel BLOB PRIMARY KEY, line INTEGER, aid BLOB UNIQUE, "
            "meta BLOB, row BLOB)"
        )
        last = 0
        while rows := db.execute(
            "SELECT rowid, rel, line, aid, meta, row FROM mrows WHERE rowid > ? ORDER BY rowid "
            "LIMIT ?",
            (last, _CHUNK),
        ).fetchall():
            for _, rel, line, aid, meta, row in rows:
                cur = db.execute(
                    "INSERT OR IGNORE INTO manifest VALUES (?, ?, ?, ?, ?)",
                    (rel, line, aid, meta, row),
                )
                if cur.rowcount:
                    continue
                first = db.execute("SELECT line FROM manifest WHERE rel = ?", (rel,)).fetchone()
                if first is None:
                    first = db.execute("SELECT line FROM manifest WHERE aid = ?", (aid,)).fetchone()
                key, aid_s = (
                    rel.decode("utf-8", "surrogatepass"),
                    aid.decode("utf-8", "surrogatepass"),
                )
                self.skip(
                    Skip(
                        key,
                        line,
                        "duplicate-row",
                        f"{MANIFEST}: line {line}: '{key}' (id '{aid_s}') is already listed on "
                        f"line {first[0]}; row ignored",
                    )
                )
            last = rows[-1][0]
        db.commit()
        db.execute("DROP TABLE mrows")

    def _listed(self, rels: list[str]) -> dict[str, tuple[str, tuple, dict | None]]:
        """File -> (id, metadata, the whole row for an export file), for those of ``rels`` the
        manifest lists (one query for a whole chunk of files)."""
        hits = self.db.execute(
            f"SELECT rel, aid, meta, row FROM manifest WHERE rel IN ({','.join('?' * len(rels))})",
            [_b(r) for r in rels],
        ).fetchall()
        return {
            rel.decode("utf-8", "surrogatepass"): (
                aid.decode("utf-8", "surrogatepass"),
                pickle.loads(meta),
                None if row is None else pickle.loads(row),
            )
            for rel, aid, meta, row in hits
        }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _warn(message: str) -> None:
    print(f"newslens: warning: {message}", file=sys.stderr)


def _plain_utf8(path: Path) -> tuple[bool, str]:
    """(whether the file is UTF-8 text that needs no repair, its sha256), in one streaming pass.

    Such a file normalises line by line exactly as it does whole (no mojibake for ftfy to fix
    across lines), so it can be read a line at a time; anything else (UTF-16, Windows-1252,
    mojibake, binary) is read whole, as :func:`newslens.textio.read_text` does.
    """
    from newslens.textio import has_mojibake, looks_binary

    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    plain, first, tail = True, True, ""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 18):
            h.update(chunk)
            if first:
                first = False
                if looks_binary(chunk) or chunk.startswith(
                    (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
                ):
                    plain = False
            if plain:
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError:
                    plain = False
                    continue
                if has_mojibake(tail + text):
                    plain = False
                tail = text[-1:]
    if plain:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            plain = False
    return plain, h.hexdigest()


def _read_manifest(root: Path) -> tuple[Iterator[tuple[int, dict[str, str]]], str]:
    """Rows of ``articles.csv`` with their line numbers, and the manifest's hash.

    A UTF-8 manifest is read a line at a time as its rows are used, so a manifest of a million
    rows is never held in memory, neither as text nor as a million dicts.

    Raises:
        ManifestError: at once, for an undecodable manifest or one without ``file``/``outlet``.
    """
    from newslens.textio import DecodeError, normalise_text, read_text

    path = root / MANIFEST
    plain, digest = _plain_utf8(path)
    lines: Iterator[str]
    if plain:
        # universal newlines turn CRLF and CR into LF, as normalise_text does
        f = open(path, encoding="utf-8-sig", newline=None)  # noqa: SIM115 - closed by rows()
        lines = (normalise_text(line) for line in f)
    else:
        f = None
        try:
            lines = io.StringIO(read_text(path.read_bytes(), source=str(path)))
        except DecodeError as exc:
            raise ManifestError(str(exc)) from exc
    reader = csv.DictReader(lines)
    try:
        if reader.fieldnames is None:
            raise ManifestError(
                f"{path}: the manifest is empty; it needs a header row with 'file' and 'outlet'"
            )
        names = [n.strip() for n in reader.fieldnames]
        missing = [c for c in ("file", "outlet") if c not in names]
        if missing:
            raise ManifestError(
                f"{path}: line 1: missing column(s) {', '.join(missing)}; the manifest needs at "
                f"least 'file' (path relative to {root}) and 'outlet' (found: {', '.join(names)})"
            )
    except BaseException:
        if f is not None:
            f.close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for i, row in enumerate(reader, start=2):
                clean = {
                    (k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None
                }
                if any(clean.values()):
                    yield reader.line_num if reader.line_num else i, clean
        finally:
            if f is not None:
                f.close()

    return rows(), digest


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
    unchanged corpus of 100,000 files reads none of them.

    Stored as a small SQLite file under the cache folder and looked up file by file, so neither
    side holds an entry per file in memory; the entries of this listing collect in the index
    (``seen``) and replace the file at the end when anything changed. A read-only cache just
    means every file is hashed.
    """

    def __init__(self, root: str, index: DiscoveryIndex) -> None:
        tag = hashlib.sha256(root.encode()).hexdigest()[:16]
        self.path = paths.cache_dir() / "hashes" / f"{tag}.sqlite"
        self.index = index
        self.old: sqlite3.Connection | None = None
        self.n_old = 0
        if self.path.is_file():
            try:
                self.old = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
                (self.n_old,) = self.old.execute("SELECT count(*) FROM files").fetchone()
            except sqlite3.Error:
                self.old = None
        index.db.execute(
            "CREATE TABLE seen(rel BLOB PRIMARY KEY, size INTEGER, mtime INTEGER, digest TEXT)"
        )
        self.rows: list[tuple] = []
        self.changed = False

    def lookup(self, rels: list[str]) -> dict[str, tuple[int, int, str]]:
        """Path -> (size, mtime_ns, sha256) stored for those of ``rels`` the cache has."""
        if self.old is None or not rels:
            return {}
        try:
            hits = self.old.execute(
                "SELECT rel, size, mtime, digest FROM files "
                f"WHERE rel IN ({','.join('?' * len(rels))})",
                [_b(r) for r in rels],
            ).fetchall()
        except sqlite3.Error:
            self.old = None
            return {}
        return {rel.decode("utf-8", "surrogatepass"): (size, m, d) for rel, size, m, d in hits}

    def sha256(self, full: str, rel: str, stored: tuple[int, int, str] | None) -> str:
        """The file's sha256: ``stored`` (from :meth:`lookup`) when its size and modification
        time still match, else read and hashed."""
        st = os.stat(full)
        if stored is not None and stored[0] == st.st_size and stored[1] == st.st_mtime_ns:
            digest = stored[2]
        else:
            with open(full, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            self.changed = True
        self.rows.append((_b(rel), st.st_size, st.st_mtime_ns, digest))
        if len(self.rows) >= _CHUNK:
            self._flush()
        return digest

    def _flush(self) -> None:
        with self.index.db:
            self.index.db.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?, ?, ?)", self.rows)
        self.rows.clear()

    def save(self) -> None:
        """Replace the stored hashes by this listing's when a file was added, changed or gone."""
        self._flush()
        if self.old is not None:
            self.old.close()
        db = self.index.db
        (n_seen,) = db.execute("SELECT count(*) FROM seen").fetchone()
        if not self.changed and n_seen == self.n_old:
            return
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            new = sqlite3.connect(tmp)
            try:
                new.execute("PRAGMA journal_mode=OFF")
                new.execute(
                    "CREATE TABLE files(rel BLOB PRIMARY KEY, size INTEGER, mtime INTEGER, "
                    "digest TEXT)"
                )
                cur = db.execute("SELECT rel, size, mtime, digest FROM seen")
                while rows := cur.fetchmany(_CHUNK):
                    new.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", rows)
                new.commit()
            finally:
                new.close()
            os.replace(tmp, self.path)
        except (OSError, sqlite3.Error):
            tmp.unlink(missing_ok=True)
        finally:
            db.execute("DROP TABLE seen")


def _pick_key(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The key of ``row`` whose value :func:`_pick` returns."""
    lowered = {k.lower(): k for k in row}
    for name in names:
        if name in lowered:
            value = row[lowered[name]]
            if value is not None and str(value).strip():
                return lowered[name]
    return None


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    key = _pick_key(row, names)
    return None if key is None else str(row[key])


def _export_hash(text: str, meta) -> str:
    """The content hash of an export row: its text and metadata (sorted (key, value) pairs)."""
    return _sha256(json.dumps([text, [list(kv) for kv in meta]], ensure_ascii=False).encode())


def _record_text(chunk: bytes, fmt: str, column: str | int | None, encoding: str) -> str | None:
    """The text column of one export record read back from its bytes (None if it is not there).

    Decoded and normalised the way discovery reads the whole file (``textio.read_text``);
    discovery checks, row by row, that this gives the same text before it relies on it.
    """
    from newslens.textio import normalise_text

    try:
        text = normalise_text(chunk.decode("utf-8" if encoding == "utf-8-sig" else encoding))
        if fmt == "jsonl":
            record = json.loads(text)
            value = record.get(column) if isinstance(record, dict) else None
        else:
            rows = [r for r in csv.reader(text.splitlines(keepends=True)) if r]
            value = (
                rows[0][column]
                if rows and isinstance(column, int) and column < len(rows[0])
                else None
            )
    except (UnicodeDecodeError, ValueError, csv.Error):
        return None
    return _valid(value) if isinstance(value, str) else None


def _line_spans(data: bytes, lines: int, *, keepends: bool) -> list[tuple[int, int]] | None:
    """(offset, length) of each line of ``data``, or None when their number is not ``lines``
    (normalisation split or joined lines, so lines of the text cannot be found in the bytes)."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    pieces = data[start:].splitlines(keepends=True) if keepends else data[start:].split(b"\n")
    if len(pieces) != lines:
        return None
    spans, offset = [], start
    for piece in pieces:
        spans.append((offset, len(piece)))
        offset += len(piece) + (0 if keepends else 1)
    return spans


Row = tuple[int, "dict[str, object] | None", "str | None", "tuple[int, int] | None", bytes]


def _export_rows(path: Path, fmt: str, info: dict) -> Iterator[Row]:
    """(row number, record or None, error, byte span or None, its bytes) for each export record.

    The byte span (offset, length) locates a JSONL line or CSV record in the file, so the
    build can read the row back instead of holding its text; it is None where the file's
    lines cannot be matched to its bytes (UTF-16, JSON arrays). ``info`` receives the file's
    ``encoding`` and, for a CSV file, its ``fieldnames``.
    """
    from newslens.textio import DecodeError, decode_bytes, normalise_text

    data = path.read_bytes()
    try:
        decoded = decode_bytes(data, source=str(path))
    except DecodeError as exc:
        yield 0, None, str(exc), None, b""
        return
    text = normalise_text(decoded.text)
    info["encoding"] = decoded.encoding
    byte_lines = decoded.encoding in ("utf-8", "utf-8-sig", "cp1252")
    if fmt == "jsonl":
        lines = text.split("\n")
        spans = _line_spans(data, len(lines), keepends=False) if byte_lines else None
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield (
                    n,
                    None,
                    f"{path.name}: line {n}: not valid JSON ({exc.msg}); fix or remove the line",
                    None,
                    b"",
                )
                continue
            if not isinstance(record, dict):
                yield (
                    n,
                    None,
                    f"{path.name}: line {n}: expected a JSON object, got {type(record).__name__}",
                    None,
                    b"",
                )
                continue
            span = spans[n - 1] if spans else None
            yield n, record, None, span, data[span[0] : span[0] + span[1]] if span else b""
    elif fmt == "json":
        del data
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield (
                exc.lineno,
                None,
                f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})",
                None,
                b"",
            )
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
                None,
                b"",
            )
            return
        for n, record in enumerate(records, start=1):
            if isinstance(record, dict):
                yield n, record, None, None, b""
            else:
                yield (
                    n,
                    None,
                    f"{path.name}: item {n}: expected an object, got {type(record).__name__}",
                    None,
                    b"",
                )
    else:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        lines = text.splitlines(keepends=True)
        spans = _line_spans(data, len(lines), keepends=True) if byte_lines else None
        reader = csv.DictReader(lines)
        # reading the header first makes line_num count from the first record
        info["fieldnames"] = reader.fieldnames or []
        before = reader.line_num
        for record in reader:
            span = None
            if spans:
                first, last = spans[before], spans[reader.line_num - 1]
                span = (first[0], last[0] + last[1] - first[0])
            before = reader.line_num
            chunk = data[span[0] : span[0] + span[1]] if span else b""
            yield reader.line_num, dict(record), None, span, chunk


def _export_documents(
    root: Path, path: Path, fmt: str, manifest_meta: dict[str, str] | None, out: DiscoveryIndex
) -> None:
    rel = _valid(_rel(path, root))
    base_outlet = (manifest_meta or {}).get("outlet") or None
    text_col_seen = False
    info: dict = {}
    for row, record, error, span, chunk in _export_rows(path, fmt, info):
        if error:
            out.skip(Skip(rel, row or None, "bad-record" if row else "undecodable", error))
            continue
        assert record is not None
        record = {_valid(str(k)): _valid(v) if isinstance(v, str) else v for k, v in record.items()}
        strings = {k: v for k, v in record.items() if isinstance(v, str)}
        text_key = _pick_key(strings, TEXT_COLUMNS)
        text = None if text_key is None else str(strings[text_key])
        if text is None:
            if not text_col_seen:
                cols = ", ".join(sorted(record))
                detail = (
                    f"{rel}: row {row}: no text column; name it one of {', '.join(TEXT_COLUMNS)} "
                    f"(found: {cols})"
                )
            else:
                detail = f"{rel}: row {row}: the text is empty"
            out.skip(Skip(rel, row, "empty", detail))
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
        meta_t = tuple(sorted(meta.items()))
        content_hash = _export_hash(text, meta_t)
        # Hold the row's place in the file rather than its text when reading it back gives
        # exactly this text (checked here, row by row).
        column: str | int | None = text_key
        if span is not None and fmt == "csv":
            names = info["fieldnames"]
            # DictReader keeps the last of repeated column names
            column = len(names) - 1 - names[::-1].index(text_key)
        if span is not None and _record_text(chunk, fmt, column, info["encoding"]) != text:
            span = None
        out.add(
            Document(
                article_id=article_id,
                file=rel,
                format=fmt,
                content_hash=content_hash,
                meta=meta_t,
                row=row,
                inline=None if span is not None else text,
                path=str(path) if span is not None else None,
                span=span,
                column=column if span is not None else None,
                encoding=info["encoding"] if span is not None else None,
            )
        )


def _corpus_root(path: str | os.PathLike[str] | None) -> Path:
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
    return root


def scan(path: str | os.PathLike[str] | None = None, *, warn: bool = True) -> DiscoveryIndex:
    """List the documents of a corpus folder and everything that could not be used, on disk.

    The streaming form of :func:`discover`: the listing goes into a :class:`DiscoveryIndex`
    (close it, or use it as a context manager), so its memory does not grow with the corpus.

    Args:
        path: the corpus folder; None means the embedded sample corpus.
        warn: print a warning for every skipped row (sorted by file, line and reason).

    Raises:
        FileNotFoundError: the folder does not exist.
        ManifestError: the manifest exists but lacks ``file`` or ``outlet``.
    """
    root = _corpus_root(path)
    out = DiscoveryIndex(root)
    try:
        _list(root, out)
        if warn:
            for s in out.skipped():
                _warn(s.detail)
    except BaseException:
        out.close()
        raise
    return out


def _list(root: Path, out: DiscoveryIndex) -> None:
    root_s = str(root)
    if (root / MANIFEST).is_file():
        rows, out.manifest_hash = _read_manifest(root)
        out.has_manifest = True
        real_dirs: dict[str, str] = {}  # one entry per folder, not per file
        pending: list[tuple] = []
        for line, row in rows:
            rel = row.get("file", "")
            target = _inside(root_s, rel, real_dirs)
            if not rel:
                out.skip(
                    Skip(
                        MANIFEST,
                        line,
                        "missing-file",
                        f"{MANIFEST}: line {line}: the 'file' cell is empty",
                    )
                )
                continue
            if target is None:
                out.skip(
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
                out.skip(
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
            meta_t = tuple(sorted((k, v) for k, v in row.items() if k not in ("file", "id") and v))
            export = os.path.splitext(key)[1].lower() in EXPORT_SUFFIXES
            pending.append((key, line, aid, meta_t, row if export else None))
            if len(pending) >= _CHUNK:
                out._manifest_rows(pending)
        out._manifest_rows(pending)
        out._manifest_done()
    hashes = _HashCache(root_s, out)
    chunk: list[tuple[str, str]] = []
    for entry in _walk(root_s):
        chunk.append(entry)
        if len(chunk) >= _FILES_AT_ONCE:
            _list_files(root, out, hashes, chunk)
            chunk = []
    _list_files(root, out, hashes, chunk)
    hashes.save()
    out._finish()


_FILES_AT_ONCE = 500  # files whose manifest rows and stored hashes are looked up in one query


def _list_files(
    root: Path, out: DiscoveryIndex, hashes: _HashCache, chunk: list[tuple[str, str]]
) -> None:
    """List a chunk of walked files (absolute path, path relative to the root) in walk order."""
    if not chunk:
        return
    root_s = str(root)
    rels = [_valid(raw) for _, raw in chunk]
    manifest = out._listed(rels) if out.has_manifest else {}
    stored = hashes.lookup([raw for _, raw in chunk])
    for (full, raw), rel in zip(chunk, rels):
        if rel != raw:
            out.skip(
                Skip(
                    rel,
                    None,
                    "bad-name",
                    f"{rel}: the file name is not valid UTF-8, so it is shown with U+FFFD in "
                    "its place; kept (rename the file to keep its name in the tables)",
                    kept=True,
                )
            )
        suffix = os.path.splitext(rel)[1].lower()
        if os.path.islink(full) and not os.path.realpath(full).startswith(root_s + os.sep):
            out.skip(
                Skip(
                    rel,
                    None,
                    "outside-corpus",
                    f"{rel}: refused: a symbolic link to {os.path.realpath(full)}, outside the corpus folder; copy the file in instead",
                )
            )
            continue
        listed = manifest.get(rel)
        if suffix in EXPORT_SUFFIXES:
            _export_documents(
                root, Path(full), EXPORT_SUFFIXES[suffix], listed[2] if listed else None, out
            )
            continue
        if suffix not in TEXT_SUFFIXES:
            out.skip(
                Skip(
                    rel,
                    None,
                    "unsupported-type",
                    f"{rel}: '{suffix or 'no extension'}' is not an article format (.txt, .html, .htm, .jsonl, .json, .csv)",
                )
            )
            continue
        if listed:
            aid, meta = listed[0], listed[1]
        else:
            aid, meta = rel, (("outlet", UNKNOWN_OUTLET),)
            if out.has_manifest:
                out.skip(
                    Skip(
                        rel,
                        None,
                        "not-in-manifest",
                        f"{rel}: not listed in {MANIFEST}; kept with outlet 'unknown' (add a row to name its outlet)",
                        kept=True,
                    )
                )
        out.add(
            Document(
                article_id=aid,
                file=rel,
                format=TEXT_SUFFIXES[suffix],
                content_hash=hashes.sha256(full, raw, stored.get(raw)),
                meta=meta,
                path=full,
            )
        )


def discover(path: str | os.PathLike[str] | None = None) -> Discovery:
    """List the documents of a corpus folder and everything that could not be used.

    The documents are sorted by article id and the skipped rows by (file, line, reason). This
    holds the whole listing in memory; :func:`scan` streams it from disk.

    Args:
        path: the corpus folder; None means the embedded sample corpus.

    Raises:
        FileNotFoundError: the folder does not exist.
        ManifestError: the manifest exists but lacks ``file`` or ``outlet``.
    """
    with scan(path) as found:
        return Discovery(
            root=found.root,
            documents=list(found.documents()),
            skipped=list(found.skipped()),
            manifest_hash=found.manifest_hash,
        )


def corpus_hash(path: str | os.PathLike[str] | None = None) -> str:
    """A short hash of a corpus' contents: every document's id, metadata and bytes, and the manifest.

    Two folders with the same articles and manifest have the same hash wherever they live.
    """
    with scan(path, warn=False) as found:
        h = hashlib.sha256(found.manifest_hash.encode())
        for doc in found.documents():
            h.update(hash_entry(doc))
    return h.hexdigest()[:16]


def hash_entry(doc: Document) -> bytes:
    """What :func:`corpus_hash` hashes of one document."""
    return json.dumps([doc.article_id, doc.file, doc.row, doc.content_hash, doc.meta]).encode()


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
