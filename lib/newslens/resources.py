"""Offline language resources.

nltk's data server is never contacted (users are often offline, and ``nltk.download()`` cannot
reach it from many networks). Everything nltk needs is written from installed packages:

* the VADER lexicon ships inside the ``vaderSentiment`` wheel; nltk 3.9+ only accepts it as a
  zip at ``<dir>/sentiment/vader_lexicon.zip`` with ``<dir>`` on ``nltk.data.path``;
* sentence splitting and stop words are the project's own (``newslens.segment``), so no Punkt
  model or stopwords corpus is needed.

>>> from newslens import resources
>>> resources.vader_lexicon_path().name
'vader_lexicon.txt'
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

NLTK_VADER = "sentiment/vader_lexicon.zip"


def vader_lexicon_path() -> Path:
    """The VADER lexicon file inside the installed ``vaderSentiment`` package."""
    try:
        import vaderSentiment
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ImportError(
            "the VADER lexicon comes from the vaderSentiment package: pip install vaderSentiment"
        ) from exc
    path = Path(vaderSentiment.__file__).resolve().parent / "vader_lexicon.txt"
    if not path.is_file():  # pragma: no cover - broken install
        raise FileNotFoundError(f"{path} is missing; reinstall vaderSentiment")
    return path


def nltk_data_dir() -> Path:
    """Where newslens writes nltk data.

    ``NEWSLENS_NLTK_DATA`` if set; else ``<sys.prefix>/share/nltk_data`` (on nltk's default
    search path, so plain nltk code in the same environment finds it too) when writable; else
    ``~/.cache/newslens/nltk_data``.
    """
    env = os.environ.get("NEWSLENS_NLTK_DATA")
    if env:
        return Path(env).expanduser().resolve()
    prefix_dir = Path(sys.prefix) / "share" / "nltk_data"
    if (
        os.access(prefix_dir if prefix_dir.exists() else prefix_dir.parent, os.W_OK)
        or (prefix_dir / NLTK_VADER).is_file()
    ):
        return prefix_dir
    return Path.home() / ".cache" / "newslens" / "nltk_data"


def _write_vader_zip(target: Path, lexicon: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename, so a crash never leaves a truncated zip behind.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            info = zipfile.ZipInfo(
                "vader_lexicon/vader_lexicon.txt", date_time=(2014, 6, 1, 0, 0, 0)
            )
            zf.writestr(info, lexicon.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _same_lexicon(zip_path: Path, lexicon: Path) -> bool:
    try:
        with zipfile.ZipFile(zip_path) as zf:
            data = zf.read("vader_lexicon/vader_lexicon.txt")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return hashlib.sha256(data).digest() == hashlib.sha256(lexicon.read_bytes()).digest()


@cache
def ensure_nltk_data() -> Path:
    """Write the nltk resources newslens needs (idempotent) and put their folder on nltk's path.

    Returns:
        The nltk data folder.
    """
    import nltk

    lexicon = vader_lexicon_path()
    data_dir = nltk_data_dir()
    target = data_dir / NLTK_VADER
    if not _same_lexicon(target, lexicon):
        _write_vader_zip(target, lexicon)
    if str(data_dir) not in nltk.data.path:
        nltk.data.path.insert(0, str(data_dir))
    return data_dir


def nltk_vader():
    """nltk's own ``SentimentIntensityAnalyzer`` with the offline lexicon (the reference scorer)."""
    ensure_nltk_data()
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()
