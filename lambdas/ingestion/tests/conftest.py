"""Ingestion tests: the real handler against moto's in-process AWS (mock_aws) and a local HTTP
server that MOCKS NewsAPI (a third party the tests cannot and must not call)."""
from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "test_support"))

from function_test_env import TABLE, create_items_table, set_function_environment  # noqa: E402
NEWSAPI_KEY = "test-newsapi-key"


def article(n: int, **overrides: Any) -> dict[str, Any]:
    base = {
        "source": {"id": "fake-wire", "name": "Fake Wire"},
        "author": f"Reporter {n}",
        "title": f"Headline {n}",
        "description": f"Description {n}",
        "url": f"https://news.example.test/story/{n}",
        "urlToImage": None,
        "publishedAt": f"2025-01-0{n % 9 + 1}T12:00:00Z",
        "content": f"Content {n}",
    }
    base.update(overrides)
    return base


class FakeNewsApiMock:
    """MOCK of newsapi.org: GET /v2/everything with the X-Api-Key check."""

    def __init__(self) -> None:
        self.articles: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                mock.requests.append({"path": url.path, "query": parse_qs(url.query), "key": self.headers.get("X-Api-Key")})
                if self.headers.get("X-Api-Key") != NEWSAPI_KEY:
                    status, body = 401, {"status": "error", "code": "apiKeyInvalid", "message": "Your API key is invalid."}
                elif url.path != "/v2/everything":
                    status, body = 404, {"status": "error", "code": "routeNotFound", "message": url.path}
                else:
                    status, body = 200, {"status": "ok", "totalResults": len(mock.articles), "articles": mock.articles}
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v2"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def newsapi() -> Iterator[FakeNewsApiMock]:
    mock = FakeNewsApiMock()
    yield mock
    mock.close()


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch, newsapi: FakeNewsApiMock) -> Iterator[dict[str, Any]]:
    set_function_environment(monkeypatch, NEWSAPI_BASE_URL=newsapi.base_url, NEWSAPI_QUERY="technology")
    with mock_aws():
        create_items_table()
        topic_arn = boto3.client("sns").create_topic(Name="test-topic")["TopicArn"]
        # An SQS queue on the topic lets the tests read what was published.
        sqs = boto3.client("sqs")
        queue_url = sqs.create_queue(QueueName="published")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        boto3.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
        secret_arn = boto3.client("secretsmanager").create_secret(Name="test/newsapi-key", SecretString=NEWSAPI_KEY)["ARN"]
        monkeypatch.setenv("SNS_TOPIC_ARN", topic_arn)
        monkeypatch.setenv("NEWSAPI_KEY_SECRET_ARN", secret_arn)
        import handler

        handler._newsapi_key = None
        yield {"topic_arn": topic_arn, "queue_url": queue_url, "secret_arn": secret_arn}
        handler._newsapi_key = None


def published_messages(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            messages.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
