"""Tests for newslens.clean: the traps of the sample corpus, other outlets' pages against
hand-labelled gold, the audit (nothing disappears silently) and hostile input."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from newslens import clean
from newslens.textio import normalise_text

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold" / "clean"
GOLD = sorted(GOLD_DIR.glob("*.json"))
TARGET = {"sample": 0.97, "other": 0.95}


def _gold(path: Path) -> dict:
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["text"] = (ROOT / rec["file"]).read_text(encoding="utf-8")
    rec["set"] = "sample" if rec["file"].startswith("data/raw/") else "other"
    return rec


def _clean(rec: dict) -> clean.CleanArticle:
    if rec["file"].endswith(".html"):
        return clean.html(rec["text"])
    return clean.article(rec["text"])


# --------------------------------------------------------------------------------------------
# The traps, one small literal page each: (raw page, expected body paragraphs)

BODY = "The soldiers spoke to reporters in Kyiv on Thursday."
BODY2 = "Officials said the men would be exchanged."

TRAPS = [
    pytest.param(
        f"{BODY}\n\nA soldier weeps at a press conference in Kyiv\n\nA soldier weeps at a press conference in Kyiv.\n\n{BODY2}",
        [BODY, BODY2],
        id="caption-twice-with-and-without-full-stop",
    ),
    pytest.param(
        f"{BODY}\n\nPutin gave an address to thousands of Russians at the stadium\n\n"
        "Putin gave an address to thousands of Russians at the stadiumYou can go out and stop this chaos.'\n\n"
        f"{BODY2}",
        [BODY, "You can go out and stop this chaos.'", BODY2],
        id="caption-glued-before-body",
    ),
    pytest.param(
        f"{BODY}\n\n'See what is happening in Ukraine.'They were seen weeping at the conference\n\n"
        f"They were seen weeping at the conference \n\n{BODY2}",
        [BODY, "'See what is happening in Ukraine.'", BODY2],
        id="caption-glued-after-body",
    ),
    pytest.param(
        f"{BODY}\n\nThe minister said as well as killing 38\nchildren Russia had also wounded over 70.\n\n{BODY2}",
        [
            BODY,
            "The minister said as well as killing 38 children Russia had also wounded over 70.",
            BODY2,
        ],
        id="hard-wrap",
    ),
    pytest.param(
        f"{BODY}\n\nHis mother Vera Dmitrien- ko, 40, said he was alive.\n\nDmitrienko said the soldiers left.",
        [
            BODY,
            "His mother Vera Dmitrienko, 40, said he was alive.",
            "Dmitrienko said the soldiers left.",
        ],
        id="broken-hyphenation-inline",
    ),
    pytest.param(
        f"{BODY}\n\nPolice broke up the anti-\nwar protest in the square.",
        [BODY, "Police broke up the anti-war protest in the square."],
        id="broken-hyphenation-across-lines-keeps-prefix-hyphen",
    ),
    pytest.param(
        f"{BODY}\n\nBy day 13 of Vladimir Putin ’s invasion, 38 children had been killed.",
        [BODY, "By day 13 of Vladimir Putin’s invasion, 38 children had been killed."],
        id="space-before-apostrophe-and-by-that-is-not-a-byline",
    ),
    pytest.param(
        f"{BODY}\nMost read in News\nKids feared dead as shelter is bombed\nMoment tank is blown to bits as crew flee\n{BODY2}",
        [BODY, BODY2],
        id="most-read-list",
    ),
    pytest.param(
        f"{BODY}\n\nREAD MORE: Russian convoy blitzed near Kyiv by Ukrainian troops\n\n{BODY2}",
        [BODY, BODY2],
        id="read-more-line",
    ),
    pytest.param(
        f"{BODY}\nRead more on the Ukraine war\nPutin’s forces bomb theatre ‘sheltering 1,200’\n"
        f"Russia ‘could split from global internet’\n{BODY2}",
        [BODY, BODY2],
        id="read-more-header-with-headlines",
    ),
    pytest.param(
        f"{BODY}\nAll you need to know about the invasion\n- Why is Russia invading Ukraine?\n"
        f"- Will the UK go to war?\n- What is the Minsk agreement?\n{BODY2}",
        [BODY, BODY2],
        id="bulleted-faq-links",
    ),
    pytest.param(
        f"{BODY}\n{BODY2}\nHelp refugees with our Ukraine Appeal\nReaders have always been generous.\n"
        "Families are fleeing their homes with nothing.\nDonate at www.example.org/donate\n"
        "Account number: 12345678\nSort code: 00-00-00",
        [BODY, BODY2],
        id="donation-appeal-block",
    ),
    pytest.param(
        f"{BODY}\n\nCaptured soldiers cry on camera\nLoaded: 0%\nProgress: 0%\n0:00\nPlay\nMute\n"
        "Current Time0:00\n/\nDuration Time2:18\nFullscreen\nNeed Text\n\n" + BODY2,
        [BODY, BODY2],
        id="video-player-residue-and-title",
    ),
    pytest.param(
        "Get all your news in one place.\n100’s of premium titles.\nOne app.\nStart reading\n"
        f"{BODY}\nSign up to read this article\nRelated Stories\nDownload the app",
        [BODY],
        id="aggregator-chrome",
    ),
    pytest.param(f"{BODY}\n\nNo comments:\n\nPowered by Blogger.", [BODY], id="blog-chrome"),
    pytest.param(
        f"{BODY}\n{BODY2}\nSource: Read Full Article", [BODY, BODY2], id="source-read-full-article"
    ),
    pytest.param(
        f"{BODY}\n\nListen to this article\n\nLoading audio...\n\n{BODY2}",
        [BODY, BODY2],
        id="audio-player",
    ),
    pytest.param(
        f"{BODY}\n\n'If you can't then don't promise' moving caller with family stuck in Ukraine\n\n{BODY2}",
        [BODY, BODY2],
        id="promo-headline-mid-body",
    ),
    pytest.param(
        f"{BODY}\n\nA wounded man in Irpin, Ukraine (Anadolu Agency via Getty Images)\n\n"
        f"Zelensky called for more sanctions on Russia (Sky News)\n\n{BODY2}",
        [BODY, BODY2],
        id="credit-captions",
    ),
    pytest.param("He denied the claim.", ["He denied the claim."], id="one-line-paragraph-kept"),
    pytest.param(
        f"{BODY}\n\nHe denied the claim.\n\nShe did not.\n\n{BODY2}",
        [BODY, "He denied the claim.", "She did not.", BODY2],
        id="short-real-paragraphs-kept",
    ),
    pytest.param(
        f"KYIV, March 3 (Reuters) - {BODY}\n\n{BODY2}",
        [BODY, BODY2],
        id="agency-dateline-prefix",
    ),
    pytest.param(
        f"{BODY}\n\nAdvertisement\n\nShare\n\nSign up to our morning newsletter\n\n{BODY2}",
        [BODY, BODY2],
        id="advert-share-newsletter",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), TRAPS)
def test_traps(raw: str, expected: list[str]) -> None:
    assert clean.article(raw).paragraphs == expected


HEADERS = [
    pytest.param(
        "Captured soldiers call for end to war\n\n2 March 2022, 16:00 | Updated: 10 March 2022, 09:32\n\n"
        f"By Patrick Grafton-Green\n\n{BODY}",
        ("Captured soldiers call for end to war", "Patrick Grafton-Green", "2022-03-02"),
        id="headline-dateline-byline",
    ),
    pytest.param(
        "Get all your news in one place.\nDaily Mirror\nDaily Mirror\nWorld\nChris Hughes\n\n"
        f"Russian invasion of Ukraine 'faltering' as fears grow\n\n{BODY}",
        ("Russian invasion of Ukraine 'faltering' as fears grow", "Chris Hughes", None),
        id="masthead-section-author-above-headline",
    ),
    pytest.param(
        f"{BODY2}\n\n{BODY}", (None, None, None), id="no-headline-when-page-starts-with-prose"
    ),
    pytest.param(
        "Home\nNews\nSport\nWeather\nUkraine war: mothers search for captured sons\nPublished\n5 March 2022\n"
        f"By Olga Ivshina\nBBC Russian\n{BODY}",
        ("Ukraine war: mothers search for captured sons", "Olga Ivshina", "2022-03-05"),
        id="navigation-run-then-headline",
    ),
    pytest.param(
        f"Prisoners paraded in Kyiv as Ukraine appeals to mothers\nShaun Walker in Kyiv\nThu 3 Mar 2022 14.05 GMT\n{BODY}",
        (
            "Prisoners paraded in Kyiv as Ukraine appeals to mothers",
            "Shaun Walker in Kyiv",
            "2022-03-03",
        ),
        id="byline-without-by-below-headline",
    ),
    pytest.param(
        f"Soldiers weep on camera\n\nMarch 4, 2022\n\n{BODY}",
        ("Soldiers weep on camera", None, "2022-03-04"),
        id="us-date-format",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), HEADERS)
def test_headline_byline_published(raw: str, expected: tuple) -> None:
    art = clean.article(raw)
    assert (art.headline, art.byline, art.published) == expected
    assert art.paragraphs[-1] == BODY


# --------------------------------------------------------------------------------------------
# Quality against hand-labelled gold (the thresholds of benchmarks/bench_clean.py)


@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_gold_f1_and_header(path: Path) -> None:
    rec = _gold(path)
    art = _clean(rec)
    _, _, f1 = clean.token_f1(art.body, "\n\n".join(rec["paragraphs"]))
    assert f1 >= TARGET[rec["set"]], f"{path.name}: token F1 {f1:.3f}"
    assert art.headline == rec["headline"]
    assert art.byline == rec["byline"]
    assert art.published == rec["published"]


def test_gold_covers_sample_and_four_other_outlets() -> None:
    sets = Counter(_gold(p)["set"] for p in GOLD)
    assert sets["sample"] == 5
    assert sets["other"] >= 4
    assert any(p.suffix == ".html" for p in (ROOT / "tests" / "fixtures" / "pages").iterdir())


# --------------------------------------------------------------------------------------------
# The audit: every non-blank raw line is in the body or in `removed`, character for character

_ALNUM = re.compile(r"[^\W_]", re.UNICODE)


def _assert_audit_complete(raw: str, art: clean.CleanArticle) -> None:
    text = normalise_text(raw)
    lines = text.split("\n")
    nonblank = {i for i, line in enumerate(lines, start=1) if line.strip()}
    accounted = {n for ls in art.paragraph_lines for n in ls} | {r.line for r in art.removed}
    assert nonblank == accounted, f"lines neither kept nor removed: {sorted(nonblank - accounted)}"
    assert all(r.reason in clean.REASONS for r in art.removed)
    assert all(r.text.strip() for r in art.removed)
    # letters and digits are conserved: repairs only move spaces and hyphens
    kept = Counter(_ALNUM.findall(art.body)) + Counter(
        _ALNUM.findall("".join(r.text for r in art.removed))
    )
    assert kept == Counter(_ALNUM.findall(text))


@pytest.mark.parametrize(
    "path", [p for p in GOLD if not _gold(p)["file"].endswith(".html")], ids=lambda p: p.stem
)
def test_audit_complete_on_pages(path: Path) -> None:
    rec = _gold(path)
    _assert_audit_complete(rec["text"], clean.article(rec["text"]))


@pytest.mark.parametrize(("raw", "expected"), TRAPS)
def test_audit_complete_on_traps(raw: str, expected: list[str]) -> None:
    _assert_audit_complete(raw, clean.article(raw))


def test_audit_line_numbers_are_raw_line_numbers() -> None:
    raw = "Headline of the story here\r\n\r\nShare\r\n\r\nHe denied the claim.\r\n"
    art = clean.article(raw)
    assert [(r.line, r.text, r.reason) for r in art.removed] == [
        (1, "Headline of the story here", "headline"),
        (3, "Share", "chrome"),
    ]
    assert art.paragraph_lines == [(5,)]


def test_removed_is_sorted_by_line() -> None:
    rec = _gold(GOLD_DIR / "daily-mail_2022-03-20_crying-soldiers-turn-on-putin.json")
    lines = [r.line for r in clean.article(rec["text"]).removed]
    assert lines == sorted(lines)


# --------------------------------------------------------------------------------------------
# Hostile and edge-case input


def test_empty_string() -> None:
    art = clean.article("")
    assert (art.headline, art.byline, art.published, art.paragraphs, art.removed) == (
        None,
        None,
        None,
        [],
        [],
    )
    assert art.body == ""


def test_blank_lines_only() -> None:
    assert clean.article("\n \n\t\n").paragraphs == []


def test_only_furniture() -> None:
    raw = "Advertisement\nShare\nLoaded: 0%\nPlay\nMute\nNo comments:\nPowered by Blogger."
    art = clean.article(raw)
    assert art.paragraphs == []
    assert len(art.removed) == 7


def test_single_line_headline_shape_is_headline_not_body() -> None:
    art = clean.article("Captured soldiers call for end to war")
    assert art.headline == "Captured soldiers call for end to war"
    assert art.paragraphs == []


def test_very_long_line() -> None:
    sentence = "The soldiers said they had not been told where they were going. "
    raw = sentence * 20000  # ~1.3 MB on one line
    art = clean.article(raw)
    assert len(art.paragraphs) == 1
    assert art.paragraphs[0] == raw.strip()


def test_script_tag_kept_as_plain_text() -> None:
    raw = f"{BODY}\n\nThe post read <script>alert('x')</script> and was deleted.\n"
    art = clean.article(raw)
    assert art.paragraphs[1] == "The post read <script>alert('x')</script> and was deleted."


def test_crlf_same_as_lf() -> None:
    rec = _gold(GOLD_DIR / "lbc_2022-03-02_captured-soldiers-call-for-end-to-war.json")
    assert clean.article(rec["text"].replace("\n", "\r\n")) == clean.article(rec["text"])


def test_mojibake_repaired() -> None:
    art = clean.article(f"{BODY}\n\nHe said: â€œI donâ€™t know.â€\x9d\n")
    assert art.paragraphs[1] == "He said: “I don’t know.”"


def test_nbsp_and_zero_width() -> None:
    art = clean.article(f"{BODY}\n\nHe\u00a0denied the\u200b claim.")
    assert art.paragraphs[1] == "He denied the claim."


def test_not_a_string() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        clean.article(b"bytes")  # type: ignore[arg-type]


def test_deterministic() -> None:
    rec = _gold(GOLD_DIR / "the-sun_2022-03-17_soldiers-warn-they-will-rise.json")
    assert clean.article(rec["text"]).to_dict() == clean.article(rec["text"]).to_dict()


# --------------------------------------------------------------------------------------------
# Options, furniture file, serialisation


def test_keep_captions() -> None:
    raw = f"{BODY}\n\nA wounded man in Irpin (Anadolu Agency via Getty Images)\n\n{BODY2}"
    assert clean.article(raw).paragraphs == [BODY, BODY2]
    kept = clean.article(raw, keep_captions=True)
    assert kept.paragraphs == [
        BODY,
        "A wounded man in Irpin (Anadolu Agency via Getty Images)",
        BODY2,
    ]
    assert all(r.reason != "caption" for r in kept.removed)


def test_user_furniture_extends_default(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yml"
    extra.write_text(
        'rules:\n  - {phrase: "Support the Kyiv Chronicle today.", reason: appeal}\n',
        encoding="utf-8",
    )
    raw = f"{BODY}\n\nSupport the Kyiv Chronicle today.\n\nShare\n\n{BODY2}"
    assert clean.article(raw).paragraphs == [BODY, "Support the Kyiv Chronicle today.", BODY2]
    art = clean.article(raw, furniture=extra)
    assert art.paragraphs == [BODY, BODY2]
    assert [(r.text, r.reason) for r in art.removed] == [
        ("Support the Kyiv Chronicle today.", "appeal"),
        ("Share", "chrome"),  # the default rules still apply
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("rules:\n  - {phrase: x, reason: nonsense}\n", "reason 'nonsense' is not one of"),
        ("rules:\n  - {pattern: '(unclosed', reason: chrome}\n", "invalid regular expression"),
        ("rules:\n  - {phrase: x, pattern: y, reason: chrome}\n", "exactly one of"),
        ("rules:\n  - {phrase: x, reason: chrome, action: explode}\n", "action 'explode'"),
        ("colour: blue\n", "unknown key"),
        ("rules: [\n", "cannot be parsed"),
    ],
)
def test_bad_furniture_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        clean.article(BODY, furniture=path)
    assert str(path) in str(err.value)


def test_missing_furniture_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="furniture="):
        clean.article(BODY, furniture=tmp_path / "nope.yml")


def test_to_dict_is_json_and_complete() -> None:
    art = clean.article(f"Soldiers weep on camera\n\nBy Ann Lee\n\n{BODY}\n\nShare")
    d = json.loads(json.dumps(art.to_dict()))
    assert set(d) == {"headline", "byline", "published", "body", "paragraphs", "removed"}
    assert d["body"] == BODY
    assert d["removed"] == [
        {"line": 1, "text": "Soldiers weep on camera", "reason": "headline"},
        {"line": 3, "text": "By Ann Lee", "reason": "byline"},
        {"line": 7, "text": "Share", "reason": "chrome"},
    ]


def test_reasons_are_unique_strings() -> None:
    assert len(set(clean.REASONS)) == len(clean.REASONS)
    assert {"caption", "duplicate", "related-links", "appeal", "media-player", "chrome"} <= set(
        clean.REASONS
    )


# --------------------------------------------------------------------------------------------
# HTML


def test_html_page_uses_metadata() -> None:
    rec = _gold(GOLD_DIR / "kare11_2022-03-02_minnesota-family.json")
    art = clean.html(rec["text"])
    assert (art.headline, art.byline, art.published) == (
        rec["headline"],
        rec["byline"],
        rec["published"],
    )
    assert art.paragraphs == rec["paragraphs"]
    assert all("cookies" not in p for p in art.paragraphs)


@pytest.mark.parametrize("page", ["", "   ", "<html><body><nav>Home</nav></body></html>"])
def test_html_without_article(page: str) -> None:
    art = clean.html(page)
    assert art.paragraphs == []


def test_html_not_a_string() -> None:
    with pytest.raises(TypeError, match="page must be a str"):
        clean.html(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The metric


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ("", "", (1.0, 1.0, 1.0)),
        ("", "a b", (0.0, 0.0, 0.0)),
        ("a b", "", (0.0, 0.0, 0.0)),
        ("He denied it.", "he DENIED it", (1.0, 1.0, 1.0)),
        # pred {a:2, b:1}, gold {a:1, b:1, c:1}: overlap 2, P = 2/3, R = 2/3, F1 = 2/3
        ("a a b", "a b c", (2 / 3, 2 / 3, 2 / 3)),
        # overlap 1 of pred 1 and gold 4: P = 1, R = 1/4, F1 = 2 * 0.25 / 1.25 = 0.4
        ("a", "a b c d", (1.0, 0.25, 0.4)),
    ],
)
def test_token_f1(pred: str, gold: str, expected: tuple[float, float, float]) -> None:
    assert clean.token_f1(pred, gold) == pytest.approx(expected)


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(clean, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_line_broken_after_a_non_ascii_letter_is_rejoined_not_a_crash():
    # "café-" / "bar": the letter before the hyphen is not ASCII (this raised AttributeError)
    out = clean.article("Un texte qui parle du café-\nbar et de la suite.\n")
    assert out.paragraphs == ["Un texte qui parle du cafébar et de la suite."]
    out = clean.article("Ein Text über die Straße-\nnbahn in Kyjiw und mehr.\n")
    assert len(out.paragraphs) == 1 and "Straße" in out.paragraphs[0]
