"""Quote attribution quality and speed on the sample corpus, against the hand-labelled gold.

Quality (targets: quote F1 >= 0.90, speaker accuracy >= 0.90):

* a predicted *speech* quote matches a gold speech quote when their texts overlap by at least
  50% of the tokens of both (``quotes.text_overlap``: min of the two token-overlap shares over
  lower-cased word multisets), matched one-to-one, greedily by overlap, within each article;
* quote precision / recall / F1 over speech quotes (not-speech quotes such as titles and scare
  quotes must be flagged ``is_speech=False`` to stay out of the count);
* speaker accuracy: share of matched quotes whose canonical speaker agrees with the gold's,
  ignoring case, with a surname match allowed (``Vladmir Putin`` = ``Vladimir Putin``); for
  unnamed speakers the gold's canonical speaker is the role (``soldier``);
* verb, group and not-speech accuracy are reported too (no target).

For comparison, the Gender Gap Tracker (Asr et al. 2021) reports 83.7% quote F1 and about 86%
speaker accuracy on its own news data; this sample is five articles, so its figures are fitted
and small (see the intervals): the hand-made cases in tests/test_quotes.py check other styles.

Speed: attribution time per 1,000 quotes on the sample, and on the same articles repeated
20 times in one body, measured side by side (the ratio shows whether cost grows faster than
the text). Then, on a generated corpus (``corpusgen.py``, ~10 quotes and ~35 sentences per
article, built once): milliseconds per article and quotes per second for ``attribute()`` (spans
from the built quotes table; best of ``--repeat`` passes) and for ``table()`` of the built
articles and quotes tables (a built Corpus itself may answer from its build's attributions).
Two figures for ``attribute()``: with the lexicons' memos of name runs and short lookups as a
long run leaves them ("warm"), and cleared before every article ("cold"; the generated articles
reuse the sample's sentences, so warm flatters them). ``--baseline FILE`` times another version of the
module (e.g. ``git show HEAD~5:lib/newslens/quotes.py > /tmp/quotes_old.py``) in the same
run, interleaved, and checks that both give the same attributions and table.

Run: .venv/bin/python benchmarks/bench_quotes.py [--gold DIR] [--corpus PATH] [--n-boot N]
         [--articles 300] [--seed 0] [--repeat 3] [--baseline FILE] [--speed-only]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

import newslens
import numpy as np
import pandas as pd
from newslens import quotes, segment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpusgen import write_corpus  # noqa: E402

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "quotes"


def load_gold(folder: Path) -> pd.DataFrame:
    rows = []
    for f in sorted(folder.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        rows += [{"article_id": doc["article_id"], **q} for q in doc["quotes"]]
    if not rows:
        raise SystemExit(
            f"--gold {folder}: no *.json gold files there (see tests/gold/quotes/README.md)"
        )
    return pd.DataFrame(rows)


def article_bootstrap(
    pred: pd.DataFrame, gold: pd.DataFrame, *, n_boot: int, seed: int
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of F1 and speaker accuracy, resampling whole articles."""
    ids = np.array(sorted(gold["article_id"].unique()))
    rng = np.random.default_rng(seed)
    f1s, accs = [], []
    for _ in range(n_boot):
        pick = rng.choice(ids, size=len(ids), replace=True)
        # Relabel each draw so an article drawn twice counts twice.
        p = pd.concat(
            [pred[pred.article_id == a].assign(article_id=f"{a}#{k}") for k, a in enumerate(pick)]
        )
        g = pd.concat(
            [gold[gold.article_id == a].assign(article_id=f"{a}#{k}") for k, a in enumerate(pick)]
        )
        r = quotes.evaluate(p, g)
        f1s.append(r["f1"])
        accs.append(r["speaker_accuracy"])
    q = [2.5, 97.5]
    return {
        "f1": tuple(np.nanpercentile(f1s, q)),
        "speaker_accuracy": tuple(np.nanpercentile(accs, q)),
    }


def timing(corpus: newslens.corpus.Corpus, *, repeat: int = 20) -> tuple[float, float, int, int]:
    arts = corpus.articles.sort_values("article_id")
    bodies = [b.split("\n\n") for b in arts["body"]]
    t0 = time.perf_counter()
    n_small = 0
    for ps in bodies:
        spans = segment.quotes(ps)
        n_small += len(quotes.attribute(ps, spans))
    small = time.perf_counter() - t0
    big = [p for _ in range(repeat) for ps in bodies for p in ps]
    t0 = time.perf_counter()
    spans = segment.quotes(big)
    n_big = len(quotes.attribute(big, spans))
    large = time.perf_counter() - t0
    return small, large, n_small, n_big


