"""Quote attribution and frame tagging as build stages: the cached tables equal what the
analysis functions compute, and they are only reused when made with the same lexicons."""

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from newslens import build, framing, quotes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpusgen import write_corpus  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """120 generated articles (several outlets, ~10 quotes each), built with the default stages
    and without any stage, in two separate stores."""
    tmp = tmp_path_factory.mktemp("stages")
    root = write_corpus(tmp / "corpus", 120, seed=3)
    full = build.build(root, out=tmp / "full", store=tmp / "s1", workers=1, batch_size=25)
    bare = build.build(
        root,
        out=tmp / "bare",
        store=tmp / "s2",
        workers=1,
        batch_size=25,
        attribution=False,
        codebooks=(),
    )
    return full, bare


def test_built_attributions_equal_analysis_time_attribution(generated):
    full, bare = generated
    assert len(full.attributions) > 500  # the generated articles do quote people
    assert full.attributions["speaker"].notna().mean() > 0.5
    assert len(bare.attributions) == 0
    # the bare corpus has no cached attributions, so quotes.table attributes now
    assert build.cached_attributions(bare, None, None) is None
    pd.testing.assert_frame_equal(full.attributions, quotes.table(bare))
    assert list(full.attributions.columns) == quotes.COLUMNS


@pytest.mark.parametrize("name", build.DEFAULT_CODEBOOKS)
def test_built_frames_equal_analysis_time_tags(generated, name):
    full, bare = generated
    book = framing.load_cues() if name == "cues" else framing.load_codebook(name)
    cached = build.cached_frames(full, book)
    assert cached is not None and len(cached) > 100
    assert build.cached_frames(bare, book) is None
    pd.testing.assert_frame_equal(cached, framing.tag_sentences(bare.sentences, book))


