"""``LocalEmbedder``: the embedder contract with the packaged all-MiniLM-L6-v2 model, offline."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.embedder import LocalEmbedder
from enrichment_core.errors import EmbedderUnavailableError
from enrichment_core.ports import Embedder, Vectors
from tests.contract.embedder_contract import DOCS, EmbedderContract


@pytest.fixture(scope="module", params=["float32", "bfloat16"])
def local_embedder(request: pytest.FixtureRequest) -> LocalEmbedder:
    return LocalEmbedder(precision=request.param)


@pytest.mark.slow
class TestLocalEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, local_embedder: LocalEmbedder) -> Embedder:
        return local_embedder


@pytest.mark.slow
def test_queries_embedded_together_equal_queries_embedded_alone(
    local_embedder: LocalEmbedder,
) -> None:
    queries = ["tax credits for a startup", "my dog broke its leg", DOCS[2]]
    together = local_embedder.embed_queries(queries)
    alone = np.stack([local_embedder.embed_query(q) for q in queries])
    np.testing.assert_allclose(together, alone, atol=2e-3)
    assert np.all((together * alone).sum(axis=1) > 0.9999)


@pytest.mark.slow
def test_bfloat16_vectors_point_where_the_float32_ones_do() -> None:
    full = LocalEmbedder(precision="float32").embed_documents(DOCS)
    half = LocalEmbedder(precision="bfloat16").embed_documents(DOCS)
    assert half.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert np.all((full * half).sum(axis=1) > 0.999)


def test_precision_auto_is_bfloat16_exactly_when_the_cpu_has_native_bf16(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with_amx = tmp_path / "amx"
    with_amx.write_text("processor : 0\nflags : fpu sse avx2 avx512f amx_bf16 amx_tile\n")
    without = tmp_path / "plain"
    without.write_text("processor : 0\nflags : fpu sse avx2 avx512f avx512_vnni\n")
    assert local_model.cpu_bf16_flags(str(with_amx)) == {"amx_bf16"}
    assert local_model.cpu_bf16_flags(str(without)) == frozenset()
    assert local_model.cpu_bf16_flags(str(tmp_path / "missing")) == frozenset()

    monkeypatch.setattr(local_model, "cpu_bf16_flags", lambda: frozenset({"avx512_bf16"}))
    assert LocalEmbedder().precision == "bfloat16"
    assert LocalEmbedder(precision="float32").precision == "float32"
    monkeypatch.setattr(local_model, "cpu_bf16_flags", lambda: frozenset())
    assert LocalEmbedder().model_id == "local:all-MiniLM-L6-v2"
    assert LocalEmbedder(precision="bfloat16").precision == "bfloat16"
    with pytest.raises(ValueError, match="unknown precision 'half'"):
        LocalEmbedder(precision="half")


@pytest.mark.slow
def test_in_float32_batches_give_the_same_vectors_as_single_texts() -> None:
    small_batches = LocalEmbedder(batch_size=2, precision="float32").embed_documents(DOCS)
    one_batch = LocalEmbedder(precision="float32").embed_documents(DOCS)
    np.testing.assert_allclose(small_batches, one_batch, atol=1e-5)


def test_model_id_dimension_and_no_documents_never_load_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(unavailable: type[Exception]) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(local_model, "load_model", refuse)
    embedder = LocalEmbedder(precision="float32")
    assert embedder.model_id == "local:all-MiniLM-L6-v2"
    assert LocalEmbedder(precision="bfloat16").model_id == "local:all-MiniLM-L6-v2+bf16"
    assert embedder.dimension == 384
    empty = embedder.embed_documents([])
    assert empty.shape == (0, 384)
    assert empty.dtype == np.float32


def test_reading_the_dimension_imports_neither_torch_nor_the_model() -> None:
    script = textwrap.dedent(
        """
        import sys
        from enrichment_adapters.local import model as local_model
        from enrichment_adapters.local.embedder import LocalEmbedder

        embedder = LocalEmbedder(precision="float32")
        assert (embedder.model_id, embedder.dimension) == ("local:all-MiniLM-L6-v2", 384)
        assert LocalEmbedder(precision="auto").model_id.startswith("local:all-MiniLM-L6-v2")
        assert not local_model.is_loaded()
        heavy = {"torch", "sentence_transformers", "transformers"} & set(sys.modules)
        assert not heavy, heavy
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_without_the_local_extra_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(local_model, "_models", {})
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(EmbedderUnavailableError, match=r"pip install 'expert-enrichment\[local\]'"):
        LocalEmbedder().embed_query("tax credits")


@pytest.mark.slow
def test_queries_take_the_traced_path_and_get_the_eager_vectors(
    local_embedder: LocalEmbedder,
) -> None:
    queries = ["tax credits for a startup", "  UX ", DOCS[2], "a " * 300]
    serving = local_embedder.with_traced_queries()
    assert (serving.model_id, serving.dimension) == (local_embedder.model_id, 384)
    traced = serving.embed_queries(queries)
    assert local_model._query_encoders[local_embedder.precision] is not None  # not refused
    eager = local_embedder.embed_queries(queries)
    assert np.all((traced * eager).sum(axis=1) > 0.9999)
    documents = local_embedder.embed_documents(queries)  # how the index's texts are embedded
    assert np.all((traced * documents).sum(axis=1) > 0.9999)
    alone = np.stack([serving.embed_query(q) for q in queries])
    assert np.all((traced * alone).sum(axis=1) > 0.9999)


@pytest.mark.slow
def test_a_query_pass_leaves_torchs_thread_count_as_it_was(local_embedder: LocalEmbedder) -> None:
    import torch

    before = torch.get_num_threads()
    for embedder in (local_embedder, local_embedder.with_traced_queries()):
        embedder.embed_queries(["tax law"])  # a small pass: one thread for its duration
        embedder.embed_queries([f"question {n}" for n in range(40)])
        assert torch.get_num_threads() == before


@pytest.mark.slow
def test_a_trace_that_does_not_give_the_eager_vectors_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from enrichment_adapters.local.query_model import traced_query_encoder

    model = local_model.load_model(EmbedderUnavailableError, "float32")
    rng = np.random.default_rng(0)

    def elsewhere(texts: Sequence[str]) -> Vectors:
        return rng.normal(size=(len(texts), 384)).astype(np.float32)

    with caplog.at_level(logging.WARNING):
        assert traced_query_encoder(model, elsewhere) is None
        assert "differ from the eager ones" in caplog.text
        assert traced_query_encoder(object(), elsewhere) is None  # cannot be traced at all
        assert "could not be traced" in caplog.text


@pytest.mark.slow
def test_the_query_tokenizer_gives_the_model_tokenizers_padded_tensors() -> None:
    from enrichment_adapters.local.query_model import _rust_tokenizer

    model = local_model.load_model(EmbedderUnavailableError, "float32")
    texts = ["tax law", "  UX ", "R&D tax credits for a startup in Lisbon", "a " * 300, "é"]
    ids, mask, types = _rust_tokenizer(model)(texts)
    want = model.tokenize([t.strip() for t in texts])
    assert ids.shape == (len(texts), 256)  # padded to the longest, truncated at the model's max
    assert ids.tolist() == want["input_ids"].tolist()
    assert mask.tolist() == want["attention_mask"].tolist()
    assert types.tolist() == want["token_type_ids"].tolist()
    alone = _rust_tokenizer(model)(["tax law"])[0]
    assert alone.tolist() == model.tokenize(["tax law"])["input_ids"].tolist()
