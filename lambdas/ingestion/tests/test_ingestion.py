from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest

import handler
from article import source_id_for
from conftest import TABLE, FakeNewsApiMock, article, published_messages

SCHEDULED_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2025-01-01T12:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/ingestion-schedule"],
    "detail": {},
}


def items() -> list[dict[str, Any]]:
    return boto3.resource("dynamodb").Table(TABLE).scan()["Items"]


def test_scheduled_run_stores_new_items_and_publishes_one_message_each(aws: dict[str, Any], newsapi: FakeNewsApiMock) -> None:
    newsapi.articles = [article(1), article(2), article(3)]
    summary = handler.lambda_handler(SCHEDULED_EVENT, None)
    assert summary == {"status": "ok", "fetched": 3, "stored": 3, "duplicates": 0, "skipped": 0}
    stored = {item["source_id"]: item for item in items()}
    assert set(stored) == {source_id_for(f"https://news.example.test/story/{n}") for n in (1, 2, 3)}
    one = stored[source_id_for("https://news.example.test/story/1")]
    assert one["title"] == "Headline 1" and one["source_name"] == "Fake Wire" and one["status"] == "pending"
    assert "sentiment" not in one
    assert sorted(m["source_id"] for m in published_messages(aws["queue_url"])) == sorted(stored)
    assert newsapi.requests[0]["query"]["q"] == ["technology"]


def test_rerun_does_not_duplicate_items_or_messages(aws: dict[str, Any], newsapi: FakeNewsApiMock) -> None:
    newsapi.articles = [article(1), article(2)]
    handler.lambda_handler({"source": "manual"}, None)
    published_messages(aws["queue_url"])
    newsapi.articles = [article(1), article(2), article(4)]
    summary = handler.lambda_handler({"source": "manual"}, None)
    assert summary == {"status": "ok", "fetched": 3, "stored": 1, "duplicates": 2, "skipped": 0}
    assert len(items()) == 3
    assert [m["source_id"] for m in published_messages(aws["queue_url"])] == [source_id_for("https://news.example.test/story/4")]


def test_malformed_articles_are_skipped_and_logged_not_stored(aws: dict[str, Any], newsapi: FakeNewsApiMock, caplog: pytest.LogCaptureFixture) -> None:
    newsapi.articles = [
        article(1),
        article(2, url="not a url"),
        article(3, title=None),
        article(5, publishedAt="yesterday-ish"),
        "not even an object",
        article(6, title="[Removed]"),
    ]
    with caplog.at_level(logging.WARNING, logger="ingestion"):
        summary = handler.lambda_handler({"source": "manual"}, None)
    assert summary == {"status": "ok", "fetched": 6, "stored": 1, "duplicates": 0, "skipped": 5}
    assert len(items()) == 1
    skipped_logs = [r.getMessage() for r in caplog.records if "skipped malformed article" in r.getMessage()]
    assert len(skipped_logs) == 5
    assert any("'not a url'" in line and "url" in line for line in skipped_logs)


def test_unknown_event_is_ignored_without_calling_newsapi(aws: dict[str, Any], newsapi: FakeNewsApiMock) -> None:
    result = handler.lambda_handler({"smoke": "ping"}, None)
    assert result["status"] == "ignored"
    assert newsapi.requests == []


def test_wrong_newsapi_key_fails_with_a_clear_message(aws: dict[str, Any], newsapi: FakeNewsApiMock) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=aws["secret_arn"], SecretString="wrong-key")
    with pytest.raises(Exception, match=r"NewsAPI answered 401 \(apiKeyInvalid\).*key in Secrets Manager"):
        handler.lambda_handler({"source": "manual"}, None)
    assert items() == []


def test_missing_setting_names_the_variable(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SNS_TOPIC_ARN")
    with pytest.raises(RuntimeError, match="SNS_TOPIC_ARN is not set"):
        handler.lambda_handler({"source": "manual"}, None)


def test_source_id_is_stable_and_distinct() -> None:
    assert source_id_for("https://a.test/x") == source_id_for("https://a.test/x")
    assert source_id_for("https://a.test/x") != source_id_for("https://a.test/y")
    assert source_id_for("https://a.test/x").startswith("newsapi-")
