"""Dashboard metrics computed from the items table: counts by sentiment and the newest items."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional

import boto3
from pydantic import BaseModel

SENTIMENTS = ("positive", "neutral", "negative")
# Items not analysed yet (no `sentiment` attribute) are counted as pending.
PENDING = "pending"


class RecentItem(BaseModel):
    source_id: str
    title: Optional[str] = None
    url: Optional[str] = None
    source_name: Optional[str] = None
    published_at: Optional[str] = None
    sentiment: str = PENDING
    score: Optional[float] = None


class Metrics(BaseModel):
    table: str
    total: int
    counts: dict[str, int]
    recent: list[RecentItem]
    generated_at: str


def _number(value: Any) -> Optional[float]:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    return None


def compute_metrics(table_name: str, recent_limit: int = 10, table: Any = None) -> Metrics:
    """Scans the table (the dashboard's data set is small; a GSI would replace this at scale)."""
    table = table or boto3.resource("dynamodb").Table(table_name)
    counts = {name: 0 for name in (*SENTIMENTS, PENDING)}
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    for item in items:
        sentiment = str(item.get("sentiment") or PENDING).lower()
        counts[sentiment] = counts.get(sentiment, 0) + 1

    newest_first = sorted(
        items,
        key=lambda item: (str(item.get("published_at") or ""), str(item.get("ingested_at") or "")),
        reverse=True,
    )
    recent = [
        RecentItem(
            source_id=str(item["source_id"]),
            title=item.get("title"),
            url=item.get("url"),
            source_name=item.get("source_name"),
            published_at=item.get("published_at"),
            sentiment=str(item.get("sentiment") or PENDING),
            score=_number(item.get("score")),
        )
        for item in newest_first[:recent_limit]
    ]
    return Metrics(
        table=table_name,
        total=len(items),
        counts=counts,
        recent=recent,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
