"""The answer of ``GET /api/admin/insights``: the directory's aggregates for the admin page charts.

The numbers come from the core's ``directory_insights`` use case; each carries the query string
of ``GET /api/admin/experts`` that lists exactly the experts it counts, so a chart links to the
filtered table.
"""

from __future__ import annotations

from urllib.parse import urlencode

from pydantic import BaseModel, Field

from enrichment_core.insights import DirectoryInsights

# Tagging states as the list endpoint's ``state`` filter spells them.
_STATE_ORDER = ("tagged", "pending", "failed", "no_bio")


class InsightCount(BaseModel):
    """One number of a chart and the expert-list filter that shows those experts."""

    label: str
    count: int
    filter: str = Field(description="Query string for GET /api/admin/experts, e.g. 'tag=tax+law'.")


class ScoreBinPublic(InsightCount):
    low: float
    high: float = Field(description="Exclusive, except for the last bin, which includes 100.")


class FieldGapPublic(InsightCount):
    field: str
    points: float = Field(description="Findability points the field is worth.")


class Insights(BaseModel):
    total: int = Field(description="Experts in the directory.")
    states: list[InsightCount] = Field(description="Tagged, pending, failed and no-bio counts.")
    unscored: int = Field(description="Experts without a findability score yet.")
    histogram: list[ScoreBinPublic] = Field(description="Findability scores in bins of 10.")
    top_tags: list[InsightCount] = Field(description="The most common tags, most used first.")
    distinct_tags: int
    missing_fields: list[FieldGapPublic] = Field(description="Most often missing first.")

    @classmethod
    def from_insights(cls, insights: DirectoryInsights) -> Insights:
        last = len(insights.histogram) - 1
        return cls(
            total=insights.total,
            states=[
                InsightCount(
                    label=state.replace("_", " "),
                    count=insights.states.get(state, 0),
                    filter=urlencode({"state": state}),
                )
                for state in _STATE_ORDER
            ],
            unscored=insights.unscored,
            histogram=[
                ScoreBinPublic(
                    label=f"{b.low:g}–{b.high:g}",
                    count=b.count,
                    low=b.low,
                    high=b.high,
                    filter=urlencode(
                        {"min_findability": f"{b.low:g}"}
                        | ({} if i == last else {"findability_below": f"{b.high:g}"})
                    ),
                )
                for i, b in enumerate(insights.histogram)
            ],
            top_tags=[
                InsightCount(label=t.tag, count=t.count, filter=urlencode({"tag": t.tag}))
                for t in insights.top_tags
            ],
            distinct_tags=insights.distinct_tags,
            missing_fields=[
                FieldGapPublic(
                    label=g.label,
                    count=g.missing,
                    field=g.field,
                    points=g.points,
                    filter=urlencode({"missing": g.field}),
                )
                for g in insights.gaps
            ],
        )
