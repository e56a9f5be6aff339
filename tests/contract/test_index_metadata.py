"""A promoted build whose metadata.json is malformed is refused with a reason, and a running
server keeps the last good build (issue 10, item 6)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_adapters.vector_index.builds import BuildError, read_build
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex
from enrichment_core.errors import IndexNotFoundError
from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import promote_index
from tests.support.fake_embedder import HashingEmbedder


def bad_name(record: dict[str, Any]) -> None:
    record["name"] = None


def string_score(record: dict[str, Any]) -> None:
    record["findability_score"] = "high"


def integer_username(record: dict[str, Any]) -> None:
    record["username"] = 42


def boolean_id(record: dict[str, Any]) -> None:
    record["id"] = True


BREAKAGES: list[Callable[[dict[str, Any]], None]] = [
    bad_name,
    string_score,
    integer_username,
    boolean_id,
]


_NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    repo = InMemoryExpertRepo()
    experts = [new_expert(username=u, bio=f"{u} does tax law") for u in ("ada", "bob")]
    import_experts(repo, experts)
    for e in repo.list_experts():
        assert e.id is not None
        repo.save_tags(e.id, tags=["tax law"], tagged_by="t", tagged_at=_NOW, findability_score=50)
    promote_index(repo, tmp_path / "index", HashingEmbedder())
    return tmp_path / "index"


def promote_a_copy(index_dir: Path, change_metadata: Callable[[Any], Any]) -> Path:
    """A second build, a copy of production with its metadata changed, made production."""
    pointer = json.loads((index_dir / "CURRENT.json").read_text())
    good = index_dir / "builds" / pointer["build"]
    bad = index_dir / "builds" / "bad-build"
    shutil.copytree(good, bad)
    metadata = json.loads((bad / "metadata.json").read_text())
    (bad / "metadata.json").write_text(change_metadata(metadata))
    pointer["build"] = "bad-build"
    (index_dir / "CURRENT.json").write_text(json.dumps(pointer))
    return bad


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__)
def test_a_record_of_the_wrong_shape_is_refused_with_its_field(
    index_dir: Path, breakage: Callable[[dict[str, Any]], None]
) -> None:
    def change(metadata: Any) -> str:
        breakage(metadata["records"][0])
        return json.dumps(metadata)

    bad = promote_a_copy(index_dir, change)
    with pytest.raises(BuildError) as raised:
        read_build(bad)
    assert "metadata.json" in str(raised.value)


def test_deeply_nested_metadata_is_a_build_error_not_a_recursion_error(index_dir: Path) -> None:
    bad = promote_a_copy(index_dir, lambda _m: "[" * 200_000 + "]" * 200_000)
    with pytest.raises(BuildError):
        read_build(bad)


@pytest.mark.parametrize(
    "breakage", [*BREAKAGES, None], ids=lambda f: getattr(f, "__name__", "deep")
)
def test_a_running_server_keeps_serving_the_last_good_build(
    index_dir: Path, breakage: Callable[[dict[str, Any]], None] | None
) -> None:
    serving = FaissVectorIndex(index_dir)
    query = HashingEmbedder().embed_query("tax law")
    before = [hit.record.username for hit in serving.search(query, 2)]

    def change(metadata: Any) -> str:
        if breakage is None:
            return "[" * 200_000 + "]" * 200_000
        breakage(metadata["records"][0])
        return json.dumps(metadata)

    promote_a_copy(index_dir, change)
    assert [hit.record.username for hit in serving.search(query, 2)] == before
    assert serving.manifest() is not None
    with pytest.raises(IndexNotFoundError):  # a fresh reader has no good build to fall back on
        FaissVectorIndex(index_dir).search(query, 2)
