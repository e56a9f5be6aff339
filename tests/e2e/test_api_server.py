"""`enrich serve` in a subprocess on 127.0.0.1: what uvicorn itself answers (issue 10, item 9)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from enrichment_adapters.sql.repo import SqlExpertRepo
from tests.support.api_harness import ADMIN_KEY, free_port


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve")
    db_url = f"sqlite:///{tmp / 'experts.db'}"
    SqlExpertRepo(db_url).close()  # the directory exists (`enrich seed` would create it)
    port = free_port()
    env = {
        **os.environ,
        "ENRICH_ADMIN_KEY": ADMIN_KEY,
        "ENRICH_TAGGER": "gemini",  # never called here; keeps the local model unloaded
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:9",
        "ENRICH_EMBEDDER": "local",
    }
    command = [sys.executable, "-m", "enrichment_entrypoints", "--db", db_url]
    command += ["--index-dir", str(tmp / "index"), "serve", "--port", str(port)]
    with open(tmp / "server.log", "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(f"{url}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((tmp / "server.log").read_text()[-2000:]) from None
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def raw_request(url: str, data: bytes) -> tuple[int, dict[str, str], bytes]:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        b"NOT A REQUEST LINE\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad\x01Name: 1\r\n\r\n",
    ],
)
def test_uvicorns_own_400_has_the_json_error_shape(server_url: str, request_bytes: bytes) -> None:
    status, headers, body = raw_request(server_url, request_bytes)
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "bad_request"
    assert error["message"]
    assert error["field"] is None


def test_the_served_app_still_answers_well_formed_requests(server_url: str) -> None:
    response = httpx.get(f"{server_url}/api/admin/experts", headers={"X-Admin-Key": ADMIN_KEY})
    assert response.status_code == 200
    assert response.json()["total"] == 0
