"""Corpus discovery: manifests, formats and hostile input. Nothing crashes, nothing vanishes."""

import json

import pytest
from newslens import corpus

ARTICLE = "Headline of the story\n\nBy Jane Smith\n\nThe first paragraph says something.\n\nThe second paragraph says more.\n"
MANIFEST = "file,outlet,id,published\n"


def reasons(found):
    return sorted((s.reason, s.file) for s in found.skipped)


def test_sample_manifest_is_complete():
    found = corpus.discover(None)
    assert len(found.documents) == 5
    assert found.skipped == []
    assert sorted(d.metadata["outlet"] for d in found.documents) == [
        "Daily Mail",
        "Daily Mirror",
        "LBC",
        "Reach (syndicated)",
        "The Sun",
    ]
    assert all(d.path and d.format == "txt" for d in found.documents)


def test_manifest_problems_are_reported_not_fatal(make_corpus):
    root = make_corpus(
        {
            "articles.csv": MANIFEST
            + "a.txt,Outlet A,a1,2022-03-01\n"
            + "missing.txt,Outlet B,b1,\n"
            + "../outside.txt,Outlet C,c1,\n"
            + "/etc/passwd,Outlet C,c2,\n"
            + "a.txt,Outlet A,a2,\n",
            "a.txt": ARTICLE,
            "extra.txt": ARTICLE + "Another line.\n",
            "notes.docx": b"PK\x03\x04",
        }
    )
    (root.parent / "outside.txt").write_text("secret")
    found = corpus.discover(root)
    assert [d.article_id for d in found.documents] == ["a1", "extra.txt"]
    assert found.documents[1].metadata["outlet"] == "unknown"
    got = reasons(found)
    assert ("missing-file", "missing.txt") in got
    assert ("outside-corpus", "../outside.txt") in got
    assert ("outside-corpus", "/etc/passwd") in got
    assert ("duplicate-row", "a.txt") in got
    assert ("not-in-manifest", "extra.txt") in got
    assert ("unsupported-type", "notes.docx") in got
    details = {s.reason: s.detail for s in found.skipped}
    assert "line 3" in details["missing-file"]
    kept = {s.reason: s.kept for s in found.skipped}
    assert kept["not-in-manifest"] is True and kept["missing-file"] is False


def test_manifest_without_outlet_column_names_file_and_column(make_corpus):
    root = make_corpus({"articles.csv": "file,source\na.txt,X\n", "a.txt": ARTICLE})
    with pytest.raises(corpus.ManifestError, match=r"articles.csv.*outlet"):
        corpus.discover(root)


def test_missing_folder_and_file_given():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        corpus.discover("/nonexistent/corpus")


def test_file_instead_of_folder(make_corpus):
    root = make_corpus({"a.txt": ARTICLE})
    with pytest.raises(NotADirectoryError, match="newslens clean"):
        corpus.discover(root / "a.txt")


def test_exports_jsonl_csv_json(make_corpus):
    rows = [
        {
            "id": "x1",
            "outlet": "Wire",
            "title": "One",
            "text": "Body one. It is here.",
            "date": "2022-03-01",
        },
        {"id": "x2", "outlet": "Wire", "title": "Two", "text": "Body two.", "tags": ["a", "b"]},
    ]
    jsonl = "\n".join(json.dumps(r) for r in rows) + "\n{not json}\n[1, 2]\n"
    csv_text = 'id,outlet,headline,body\nc1,Paper,"A, headline","Line one.\nLine two, still the body."\nc2,Paper,Empty,\n'
    root = make_corpus(
        {
            "wire.jsonl": jsonl,
            "paper.csv": csv_text,
            "list.json": json.dumps([{"content": "From a list.", "source": "Blog"}]),
            "broken.json": "{",
        }
    )
    found = corpus.discover(root)
    ids = [d.article_id for d in found.documents]
    assert ids == ["c1", "list.json#1", "x1", "x2"]
    x1 = next(d for d in found.documents if d.article_id == "x1")
    assert x1.metadata["headline"] == "One" and x1.metadata["published"] == "2022-03-01"
    assert x1.row == 1 and x1.text.startswith("Body one")
    c1 = next(d for d in found.documents if d.article_id == "c1")
    assert c1.text == "Line one.\nLine two, still the body."
    assert next(d for d in found.documents if d.file == "list.json").metadata["outlet"] == "Blog"
    got = {(s.reason, s.file, s.line) for s in found.skipped}
    assert ("bad-record", "wire.jsonl", 3) in got
    assert ("bad-record", "wire.jsonl", 4) in got
    assert ("empty", "paper.csv", 4) in got or any(
        r == "empty" and f == "paper.csv" for r, f, _ in got
    )
    assert any(r == "bad-record" and f == "broken.json" for r, f, _ in got)


def test_export_without_text_column_says_which_columns(make_corpus):
    root = make_corpus({"x.jsonl": json.dumps({"headline": "h", "summary": "s"}) + "\n"})
    found = corpus.discover(root)
    (skip,) = found.skipped
    assert skip.reason == "empty" and "text" in skip.detail and "summary" in skip.detail


def test_hidden_and_output_folders_ignored(make_corpus):
    root = make_corpus(
        {
            "a.txt": ARTICLE,
            ".git/config": "x",
            "processed/x.parquet": b"PAR1",
            "_build/x.txt": "x",
            "README.md": "about",
        }
    )
    found = corpus.discover(root)
    assert [d.file for d in found.documents] == ["a.txt"]
    assert found.skipped == []


def test_corpus_hash_is_location_independent(make_corpus, tmp_path):
    files = {"articles.csv": MANIFEST + "a.txt,A,a,\n", "a.txt": ARTICLE}
    one = make_corpus(files, name="one")
    two = make_corpus(files, name="two")
    assert corpus.corpus_hash(one) == corpus.corpus_hash(two)
    (two / "a.txt").write_text(ARTICLE + "Changed.\n")
    assert corpus.corpus_hash(one) != corpus.corpus_hash(two)


def test_symlinks_out_of_the_corpus_are_refused(make_corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not an article")
    root = make_corpus(
        {"articles.csv": MANIFEST + "link.txt,A,l,\nok.txt,A,o,\n", "ok.txt": ARTICLE}
    )
    (root / "link.txt").symlink_to(secret)
    (root / "other.txt").symlink_to(secret)
    found = corpus.discover(root)
    assert [d.file for d in found.documents] == ["ok.txt"]
    got = reasons(found)
    assert ("outside-corpus", "link.txt") in got and ("outside-corpus", "other.txt") in got


def test_changed_file_is_rehashed_even_with_the_same_size(make_corpus):
    import os

    root = make_corpus({"a.txt": ARTICLE})
    first = corpus.discover(root).documents[0].content_hash
    (root / "a.txt").write_text(ARTICLE.replace("first", "fizst"))  # same size
    st = os.stat(root / "a.txt")
    os.utime(root / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert corpus.discover(root).documents[0].content_hash != first
