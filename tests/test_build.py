"""The corpus build: hostile input, determinism, caching, incremental rebuilds and engines."""

import codecs
import json

import newslens
import pandas as pd
import pytest
from newslens import build

ARTICLE = (
    "Soldiers speak out against the war\n\n"
    "By Jane Smith\n\n"
    "Captured soldiers said they had been deceived. “We did not know where we were going,” one said.\n\n"
    "Officials in Kyiv said 2,000 civilians had died. The claim could not be verified.\n"
)
OTHER = (
    "Talks resume as shelling continues\n\n"
    "Negotiators met again on Monday. Russia’s foreign minister said progress was slow.\n\n"
    "'We are not optimistic,' an official said.\n"
)
MANIFEST = "file,outlet,id\n"


def hostile_corpus(make_corpus):
    return make_corpus(
        {
            "articles.csv": MANIFEST
            + "a.txt,Outlet A,a\n"
            + "b.txt,Outlet B,b\n"
            + "copy.txt,Outlet B,b-copy\n"
            + "empty.txt,Outlet A,empty\n"
            + "binary.txt,Outlet A,binary\n"
            + "gone.txt,Outlet A,gone\n"
            + "../escape.txt,Outlet A,escape\n"
            + "latin.txt,Outlet C,latin\n"
            + "utf16.txt,Outlet C,utf16\n"
            + "crlf.txt,Outlet C,crlf\n",
            "a.txt": ARTICLE,
            "b.txt": OTHER,
            "copy.txt": OTHER,  # the same article twice
            "empty.txt": "",
            "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "latin.txt": OTHER.replace("Russia’s", "Russia\u2019s café").encode("cp1252"),
            "utf16.txt": ARTICLE.replace("Jane", "Ann").encode("utf-16"),
            "crlf.txt": codecs.BOM_UTF8
            + ARTICLE.replace("Jane", "Joe").replace("\n", "\r\n").encode(),
            "unlisted.txt": OTHER.replace("Monday", "Tuesday"),
            "wire.jsonl": json.dumps(
                {
                    "id": "w1",
                    "outlet": "Wire",
                    "title": "Wire story",
                    "text": "Troops advanced. Residents fled.",
                }
            )
            + "\n",
        }
    )


@pytest.fixture
def hostile(make_corpus, tmp_path):
    return build.build(hostile_corpus(make_corpus), out=tmp_path / "tables")


