"""Token usage sums and the cost estimate (cached tokens are part of the prompt count)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_core.usage import ModelPrice, ModelPricing, PriceTable, TokenUsage, format_cost

FLASH = ModelPricing(online=ModelPrice(0.30, 0.03, 2.50), batch=ModelPrice(0.15, 0.03, 1.25))
counts = st.integers(min_value=0, max_value=10**9)


def test_cached_tokens_are_billed_at_the_cached_price_and_thinking_as_output() -> None:
    usage = TokenUsage(
        requests=2, prompt=1_000_000, cached=400_000, output=100_000, thinking=50_000
    )
    # 600k fresh x 0.30 + 400k cached x 0.03 + 150k output x 2.50, per million
    assert FLASH.online.cost(usage) == pytest.approx(0.18 + 0.012 + 0.375)


def test_the_batch_price_applies_only_when_asked_for() -> None:
    table = PriceTable({"gemini-2.5-flash": FLASH})
    usage = TokenUsage(requests=1, prompt=2_000_000, output=0)
    assert table.cost("gemini-2.5-flash", usage, batch=False) == pytest.approx(0.60)
    assert table.cost("models/gemini-2.5-flash", usage, batch=True) == pytest.approx(0.30)


def test_an_unpriced_model_has_no_cost_rather_than_zero() -> None:
    table = PriceTable({"gemini-2.5-flash": FLASH})
    assert table.cost("gemini-9-ultra", TokenUsage(requests=1, prompt=10), batch=False) is None
    assert "unknown" in format_cost(None)


@given(counts, counts, counts, counts, counts)
def test_usage_adds_and_subtracts_field_by_field(a: int, b: int, c: int, d: int, e: int) -> None:
    one = TokenUsage(a, b, c, d, e)
    two = TokenUsage(e, d, c, b, a)
    assert (one + two) - two == one
    assert (one + two).total == one.total + two.total


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**7))
def test_caching_never_makes_a_call_dearer(prompt: int, cached_share: int, output: int) -> None:
    cached = min(prompt, cached_share)
    plain = TokenUsage(requests=1, prompt=prompt, output=output)
    with_cache = TokenUsage(requests=1, prompt=prompt, cached=cached, output=output)
    assert FLASH.online.cost(with_cache) <= FLASH.online.cost(plain)


def test_negative_prices_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ModelPrice(-1, 0, 0)
