"""Token usage and its estimated cost (issue 13).

Gemini reports ``usageMetadata`` per call: ``promptTokenCount`` (which INCLUDES the cached part),
``cachedContentTokenCount``, ``candidatesTokenCount`` and ``thoughtsTokenCount``. Thinking is
billed as output. A price is USD per million tokens, one for each way of being billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Protocol, runtime_checkable

PER_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Summed ``usage_metadata`` of some calls. ``prompt`` includes ``cached``."""

    requests: int = 0
    prompt: int = 0
    cached: int = 0
    output: int = 0
    thinking: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def __sub__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )

    @property
    def total(self) -> int:
        return self.prompt + self.output + self.thinking

    def describe(self) -> str:
        return (
            f"{self.prompt:,} prompt tokens ({self.cached:,} cached), {self.output:,} output, "
            f"{self.thinking:,} thinking, {self.requests:,} requests"
        )


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """USD per million tokens: fresh input, cached input, output (thinking included)."""

    input: float
    cached: float
    output: float

    def __post_init__(self) -> None:
        if min(self.input, self.cached, self.output) < 0:
            raise ValueError("prices must not be negative")

    def cost(self, usage: TokenUsage) -> float:
        fresh = max(0, usage.prompt - usage.cached)
        return (
            fresh * self.input
            + usage.cached * self.cached
            + (usage.output + usage.thinking) * self.output
        ) / PER_MILLION


@dataclass(frozen=True, slots=True)
class ModelPricing:
    """One model's prices online (``generateContent``) and through the Batch API."""

    online: ModelPrice
    batch: ModelPrice


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Model name -> prices. ``None`` from ``price`` means the model is not priced."""

    models: Mapping[str, ModelPricing]

    def price(self, model: str | None, *, batch: bool) -> ModelPrice | None:
        if model is None:
            return None
        pricing = self.models.get(model.removeprefix("models/"))
        if pricing is None:
            return None
        return pricing.batch if batch else pricing.online

    def cost(self, model: str | None, usage: TokenUsage, *, batch: bool) -> float | None:
        price = self.price(model, batch=batch)
        return None if price is None else price.cost(usage)


@runtime_checkable
class UsageMeter(Protocol):
    """A tagger that counts what its calls used (``usage_metadata``), since it was made."""

    @property
    def model(self) -> str: ...

    def usage_snapshot(self) -> TokenUsage: ...


def format_cost(cost: float | None) -> str:
    if cost is None:
        return "cost unknown (model not in the price table)"
    return f"~${cost:,.4f}" if cost < 1 else f"~${cost:,.2f}"
