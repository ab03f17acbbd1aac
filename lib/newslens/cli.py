"""The ``newslens`` command line.

    newslens clean PATH [--json] [--keep-captions]
    newslens build [CORPUS] [--out DIR] [--engine local|dask] [--workers N] [--scheduler ADDR]
    newslens quotes PATH [--json]
    newslens report [--config FILE] [-p KEY=VALUE ...] [--out DIR] [--notebook NAME ...]
    newslens setup                      # write offline language resources (nltk's VADER lexicon)

Exit codes: 0 success, 1 the work failed (e.g. a notebook raised), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> int:
    print(f"newslens: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _read_file(path: Path) -> str:
    from newslens.textio import read_text

    return read_text(path.read_bytes(), source=str(path))


def cmd_clean(args: argparse.Namespace) -> int:
    from newslens import clean

    path = Path(args.path)
    if not path.is_file():
        return _err(f"{path}: no such file; give the path of one article (.txt or .html)")
    text = _read_file(path)
    if path.suffix.lower() in (".html", ".htm"):
        result = clean.html(text, keep_captions=args.keep_captions, furniture=args.furniture)
    else:
        result = clean.article(text, keep_captions=args.keep_captions, furniture=args.furniture)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        if result.headline:
            print(f"# {result.headline}")
        meta = " | ".join(x for x in (result.byline, result.published) if x)
        if meta:
            print(meta)
        print()
        print(result.body)
        print(f"\n[{len(result.removed)} lines removed; use --json for the audit]", file=sys.stderr)
    return EXIT_OK


def _stage_params(args: argparse.Namespace) -> dict:
    """Build parameters of the attribution and frame-tagging stages from the options."""
    from newslens.build import DEFAULT_CODEBOOKS

    if args.no_codebooks and args.codebook:
        raise ValueError("--no-codebooks and --codebook contradict each other; give one of them")
    return {
        "attribution": not args.no_attribution,
        "roles": args.roles,
        "verbs": args.verbs,
        "codebooks": () if args.no_codebooks else tuple(args.codebook or DEFAULT_CODEBOOKS),
    }


def cmd_build(args: argparse.Namespace) -> int:
    from newslens.build import build

    corpus = build(
        args.corpus,
        out=args.out,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        batch_size=args.batch_size,
        rebuild=args.rebuild,
        progress=not args.quiet,
        keep_captions=args.keep_captions,
        furniture=args.furniture,
        **_stage_params(args),
    )
    arts, skipped = corpus.articles, corpus.skipped
    info = json.loads((corpus.tables_dir / "_corpus.json").read_text())
    print(
        f"built {len(arts)} articles, {len(corpus.sentences)} sentences, {len(corpus.quotes)} quotes, "
        f"{len(corpus.frames)} frame tags "
        f"from {corpus.root} into {corpus.tables_dir} "
        f"({info['processed']} processed, {len(arts) - info['processed'] if info['processed'] <= len(arts) else 0} from cache, {info['seconds']:.1f}s)"
    )
    if len(skipped):
        print(f"skipped or flagged {len(skipped)}:")
        for row in skipped.itertuples():
            where = f"{row.file}" + (
                f":{row.line}" if row.line is not None and str(row.line) != "<NA>" else ""
            )
            status = "kept" if row.kept else "skipped"
            print(f"  [{status}] {row.reason}: {where}: {row.detail}")
    return EXIT_OK


def cmd_quotes(args: argparse.Namespace) -> int:
    from newslens import quotes

    path = Path(args.path)
    if not path.is_file():
        return _err(f"{path}: no such file; give the path of one article (.txt or .html)")
    rows = quotes.from_file(path)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for q in rows:
            print(
                f"{q.get('speaker') or 'unknown'} ({q.get('group')}, {q.get('verb')}): {q['text']}"
            )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from newslens import report

    # key=value strings, parsed by report.parse_parameters (YAML literals; `no` stays a string,
    # dates stay strings) so the command line and the config agree.
    params = report.parse_parameters(args.param)
    result = report.run(
        config=args.config,
        notebooks=args.notebook or None,
        out_dir=args.out,
        parameters=params,
        kernel_name=args.kernel,
        progress=not args.quiet,
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_setup(args: argparse.Namespace) -> int:
    from newslens import resources

    where = resources.ensure_nltk_data()
    print(f"nltk resources ready in {where} (VADER lexicon from the vaderSentiment package)")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newslens", description="Compare how news outlets cover the same story."
    )
    p.add_argument(
        "--version", action="version", version=f"newslens {__import__('newslens').__version__}"
    )
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "clean", help="clean one page dump and show the body (and the audit with --json)"
    )
    c.add_argument("path")
    c.add_argument(
        "--json",
        action="store_true",
        help="print headline, byline, published, body and removed as JSON",
    )
    c.add_argument("--keep-captions", action="store_true")
    c.add_argument(
        "--furniture",
        default=None,
        metavar="YAML",
        help="extra page-furniture rules (extends lib/newslens/data/furniture.yml)",
    )
    c.set_defaults(func=cmd_clean)

    b = sub.add_parser(
        "build", help="build the tables of a corpus folder (default: the sample corpus)"
    )
    b.add_argument("corpus", nargs="?", default=None)
    b.add_argument("--out", default=None, help="folder for the parquet tables (default: the cache)")
    b.add_argument("--engine", choices=("local", "dask"), default="local")
    b.add_argument("--workers", type=int, default=None)
    b.add_argument(
        "--scheduler", default=None, help="dask scheduler address, e.g. tcp://10.0.0.5:8786"
    )
    b.add_argument("--batch-size", type=int, default=100)
    b.add_argument("--rebuild", action="store_true", help="ignore cached per-article results")
    b.add_argument("--keep-captions", action="store_true")
    b.add_argument(
        "--furniture",
        default=None,
        metavar="YAML",
        help="extra page-furniture rules (extends the default file)",
    )
    b.add_argument(
        "--codebook",
        action="append",
        metavar="NAME|YAML",
        help="tag sentences with this codebook during the build (repeat for several; 'cues' is "
        "the cue lexicon; default: semetko_valkenburg_2000 and cues)",
    )
    b.add_argument(
        "--no-codebooks", action="store_true", help="no frame tags in the build (tag at analysis)"
    )
    b.add_argument(
        "--no-attribution",
        action="store_true",
        help="no quote attribution in the build (quotes.table attributes at analysis time)",
    )
    b.add_argument("--roles", default=None, metavar="YAML", help="role lexicon for attribution")
    b.add_argument(
        "--verbs", default=None, metavar="YAML", help="reporting-verb lexicon for attribution"
    )
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("quotes", help="direct quotes of one article with speaker, verb and group")
    q.add_argument("path")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_quotes)

    r = sub.add_parser(
        "report", help="execute the notebooks with papermill and render HTML reports"
    )
    r.add_argument("--config", default=None, help="report config (default notebooks/report.yml)")
    r.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="notebook parameter (YAML literal), repeatable",
    )
    r.add_argument("--out", default=None, help="output folder (default reports/)")
    r.add_argument(
        "--notebook",
        action="append",
        default=[],
        help="run only this notebook (name or stem), repeatable",
    )
    r.add_argument("--kernel", default="newslens", help="Jupyter kernel name (default newslens)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_report)

    s = sub.add_parser("setup", help="write offline language resources")
    s.set_defaults(func=cmd_setup)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, NotADirectoryError, ValueError) as exc:
        return _err(str(exc))
    except BrokenPipeError:
        # `newslens clean x --json | head`: the reader went away; that is not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return _err(
            "interrupted; outputs already written are complete, partial ones were discarded"
        )
