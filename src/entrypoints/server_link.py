"""`enrich search` answered by a running `enrich serve` of the same index, when there is one.

A cold `enrich search` spends seconds importing torch and loading the model; a server has them
loaded. `enrich serve` leaves a small note in the index folder, ``.server-<pid>.json`` with the
URL it listens on, and removes it when it stops. `enrich search` reads the notes, asks each
live server's ``/healthz`` whether it serves this index with the same embedder, and if so sends
the query to its ``/api/search``. Anything unexpected (no note, a dead process, another
embedder, a refused connection, an error answer) means "no server": the search runs in-process.

Standard library only (``urllib``), so that this path imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

NOTE_GLOB = ".server-*.json"
HEALTH_TIMEOUT_S = 3.0  # a busy server on a small machine can take a second or two
SEARCH_TIMEOUT_S = 30.0


def note_path(index_dir: Path, pid: int | None = None) -> Path:
    return Path(index_dir) / f".server-{os.getpid() if pid is None else pid}.json"


def connect_url(host: str, port: int) -> str:
    """The URL a local client uses to reach a server bound to ``host``."""
    if host in ("0.0.0.0", "", "*"):  # noqa: S104 - a bind address, read only to connect
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@contextlib.contextmanager
def advertised(index_dir: Path, url: str) -> Iterator[Path | None]:
    """Leave the note for the lifetime of the block (best effort: an unwritable folder only
    means `enrich search` will not find this server)."""
    path = note_path(index_dir)
    tmp = path.with_name(f"{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        yield None
        return
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _get_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http(s) only
        return json.loads(response.read())


def _notes(index_dir: Path) -> Iterator[tuple[str, int]]:
    for path in sorted(Path(index_dir).glob(NOTE_GLOB)):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
            url, pid = str(note["url"]), int(note["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not url.startswith(("http://", "https://")):
            continue
        if not _alive(pid):
            with contextlib.suppress(OSError):
                path.unlink()  # left by a server that was killed
            continue
        yield url.rstrip("/"), pid


def find_server(index_dir: Path, embedder_model: str) -> str | None:
    """The URL of a live server of this index whose embedder is ``embedder_model``, or None."""
    for url, _pid in _notes(index_dir):
        try:
            health = _get_json(f"{url}/healthz", HEALTH_TIMEOUT_S)
        except (OSError, ValueError):
            continue
        embedder = health.get("embedder") if isinstance(health, dict) else None
        index = health.get("index") if isinstance(health, dict) else None
        if (
            isinstance(embedder, dict)
            and isinstance(index, dict)
            and index.get("loaded")
            and embedder.get("model_id") == embedder_model
            and embedder.get("matches_index")
        ):
            return url
    return None


def remote_search(url: str, params: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The hits of ``GET {url}/api/search`` (each without its ``rank``), or None if it failed."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    try:
        answer = _get_json(f"{url}/api/search?{query}", SEARCH_TIMEOUT_S)
        hits = answer["hits"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(hits, list) or not all(isinstance(h, dict) for h in hits):
        return None
    return [{k: v for k, v in hit.items() if k != "rank"} for hit in hits]


def remote_search_page(url: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """``remote_search`` with the page around the hits: ``{"hits", "total", "offset"}``."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    try:
        answer = _get_json(f"{url}/api/search?{query}", SEARCH_TIMEOUT_S)
        hits, total, offset = answer["hits"], int(answer["total"]), int(answer["offset"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(hits, list) or not all(isinstance(h, dict) for h in hits):
        return None
    return {
        "hits": [{k: v for k, v in hit.items() if k != "rank"} for hit in hits],
        "total": total,
        "offset": offset,
    }
