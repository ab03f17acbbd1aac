"""`make lab`: JupyterLab serves the notebooks and starts a notebook's kernel from the project's venv.

The test starts ``jupyter lab`` headless (no browser, a free port, a random token, temporary
Jupyter config and runtime folders so a user's own settings cannot change the outcome), waits
until it answers, checks that ``/lab`` serves the application, creates a session for a notebook
with the ``newslens`` kernel over the REST API, talks to the kernel over its websocket as
JupyterLab would (kernel_info, then one execute request that reports the interpreter and imports
newslens) and checks it is idle. Every wait is bounded and the server is always shut down.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from newslens import __version__
from newslens.paths import project_root

pytestmark = pytest.mark.slow

KERNEL = "newslens"
START_TIMEOUT = 90.0
KERNEL_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, body: dict | None = None):
        status, payload = self.request(method, path, body)
        assert 200 <= status < 300, f"{method} {path} -> {status}: {payload[:500]!r}"
        return json.loads(payload) if payload else None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@pytest.fixture
def lab(tmp_path) -> Iterator[Lab]:
    notebooks = project_root() / "notebooks"
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        # The kernel must come from the venv (sys-prefix), not from a user's data folder.
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
    }
    log = tmp_path / "jupyter-lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        # No network: no news feed, no update check.
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI often run as root, where jupyter refuses to start without it.
        cmd.append("--allow-root")
    with log.open("wb") as log_fh:
        process = subprocess.Popen(
            cmd, stdout=log_fh, stderr=subprocess.STDOUT, env=env, cwd=tmp_path
        )
    server = Lab(url=f"http://127.0.0.1:{port}", token=token, process=process, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{server.log_tail()}")
            try:
                status, _ = server.request("GET", "/api/status")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}"
                )
            time.sleep(0.5)
        yield server
    finally:
        if process.poll() is None:
            try:
                server.request("POST", "/api/shutdown")
                process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(tmp_path / "runtime", ignore_errors=True)


def _message(msg_type: str, content: dict, session: str) -> str:
    """A Jupyter protocol message in the server's JSON websocket format."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "newslens-test",
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


async def _run_in_kernel(lab: Lab, kernel_id: str, code: str, timeout: float) -> dict:
    """Ask for kernel_info, then execute ``code``; return kernel_info and the printed text.

    jupyter_server only moves a kernel out of ``starting`` when a client talks to it (JupyterLab
    sends kernel_info when it opens a notebook), so the test does what the browser would do.
    """
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = lab.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(ws_url, headers={"Authorization": f"token {lab.token}"})
    conn = await asyncio.wait_for(websocket_connect(request), timeout)
    session = uuid.uuid4().hex
    replies: dict = {"stdout": ""}
    try:
        conn.write_message(_message("kernel_info_request", {}, session))
        execute = json.loads(
            _message(
                "execute_request", {"code": code, "silent": False, "store_history": False}, session
            )
        )
        sent_execute = False
        idle = False  # iopub "idle" for the request: all its output has been sent before it
        deadline = time.monotonic() + timeout
        while "execute_reply" not in replies or not idle:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"no execute_reply and idle status within {timeout:.0f} s; got "
                    f"{sorted(replies)}, idle={idle}"
                )
            raw = await asyncio.wait_for(conn.read_message(), remaining)
            if raw is None:
                raise ConnectionError("the kernel websocket closed")
            msg = json.loads(raw)
            msg_type = msg["header"]["msg_type"]
            if msg_type == "kernel_info_reply":
                replies["kernel_info_reply"] = msg["content"]
                if not sent_execute:
                    conn.write_message(json.dumps(execute))
                    sent_execute = True
            elif (
                msg_type == "stream"
                and msg["parent_header"].get("msg_id") == execute["header"]["msg_id"]
            ):
                replies["stdout"] += msg["content"].get("text", "")
            elif (
                msg_type == "status"
                and msg["parent_header"].get("msg_id") == execute["header"]["msg_id"]
                and msg["content"].get("execution_state") == "idle"
            ):
                idle = True
            elif (
                msg_type == "execute_reply"
                and msg["parent_header"].get("msg_id") == execute["header"]["msg_id"]
            ):
                replies["execute_reply"] = msg["content"]
    finally:
        conn.close()
    return replies


def _notebook_path() -> str:
    """A notebook of the project to open (the first NN_*.ipynb), relative to notebooks/."""
    found = sorted((project_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not found:
        pytest.skip("no NN_*.ipynb notebook in notebooks/ yet")
    return found[0].name


def test_lab_serves_and_starts_the_newslens_kernel(lab):
    status, page = lab.request("GET", "/lab")
    assert status == 200 and b"JupyterLab" in page, lab.log_tail()

    specs = lab.json("GET", "/api/kernelspecs")
    assert KERNEL in specs["kernelspecs"], f"kernels: {sorted(specs['kernelspecs'])}"
    argv = specs["kernelspecs"][KERNEL]["spec"]["argv"]
    # The kernel runs the project's interpreter (the venv), not some other Python on PATH.
    assert Path(argv[0]).parent.resolve() == Path(sys.executable).parent.resolve(), argv

    notebook = _notebook_path()
    contents = lab.json("GET", f"/api/contents/{notebook}?content=0")
    assert contents["type"] == "notebook"

    session = lab.json(
        "POST",
        "/api/sessions",
        {"path": notebook, "name": notebook, "type": "notebook", "kernel": {"name": KERNEL}},
    )
    kernel_id = session["kernel"]["id"]
    assert session["kernel"]["name"] == KERNEL
    try:
        code = "import sys, newslens; print(sys.executable); print(newslens.__version__)"
        # A thread of its own: other fixtures (playwright's sync API) may already run an
        # event loop in this thread, where asyncio.run() refuses to start.
        with ThreadPoolExecutor(max_workers=1) as pool:
            replies = pool.submit(
                lambda: asyncio.run(_run_in_kernel(lab, kernel_id, code, KERNEL_TIMEOUT))
            ).result()
        assert replies["kernel_info_reply"]["status"] == "ok"
        assert replies["execute_reply"]["status"] == "ok", replies["execute_reply"]
        executable, version = replies["stdout"].split()
        # The notebook's kernel is the project's venv, with the library importable.
        assert Path(executable).parent.resolve() == Path(sys.executable).parent.resolve()
        assert version == __version__
        deadline = time.monotonic() + KERNEL_TIMEOUT
        state = None
        while time.monotonic() < deadline:
            state = lab.json("GET", f"/api/kernels/{kernel_id}")["execution_state"]
            if state == "idle":
                break
            assert state != "dead", lab.log_tail()
            time.sleep(0.2)
        assert state == "idle", f"kernel state {state!r}\n{lab.log_tail()}"
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")
    assert lab.json("GET", "/api/sessions") == []
