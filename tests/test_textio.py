import codecs

import pytest
from newslens import textio

TEXT = "Russia’s troops said “no” — café 1,200"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decode_encodings(raw, encoding):
    got = textio.decode_bytes(raw)
    assert got.text == TEXT
    assert got.encoding == encoding


def test_mojibake_repaired():
    text = "Russia’s troops — café"  # every UTF-8 byte here is defined in cp1252
    broken = text.encode("utf-8").decode("cp1252").encode("utf-8")  # 'Russiaâ€™s ...'
    got = textio.decode_bytes(broken)
    assert got.text == text
    assert got.repaired_mojibake


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("Putin\u00a0said", "Putin said"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("thin\u2009space", "thin space"),
        ("bell\x07", "bell"),
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_normalise(raw, expected):
    assert textio.normalise_text(raw) == expected


def test_normalise_keeps_line_count():
    raw = "one\r\ntwo\r\n\r\nthree\u00a0\n"
    assert textio.normalise_text(raw).count("\n") == raw.count("\n") - raw.count(
        "\r\n"
    ) + raw.count("\r\n")


def test_binary_refused_with_name():
    with pytest.raises(textio.DecodeError, match="photo.txt.*binary"):
        textio.decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00", source="photo.txt")


def test_bad_utf16_refused():
    with pytest.raises(textio.DecodeError, match="UTF-16"):
        textio.decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8", source="x.txt")
