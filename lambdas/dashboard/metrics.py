"""Dashboard metrics computed from the items table: counts by sentiment and the newest items.

One malformed item (no string `source_id`, a non-text field, a non-numeric score) must not take the
dashboard down for everyone: it is skipped, counted in `skipped` and logged with its key.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional

import boto3
from pydantic import BaseModel, ValidationError

logger = logging.getLogger("dashboard.metrics")

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
    # Items left out because they could not be read as news items (see the module docstring).
    skipped: int = 0


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

    rows: list[tuple[RecentItem, str]] = []
    skipped = 0
    for item in items:
        row = _read_item(item)
        if row is None:
            skipped += 1
            continue
        rows.append((row, str(item.get("ingested_at") or "")))

    for row, _ in rows:
        sentiment = row.sentiment.lower()
        counts[sentiment] = counts.get(sentiment, 0) + 1

    newest_first = sorted(rows, key=lambda entry: (entry[0].published_at or "", entry[1]), reverse=True)
    recent = [row for row, _ in newest_first[:recent_limit]]
    return Metrics(
        table=table_name,
        total=len(rows),
        counts=counts,
        recent=recent,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        skipped=skipped,
    )


def _read_item(item: Any) -> Optional[RecentItem]:
    """The item as a RecentItem, or None (logged) when it is malformed."""
    key = item.get("source_id") if isinstance(item, dict) else None
    try:
        if not isinstance(item, dict):
            raise ValueError(f"not a map but {type(item).__name__}")
        if not isinstance(key, str) or not key:
            raise ValueError("source_id is missing or not a non-empty string")
        score = item.get("score")
        if score is not None and _number(score) is None:
            raise ValueError(f"score is not a number: {score!r}")
        return RecentItem(
            source_id=key,
            title=item.get("title"),
            url=item.get("url"),
            source_name=item.get("source_name"),
            published_at=item.get("published_at"),
            sentiment=item.get("sentiment") or PENDING,
            score=_number(score),
        )
    except (ValueError, ValidationError) as error:
        reason = str(error).replace("\n", " ")
        logger.warning("skipped malformed item %r: %s", key, reason[:300])
        return None
