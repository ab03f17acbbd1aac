"""newslens: compare how news outlets cover the same story.

The public entry point is :func:`load_corpus`, which builds (or reads from cache) the tidy
tables of a corpus. Analyses live in their own modules: ``newslens.sentiment``,
``newslens.quotes``, ``newslens.framing``, ``newslens.vocab``, ``newslens.compare``.

>>> import newslens
>>> newslens.__version__
'0.1.0'
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_corpus"]


def __getattr__(name: str):
    # Lazy, so that `import newslens` stays cheap for the command line and for workers.
    if name == "load_corpus":
        from newslens.corpus import load_corpus

        return load_corpus
    raise AttributeError(f"module 'newslens' has no attribute {name!r}")
