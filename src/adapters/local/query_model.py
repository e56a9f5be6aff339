"""The local model's query path: tokenizer and model called so that they hardly hold the GIL.

Why. A search server embeds queries in one thread while its event loop and its ranking thread
run the requests' own Python in others. The eager path (``SentenceTransformer.encode``) is
hundreds of small torch calls and a Python tokenizer wrapper, each letting go of the GIL and
taking it back; while another thread runs Python, every take-back waits for it. Measured on 2
cores with one other thread busy in Python, a pass of 4 queries: eager 85 ms (7-12 ms alone),
this path 40 ms; under the server's real load the gap is smaller but is what stops a second core
from adding throughput (``benchmarks/api_latency.py``).

What it is. The model's own fast tokenizer (a private copy of its Rust ``tokenizers.Tokenizer``,
with the model's truncation and padding) is called directly, and BERT with
sentence-transformers' mean pooling (over the attention mask, in the model's precision, as its
``Pooling`` module computes it) is traced to one frozen TorchScript graph of the same weights
and kernels, which runs in C++ without the GIL. Normalization stays with the caller (float32).

Checked before use. The traced path is compared with ``SentenceTransformer.encode`` on probe
queries (a padded batch and each query alone; short, long and truncated): a vector below
``MIN_COSINE`` means the trace recorded something else (a library upgrade can change what a
trace records, or the model is not BERT with mean pooling), and the eager path is used
instead, with a warning.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from enrichment_core.ports import Vectors

_log = logging.getLogger(__name__)

MIN_COSINE = 0.9999
# Traced on a padded batch: the attention mask is then part of the recorded graph.
TRACE_EXAMPLE = ("tax law", "a veterinary surgeon for a small animal clinic in a rural town")
PROBES = (
    "R&D tax credits",
    "  I need help with R&D tax credits for a startup ",
    "UX",
    "machine learning for demand forecasting in retail, with a team that has never deployed a "
    "model and wants someone to review the data pipeline, the features and the evaluation first",
    "a " * 300,  # beyond the model's 256 tokens: truncated
)

RawEncoder = Callable[[Sequence[str]], Vectors]
Tokenize = Callable[[Sequence[str]], tuple[Any, Any, Any]]


def traced_query_encoder(model: Any, eager: RawEncoder) -> RawEncoder | None:
    """``texts -> raw (unnormalized) embeddings`` through the traced graph of ``model`` (a loaded
    ``SentenceTransformer``), or None when it cannot be traced or does not give ``eager``'s
    vectors. The caller serializes calls."""
    try:
        encoder = _trace(model)
        worst = _worst_cosine(encoder, eager)
    except Exception as exc:  # noqa: BLE001 - any failure to trace means: use the eager path
        _log.warning("query path: the model could not be traced (%s); using the eager path", exc)
        return None
    if worst < MIN_COSINE:
        _log.warning(
            "query path: the traced model's vectors differ from the eager ones (cosine %.6f); "
            "using the eager path",
            worst,
        )
        return None
    return encoder


def _trace(model: Any) -> RawEncoder:
    import torch

    transformer = model[0]
    bert = getattr(transformer, "model", None) or transformer.auto_model
    tokenize = _rust_tokenizer(model)
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TracerWarnings about branches fixed by the example
        graph = torch.jit.trace(
            _mean_pooled(bert).eval(), tokenize(TRACE_EXAMPLE), strict=False, check_trace=False
        )
        traced = torch.jit.freeze(graph)

    def encode(texts: Sequence[str]) -> Vectors:
        inputs = tokenize(texts)
        with torch.inference_mode():
            vectors: Vectors = traced(*inputs).numpy()
        return vectors

    return encode


def _rust_tokenizer(model: Any) -> Tokenize:
    """The model's tokenizer as ``texts -> (ids, attention mask, type ids)``, padded to the
    longest text like the model's own tokenizer call.

    Each text goes through ``Tokenizer.encode``, which keeps the GIL: ``encode_batch`` lets go
    of it for its Rust threads and must then take it back, which with another Python thread
    busy waits for the interpreter's switch interval (4 short queries: 4.7 ms against 0.18 ms
    one by one, on 2 cores with one busy thread) — in a server, on every model pass.
    """
    import torch
    from tokenizers import Tokenizer

    backend = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
    backend.enable_truncation(max_length=int(model.max_seq_length))
    backend.no_padding()
    pad_id = int(model.tokenizer.pad_token_id or 0)

    def tokenize(texts: Sequence[str]) -> tuple[Any, Any, Any]:
        encodings = [backend.encode(str(text).strip()) for text in texts]
        width = max(len(e.ids) for e in encodings)
        ids, mask, types = [], [], []
        for e in encodings:
            fill = [0] * (width - len(e.ids))
            ids.append(e.ids + [pad_id] * len(fill))
            mask.append(e.attention_mask + fill)
            types.append(e.type_ids + fill)
        return torch.tensor(ids), torch.tensor(mask), torch.tensor(types)

    return tokenize


def _mean_pooled(bert: Any) -> Any:
    import torch

    class MeanPooled(torch.nn.Module):  # type: ignore[misc]  # torch untyped without the extra
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            tokens = out["last_hidden_state"] if isinstance(out, dict) else out[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            return ((tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)).float()

    return MeanPooled()


def _worst_cosine(traced: RawEncoder, eager: RawEncoder) -> float:
    """The lowest cosine between the two paths' vectors of the probes (batched and alone)."""
    pairs = [(traced(PROBES), eager(PROBES))]
    pairs += [(traced([probe]), eager([probe])) for probe in PROBES]
    worst = 1.0
    for got, want in pairs:
        got, want = _unit(got), _unit(want)
        worst = min(worst, float(np.min(np.sum(got * want, axis=1))))
    return worst


def _unit(vectors: Vectors) -> Vectors:
    array = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.asarray(array / np.where(norms > 0, norms, 1.0))
