"""GET /api/search under concurrent load, served by uvicorn: searches arriving together share
one model pass (``BatchedSearch``), each answer is the one a lone search gets, and a bad query
fails only its own request."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import LiveServer, build_app, promote_index
from tests.support.fake_embedder import GatedEmbedder

EXPERTS = {
    "taxpro": ("Tax attorney for startups. I claim R&D tax credits every week.", "tax law"),
    "dr_paws": ("Veterinary surgeon for dogs and cats in a small clinic.", "veterinary"),
    "shipit": ("Supply chain consultant for logistics and procurement.", "supply chain"),
}


def test_concurrent_searches_share_a_model_pass_and_get_their_own_answers(
    tmp_path: Path,
) -> None:
    embedder = GatedEmbedder()
    parts = build_app(tmp_path, embedder=embedder)
    import_experts(parts.repo, [new_expert(username=u, bio=b) for u, (b, _) in EXPERTS.items()])
    for expert in parts.repo.list_experts():
        assert expert.id is not None
        parts.repo.save_tags(
            expert.id,
            tags=[EXPERTS[expert.username][1]],
            tagged_by="scripted:test",
            tagged_at=datetime.now(UTC),
            findability_score=50.0,
        )
    promote_index(parts.repo, parts.index_dir, embedder)
    queries = ["R&D tax credits", "my dog is limping", "logistics help", "  \x01 "]
    answers: dict[str, httpx.Response] = {}

    def ask(client: httpx.Client, query: str) -> None:
        answers[query] = client.get("/api/search", params={"q": query, "k": 2})

    with LiveServer(parts.app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        embedder.gate.clear()  # the first search's model pass is held open...
        first = threading.Thread(target=ask, args=(client, "tax law"))
        first.start()
        assert embedder.entered.acquire(timeout=10)
        others = [threading.Thread(target=ask, args=(client, q)) for q in queries]
        for thread in others:
            thread.start()
        searcher = parts.app.state.services.searcher
        for _ in range(5000):  # ...until the others wait for the next one
            with searcher._embed._cond:
                if len(searcher._embed._queue) >= len(queries):
                    break
            threading.Event().wait(0.002)
        embedder.gate.set()
        for thread in [first, *others]:
            thread.join(timeout=30)
        concurrent = list(embedder.passes)
        alone: dict[str, Any] = {
            q: client.get("/api/search", params={"q": q, "k": 2}).json() for q in queries[:3]
        }
    assert concurrent[0] == ["tax law"]
    waiting = concurrent[1:]  # the three that waited shared passes; the bad one is never embedded
    assert sorted(q for p in waiting for q in p) == sorted(queries[:3])
    assert len(waiting) < 3
    for query in queries[:3]:
        assert answers[query].status_code == 200
        assert answers[query].json() == alone[query]
    assert answers["R&D tax credits"].json()["hits"][0]["username"] == "taxpro"
    assert answers["my dog is limping"].json()["hits"][0]["username"] == "dr_paws"
    bad = answers["  \x01 "]
    assert bad.status_code == 422
    assert "empty" in bad.json()["error"]["message"]
