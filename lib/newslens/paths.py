"""Where things live. Every path resolves from the package, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
# lib/newslens -> lib -> project root (only meaningful for an editable install / a checkout)
PROJECT_ROOT = PACKAGE_DIR.parent.parent


def project_root() -> Path:
    """The checkout the package was installed from (editable install).

    Raises:
        FileNotFoundError: when the package is not installed from a checkout, so the sample
            corpus and the notebooks are not on disk.
    """
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data").is_dir():
        return PROJECT_ROOT
    raise FileNotFoundError(
        f"newslens is not installed from a checkout (looked for pyproject.toml and data/ in "
        f"{PROJECT_ROOT}); pass a corpus path explicitly or install with `pip install -e .`"
    )


def sample_corpus() -> Path:
    """The embedded sample corpus: ``data/`` with manifest ``data/articles.csv``."""
    return project_root() / "data"


def cache_dir() -> Path:
    """Cached intermediate tables (``data/processed/``, git-ignored).

    ``NEWSLENS_CACHE`` overrides it, e.g. for a read-only checkout.
    """
    env = os.environ.get("NEWSLENS_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    try:
        return project_root() / "data" / "processed"
    except FileNotFoundError:
        return Path.home() / ".cache" / "newslens" / "processed"
