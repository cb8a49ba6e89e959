"""``serve()``: uvicorn serving the app with the embedded background consumer, stopped by SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from tests.test_web_support import free_port

CODE = """
import sys
from minbar import Minbar
from minbar.web.serve import serve
serve(
    Minbar(data_dir=sys.argv[1]), "127.0.0.1", int(sys.argv[2]), worker=sys.argv[3] == "1",
    processes=int(sys.argv[4]),
)
"""


def _run(tmp_path, worker: bool, sig=signal.SIGINT, processes: int = 1) -> tuple[int, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MINBAR_REDIS_URL"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CODE,
            str(tmp_path / "data"),
            str(port),
            "1" if worker else "0",
            str(processes),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise AssertionError("server did not start")
        assert r.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False).status_code == 303
    finally:
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=60)
    return proc.returncode, out


def test_serve_with_embedded_worker_stops_cleanly(tmp_path):
    code, out = _run(tmp_path, worker=True)
    assert code == 0, out
    assert "background work" in out or (tmp_path / "data" / "queue.db").exists()
    assert "Traceback" not in out, out


def test_serve_without_worker_stops_on_sigterm(tmp_path):
    code, out = _run(tmp_path, worker=False, sig=signal.SIGTERM)
    assert code == 0, out
    assert not (tmp_path / "data" / "queue.db").exists()


def test_serve_with_two_processes(tmp_path):
    code, out = _run(tmp_path, worker=False, processes=2)
    assert code == 0, out
    assert out.count("Started server process") == 2, out
