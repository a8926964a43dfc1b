from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

import handler
from conftest import API_KEY, TABLE


@pytest.fixture()
def client(aws: dict[str, str]) -> TestClient:
    return TestClient(handler.app)


def put(items: list[dict[str, Any]]) -> None:
    table = boto3.resource("dynamodb").Table(TABLE)
    for item in items:
        table.put_item(Item=item)


ITEMS = [
    {"source_id": "a", "title": "Old good news", "published_at": "2025-01-01T10:00:00Z", "sentiment": "positive", "score": Decimal("0.91")},
    {"source_id": "b", "title": "Newest bad news", "published_at": "2025-01-03T10:00:00Z", "sentiment": "negative", "score": Decimal("0.7")},
    {"source_id": "c", "title": "Not analysed yet", "published_at": "2025-01-02T10:00:00Z"},
    {"source_id": "d", "title": "Meh", "published_at": "2024-12-31T10:00:00Z", "sentiment": "positive", "score": Decimal("0.55")},
]


def test_health_reports_table_and_environment(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "table": TABLE, "environment": "test"}


@pytest.mark.parametrize("headers,reason", [({}, "missing"), ({"X-API-Key": "wrong"}, "wrong")])
def test_metrics_refuse_missing_or_wrong_key(client: TestClient, headers: dict[str, str], reason: str) -> None:
    response = client.get("/api/metrics", headers=headers)
    assert response.status_code == 401
    assert reason in response.json()["detail"]


def test_metrics_count_by_sentiment_with_pending_and_newest_first(client: TestClient) -> None:
    put(ITEMS)
    response = client.get("/api/metrics", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert body["counts"] == {"positive": 2, "neutral": 0, "negative": 1, "pending": 1}
    assert [item["source_id"] for item in body["recent"]] == ["b", "c", "a", "d"]
    assert body["recent"][0]["score"] == pytest.approx(0.7)
    assert body["recent"][1]["sentiment"] == "pending"


def test_api_key_is_cached_between_requests(client: TestClient, aws: dict[str, str]) -> None:
    assert client.get("/api/metrics", headers={"X-API-Key": API_KEY}).status_code == 200
    boto3.client("secretsmanager").put_secret_value(SecretId=aws["secret_arn"], SecretString="rotated")
    # Still the cached value: no Secrets Manager call per request.
    assert client.get("/api/metrics", headers={"X-API-Key": API_KEY}).status_code == 200
    handler.api_keys.forget()
    assert client.get("/api/metrics", headers={"X-API-Key": API_KEY}).status_code == 401
    assert client.get("/api/metrics", headers={"X-API-Key": "rotated"}).status_code == 200


def test_missing_secret_setting_is_a_503_naming_the_variable(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHBOARD_API_KEY_SECRET_ARN")
    handler.api_keys.forget()
    response = client.get("/api/metrics", headers={"X-API-Key": API_KEY})
    assert response.status_code == 503
    assert "DASHBOARD_API_KEY_SECRET_ARN" in response.json()["detail"]


def parse_sse(text: str) -> list[dict[str, str]]:
    events = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if ":" in line and not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
        if fields:
            events.append(fields)
    return events


def test_stream_sends_bounded_metrics_events_then_ends(client: TestClient) -> None:
    put(ITEMS[:2])
    response = client.get("/api/stream?events=3", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert [e.get("event") for e in events] == ["metrics", "metrics", "metrics", "end"]
    assert json.loads(events[0]["data"])["total"] == 2
    assert json.loads(events[-1]["data"]) == {"events": 3, "reason": "max-events"}


def test_stream_accepts_key_as_query_for_eventsource_and_refuses_without(client: TestClient) -> None:
    assert client.get("/api/stream?events=1").status_code == 401
    assert client.get(f"/api/stream?events=1&key={API_KEY}").status_code == 200


def test_page_is_self_contained_with_documented_ids(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for element_id in ("total", "count-positive", "count-neutral", "count-negative", "count-pending", "chart", "recent", "status"):
        assert f'id="{element_id}"' in response.text
    assert "<script src=" not in response.text and "http://" not in response.text.replace("http://www.w3.org/2000/svg", "")


class FakeLambdaContext:
    """Stands in for the Lambda context object (the runtime's own is not available in pytest)."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms
        self.aws_request_id = "test-request"
        self.function_name = "dashboard"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def function_url_event(path: str, query: str = "", headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc.lambda-url.us-east-1.on.aws", "x-forwarded-proto": "https", "x-forwarded-for": "127.0.0.1", "x-forwarded-port": "443", **(headers or {})},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abc",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "pytest"},
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2025:00:00:00 +0000",
            "timeEpoch": 1735689600000,
        },
        "isBase64Encoded": False,
    }


def body_of(result: dict[str, Any]) -> str:
    return base64.b64decode(result["body"]).decode() if result.get("isBase64Encoded") else result["body"]


def test_mangum_handler_serves_function_url_events(aws: dict[str, str]) -> None:
    result = handler.lambda_handler(function_url_event("/health"), FakeLambdaContext(30_000))
    assert result["statusCode"] == 200
    assert json.loads(body_of(result))["status"] == "healthy"
    refused = handler.lambda_handler(function_url_event("/api/metrics"), FakeLambdaContext(30_000))
    assert refused["statusCode"] == 401


def test_buffered_stream_ends_before_the_function_timeout(aws: dict[str, str]) -> None:
    # 2.5 s left, poll interval 0.01 s, 3 s margin: one event, then it stops instead of timing out.
    event = function_url_event("/api/stream", "events=50", {"x-api-key": API_KEY})
    result = handler.lambda_handler(event, FakeLambdaContext(2_500))
    assert result["statusCode"] == 200
    events = parse_sse(body_of(result))
    assert [e.get("event") for e in events] == ["metrics", "end"]
    assert json.loads(events[-1]["data"])["reason"] == "function-timeout-near"


MALFORMED = [
    {"source_id": "no-title-text", "title": {"not": "text"}, "sentiment": "positive"},
    {"source_id": "bad-score", "title": "Score is text", "sentiment": "negative", "score": "high"},
    {"source_id": "bad-sentiment", "title": "Sentiment is a number", "sentiment": Decimal("3")},
    {"title": "No key at all", "url": 7},
]


def test_malformed_items_are_skipped_and_counted_not_a_502(client: TestClient) -> None:
    put(ITEMS)
    table = boto3.resource("dynamodb").Table(TABLE)
    for item in MALFORMED[:3]:
        table.put_item(Item=item)
    response = client.get("/api/metrics", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200
    body = response.json()
    assert body["skipped"] == 3
    assert body["total"] == 4
    assert body["counts"] == {"positive": 2, "neutral": 0, "negative": 1, "pending": 1}
    assert {item["source_id"] for item in body["recent"]} == {"a", "b", "c", "d"}


def test_an_item_without_a_key_is_skipped_too() -> None:
    # A table can only hold items with their key, but a scan through another path (or a future
    # index) could still hand one over: the metrics must not fail on it either.
    from metrics import compute_metrics

    class OnePageTable:
        def scan(self, **_: Any) -> dict[str, Any]:
            return {"Items": [ITEMS[0], MALFORMED[3], "not even a map"]}

    metrics = compute_metrics("any", table=OnePageTable())
    assert metrics.skipped == 2
    assert metrics.total == 1
    assert metrics.recent[0].source_id == "a"


def test_no_malformed_items_means_skipped_zero(client: TestClient) -> None:
    put(ITEMS)
    assert client.get("/api/metrics", headers={"X-API-Key": API_KEY}).json()["skipped"] == 0
