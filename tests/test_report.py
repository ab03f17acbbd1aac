"""newslens.report: config parsing, parameter precedence, failures, reader pages, escaping and
atomic writes. Tiny notebooks written into tmp dirs keep these tests fast; the notebooks of the
project are executed by the ``report_run`` fixture (conftest) and checked in test_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from newslens import report
from newslens.report import ReportConfigError

KERNELSPEC = {"name": "newslens", "display_name": "Python (newslens)", "language": "python"}
HOSTILE_TITLE = "<script>alert('x')</script> & co"
CODE_MARKER = "code_marker_only_in_the_code_version = 1"


def _notebook(path: Path, *cells: tuple[str, str], parameters: str | None = None) -> Path:
    """Write a notebook: ``cells`` are (kind, source); ``parameters`` becomes the tagged cell."""
    made = []
    for i, (kind, source) in enumerate(cells):
        if kind == "md":
            made.append(nbformat.v4.new_markdown_cell(source))
        else:
            made.append(nbformat.v4.new_code_cell(source))
        if i == 0 and parameters is not None:
            cell = nbformat.v4.new_code_cell(parameters)
            cell.metadata["tags"] = ["parameters"]
            made.append(cell)
    nb = nbformat.v4.new_notebook(cells=made, metadata={"kernelspec": KERNELSPEC})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _executed_stdout(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "stream"
    )


# --------------------------------------------------------------------------------------------
# Parameter values and items
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_in", "expected"),
    [
        ("3", 3),
        ("-2", -2),
        ("0.5", 0.5),
        ("true", True),
        ("False", False),
        ("no", "no"),  # YAML 1.1 would say False
        ("on", "on"),
        ("2022-03-01", "2022-03-01"),  # YAML would make a date papermill cannot pass
        ("", ""),
        ("   ", ""),
        ("null", None),
        ("[LBC, The Sun]", ["LBC", "The Sun"]),
        ("[]", []),
        ("{min_n: 5}", {"min_n": 5}),
        ("'007'", "007"),
        ("/data/my corpus", "/data/my corpus"),
        ("The Sun", "The Sun"),
    ],
)
def test_parse_value(raw_in, expected):
    assert report.parse_value(raw_in) == expected
    assert type(report.parse_value(raw_in)) is type(expected)


def test_parse_value_rejects_broken_yaml():
    with pytest.raises(ReportConfigError, match=r"\[a, b"):
        report.parse_value("[a, b")


def test_parse_parameters_later_items_win():
    assert report.parse_parameters(["seed=1", "corpus=a=b", "seed=2"]) == {
        "seed": 2,
        "corpus": "a=b",
    }


@pytest.mark.parametrize("item", ["seed", "=3", "1x=2", "two words=1"])
def test_parse_parameters_rejects_bad_items(item):
    with pytest.raises(ReportConfigError, match=re.escape(repr(item))):
        report.parse_parameters([item])


# --------------------------------------------------------------------------------------------
# Config files
# --------------------------------------------------------------------------------------------


def _three_notebooks(folder: Path) -> None:
    _notebook(folder / "10_b.ipynb", ("md", "# B"))
    _notebook(folder / "02_a.ipynb", ("md", "# A"))
    _notebook(folder / "notes.ipynb", ("md", "# scratch, not a report"))


def test_config_discovers_nn_notebooks_in_file_name_order(tmp_path):
    _three_notebooks(tmp_path)
    (tmp_path / "report.yml").write_text(
        "parameters: {seed: 1}\nnotebooks:\n  - notebook: 10_b.ipynb\n    parameters: {n: 2}\n"
    )
    cfg = report.load_config(tmp_path / "report.yml")
    assert [nb.name for nb in cfg.notebooks] == ["02_a", "10_b"]
    assert cfg.parameters == {"seed": 1}
    assert [nb.parameters for nb in cfg.notebooks] == [{}, {"n": 2}]
    assert cfg.notebook_dir == tmp_path.resolve()


def test_config_can_list_a_notebook_without_nn_prefix(tmp_path):
    _three_notebooks(tmp_path)
    (tmp_path / "report.yml").write_text("notebooks: [notes.ipynb]\n")
    cfg = report.load_config(tmp_path / "report.yml")
    assert [nb.name for nb in cfg.notebooks] == ["02_a", "10_b", "notes"]


def test_folder_without_config_runs_every_nn_notebook(tmp_path):
    _three_notebooks(tmp_path)
    cfg = report.load_config(tmp_path)
    assert cfg.path is None
    assert [nb.name for nb in cfg.notebooks] == ["02_a", "10_b"]


def test_project_config_parses():
    cfg = report.load_config()
    assert cfg.path is not None and cfg.path.name == "report.yml"
    assert all(nb.path.suffix == ".ipynb" for nb in cfg.notebooks)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("notebooks: [missing.ipynb]\n", r"notebooks item 1: notebook 'missing.ipynb' not found"),
        ("notebooks: [02_a.ipynb, 02_a.ipynb]\n", r"notebooks item 2: .* listed twice"),
        ("notebooks:\n  - {notebook: 02_a.ipynb, params: {}}\n", r"unknown key\(s\) \['params'\]"),
        ("notebooks:\n  - {notebook: 02_a.ipynb, parameters: [1]}\n", r"must be a mapping"),
        ("notebooks:\n  - {notebook: 02_a.ipynb, parameters: {1x: 1}}\n", r"not a Python name"),
        ("notebook: []\n", r"unknown top-level key\(s\) \['notebook'\]"),
        ("notebooks: 02_a.ipynb\n", r"'notebooks' must be a list"),
        ("- 02_a.ipynb\n", r"top level must be a mapping"),
        ("notebooks: [\n", r"not valid YAML"),
        ("notebooks: [../02_a.ipynb]\n", r"not found|must be a notebook in"),
    ],
)
def test_config_errors_name_the_file_and_entry(tmp_path, yaml_text, message):
    _three_notebooks(tmp_path)
    cfg = tmp_path / "report.yml"
    cfg.write_text(yaml_text)
    with pytest.raises(ReportConfigError, match=message) as info:
        report.load_config(cfg)
    assert str(cfg) in str(info.value)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ReportConfigError, match="does not exist"):
        report.load_config(tmp_path / "nope.yml")


def test_empty_folder_has_nothing_to_run(tmp_path):
    with pytest.raises(ReportConfigError, match="no notebooks to run"):
        report.run(config=tmp_path, out_dir=tmp_path / "out", progress=False)


# --------------------------------------------------------------------------------------------
# Errors found before anything runs (fast: no kernel starts)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def param_notebooks(tmp_path) -> Path:
    folder = tmp_path / "nbs"
    _notebook(folder / "01_one.ipynb", ("md", "# One"), parameters='seed = 0\nlabel = "x"')
    _notebook(folder / "02_two.ipynb", ("md", "# Two"), parameters="seed = 0")
    return folder


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"notebooks": ["03"]}, r"--notebook '03' matches 0 notebooks; choose one of"),
        ({"parameters": ["colour=red"]}, r"-p colour=...: no selected notebook has a parameter"),
        # label is declared by 01 only: selecting 02 makes -p label an error
        ({"notebooks": ["02_two"], "parameters": {"label": "y"}}, r"parameter 'label'"),
        ({"parameters": ["corpus=/no/such/folder"]}, r"no selected notebook|does not exist"),
        ({"kernel_name": "no-such-kernel-newslens"}, r"ipykernel install --sys-prefix --name"),
    ],
)
def test_bad_selection_parameters_and_kernel_fail_early(param_notebooks, kwargs, message):
    out = param_notebooks.parent / "out"
    with pytest.raises(ReportConfigError, match=message):
        report.run(config=param_notebooks, out_dir=out, progress=False, **kwargs)
    assert not out.exists(), "nothing may be written when the run cannot start"


def test_config_parameter_not_in_the_notebook_is_an_error(param_notebooks):
    (param_notebooks / "report.yml").write_text(
        "notebooks:\n  - notebook: 02_two.ipynb\n    parameters: {label: y}\n"
    )
    with pytest.raises(ReportConfigError, match=r"02_two.ipynb: parameter\(s\) \['label'\]"):
        report.run(config=param_notebooks, out_dir=param_notebooks / "out", progress=False)


def test_missing_corpus_path_names_the_parameter(tmp_path):
    _notebook(tmp_path / "nbs" / "01_c.ipynb", ("md", "# C"), parameters='corpus = ""')
    with pytest.raises(ReportConfigError, match=r"parameter corpus='nope'.*does not exist"):
        report.run(
            config=tmp_path / "nbs",
            parameters=["corpus=nope"],
            out_dir=tmp_path / "o",
            progress=False,
        )


# --------------------------------------------------------------------------------------------
# One real run: precedence, recording, a failing notebook, reader pages, escaping
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report-run")
    nbs = root / "notebooks"
    _notebook(
        nbs / "01_good.ipynb",
        ("md", "# Good notebook\n\nPrints its parameters and draws a figure."),
        (
            "code",
            "import matplotlib.pyplot as plt\n"
            "print(f'label={label} seed={seed} n={n} corpus={corpus}')\n"
            f"{CODE_MARKER}\n"
            "fig, ax = plt.subplots(figsize=(3, 2))\n"
            "ax.plot([0, 1], [seed, n])\n"
            "plt.show()",
        ),
        parameters='corpus = ""\nlabel = "default"\nseed = 0\nn = 2\nextra = ""\nname = ""',
    )
    _notebook(
        nbs / "02_fails.ipynb",
        ("md", "# Failing notebook"),
        ("code", "print('before the failure')"),
        ("code", "raise ValueError('boom <b>bold</b>')"),
        ("code", "print('never reached')"),
        parameters="seed = 0",
    )
    _notebook(
        nbs / "03_after.ipynb",
        ("md", "# Runs after the failure"),
        ("code", "print(title)\nopen('side_output.txt', 'w').write('written to the cwd')"),
        parameters='title = ""',
    )
    _notebook(nbs / "notes.ipynb", ("code", "raise SystemExit('not a report, must not run')"))
    (nbs / "report.yml").write_text(
        "parameters:\n  label: from-top\n  seed: 1\n"
        "notebooks:\n"
        "  - notebook: 01_good.ipynb\n    parameters: {label: from-entry}\n"
        f"  - notebook: 03_after.ipynb\n    parameters:\n      title: {json.dumps(HOSTILE_TITLE)}\n",
        encoding="utf-8",
    )
    corpus = root / "work" / "my corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "raw" / "a.txt").write_text("Headline\n\nBody text.\n", encoding="utf-8")
    (corpus / "articles.csv").write_text("file,outlet\nraw/a.txt,X\n", encoding="utf-8")
    (root / "work" / "cues.yml").write_text("{}\n", encoding="utf-8")
    out = root / "reports"
    cwd = Path.cwd()
    os.chdir(root / "work")  # -p corpus=<relative> resolves against the caller's directory
    # Headless callers often set this; the report's kernels must still draw inline figures.
    saved_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        result = report.run(
            config=nbs / "report.yml",
            out_dir=out,
            parameters=["seed=7", "corpus=my corpus", "extra=cues.yml", "name=The Sun"],
            progress=False,
        )
    finally:
        os.chdir(cwd)
        if saved_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved_backend
    (root / "result.json").write_text(
        json.dumps(
            {
                "ok": result.ok,
                "status": result.status,
                "corpus": str(corpus.resolve()),
                "corpus_hash": report.corpus_hash(corpus),
                "cues": str((root / "work" / "cues.yml").resolve()),
            }
        )
    )
    return root


@pytest.fixture(scope="module")
def run_info(run_dir) -> dict:
    return json.loads((run_dir / "result.json").read_text())


def test_failing_notebook_fails_the_run_but_not_the_others(run_info, run_dir):
    assert run_info["ok"] is False
    assert run_info["status"] == {"01_good": "ok", "02_fails": "failed", "03_after": "ok"}
    out = run_dir / "reports"
    assert not (out / "notes.html").exists()
    assert "from-entry" in _executed_stdout(out / "01_good.ipynb")


def test_failed_notebook_is_rendered_with_its_error(run_dir):
    out = run_dir / "reports"
    for name in ("02_fails.html", "02_fails.reader.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "ValueError" in page
        assert "boom &lt;b&gt;bold&lt;/b&gt;" in page and "boom <b>" not in page
        assert "This notebook failed" in page
    stdout = _executed_stdout(out / "02_fails.ipynb")
    assert "before the failure" in stdout and "never reached" not in stdout


def test_index_lists_the_failed_notebook_as_failed(run_dir):
    index = (run_dir / "reports" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'data-notebook="([^"]+)" data-status="([^"]+)"', index))
    assert rows == {"01_good": "ok", "02_fails": "failed", "03_after": "ok"}
    assert "ValueError: boom &lt;b&gt;bold&lt;/b&gt;" in index
    assert "1 of 3 notebook(s) of the last run failed" in index
    for stem in rows:
        assert f'href="{stem}.html"' in index and f'href="{stem}.reader.html"' in index


def test_parameter_precedence_top_then_entry_then_command_line(run_dir, run_info):
    executed = nbformat.read(run_dir / "reports" / "01_good.ipynb", as_version=4)
    expected = {
        "label": "from-entry",
        "seed": 7,
        "corpus": run_info["corpus"],
        "extra": run_info["cues"],  # an existing relative path: made absolute
        "name": "The Sun",  # not a path: unchanged
    }
    # papermill records what it injected; n kept its default
    assert executed.metadata["papermill"]["parameters"] == expected
    assert _executed_stdout(run_dir / "reports" / "01_good.ipynb").startswith(
        f"label=from-entry seed=7 n=2 corpus={run_info['corpus']}"
    )
    record = json.loads((run_dir / "reports" / "report.json").read_text())
    good = next(nb for nb in record["notebooks"] if nb["name"] == "01_good")
    assert good["parameters"] == expected
    assert good["defaults"] == {"n": "2"}
    # 02 declares only seed: the top-level label is not passed to it
    fails = next(nb for nb in record["notebooks"] if nb["name"] == "02_fails")
    assert fails["parameters"] == {"seed": 7}


def test_notebooks_run_in_the_output_folder(run_dir):
    """Files a notebook writes next to itself land with the reports, not among the notebooks."""
    assert (run_dir / "reports" / "side_output.txt").read_text() == "written to the cwd"
    assert not (run_dir / "notebooks" / "side_output.txt").exists()


def test_corpus_hash_and_versions_are_recorded(run_dir, run_info):
    record = json.loads((run_dir / "reports" / "report.json").read_text())
    good = next(nb for nb in record["notebooks"] if nb["name"] == "01_good")
    assert good["corpus"] == run_info["corpus"]
    assert good["corpus_hash"] == run_info["corpus_hash"]
    after = next(nb for nb in record["notebooks"] if nb["name"] == "03_after")
    assert after["corpus"] is None  # no corpus parameter: nothing to hash
    versions = record["run"]["versions"]
    assert set(versions) == {"newslens", "pandas", "nltk", "matplotlib", "papermill", "python"}
    index = (run_dir / "reports" / "index.html").read_text(encoding="utf-8")
    assert run_info["corpus_hash"] in index
    for version in versions.values():
        assert version in index


def test_index_escapes_parameter_values(run_dir):
    index = (run_dir / "reports" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index
    assert "&lt;script&gt;alert(" in index and "&amp; co" in index


def test_reader_version_has_no_code_but_keeps_outputs(run_dir):
    out = run_dir / "reports"
    with_code = (out / "01_good.html").read_text(encoding="utf-8")
    reader = (out / "01_good.reader.html").read_text(encoding="utf-8")
    assert "code_marker_only_in_the_code_version" in with_code
    assert "code_marker_only_in_the_code_version" not in reader
    prompt = re.compile(r'class="[^"]*\bjp-(Input|Output)Prompt\b')
    assert prompt.search(with_code)
    assert not prompt.search(reader)
    assert "label=from-entry" in reader  # outputs stay
    assert "Good notebook" in reader  # markdown stays


def test_pages_are_self_contained_and_script_free(run_dir):
    """Offline: no script (so no CDN require.js/MathJax), figures embedded as data: URIs."""
    out = run_dir / "reports"
    for page in sorted(out.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script\b", html, re.IGNORECASE), page.name
        assert not re.search(r"""(src|href)=["']https?:""", html), page.name
        assert "Content-Security-Policy" in html, page.name
    good = (out / "01_good.html").read_text(encoding="utf-8")
    # the run had MPLBACKEND=Agg set; the figure must still be there
    assert good.count('src="data:image/png;base64,') == 1


def test_no_temporary_files_are_left(run_dir):
    leftovers = [p.name for p in (run_dir / "reports").iterdir() if p.name.startswith(".")]
    assert leftovers == []


# --------------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------------


def test_write_atomic_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    report.write_atomic(target, "<p>good</p>")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report.write_atomic(target, "<p>half")
    assert target.read_text() == "<p>good</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_interrupted_run_leaves_earlier_reports_intact(run_dir, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    shutil.copytree(run_dir / "reports", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "render_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report.run(config=run_dir / "notebooks", notebooks=["03"], out_dir=out, progress=False)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # same files, same bytes, no temp files or staging folder

    # A later run of one notebook keeps the others listed, marked as earlier results.
    monkeypatch.undo()
    result = report.run(
        config=run_dir / "notebooks",
        notebooks=["03_after.ipynb"],
        out_dir=out,
        parameters={"title": "second run"},
        progress=False,
    )
    assert result.ok and list(result.status) == ["03_after"]
    index = (out / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'data-notebook="([^"]+)" data-status="([^"]+)"', index))
    assert rows == {"01_good": "ok", "02_fails": "failed", "03_after": "ok"}
    assert index.count("from an earlier run") == 2
    assert "All 1 notebook(s) of the last run succeeded" in index