def test_hostile_input_is_reported_and_the_rest_built(hostile):
    arts = hostile.articles.set_index("article_id")
    assert sorted(arts.index) == [
        "a",
        "b",
        "b-copy",
        "crlf",
        "latin",
        "unlisted.txt",
        "utf16",
        "w1",
    ]
    sk = hostile.skipped
    reasons = dict(zip(sk["file"], sk["reason"]))
    assert reasons["empty.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["gone.txt"] == "missing-file"
    assert reasons["../escape.txt"] == "outside-corpus"
    assert reasons["unlisted.txt"] == "not-in-manifest"
    assert reasons["copy.txt"] == "duplicate"
    assert arts.loc["b-copy", "duplicate_of"] == "b"
    assert arts.loc["unlisted.txt", "outlet"] == "unknown"
    assert arts.loc["latin", "encoding"] == "cp1252" and "café" in arts.loc["latin", "body"]
    assert arts.loc["utf16", "encoding"] == "utf-16"
    assert "\r" not in arts.loc["crlf", "body"]
    assert arts.loc["w1", "headline"] == "Wire story" and arts.loc["w1", "outlet"] == "Wire"
    # every skipped row explains itself
    assert sk["detail"].str.len().min() > 10
    assert set(sk.loc[sk["kept"], "reason"]) == {"not-in-manifest", "duplicate"}


def test_tables_follow_the_contract(hostile):
    s = hostile.sentences
    assert list(s.columns[:4]) == ["article_id", "outlet", "paragraph", "sentence"]
    assert s.equals(s.sort_values(["article_id", "sentence"]).reset_index(drop=True))
    arts = hostile.articles.set_index("article_id")
    for row in s.itertuples():
        assert arts.loc[row.article_id, "body"][row.start : row.end] == row.text
    q = hostile.quotes
    for row in q.itertuples():
        body = arts.loc[row.article_id, "body"]
        assert row.text.split()[0] in body[row.start : row.end]
    assert s["compound"].between(-1, 1).all()
    assert s.groupby("article_id")["position"].max().le(1).all()
    t = hostile.terms
    assert (t["count"] > 0).all() and t["term"].str.lower().eq(t["term"]).all()
    counts = t.groupby("article_id")["count"].sum()
    assert (counts == arts.loc[counts.index, "n_words"]).all()


def test_rebuild_is_identical_and_cached(make_corpus, tmp_path):
    root = hostile_corpus(make_corpus)
    store = tmp_path / "store"
    one = build.build(root, out=tmp_path / "one", store=store)
    info = json.loads((tmp_path / "one" / "_corpus.json").read_text())
    assert (
        info["processed"] == 10
    )  # 8 articles + the empty and binary files (their skip rows are cached too)
    two = build.build(root, out=tmp_path / "two", store=store)
    assert json.loads((tmp_path / "two" / "_corpus.json").read_text())["processed"] == 0
    three = build.build(root, out=tmp_path / "three", store=store, rebuild=True)
    for name in ("articles", "sentences", "quotes", "terms", "removed", "skipped"):
        pd.testing.assert_frame_equal(one.table(name), two.table(name))
        pd.testing.assert_frame_equal(one.table(name), three.table(name))


def test_incremental_processes_only_new_articles(make_corpus, tmp_path):
    root = hostile_corpus(make_corpus)
    store = tmp_path / "store"
    build.build(root, out=tmp_path / "t", store=store)
    (root / "new.txt").write_text(ARTICLE.replace("Kyiv", "Lviv"))
    with (root / "articles.csv").open("a") as f:
        f.write("new.txt,Outlet D,new\n")
    c = build.build(root, out=tmp_path / "t", store=store)
    info = json.loads((tmp_path / "t" / "_corpus.json").read_text())
    assert info["processed"] == 1
    assert "new" in set(c.articles["article_id"])
    # a changed article is processed again and its old rows are gone
    (root / "a.txt").write_text(ARTICLE.replace("2,000", "3,000"))
    c = build.build(root, out=tmp_path / "t", store=store)
    assert json.loads((tmp_path / "t" / "_corpus.json").read_text())["processed"] == 1
    body = c.articles.set_index("article_id").loc["a", "body"]
    assert "3,000" in body and "2,000" not in body
    assert (
        c.sentences["article_id"].value_counts()["a"]
        == c.articles.set_index("article_id").loc["a", "n_sentences"]
    )


def test_parameters_change_the_key(make_corpus, tmp_path):
    root = hostile_corpus(make_corpus)
    a = build.build(root, out=tmp_path / "a")
    b = build.build(root, out=tmp_path / "b", in_quote_threshold=0.9)
    assert a.key != b.key
    with pytest.raises(ValueError, match="unknown build parameter"):
        build.build(root, out=tmp_path / "c", colour="red")
    with pytest.raises(ValueError, match="in_quote_threshold"):
        build.build(root, out=tmp_path / "c", in_quote_threshold=0)


def test_select_outlets_and_duplicates(hostile):
    sel = hostile.select(["Outlet B"])
    assert sorted(sel.articles["article_id"]) == ["b"]  # the copy is dropped by default
    assert set(sel.sentences["article_id"]) == {"b"}
    assert sorted(hostile.select(["Outlet B"], drop_duplicates=False).articles["article_id"]) == [
        "b",
        "b-copy",
    ]
    with pytest.raises(ValueError, match="not in the corpus.*Outlet A"):
        hostile.select(["Nope"])


def test_sample_corpus(sample_corpus):
    arts = sample_corpus.articles
    assert len(arts) == 5 and arts["duplicate_of"].isna().all()
    assert sample_corpus.skipped.empty
    lbc = arts.set_index("article_id").loc["lbc_2022-03-02"]
    assert lbc["published"] == "2022-03-02" and lbc["date_source"] == "printed"
    assert lbc["byline"] == "Patrick Grafton-Green"
    assert (arts["n_sentences"] > 10).all()
    assert len(sample_corpus.quotes) > 30


def test_local_pool_matches_in_process(make_corpus, tmp_path):
    root = hostile_corpus(make_corpus)
    one = build.build(root, out=tmp_path / "one", store=tmp_path / "s1", workers=1, batch_size=2)
    two = build.build(root, out=tmp_path / "two", store=tmp_path / "s2", workers=2, batch_size=2)
    for name in ("articles", "sentences", "terms", "skipped"):
        pd.testing.assert_frame_equal(one.table(name), two.table(name))


def test_default_path_is_sample():
    assert newslens.load_corpus().root == newslens.paths.sample_corpus()


def test_user_furniture_file_extends_rules_and_cache_key(make_corpus, tmp_path):
    text = ARTICLE + "\nThe Daily Bugle is read by ten million people every day.\n"
    root = make_corpus({"articles.csv": MANIFEST + "a.txt,Outlet A,a\n", "a.txt": text})
    store = tmp_path / "store"
    plain = build.build(root, out=tmp_path / "plain", store=store)
    assert "Daily Bugle" in plain.articles.loc[0, "body"]
    rules = tmp_path / "mine.yml"
    rules.write_text('rules:\n  - {pattern: "the daily bugle is read by.*", reason: promotion}\n')
    mine = build.build(root, out=tmp_path / "mine", store=store, furniture=str(rules))
    assert "Daily Bugle" not in mine.articles.loc[0, "body"]
    assert "promotion" in set(mine.removed["reason"])
    rules.write_text("rules: []\n")  # a changed file is a new key, not a stale cache hit
    again = build.build(root, out=tmp_path / "again", store=store, furniture=str(rules))
    assert "Daily Bugle" in again.articles.loc[0, "body"]
    with pytest.raises(ValueError, match="no such file"):
        build.build(root, out=tmp_path / "x", furniture=str(tmp_path / "nope.yml"))


def test_term_totals_reduce_part_by_part(make_corpus, tmp_path):
    root = hostile_corpus(make_corpus)
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s", batch_size=2)
    assert len(list((tmp_path / "t" / "terms").glob("part-*.parquet"))) > 2
    expected = c.terms.groupby(["outlet", "term"], sort=True)["count"].sum().reset_index()
    pd.testing.assert_frame_equal(build.term_totals(c), expected, check_dtype=False)
    narr = (
        c.terms[~c.terms["in_quote"]]
        .groupby(["outlet", "term"], sort=True)["count"]
        .sum()
        .reset_index()
    )
    pd.testing.assert_frame_equal(
        build.term_totals(c, include_quotes=False), narr, check_dtype=False
    )


def test_an_article_that_crashes_the_pipeline_is_skipped_not_fatal(
    make_corpus, tmp_path, monkeypatch
):
    from newslens import clean

    real = clean.article

    def fragile(text, **kw):
        if "BOOM" in text:
            raise RuntimeError("pathological input")
        return real(text, **kw)

    monkeypatch.setattr(clean, "article", fragile)
    root = make_corpus({"ok.txt": ARTICLE, "bad.txt": ARTICLE + "\nBOOM\n"})
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s", workers=1)
    assert c.articles["article_id"].tolist() == ["ok.txt"]
    (row,) = c.skipped[c.skipped["reason"] == "error"].itertuples()
    assert row.file == "bad.txt" and "RuntimeError: pathological input" in row.detail


def test_concurrent_builds_of_one_corpus_agree(make_corpus, tmp_path):
    """Two processes building the same folder at once (two notebooks, say) both succeed."""
    import subprocess
    import sys

    root = hostile_corpus(make_corpus)
    code = (
        "import sys; from newslens import build; "
        "c = build.build(sys.argv[1], out=sys.argv[2], store=sys.argv[3]); print(len(c.sentences))"
    )
    args = [sys.executable, "-c", code, str(root), str(tmp_path / "t"), str(tmp_path / "s")]
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert len({o.strip() for o, _ in outs}) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.")]  # no leftovers
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s")
    assert str(len(c.sentences)) == outs[0][0].strip()
