"""A NewsAPI article, validated: what ingestion accepts, and the item it stores."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator


class ArticleSource(BaseModel):
    id: Optional[str] = None
    name: str = Field(min_length=1)


class Article(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source: ArticleSource
    author: Optional[str] = None
    title: str = Field(min_length=1, max_length=1000)
    description: Optional[str] = None
    url: HttpUrl
    urlToImage: Optional[str] = None
    publishedAt: datetime
    content: Optional[str] = None

    @field_validator("title")
    @classmethod
    def title_not_blank(cls, value: str) -> str:
        # NewsAPI marks withdrawn stories with the title "[Removed]".
        if not value.strip() or value.strip() == "[Removed]":
            raise ValueError("title is blank or '[Removed]'")
        return value.strip()

    @property
    def source_id(self) -> str:
        return source_id_for(str(self.url))

    def to_item(self, ingested_at: Optional[datetime] = None) -> dict[str, Any]:
        published = self.publishedAt.astimezone(timezone.utc) if self.publishedAt.tzinfo else self.publishedAt.replace(tzinfo=timezone.utc)
        item: dict[str, Any] = {
            "source_id": self.source_id,
            "url": str(self.url),
            "title": self.title,
            "source_name": self.source.name,
            "published_at": published.isoformat().replace("+00:00", "Z"),
            "ingested_at": (ingested_at or datetime.now(timezone.utc)).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "status": "pending",
        }
        # DynamoDB refuses empty strings in some places and None everywhere: leave absent values out.
        for key, value in (("description", self.description), ("author", self.author), ("content", self.content)):
            if value:
                item[key] = value
        return item


def source_id_for(url: str) -> str:
    """Stable id of a story: the same url always maps to the same item (no duplicates on re-runs)."""
    return "newsapi-" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:32]
