"""``LocalEmbedder``: the embedder contract with the packaged all-MiniLM-L6-v2 model, offline."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.embedder import LocalEmbedder
from enrichment_core.errors import EmbedderUnavailableError
from enrichment_core.ports import Embedder
from tests.contract.embedder_contract import DOCS, EmbedderContract


@pytest.fixture(scope="module")
def local_embedder() -> LocalEmbedder:
    return LocalEmbedder()


@pytest.mark.slow
class TestLocalEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, local_embedder: LocalEmbedder) -> Embedder:
        return local_embedder


@pytest.mark.slow
def test_batches_give_the_same_vectors_as_single_texts() -> None:
    small_batches = LocalEmbedder(batch_size=2).embed_documents(DOCS)
    one_batch = LocalEmbedder().embed_documents(DOCS)
    np.testing.assert_allclose(small_batches, one_batch, atol=1e-5)


def test_model_id_dimension_and_no_documents_never_load_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(unavailable: type[Exception]) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(local_model, "load_model", refuse)
    embedder = LocalEmbedder()
    assert embedder.model_id == "local:all-MiniLM-L6-v2"
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

        embedder = LocalEmbedder()
        assert (embedder.model_id, embedder.dimension) == ("local:all-MiniLM-L6-v2", 384)
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
    monkeypatch.setattr(local_model, "_model", None)
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(EmbedderUnavailableError, match=r"pip install 'expert-enrichment\[local\]'"):
        LocalEmbedder().embed_query("tax credits")