def load_module(path: Path) -> ModuleType:
    """Another version of newslens.quotes, imported from a file."""
    spec = importlib.util.spec_from_file_location("quotes_baseline", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--baseline {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def clear_memos(module: ModuleType) -> None:
    """Forget what the lexicons remember between articles (nothing for versions without memos)."""
    roles, verbs = module.load_roles(), module.load_verbs()
    getattr(roles, "name_runs", {}).clear()
    getattr(roles, "side_of", {}).clear()
    for phrases in (roles.pattern, roles.side_pattern, verbs.pattern):
        getattr(phrases, "_memo", {}).clear()


def article_inputs(corpus: newslens.corpus.Corpus) -> list[tuple[list[str], list]]:
    """(paragraphs, quote spans) of every article with quotes, as ``quotes.table`` reads them."""
    bodies = dict(zip(corpus.articles["article_id"], corpus.articles["body"]))
    out = []
    for aid, part in corpus.quotes.groupby("article_id", sort=True):
        out.append((str(bodies[aid]).split("\n\n"), quotes.spans_of(part)))
    return out


def time_attribute(module: ModuleType, inputs, *, cold: bool) -> float:
    """Seconds for one pass of ``attribute()`` over the articles."""
    t0 = time.perf_counter()
    for paragraphs, spans in inputs:
        if cold:
            clear_memos(module)
        module.attribute(paragraphs, spans)
    return time.perf_counter() - t0


def generated_speed(args: argparse.Namespace) -> None:
    versions = {"this": quotes}
    if args.baseline is not None:
        versions["baseline"] = load_module(args.baseline)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_corpus(Path(tmp) / "corpus", args.articles, seed=args.seed)
        corpus = newslens.build.build(
            root, out=Path(tmp) / "tables", store=Path(tmp) / "store", workers=1
        )
        inputs = article_inputs(corpus)
        # table() of the plain tables attributes every quote; a built Corpus may instead answer
        # from the attributions its build made.
        plain = SimpleNamespace(articles=corpus.articles, quotes=corpus.quotes)
        n_art, n_q = len(inputs), sum(len(s) for _, s in inputs)
        print(
            f"generated corpus: {n_art} articles with quotes, {n_q} quotes "
            f"({n_q / max(n_art, 1):.1f} per article), seed {args.seed}"
        )
        if "baseline" in versions:
            base = versions["baseline"]
            for ps, sp in inputs:
                if [vars(a) for a in base.attribute(ps, sp)] != [
                    vars(a) for a in quotes.attribute(ps, sp)
                ]:
                    raise SystemExit("the baseline attributes an article differently")
            pd.testing.assert_frame_equal(base.table(plain), quotes.table(plain), check_exact=True)
            print("baseline and this version: same attributions, same table")
        best: dict[tuple[str, str], float] = {}
        for module in versions.values():  # warm-up pass
            time_attribute(module, inputs, cold=False)
        for _ in range(args.repeat):  # interleaved, best of --repeat
            for name, module in versions.items():
                for cold in (False, True):
                    key = (name, "cold" if cold else "warm")
                    best[key] = min(best.get(key, 1e9), time_attribute(module, inputs, cold=cold))
                t0 = time.perf_counter()
                module.table(plain)
                best[(name, "table")] = min(
                    best.get((name, "table"), 1e9), time.perf_counter() - t0
                )
    order = {"warm": 0, "cold": 1, "table": 2}
    for (name, what), secs in sorted(best.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        label = "table()" if what == "table" else f"attribute(), {what} memos"
        print(
            f"  {name:8s} {label:26s} {secs / n_art * 1000:7.3f} ms per article  "
            f"{n_q / secs:9.0f} quotes/s"
        )
    if "baseline" in versions:
        for what in ("warm", "cold", "table"):
            ratio = best[("baseline", what)] / best[("this", what)]
            print(f"  speed-up over baseline ({what}): x{ratio:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--corpus", default=None, help="corpus folder (default: the sample corpus)")
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--articles", type=int, default=300, help="generated articles for speed")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (best is reported)")
    ap.add_argument("--baseline", type=Path, default=None, help="another quotes.py to compare")
    ap.add_argument("--speed-only", action="store_true", help="skip the quality report")
    args = ap.parse_args()
    if args.speed_only:
        generated_speed(args)
        return

    corpus = newslens.load_corpus(args.corpus)
    pred = quotes.table(corpus)
    gold = load_gold(args.gold)
    r = quotes.evaluate(pred, gold)
    ci = article_bootstrap(pred, gold, n_boot=args.n_boot, seed=args.seed)
    print(
        f"articles: {gold.article_id.nunique()}  gold speech quotes: {r['n_gold']}  "
        f"predicted speech quotes: {r['n_predicted']}  matched: {r['n_matched']}"
    )
    print(
        f"quote precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
        f"F1 {r['f1']:.3f} (article bootstrap 95% {ci['f1'][0]:.3f}-{ci['f1'][1]:.3f})  target >= 0.90"
    )
    print(
        f"speaker accuracy {r['speaker_accuracy']:.3f} (95% {ci['speaker_accuracy'][0]:.3f}-"
        f"{ci['speaker_accuracy'][1]:.3f})  target >= 0.90"
    )
    print(
        f"verb accuracy {r['verb_accuracy']:.3f}  group accuracy {r['group_accuracy']:.3f}  "
        f"not-speech flagged {r['not_speech_accuracy']:.3f} of {r['not_speech_gold']} body not-speech quotes"
    )
    print("per article:")
    for aid in sorted(gold.article_id.unique()):
        a = quotes.evaluate(pred[pred.article_id == aid], gold[gold.article_id == aid])
        print(
            f"  {aid:22s} gold {a['n_gold']:3d}  F1 {a['f1']:.3f}  speaker {a['speaker_accuracy']:.3f}"
        )
    small, large, n_small, n_big = timing(corpus)
    per_small = small / max(n_small, 1) * 1000
    per_large = large / max(n_big, 1) * 1000
    print(
        f"speed (segment.quotes + attribute): {per_small:.3f} s per 1,000 quotes on 5 articles ({n_small} quotes); "
        f"{per_large:.3f} s per 1,000 quotes in one 20x body ({n_big} quotes); ratio {per_large / per_small:.2f}"
    )
    generated_speed(args)
    ok = r["f1"] >= 0.90 and r["speaker_accuracy"] >= 0.90
    print("targets met" if ok else "TARGETS NOT MET")


if __name__ == "__main__":
    main()