def test_a_codebook_outside_the_build_is_not_served_from_it(generated, tmp_path):
    full, _ = generated
    assert build.cached_frames(full, framing.load_codebook("policy_frames_boydstun_2014")) is None
    # same name, other content: an edited copy of the default codebook
    src = Path(framing.load_codebook(build.DEFAULT_CODEBOOKS[0]).path)
    copy = tmp_path / "edited.yml"
    copy.write_text(src.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build.cached_frames(full, framing.load_codebook(copy)) is None


def test_other_lexicons_are_not_served_from_the_build(generated, tmp_path):
    full, _ = generated
    assert build.cached_attributions(full, None, None) is not None
    roles = tmp_path / "roles.yml"
    shutil.copy(quotes.ROLES_FILE, roles)
    # the same content under another path is the same lexicon
    assert build.cached_attributions(full, roles, None) is not None
    roles.write_text(roles.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build.cached_attributions(full, roles, None) is None


def test_select_restricts_the_stage_tables(generated):
    full, _ = generated
    outlet = full.outlets[0]
    one = full.select([outlet])
    for name in ("attributions", "frames"):
        t = one.table(name)
        assert len(t) and set(t["outlet"]) == {outlet}
        assert set(t["article_id"]) <= set(one.articles["article_id"])


def test_stage_parameters_change_the_cache_key(make_corpus, tmp_path):
    root = make_corpus(
        {
            "articles.csv": "file,outlet,id\na.txt,A,a\n",
            "a.txt": "Headline here\n\n“We will win,” said Jane Smith, a spokeswoman.\n",
        }
    )
    store = tmp_path / "store"
    a = build.build(root, out=tmp_path / "a", store=store)
    b = build.build(root, out=tmp_path / "b", store=store, codebooks=["cues"])
    c = build.build(root, out=tmp_path / "c", store=store, attribution=False)
    assert len({a.key, b.key, c.key}) == 3
    assert set(b.frames["codebook"]) <= {"newslens_cues"}
    assert a.attributions.loc[0, "speaker_canonical"] == "Jane Smith"
    assert len(c.attributions) == 0
    assert a.build_info["codebooks"].keys() == {"semetko_valkenburg_2000", "newslens_cues"}


@pytest.mark.parametrize(
    "params, message",
    [
        ({"codebooks": ["no_such_book"]}, "codebooks: codebook 'no_such_book'"),
        ({"codebooks": ["cues", "cues"]}, "two codebooks named 'newslens_cues'"),
        ({"codebooks": [1]}, "codebooks must be a list"),
        ({"roles": "/nonexistent/roles.yml"}, "roles='/nonexistent/roles.yml': no such file"),
        ({"verbs": "/nonexistent/verbs.yml"}, "reporting_verbs.yml"),
    ],
)
def test_bad_stage_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        build.BuildParams(**params)


def test_a_failing_tagger_skips_only_that_article(make_corpus, tmp_path, monkeypatch):
    root = make_corpus(
        {
            "articles.csv": "file,outlet,id\na.txt,A,a\nb.txt,B,b\n",
            "a.txt": "Headline one\n\nIt is a moral duty to help the refugees.\n",
            "b.txt": "Headline two\n\nBOOM the economy suffers as prices rise.\n",
        }
    )
    real = framing.tag_many

    def flaky(sentences, codebooks):
        if sentences["text"].str.contains("BOOM").any():
            raise RuntimeError("tagger exploded")
        return real(sentences, codebooks)

    monkeypatch.setattr(framing, "tag_many", flaky)
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s", workers=1)
    assert list(c.articles["article_id"]) == ["a", "b"]  # both articles are built
    assert set(c.frames["article_id"]) == {"a"}
    err = c.skipped[c.skipped["reason"] == "error"]
    assert list(err["file"]) == ["b.txt"] and err["kept"].all()
    assert "tagger exploded" in err["detail"].iloc[0]


def test_cli_stage_options(make_corpus, tmp_path, capsys):
    from newslens import cli

    root = make_corpus(
        {"articles.csv": "file,outlet,id\na.txt,A,a\n", "a.txt": "Head\n\nA moral duty.\n"}
    )
    args = [str(root), "--out", str(tmp_path / "o"), "--quiet"]
    assert cli.main(["build", *args, "--codebook", "policy_frames_boydstun_2014"]) == 0
    assert "frame tags" in capsys.readouterr().out
    assert cli.main(["build", *args, "--no-codebooks", "--codebook", "cues"]) == 2
    assert "contradict" in capsys.readouterr().err
    assert cli.main(["build", *args, "--codebook", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_tag_sentences_reads_the_build_when_it_can(generated, monkeypatch):
    full, bare = generated
    book = framing.load_codebook(build.DEFAULT_CODEBOOKS[0])
    expected = framing.tag_sentences(bare.sentences, book)

    def no_tagging(*args, **kwargs):
        raise AssertionError("tagged again although the build holds these tags")

    monkeypatch.setattr(framing, "_tag_prefiltered", no_tagging)
    pd.testing.assert_frame_equal(framing.tag_sentences(full, book), expected)
    one = full.select([full.outlets[0]])
    got = framing.tag_sentences(one, book)
    assert len(got) and set(got["article_id"]) <= set(one.articles["article_id"])
    with pytest.raises(AssertionError, match="tagged again"):
        framing.tag_sentences(bare, book)


def test_quotes_table_reads_the_build_when_it_can(generated, monkeypatch):
    full, bare = generated
    expected = quotes.table(bare)

    def no_attribution(*args, **kwargs):
        raise AssertionError("attributed again although the build holds the attributions")

    monkeypatch.setattr(quotes, "attribute", no_attribution)
    pd.testing.assert_frame_equal(quotes.table(full), expected)
    with pytest.raises(AssertionError, match="attributed again"):
        quotes.table(bare)


def test_a_side_cue_ending_in_a_dot_attributes():
    # "u.s." in roles.yml is found as "U.S" by the phrase matcher; this used to raise KeyError
    paragraphs = ['"We will help," the U.S. said.']
    (a,) = quotes.attribute(paragraphs, quotes_spans(paragraphs))
    assert (a.speaker, a.side) == ("U.S.", "western")


def quotes_spans(paragraphs):
    from newslens import segment

    return segment.quotes(paragraphs)


def test_a_failing_attribution_keeps_the_article(make_corpus, tmp_path, monkeypatch):
    root = make_corpus(
        {
            "articles.csv": "file,outlet,id\na.txt,A,a\n",
            "a.txt": "Headline\n\n“We will win,” said Jane Smith. It is a moral duty.\n",
        }
    )

    def broken(*args, **kwargs):
        raise KeyError("u.s")

    monkeypatch.setattr(quotes, "attribute", broken)
    c = build.build(root, out=tmp_path / "t", store=tmp_path / "s", workers=1)
    assert list(c.articles["article_id"]) == ["a"] and len(c.quotes) == 1 and len(c.frames)
    assert len(c.attributions) == 0
    err = c.skipped[c.skipped["reason"] == "error"]
    assert list(err["file"]) == ["a.txt"] and err["kept"].all()
    assert "quote attribution failed (KeyError" in err["detail"].iloc[0]


def test_a_relative_codebook_path_is_kept_absolute(tmp_path, monkeypatch):
    src = Path(framing.load_codebook(build.DEFAULT_CODEBOOKS[0]).path)
    (tmp_path / "mine.yml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    p = build.BuildParams(codebooks=["mine.yml", "cues", "policy_frames_boydstun_2014"])
    assert p.codebooks == (str(tmp_path / "mine.yml"), "cues", "policy_frames_boydstun_2014")


def test_a_replaced_dataset_is_not_reused(make_corpus, tmp_path):
    root = make_corpus(
        {"articles.csv": "file,outlet,id\na.txt,A,a\n", "a.txt": "Head\n\nA moral duty.\n"}
    )
    first = build.build(root, out=tmp_path / "o", store=tmp_path / "s")
    assert first.build_info["key"] == first.key
    build.build(root, out=tmp_path / "o", store=tmp_path / "s", codebooks=["cues"])  # same folder
    assert first.build_info == {}
    book = framing.load_codebook(build.DEFAULT_CODEBOOKS[0])
    assert build.cached_frames(first, book) is None
