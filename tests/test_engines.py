"""Both engines give identical tables; memory stays bounded as the corpus grows."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from newslens import build
from newslens.corpus import TABLES

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(BENCH))
    from corpusgen import write_corpus

    return write_corpus(tmp_path_factory.mktemp("gen") / "corpus", 60, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "generated"])
def test_dask_and_local_engines_agree(which, generated, cluster, tmp_path):
    root = None if which == "sample" else generated
    local = build.build(
        root, out=tmp_path / "local", store=tmp_path / "s1", workers=2, batch_size=7
    )
    dask = build.build(
        root,
        out=tmp_path / "dask",
        store=tmp_path / "s2",
        engine="dask",
        scheduler=cluster.scheduler_address,
        batch_size=7,
    )
    info = json.loads((tmp_path / "dask" / "_corpus.json").read_text())
    assert info["engine"] == "dask" and info["processed"] == len(local.articles)
    for name in TABLES:
        pd.testing.assert_frame_equal(local.table(name), dask.table(name))


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine"):
        build.build(None, engine="spark")


PEAK = textwrap.dedent(
    """
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from newslens import build
    root, out = Path(sys.argv[2]), Path(sys.argv[3])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    build.build(root, out=out / "t", store=out / "s", workers=1, batch_size=50)
    print(json.dumps({"before": before, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)


@pytest.mark.slow
def test_memory_does_not_grow_with_corpus_size(tmp_path):
    """Peak RSS of a build of 4x the articles stays within a small margin of the smaller one."""
    sys.path.insert(0, str(BENCH))
    from corpusgen import write_corpus

    peaks = {}
    for n in (150, 600):
        root = write_corpus(tmp_path / f"c{n}", n, seed=2)
        proc = subprocess.run(
            [sys.executable, "-c", PEAK, str(BENCH), str(root), str(tmp_path / f"o{n}")],
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
        peaks[n] = json.loads(proc.stdout.strip().splitlines()[-1])["peak"] / 1024  # MiB
    # Batches are written to parquet as they finish and the listing lives in an on-disk index,
    # so 4x the articles adds neither tables nor per-article records; the margin is for the
    # worker's capped memos filling (tests/test_discovery_index.py checks the main process alone).
    assert peaks[600] < peaks[150] * 1.15 + 25, peaks
