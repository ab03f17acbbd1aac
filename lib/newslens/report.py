"""Run the notebooks headless with papermill and render them as self-contained HTML reports.

``newslens report`` (and :func:`run`) executes every notebook of a report config
(``notebooks/report.yml`` by default, see its header for the format) plus every
``notebooks/NN_*.ipynb`` the config does not list, in file-name order, always with an explicit
kernel. For each notebook it writes into the output folder (``reports/`` by default):

* ``<stem>.ipynb``: the executed notebook; papermill records the parameters in its metadata;
* ``<stem>.html``: the report with code;
* ``<stem>.reader.html``: the reader version, without code cells or prompts;

and then ``index.html`` (links, status, parameters, corpus hash, package versions, times) and
``report.json`` (the same record for programs). A failing notebook is still rendered, with its
error, and listed as failed; the others still run; :attr:`ReportResult.ok` is then False so the
command line exits non-zero. Every file is written to a temporary name and renamed into place, so
a failed or interrupted run never leaves a half-written report where a good one was.

The pages need no network and run no script: nbconvert's lab template is used without its CDN
scripts (require.js, MathJax, mermaid), images are embedded, and a Content-Security-Policy
forbids scripts, so article text that slipped through unescaped still cannot execute.

>>> from newslens import report
>>> report.parse_parameters(["seed=3", "outlets=[LBC, The Sun]", "corpus="])
{'seed': 3, 'outlets': ['LBC', 'The Sun'], 'corpus': ''}
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from newslens import __version__
from newslens.paths import PACKAGE_DIR, project_root, sample_corpus

__all__ = [
    "DEFAULT_KERNEL",
    "NotebookResult",
    "ReportConfig",
    "ReportConfigError",
    "ReportResult",
    "corpus_hash",
    "load_config",
    "package_versions",
    "parse_parameters",
    "parse_value",
    "render_html",
    "run",
    "write_atomic",
]

DEFAULT_KERNEL = "newslens"
TEMPLATES = PACKAGE_DIR / "templates"
NOTEBOOK_TEMPLATE = TEMPLATES / "report_notebook.html.j2"
INDEX_TEMPLATE = "report_index.html.j2"
RECORD_NAME = "report.json"
# Notebooks that run without being listed in the config: two digits, an underscore, a name.
NOTEBOOK_NAME = re.compile(r"^\d{2}_[^/\\]+\.ipynb$")
# Files that make up a corpus for the fallback hash (what newslens.corpus reads).
CORPUS_SUFFIXES = frozenset({".txt", ".html", ".htm", ".jsonl", ".csv"})
# Parameters that must name an existing path. Relative paths (these, and any string parameter
# naming an existing file) are made absolute before the notebook sees them, because notebooks
# run with the output folder as working directory.
PATH_PARAMETERS = frozenset({"corpus"})
VERSION_PACKAGES = ("newslens", "pandas", "nltk", "matplotlib", "papermill")
STATUS_OK = "ok"
# The mode open() would give a new file under the current umask (read once: os.umask sets it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
STATUS_FAILED = "failed"


class ReportConfigError(ValueError):
    """A report config, notebook selection or parameter is wrong; the message says how to fix it."""


# --------------------------------------------------------------------------------------------
# Parameters: YAML literals, without YAML 1.1's surprises
# --------------------------------------------------------------------------------------------


class _LiteralLoader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans and dates stay strings.

    YAML 1.1 reads ``no``/``yes``/``on``/``off`` as booleans (``-p outlet=no`` would become
    False) and ``2022-03-01`` as a date object, which papermill cannot pass to a kernel.
    """


_LiteralLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LiteralLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_value(text: str) -> Any:
    """Parse one parameter value as a YAML literal, as ``-p key=value`` does.

    Only ``true``/``false`` are booleans and dates stay strings; an empty value is the empty
    string (the notebooks' "use the default" value, e.g. ``corpus=``).

    Args:
        text: the text after ``=``.

    Returns:
        A str, int, float, bool, None, list or dict.

    Raises:
        ReportConfigError: when the text is not valid YAML (e.g. an unclosed ``[``).

    >>> parse_value("0.5"), parse_value("no"), parse_value("2022-03-01"), parse_value("[a, b]")
    (0.5, 'no', '2022-03-01', ['a', 'b'])
    """
    if text.strip() == "":
        return ""
    try:
        return yaml.load(text, Loader=_LiteralLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ReportConfigError(
            f"parameter value {text!r} is not a YAML literal ({exc.__class__.__name__}); "
            "quote strings with special characters, e.g. -p 'title=\"a: b\"'"
        ) from exc


def parse_parameters(items: Iterable[str]) -> dict[str, Any]:
    """Parse command-line ``key=value`` items into a parameter dict (later items win).

    Args:
        items: strings such as ``"seed=3"`` or ``"outlets=[LBC, The Sun]"``.

    Raises:
        ReportConfigError: naming the item when it has no ``=`` or no valid name.

    >>> parse_parameters(["seed=1", "seed=2", "corpus=/data/my corpus"])
    {'seed': 2, 'corpus': '/data/my corpus'}
    """
    parsed: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ReportConfigError(
                f"parameter {item!r} must look like key=value with a Python name as key, "
                "e.g. -p seed=1 or -p corpus=path/to/corpus"
            )
        parsed[key] = parse_value(value)
    return parsed


# --------------------------------------------------------------------------------------------
# The config
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook to run: its file and the parameters the config gives it."""

    name: str
    path: Path
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportConfig:
    """A parsed report config.

    Attributes:
        path: the YAML file (None when the folder had none).
        notebook_dir: the folder holding the notebooks (the config's folder).
        parameters: defaults for every notebook that declares them.
        notebooks: every notebook, in file-name order.
    """

    path: Path | None
    notebook_dir: Path
    parameters: dict[str, Any]
    notebooks: tuple[NotebookSpec, ...]


def default_config_path() -> Path:
    """``notebooks/report.yml`` of the checkout the package is installed from."""
    return project_root() / "notebooks" / "report.yml"


def _check_parameters(value: Any, *, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ReportConfigError(f"{where}: 'parameters' must be a mapping of name: value")
    for name in value:
        if not isinstance(name, str) or not name.isidentifier():
            raise ReportConfigError(f"{where}: parameter name {name!r} is not a Python name")
    return dict(value)


def load_config(path: str | os.PathLike[str] | None = None) -> ReportConfig:
    """Read a report config and discover the notebooks next to it.

    The format is documented in the header of ``notebooks/report.yml``: an optional top-level
    ``parameters`` mapping and a ``notebooks`` list whose items are a file name or
    ``{notebook: FILE, parameters: {...}}``. Every ``NN_*.ipynb`` in the config's folder runs
    too, so adding a notebook needs no config change. A missing config file is allowed when
    the path is a folder: then every ``NN_*.ipynb`` in it runs with its own defaults.

    Args:
        path: the YAML file, or a folder of notebooks; None = ``notebooks/report.yml`` of the
            project.

    Raises:
        ReportConfigError: naming the file and entry at fault.

    >>> cfg = load_config()
    >>> cfg.notebook_dir.name
    'notebooks'
    """
    cfg_path = Path(path).expanduser().resolve() if path is not None else default_config_path()
    if cfg_path.is_dir():
        notebook_dir, cfg_path = cfg_path, cfg_path / "report.yml"
    else:
        notebook_dir = cfg_path.parent
    raw: Any = {}
    if cfg_path.is_file():
        try:
            raw = yaml.load(cfg_path.read_text(encoding="utf-8"), Loader=_LiteralLoader) or {}
        except yaml.YAMLError as exc:
            raise ReportConfigError(f"{cfg_path}: not valid YAML: {exc}") from exc
    elif path is not None and not Path(path).expanduser().is_dir():
        raise ReportConfigError(
            f"report config {cfg_path} does not exist; pass an existing YAML file or a folder "
            "of notebooks"
        )
    if not isinstance(raw, Mapping):
        raise ReportConfigError(f"{cfg_path}: the top level must be a mapping with 'notebooks:'")
    unknown = sorted(set(raw) - {"parameters", "notebooks"})
    if unknown:
        raise ReportConfigError(
            f"{cfg_path}: unknown top-level key(s) {unknown}; allowed: parameters, notebooks"
        )
    shared = _check_parameters(raw.get("parameters"), where=f"{cfg_path}: top level")
    entries = raw.get("notebooks") or []
    if not isinstance(entries, list):
        raise ReportConfigError(f"{cfg_path}: 'notebooks' must be a list")

    listed: dict[str, NotebookSpec] = {}
    for i, entry in enumerate(entries, start=1):
        where = f"{cfg_path}: notebooks item {i}"
        if isinstance(entry, str):
            entry = {"notebook": entry}
        if not isinstance(entry, Mapping) or not isinstance(entry.get("notebook"), str):
            raise ReportConfigError(
                f"{where}: write a file name or {{notebook: FILE, parameters: {{...}}}}"
            )
        extra = sorted(set(entry) - {"notebook", "parameters"})
        if extra:
            raise ReportConfigError(
                f"{where}: unknown key(s) {extra}; allowed: notebook, parameters"
            )
        nb_path = (notebook_dir / entry["notebook"]).resolve()
        if nb_path.suffix != ".ipynb" or not nb_path.is_file():
            raise ReportConfigError(
                f"{where}: notebook {entry['notebook']!r} not found in {notebook_dir}"
            )
        if nb_path.parent != notebook_dir:
            raise ReportConfigError(
                f"{where}: {entry['notebook']!r} must be a notebook in {notebook_dir}"
            )
        if nb_path.stem in listed:
            raise ReportConfigError(f"{where}: {entry['notebook']!r} is listed twice")
        params = _check_parameters(entry.get("parameters"), where=where)
        listed[nb_path.stem] = NotebookSpec(nb_path.stem, nb_path, params)

    for nb_path in sorted(notebook_dir.glob("*.ipynb")):
        if NOTEBOOK_NAME.match(nb_path.name) and nb_path.stem not in listed:
            listed[nb_path.stem] = NotebookSpec(nb_path.stem, nb_path.resolve(), {})
    notebooks = tuple(sorted(listed.values(), key=lambda spec: spec.path.name))
    return ReportConfig(
        path=cfg_path if cfg_path.is_file() else None,
        notebook_dir=notebook_dir,
        parameters=shared,
        notebooks=notebooks,
    )


def _select(config: ReportConfig, names: Sequence[str] | None) -> list[NotebookSpec]:
    if not config.notebooks:
        raise ReportConfigError(
            f"no notebooks to run in {config.notebook_dir}: add NN_name.ipynb files or list "
            "them in report.yml"
        )
    if not names:
        return list(config.notebooks)
    by_stem = {spec.name: spec for spec in config.notebooks}
    chosen: dict[str, NotebookSpec] = {}
    for name in names:
        stem = Path(name).name.removesuffix(".ipynb")
        matches = (
            [by_stem[stem]]
            if stem in by_stem
            else [spec for spec in config.notebooks if spec.name.split("_", 1)[0] == stem]
        )
        if len(matches) != 1:
            raise ReportConfigError(
                f"--notebook {name!r} matches {len(matches)} notebooks; choose one of "
                f"{sorted(by_stem)} (stem, file name or NN prefix)"
            )
        chosen[matches[0].name] = matches[0]
    return sorted(chosen.values(), key=lambda spec: spec.path.name)


# --------------------------------------------------------------------------------------------
# Corpus hash and versions
# --------------------------------------------------------------------------------------------


def _corpus_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        # Hidden folders and the build cache (data/processed) are not part of the corpus.
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "processed"]
        files.extend(
            Path(dirpath, name)
            for name in filenames
            if not name.startswith(".") and Path(name).suffix.lower() in CORPUS_SUFFIXES
        )
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _own_corpus_hash(path: Path) -> str:
    root = path.resolve()
    digest = hashlib.sha256()
    for file in _corpus_files(root):
        rel = file.name if root.is_file() else file.relative_to(root).as_posix()
        with file.open("rb") as fh:
            content = hashlib.file_digest(fh, "sha256").digest()
        # Length-prefixed name plus the content digest: no two corpora can collide by
        # shifting bytes between a file name and a file body.
        name = rel.encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name + content)
    return digest.hexdigest()


def corpus_hash(path: str | os.PathLike[str] | None = None) -> str:
    """A sha256-based hash identifying a corpus, as shown in ``index.html``.

    Uses ``newslens.corpus.corpus_hash`` when the corpus module provides it, so the report
    shows the same hash as the build cache; otherwise hashes, in sorted order, the relative
    path and the bytes of every ``.txt``/``.html``/``.htm``/``.jsonl``/``.csv`` file under the
    folder (hidden folders and ``processed/`` excluded).

    Args:
        path: corpus folder or file; None = the sample corpus.

    Raises:
        FileNotFoundError: when the path does not exist.

    >>> corpus_hash() == corpus_hash()
    True
    """
    target = Path(path).expanduser().resolve() if path else sample_corpus()
    if not target.exists():
        raise FileNotFoundError(f"corpus {target} does not exist")
    try:
        from newslens import corpus as corpus_module
    except ImportError:  # the corpus module is still being written, or broken
        corpus_module = None
    library_hash = getattr(corpus_module, "corpus_hash", None)
    if callable(library_hash):
        return str(library_hash(target))
    return _own_corpus_hash(target)


def package_versions() -> dict[str, str]:
    """Versions of the packages a report depends on, plus Python's.

    >>> sorted(package_versions())
    ['matplotlib', 'newslens', 'nltk', 'pandas', 'papermill', 'python']
    """
    versions = {}
    for name in VERSION_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["newslens"] = (
        __version__ if versions["newslens"] == "not installed" else versions["newslens"]
    )
    versions["python"] = platform.python_version()
    return versions


# --------------------------------------------------------------------------------------------
# Writing and rendering
# --------------------------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write a file through a temporary file in the same folder and an atomic rename.

    Readers see the old file or the new one, never a partial one; if anything fails (or the
    run is interrupted) the temporary file is removed and the old file stays.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.html"
    >>> write_atomic(p, "<p>hi</p>").read_text()
    '<p>hi</p>'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; reports are meant to be shared like any other file.
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@cache
def _exporter(reader: bool):
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file=NOTEBOOK_TEMPLATE.name,
        embed_images=True,
        exclude_input=reader,
        exclude_input_prompt=reader,
        exclude_output_prompt=reader,
    )


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def render_html(
    nb,
    *,
    reader: bool = False,
    name: str = "report",
    error: str | None = None,
    kernel: str = DEFAULT_KERNEL,
    finished: str = "",
) -> str:
    """Render an (executed) notebook to one self-contained HTML page.

    Args:
        nb: an nbformat v4 notebook node.
        reader: True for the reader version: no code cells, no prompts.
        name: the notebook's stem; the page links to ``<name>.html`` / ``<name>.reader.html``.
        error: shown in a banner at the top when the notebook failed.
        kernel: the kernel it ran on, shown in the page header.
        finished: when it ran, shown in the page header.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi <b>")])
    >>> "<script" in render_html(nb)
    False
    """
    resources = {
        "metadata": {"name": _title(nb, name)},
        "newslens": {
            "version": __version__,
            "index_href": "index.html",
            "other_href": f"{name}.html" if reader else f"{name}.reader.html",
            "other_label": "Version with code" if reader else "Reader version (no code)",
            "error": error,
            "kernel": kernel,
            "finished": finished,
        },
    }
    html, _ = _exporter(reader).from_notebook_node(nb, resources=resources)
    return html


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotebookResult:
    """What happened to one notebook.

    Attributes:
        name: notebook stem, e.g. ``00_corpus_overview``.
        source: the notebook that was run.
        status: ``"ok"`` or ``"failed"``.
        parameters: the parameters passed to papermill (config, then overrides).
        defaults: the notebook's own defaults for parameters not passed (source text).
        executed, html, reader_html: output files (written even when the notebook failed).
        error: ``"ExceptionName: message"`` when it failed.
        corpus, corpus_hash: the corpus it read (None if it has no ``corpus`` parameter).
        elapsed: seconds spent executing and rendering it.
        finished: ISO 8601 UTC time it finished.
    """

    name: str
    source: Path
    status: str
    parameters: dict[str, Any]
    defaults: dict[str, str]
    executed: Path
    html: Path
    reader_html: Path
    error: str | None
    corpus: str | None
    corpus_hash: str | None
    elapsed: float
    finished: str

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK


@dataclass(frozen=True)
class ReportResult:
    """The outcome of :func:`run`.

    Attributes:
        ok: True when every notebook of this run succeeded (the CLI exits 0).
        notebooks: one :class:`NotebookResult` per notebook run, in file-name order.
        out_dir: the output folder; index: its ``index.html``; record: its ``report.json``.
        kernel: the kernel name used; versions: package versions.
        started, finished: ISO 8601 UTC times; elapsed: wall-clock seconds of the run.
    """

    ok: bool
    notebooks: tuple[NotebookResult, ...]
    out_dir: Path
    index: Path
    record: Path
    kernel: str
    versions: dict[str, str]
    started: str
    finished: str
    elapsed: float

    @property
    def status(self) -> dict[str, str]:
        """Notebook stem -> ``"ok"``/``"failed"``."""
        return {nb.name: nb.status for nb in self.notebooks}

    @property
    def executed(self) -> dict[str, Path]:
        """Notebook stem -> executed ``.ipynb`` (the shape the test fixtures use)."""
        return {nb.name: nb.executed for nb in self.notebooks}

    @property
    def failed(self) -> list[str]:
        return [nb.name for nb in self.notebooks if not nb.ok]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _display_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


# --------------------------------------------------------------------------------------------
# Planning: which parameters go to which notebook
# --------------------------------------------------------------------------------------------


def _resolve_path_parameter(name: str, value: Any, *, base: Path, where: str) -> Any:
    """Make a relative path parameter absolute, because notebooks run in the output folder.

    ``corpus`` must exist. Any other string parameter that names an existing file or folder
    relative to ``base`` (``-p cues=my_cues.yml``) is made absolute too; other strings (outlet
    names, codebook names) are left alone.
    """
    if name in PATH_PARAMETERS:
        if value in ("", None):
            return value
        if not isinstance(value, str):
            raise ReportConfigError(
                f"{where}: parameter {name} must be a path string, got {value!r}"
            )
        resolved = (base / Path(value).expanduser()).resolve()
        if not resolved.exists():
            raise ReportConfigError(
                f"{where}: parameter {name}={value!r}: {resolved} does not exist"
            )
        return str(resolved)
    if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
        candidate = (base / Path(value).expanduser()).resolve()
        if candidate.exists():
            return str(candidate)
    return value


@dataclass(frozen=True)
class _Plan:
    spec: NotebookSpec
    parameters: dict[str, Any]
    defaults: dict[str, str]
    corpus: str | None


def _plan(
    config: ReportConfig, selected: list[NotebookSpec], overrides: dict[str, Any]
) -> list[_Plan]:
    import papermill

    cfg_where = str(config.path or config.notebook_dir)
    declared = {spec.name: papermill.inspect_notebook(str(spec.path)) for spec in config.notebooks}
    everywhere = set().union(*declared.values())
    for name in config.parameters:
        if name not in everywhere:
            raise ReportConfigError(
                f"{cfg_where}: parameter {name!r} is declared by no notebook's parameters cell"
            )
    in_selection = set().union(*(declared[spec.name] for spec in selected))
    for name in overrides:
        if name not in in_selection:
            raise ReportConfigError(
                f"-p {name}=...: no selected notebook has a parameter {name!r}; "
                f"known: {sorted(in_selection) or 'none'}"
            )
    shared = {
        k: _resolve_path_parameter(k, v, base=config.notebook_dir, where=cfg_where)
        for k, v in config.parameters.items()
    }
    cli = {
        k: _resolve_path_parameter(k, v, base=Path.cwd(), where="-p") for k, v in overrides.items()
    }

    plans = []
    for spec in selected:
        names = declared[spec.name]
        unknown = sorted(set(spec.parameters) - set(names))
        if unknown:
            raise ReportConfigError(
                f"{cfg_where}: notebook {spec.path.name}: parameter(s) {unknown} are not in its "
                f"parameters cell; it declares {sorted(names) or 'none'}"
            )
        own = {
            k: _resolve_path_parameter(
                k, v, base=config.notebook_dir, where=f"{cfg_where}: {spec.path.name}"
            )
            for k, v in spec.parameters.items()
        }
        # Precedence: config top level < config notebook entry < command line (-p).
        passed = {k: v for layer in (shared, own, cli) for k, v in layer.items() if k in names}
        defaults = {k: str(names[k].get("default")) for k in names if k not in passed}
        corpus: str | None = None
        if "corpus" in names:
            value = passed.get("corpus")
            if value is None:
                try:
                    value = ast.literal_eval(defaults["corpus"])
                except (ValueError, SyntaxError):
                    value = ""
            corpus = str(value) if value else str(sample_corpus())
        plans.append(_Plan(spec, passed, defaults, corpus))
    return plans


# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise ReportConfigError(
            f"Jupyter kernel {kernel_name!r} is not installed; register it with "
            f"`{sys.executable} -m ipykernel install --sys-prefix --name {kernel_name} "
            f'--display-name "Python ({kernel_name})"` (make does this) or pass kernel_name'
        ) from exc


@contextmanager
def _kernel_environment() -> Iterator[None]:
    """Environment the kernels start with: figures must render inline.

    Kernels inherit this process's environment. Headless callers (CI, pytest, cron) often set
    ``MPLBACKEND=Agg``, with which ``plt.show()`` and figure-returning cells display nothing,
    so the report would silently lose every figure. Without it ipykernel picks its inline
    backend.
    """
    saved = os.environ.pop("MPLBACKEND", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved


def _error_text(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell In [{exc.exec_count}])"
    return f"{type(exc).__name__}: {exc}"


def _notebook_with_error(source: Path, error: str):
    """The unexecuted notebook with the error on top, for failures before any cell ran."""
    import nbformat

    nb = nbformat.read(source, as_version=4)
    cell = nbformat.v4.new_code_cell("# newslens report could not execute this notebook")
    ename, _, evalue = error.partition(": ")
    cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[error])]
    nb.cells.insert(0, cell)
    return nb


def _execute_one(
    plan: _Plan,
    *,
    staging: Path,
    out_dir: Path,
    kernel_name: str,
    cell_timeout: float | None,
    corpus_hashes: dict[str, str],
) -> NotebookResult:
    import nbformat
    import papermill

    spec = plan.spec
    t0 = time.perf_counter()
    staged = staging / f"{spec.name}.ipynb"
    error: str | None = None
    try:
        with _kernel_environment():
            papermill.execute_notebook(
                str(spec.path),
                str(staged),
                parameters=plan.parameters,
                kernel_name=kernel_name,
                progress_bar=False,
                # Files a notebook writes next to itself (e.g. the term explorer page) belong
                # with the reports that link to them, not in the notebooks folder.
                cwd=str(out_dir),
                execution_timeout=cell_timeout,
            )
    except Exception as exc:  # any failure is reported per notebook; the others still run
        error = _error_text(exc)
    nb = (
        nbformat.read(staged, as_version=4)
        if staged.is_file()
        else _notebook_with_error(spec.path, error or "")
    )
    finished = _now()

    corpus_digest = None
    if plan.corpus is not None:
        if plan.corpus not in corpus_hashes:
            corpus_hashes[plan.corpus] = corpus_hash(plan.corpus)
        corpus_digest = corpus_hashes[plan.corpus]

    outputs = {
        out_dir / f"{spec.name}.ipynb": nbformat.writes(nb),
    }
    for reader, suffix in ((False, ".html"), (True, ".reader.html")):
        try:
            outputs[out_dir / f"{spec.name}{suffix}"] = render_html(
                nb,
                reader=reader,
                name=spec.name,
                error=error,
                kernel=kernel_name,
                finished=finished,
            )
        except Exception as exc:  # a notebook nbconvert cannot render still must not stop the run
            error = error or f"rendering failed: {_error_text(exc)}"
            outputs[out_dir / f"{spec.name}{suffix}"] = _plain_error_page(spec.name, error)
    for path, text in outputs.items():
        write_atomic(path, text)
    return NotebookResult(
        name=spec.name,
        source=spec.path,
        status=STATUS_FAILED if error else STATUS_OK,
        parameters=plan.parameters,
        defaults=plan.defaults,
        executed=out_dir / f"{spec.name}.ipynb",
        html=out_dir / f"{spec.name}.html",
        reader_html=out_dir / f"{spec.name}.reader.html",
        error=error,
        corpus=plan.corpus,
        corpus_hash=corpus_digest,
        elapsed=round(time.perf_counter() - t0, 3),
        finished=finished,
    )


def _plain_error_page(name: str, error: str) -> str:
    """A minimal page for a notebook nbconvert could not render at all."""
    from html import escape

    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        f'<title>{escape(name)}</title></head><body><p><a href="index.html">All reports</a></p>'
        f'<h1>{escape(name)}</h1><p role="alert">This notebook failed and could not be '
        f"rendered: <code>{escape(error)}</code></p></body></html>\n"
    )


def _record_entry(nb: NotebookResult) -> dict[str, Any]:
    return {
        "name": nb.name,
        "source": str(nb.source),
        "status": nb.status,
        "parameters": nb.parameters,
        "defaults": nb.defaults,
        "executed": nb.executed.name,
        "html": nb.html.name,
        "reader_html": nb.reader_html.name,
        "error": nb.error,
        "corpus": nb.corpus,
        "corpus_hash": nb.corpus_hash,
        "elapsed": nb.elapsed,
        "finished": nb.finished,
    }


def _earlier_entries(out_dir: Path, *, keep: set[str]) -> list[dict[str, Any]]:
    """Entries of notebooks not run this time, from the previous record, if their pages exist."""
    try:
        previous = json.loads((out_dir / RECORD_NAME).read_text(encoding="utf-8"))
        entries = previous["notebooks"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    kept = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("name") not in keep:
            continue
        if all(
            (out_dir / str(entry.get(k, ""))).is_file() for k in ("html", "reader_html", "executed")
        ):
            kept.append({**entry, "earlier": True})
    return kept


def _write_index(out_dir: Path, record: dict[str, Any], titles: dict[str, str]) -> Path:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
    rows = []
    for entry in record["notebooks"]:
        rows.append(
            {
                **entry,
                "title": titles.get(entry["name"], entry["name"]),
                "passed": {k: _display_value(v) for k, v in entry["parameters"].items()},
                "earlier": entry.get("earlier", False),
            }
        )
    html = env.get_template(INDEX_TEMPLATE).render(run=record["run"], notebooks=rows)
    return write_atomic(out_dir / "index.html", html)


def run(
    *,
    config: str | os.PathLike[str] | None = None,
    notebooks: Sequence[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    parameters: Mapping[str, Any] | Iterable[str] | None = None,
    kernel_name: str = DEFAULT_KERNEL,
    progress: bool = True,
    cell_timeout: float | None = None,
) -> ReportResult:
    """Execute the report notebooks with papermill and render their HTML reports.

    Args:
        config: report YAML (or a folder of notebooks); None = ``notebooks/report.yml``.
        notebooks: run only these (stem, file name or ``NN`` prefix); None = all.
        out_dir: output folder; None = ``reports/`` in the project.
        parameters: overrides for every selected notebook that declares them, either a dict or
            ``key=value`` strings (parsed as YAML literals, like the CLI's ``-p``). A relative
            ``corpus`` (or any value naming an existing file or folder) is resolved against
            the current directory, as notebooks run with ``out_dir`` as working directory.
        kernel_name: Jupyter kernel to execute with (explicit, never the notebook's metadata).
        progress: print one line per notebook to stderr.
        cell_timeout: seconds a single cell may run; None = no limit.

    Returns:
        A :class:`ReportResult`; ``ok`` is False when any notebook failed (its page is still
        written, with the error).

    Raises:
        ReportConfigError: bad config, unknown notebook or parameter, missing kernel.

    >>> result = run(notebooks=["00"], progress=False)  # doctest: +SKIP
    >>> result.ok, sorted(result.status)  # doctest: +SKIP
    (True, ['00_corpus_overview'])
    """
    t0 = time.perf_counter()
    started = _now()
    cfg = load_config(config)
    selected = _select(cfg, notebooks)
    overrides = (
        dict(parameters) if isinstance(parameters, Mapping) else parse_parameters(parameters or [])
    )
    plans = _plan(cfg, selected, overrides)
    _check_kernel(kernel_name)
    out = (
        Path(out_dir).expanduser().resolve() if out_dir is not None else project_root() / "reports"
    )
    out.mkdir(parents=True, exist_ok=True)

    results: list[NotebookResult] = []
    corpus_hashes: dict[str, str] = {}
    # papermill saves after every cell; it writes into a private staging folder so that only
    # finished notebooks are renamed into the output folder.
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".newslens-run-"))
    try:
        for i, plan in enumerate(plans, start=1):
            if progress:
                print(f"[{i}/{len(plans)}] {plan.spec.name}: running", file=sys.stderr, flush=True)
            nb_result = _execute_one(
                plan,
                staging=staging,
                out_dir=out,
                kernel_name=kernel_name,
                cell_timeout=cell_timeout,
                corpus_hashes=corpus_hashes,
            )
            results.append(nb_result)
            if progress:
                outcome = "ok" if nb_result.ok else f"FAILED: {nb_result.error}"
                print(
                    f"[{i}/{len(plans)}] {plan.spec.name}: {outcome} ({nb_result.elapsed:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    ran = {nb.name for nb in results}
    earlier = _earlier_entries(out, keep={spec.name for spec in cfg.notebooks} - ran)
    entries = sorted([_record_entry(nb) for nb in results] + earlier, key=lambda e: e["name"])
    ok = all(nb.ok for nb in results)
    versions = package_versions()
    finished = _now()
    elapsed = round(time.perf_counter() - t0, 3)
    record = {
        "run": {
            "ok": ok,
            "n_run": len(results),
            "n_failed": sum(not nb.ok for nb in results),
            "started": started,
            "finished": finished,
            "elapsed": elapsed,
            "kernel": kernel_name,
            "config": str(cfg.path or cfg.notebook_dir),
            "versions": versions,
        },
        "notebooks": entries,
    }
    record_path = write_atomic(
        out / RECORD_NAME, json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    titles = {}
    for spec in cfg.notebooks:
        try:
            import nbformat

            titles[spec.name] = _title(nbformat.read(spec.path, as_version=4), spec.name)
        except Exception:  # a title is cosmetic; an unreadable notebook is reported elsewhere
            titles[spec.name] = spec.name
    index = _write_index(out, record, titles)
    if progress:
        state = "ok" if ok else f"FAILED ({', '.join(nb.name for nb in results if not nb.ok)})"
        print(f"report {state} in {elapsed:.1f} s: {index}", file=sys.stderr, flush=True)
    return ReportResult(
        ok=ok,
        notebooks=tuple(results),
        out_dir=out,
        index=index,
        record=record_path,
        kernel=kernel_name,
        versions=versions,
        started=started,
        finished=finished,
        elapsed=elapsed,
    )
