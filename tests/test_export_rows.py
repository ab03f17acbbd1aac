"""Export rows are held as their place in the file, read back byte for byte, never guessed.

Discovery of a JSONL or CSV export keeps each row's byte span instead of its text (a million-row
export must not sit in the build's main process). Reading the span back must give exactly the
text that parsing the whole file gives; where it cannot (UTF-16, JSON arrays, line breaks that
normalisation changes), the row keeps its text in memory.
"""

import csv
import json

import pytest
from newslens import build, corpus, textio

ROWS = [
    {"id": "r1", "outlet": "Wire", "text": "Plain ASCII body. It says things.\nSecond line."},
    {"id": "r2", "outlet": "Wire", "text": "Curly ‘quotes’ and “more” — dashes, café, Київ."},
    {"id": "r3", "outlet": "Wire", "text": "Odd\u00a0spaces\u200b and a soft\u00adhyphen."},
    {"id": "r4", "outlet": "Wire", "title": "t", "body": "Body column, not text.", "text": ""},
]


def whole_file_texts(data: bytes, fmt: str) -> dict[str, str]:
    """What the rows' texts are when the whole file is decoded and parsed at once."""
    text = textio.read_text(data)
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.split("\n") if line.strip()]
    else:
        records = list(csv.DictReader(text.splitlines(keepends=True)))
    out = {}
    for r in records:
        out[r["id"]] = corpus._pick(
            {k: v for k, v in r.items() if isinstance(v, str)}, corpus.TEXT_COLUMNS
        )
    return out


def as_csv(rows, *, newline="\n") -> str:
    cols = ["id", "outlet", "title", "body", "text"]
    lines = [",".join(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            cells.append('"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n') else v)
        lines.append(",".join(cells))
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    "name,content",
    [
        ("a.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n"),
        ("b.jsonl", "\r\n".join(json.dumps(r) for r in ROWS)),
        ("c.csv", as_csv(ROWS)),
        ("d.csv", as_csv(ROWS, newline="\r\n")),
        ("e.csv", "\ufeff" + as_csv(ROWS)),
        ("f.csv", as_csv(ROWS).replace("id,outlet,title,body,text", "id,outlet,text,body,text")),
    ],
)
def test_rows_are_held_by_place_and_read_back_exactly(make_corpus, name, content):
    root = make_corpus({name: content})
    data = (root / name).read_bytes()
    found = corpus.discover(root)
    docs = {d.article_id: d for d in found.documents}
    expected = whole_file_texts(data, name.split(".")[1])
    assert set(docs) == set(expected)
    for aid, doc in docs.items():
        assert doc.inline is None and doc.span is not None, aid
        assert doc.text == expected[aid], aid
        start, length = doc.span
        assert data[start : start + length].strip(), aid


def test_cp1252_export_is_read_back(make_corpus):
    content = as_csv(
        ROWS[:1] + [{"id": "w", "outlet": "Wire", "text": "Caf\u00e9 \u2019s price: \u00a35"}]
    )
    root = make_corpus({"w.csv": content.encode("cp1252")})
    found = corpus.discover(root)
    doc = next(d for d in found.documents if d.article_id == "w")
    assert doc.span is not None and doc.encoding == "cp1252"
    assert doc.text == "Caf\u00e9 's price: \u00a35".replace("'", "\u2019")


def test_rows_that_cannot_be_found_in_the_bytes_keep_their_text(make_corpus):
    utf16 = ("\n".join(json.dumps(r) for r in ROWS)).encode("utf-16")
    lone_cr = "id,outlet,text\nx1,Wire,one line\rsplit by a lone CR\nx2,Wire,fine\n"
    array = json.dumps([{"id": "j1", "outlet": "Blog", "content": "From a list."}])
    root = make_corpus({"u.jsonl": utf16, "cr.csv": lone_cr, "list.json": array})
    found = corpus.discover(root)
    docs = {d.article_id: d for d in found.documents}
    assert docs["j1"].inline == "From a list." and docs["j1"].span is None
    assert all(docs[r["id"]].inline is not None for r in ROWS if r["id"] in docs)
    assert docs["r1"].text == ROWS[0]["text"]
    for aid in ("x1", "x2"):
        if docs[aid].span is None:
            assert docs[aid].inline is not None
    assert docs["x2"].text == "fine"


def test_build_reads_rows_back_and_reports_a_file_changed_meanwhile(make_corpus, tmp_path):
    content = "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS[:3]) + "\n"
    root = make_corpus({"w.jsonl": content})
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s", workers=1)
    assert sorted(c.articles.article_id) == ["r1", "r2", "r3"]
    body = dict(zip(c.articles.article_id, c.articles.body))
    assert body["r1"].startswith("Plain ASCII body.")

    # The file changes after discovery, before a worker reads row 2: that row is skipped with a
    # reason naming the file and row, the others (same bytes, same places) are built.
    found = corpus.discover(root)
    (root / "w.jsonl").write_text(content.replace("Curly", "Wavy!"), encoding="utf-8")
    out = build._Columns()
    params = build.BuildParams()
    for doc in found.documents:
        build._process_document(doc, doc.article_id, params, out, [])
    skipped = out.cols["skipped"]
    assert skipped["reason"] == ["changed"]
    assert "w.jsonl: row 2 changed" in skipped["detail"][0]
    assert sorted(out.cols["articles"]["article_id"]) == ["r1", "r3"]
