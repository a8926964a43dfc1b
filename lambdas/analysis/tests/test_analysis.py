from __future__ import annotations

import io
import json
import logging
import tarfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

import handler
import model_store
from conftest import BUCKET, KEY, MODEL_URI, TABLE


def sns_event(*messages: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:topic:sub",
                "Sns": {"Type": "Notification", "MessageId": f"m{i}", "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic", "Message": message},
            }
            for i, message in enumerate(messages)
        ]
    }


def table() -> Any:
    return boto3.resource("dynamodb").Table(TABLE)


def put_items(*ids: str) -> None:
    for source_id in ids:
        table().put_item(Item={"source_id": source_id, "title": f"Tech stocks surge {source_id}", "description": "Record profits", "status": "pending"})


def test_classifies_items_and_writes_sentiment_and_score(aws: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    put_items("a", "b")
    with caplog.at_level(logging.INFO):
        result = handler.lambda_handler(sns_event(json.dumps({"source_id": "a"}), json.dumps({"source_id": "b"})), None)
    assert result["status"] == "ok" and result["analyzed"] == 2 and result["not_found"] == []
    for source_id in ("a", "b"):
        item = table().get_item(Key={"source_id": source_id})["Item"]
        assert item["sentiment"] in {"negative", "neutral", "positive"}
        assert isinstance(item["score"], Decimal) and Decimal("0") < item["score"] <= Decimal("1")
        assert item["status"] == "analyzed" and item["model_version"] == "distilbert/v1.0.0"
    assert sum("Model loaded successfully" in r.getMessage() for r in caplog.records) == 1


def test_model_is_downloaded_once_and_reused(aws: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    put_items("a")
    handler.lambda_handler(sns_event(json.dumps({"source_id": "a"})), None)
    # Gone from S3 now: a later invoke (even with a fresh classifier object) must use /tmp.
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=KEY)
    handler._classifier = None
    with caplog.at_level(logging.INFO):
        result = handler.lambda_handler(sns_event(json.dumps({"source_id": "a"})), None)
    assert result["analyzed"] == 1
    assert any("(reused)" in r.getMessage() for r in caplog.records)


def test_unknown_item_is_reported_not_raised_and_not_created(aws: dict[str, Any]) -> None:
    result = handler.lambda_handler(sns_event(json.dumps({"source_id": "ghost"})), None)
    assert result["status"] == "ok" and result["not_found"] == ["ghost"] and result["analyzed"] == 0
    assert "Item" not in table().get_item(Key={"source_id": "ghost"})


def test_unreadable_message_is_reported_as_invalid(aws: dict[str, Any]) -> None:
    result = handler.lambda_handler(sns_event("not json", json.dumps({"id": 1})), None)
    assert result["invalid"] == 2 and result["analyzed"] == 0


def test_non_sns_event_is_ignored_without_loading_the_model(aws: dict[str, Any]) -> None:
    assert handler.lambda_handler({"smoke": "ping"}, None)["status"] == "ignored"
    assert handler._classifier is None


def test_missing_model_object_fails_with_the_s3_uri(aws: dict[str, Any]) -> None:
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=KEY)
    put_items("a")
    with pytest.raises(model_store.ModelUnavailableError, match=f"The model archive {MODEL_URI} does not exist"):
        handler.lambda_handler(sns_event(json.dumps({"source_id": "a"})), None)


def test_missing_model_fails_init_under_the_lambda_runtime(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    boto3.client("s3").delete_object(Bucket=BUCKET, Key=KEY)
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    try:
        with pytest.raises(model_store.ModelUnavailableError, match=MODEL_URI):
            importlib.reload(handler)
    finally:
        monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API")
        importlib.reload(handler)


def tar_gz(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_archive_with_one_top_level_directory_is_accepted(aws: dict[str, Any], tiny_model_archive: Path) -> None:
    with tarfile.open(tiny_model_archive) as tar:
        files = {f"model/{m.name}": tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    boto3.client("s3").put_object(Bucket=BUCKET, Key="nested/model.tar.gz", Body=tar_gz(files))
    directory = model_store.fetch_model(f"s3://{BUCKET}/nested/model.tar.gz")
    assert directory.name == "model" and (directory / "config.json").exists()


def test_unsafe_archive_entry_is_refused(aws: dict[str, Any]) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key="evil/model.tar.gz", Body=tar_gz({"../escape.txt": b"x"}))
    with pytest.raises(model_store.ModelUnavailableError, match="unsafe entry '../escape.txt'"):
        model_store.fetch_model(f"s3://{BUCKET}/evil/model.tar.gz")


def test_bad_uri_is_explained() -> None:
    with pytest.raises(model_store.ModelUnavailableError, match="must look like s3://bucket/key"):
        model_store.parse_s3_uri("https://example.com/model.tar.gz")
