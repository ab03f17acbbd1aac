"""Reading raw bytes as text: encodings, mojibake, line endings and invisible characters.

Raw files are never modified; these functions only return new strings.

>>> from newslens import textio
>>> textio.normalise_text("Putin\\u00a0said\\u200b it\\r\\nwasn\\u00e2\\u20ac\\u2122t")
'Putin said it\\nwasn’t'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import ftfy

# Zero-width and other invisible format characters that split words for no visible reason.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every Unicode space separator except the ordinary space (NBSP, thin space, en/em spaces ...).
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# C0 control characters other than tab and newline (line endings are handled first).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Typical mojibake fragments: UTF-8 read as Windows-1252 / Latin-1.
_MOJIBAKE_HINT = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]"
)

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # article text may legitimately contain '&amp;' etc. in exports
    fix_latin_ligatures=False,
    uncurl_quotes=False,  # curly quotes carry meaning for quote detection
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)


class DecodeError(ValueError):
    """Raised when bytes cannot be read as text; the message says why and what to do."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with how it was decoded."""

    text: str
    encoding: str
    repaired_mojibake: bool


def looks_binary(data: bytes) -> bool:
    """True when the bytes are clearly not text (NUL bytes outside a UTF-16 file)."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def decode_bytes(data: bytes, *, source: str = "<bytes>") -> Decoded:
    """Decode raw bytes: BOMs (UTF-8, UTF-16), then UTF-8, then Windows-1252; repair mojibake.

    Args:
        data: the raw bytes of a file.
        source: a name for error messages (usually the file path).

    Raises:
        DecodeError: for binary data or bytes no supported encoding reads.
    """
    if looks_binary(data):
        raise DecodeError(
            f"{source}: looks like a binary file (NUL bytes), not text; remove it from the corpus "
            "or convert it to UTF-8 text"
        )
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"{source}: has a UTF-16 byte-order mark but is not valid UTF-16 ({exc})"
            ) from exc
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"{source}: is neither UTF-8 nor Windows-1252 text (byte {exc.start}); "
                    "re-save it as UTF-8"
                ) from exc
    repaired = False
    if _MOJIBAKE_HINT.search(text):
        fixed = ftfy.fix_text(text, config=_FTFY_CONFIG)
        repaired = fixed != text
        text = fixed
    return Decoded(text=text, encoding=encoding, repaired_mojibake=repaired)


def has_mojibake(text: str) -> bool:
    """True when ``text`` holds a typical mojibake fragment, the cue for ftfy's repair."""
    return _MOJIBAKE_HINT.search(text) is not None


def normalise_text(text: str) -> str:
    """Normalise line endings, spaces and invisible characters; keep the line structure.

    CRLF and CR become LF, non-breaking and other odd spaces become a plain space, zero-width
    characters and soft hyphens are dropped, mojibake is repaired, and the text is NFC. The number
    of lines never changes, so line numbers in the cleaner's audit match the raw file.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_text(text, config=_FTFY_CONFIG)
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def read_text(data: bytes, *, source: str = "<bytes>") -> str:
    """Decode and normalise raw bytes in one step (see :func:`decode_bytes`, :func:`normalise_text`)."""
    return normalise_text(decode_bytes(data, source=source).text)
