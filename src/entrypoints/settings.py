"""All configuration in one place: environment variables prefixed ``ENRICH_`` (and a ``.env`` file)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PriceSetting(BaseModel):
    """USD per million tokens for one model: online, and through the Batch API."""

    input: float = Field(ge=0)
    cached: float = Field(ge=0)
    output: float = Field(ge=0, description="thinking tokens are billed as output")
    batch_input: float = Field(ge=0)
    batch_cached: float = Field(ge=0)
    batch_output: float = Field(ge=0)


# Paid tier, December 2026 (ai.google.dev/gemini-api/docs/pricing): check before relying on them.
# Batch is 50% of online; the batch cached price is kept at the online one (an upper bound).
DEFAULT_PRICES = {
    "gemini-2.5-flash": PriceSetting(
        input=0.30, cached=0.03, output=2.50, batch_input=0.15, batch_cached=0.03, batch_output=1.25
    ),
}


# A batch run with the local tagger, unless ENRICH_CONCURRENCY / ENRICH_RPM (or the command's
# options) say otherwise: no quota to respect, and enough calls in flight to fill its shared model
# passes (two passes' worth: one runs while the other's experts are saved and claimed again).
LOCAL_TAGGING_CONCURRENCY = 128
LOCAL_TAGGING_RPM = math.inf  # no rate limit


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ENRICH_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    database_url: str = Field(
        default="sqlite:///data/experts.db",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... for PostgreSQL.",
    )
    index_dir: Path = Field(default=Path("data/index"), description="Where the FAISS index lives.")

    # Tagging
    tagger: Literal["gemini", "local"] | None = Field(
        default=None, description="gemini | local; default: gemini when a key is set, else local."
    )
    gemini_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ENRICH_GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"),
    )
    gemini_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ENRICH_GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"),
        description="Point the Gemini client at a proxy or a local fake.",
    )
    tag_model: str = "gemini-2.5-flash"
    tag_timeout_s: float = Field(default=20.0, gt=0)
    concurrency: int = Field(default=8, ge=1, le=256)
    rpm: float = Field(
        default=600.0, gt=0, description="Tagging requests per minute (steady rate)."
    )
    max_quota_wait_s: float = Field(
        default=300.0,
        ge=0,
        description="Longest total wait on 429s for one expert before it fails.",
    )

    # Batch API and cost report (issue 13)
    prices: dict[str, PriceSetting] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES),
        description="Model -> USD per 1M tokens, as JSON (ENRICH_PRICES).",
    )
    batch_poll_s: float = Field(default=30.0, gt=0, description="Seconds between job polls.")
    batch_max_requests: int = Field(default=10_000, ge=1, description="Requests per batch job.")
    batch_enqueued_tokens: int = Field(
        default=3_000_000, ge=1, description="The tier's enqueued-token cap for the tag model."
    )

    # Embedding
    embedder: Literal["local", "gemini"] = "local"
    embedding_model: str = "gemini-embedding-001"
    embedding_dimension: int = Field(default=768, ge=128, le=3072)
    local_precision: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto",
        description="Precision of the local model (embedder and tagger): auto = bfloat16 when "
        "the CPU computes it natively (AVX-512 BF16 / AMX), else float32.",
    )

    # Admin API
    admin_key: SecretStr | None = None
    intake_timeout_s: float = Field(default=8.0, gt=0)

    def tagging_limits(self, tagger: Literal["gemini", "local"]) -> tuple[int, float]:
        """A batch run's calls in flight and requests per minute with ``tagger``: ENRICH_CONCURRENCY
        and ENRICH_RPM when they are set, else the defaults — for the local tagger (a model on
        this machine has no quota) ``LOCAL_TAGGING_CONCURRENCY`` and no rate limit."""
        local, given = tagger == "local", self.model_fields_set
        concurrency = LOCAL_TAGGING_CONCURRENCY if local and "concurrency" not in given else None
        rpm = LOCAL_TAGGING_RPM if local and "rpm" not in given else None
        return concurrency or self.concurrency, rpm or self.rpm

    def resolved_tagger(self) -> Literal["gemini", "local"]:
        if self.tagger is not None:
            return self.tagger
        return "gemini" if self.gemini_api_key else "local"
