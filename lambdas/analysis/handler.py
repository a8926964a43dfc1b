"""Analysis Lambda (container image): SNS-triggered sentiment inference.

For each SNS record {"source_id": ...}: read the item, classify title + description with the
model from MODEL_S3_URI, write `sentiment` and `score` back. An unknown item or an unreadable
message is reported in the result and the log, never raised (SNS would retry it forever).
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional

import boto3
from botocore.exceptions import ClientError

from model_store import ModelUnavailableError, fetch_model

logging.getLogger().setLevel(logging.INFO)
logger = logging.getLogger("analysis")

_classifier: Optional[Any] = None


def required_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"{name} is not set: the analysis function cannot run without it (the stacks and the harness set it).")
    return value


def classifier() -> Any:
    """Loaded once per execution environment; later invokes reuse it."""
    global _classifier
    if _classifier is None:
        from classifier import SentimentClassifier

        uri = required_env("MODEL_S3_URI")
        _classifier = SentimentClassifier(fetch_model(uri), source=uri)
    return _classifier


def model_version(uri: str) -> str:
    # s3://bucket/distilbert/v1.0.0/model.tar.gz -> distilbert/v1.0.0
    return "/".join(uri.split("/")[3:-1]) or uri


def is_sns_event(event: Any) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    return bool(records) and all(
        isinstance(r, dict) and (r.get("EventSource") or r.get("eventSource")) == "aws:sns" for r in records
    )


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    if not is_sns_event(event):
        keys = sorted(event)[:10] if isinstance(event, dict) else type(event).__name__
        logger.warning("ignored an event that is not an SNS notification: %s", keys)
        return {"status": "ignored", "reason": "not an SNS event (Records[].EventSource == 'aws:sns')"}
    table = boto3.resource("dynamodb").Table(required_env("DYNAMODB_TABLE"))
    results = [analyse_record(record, table) for record in event["Records"]]
    summary = {
        "status": "ok",
        "analyzed": sum(1 for r in results if r["status"] == "analyzed"),
        "not_found": [r["source_id"] for r in results if r["status"] == "not_found"],
        "invalid": sum(1 for r in results if r["status"] == "invalid"),
        "results": results,
    }
    logger.info("analysis summary: %s", json.dumps({k: v for k, v in summary.items() if k != "results"}))
    return summary


def analyse_record(record: dict[str, Any], table: Any) -> dict[str, Any]:
    sns = record.get("Sns") or {}
    message_id = sns.get("MessageId")
    try:
        message = json.loads(sns.get("Message") or "")
        source_id = message["source_id"]
        if not isinstance(source_id, str) or not source_id:
            raise ValueError("source_id is empty or not a string")
    except (ValueError, KeyError, TypeError) as error:
        logger.error("SNS message %s is not {\"source_id\": \"...\"}: %s (message: %.200r)", message_id, error, sns.get("Message"))
        return {"source_id": None, "message_id": message_id, "status": "invalid", "error": str(error)}

    item = table.get_item(Key={"source_id": source_id}).get("Item")
    if item is None:
        logger.warning("item %s (SNS message %s) is not in the table: reported, not retried", source_id, message_id)
        return {"source_id": source_id, "message_id": message_id, "status": "not_found"}

    text = ". ".join(part for part in (item.get("title"), item.get("description")) if part) or source_id
    prediction = classifier().predict(text)
    score = Decimal(str(round(prediction.score, 6)))
    try:
        table.update_item(
            Key={"source_id": source_id},
            UpdateExpression="SET sentiment = :sentiment, score = :score, analyzed_at = :at, model_version = :version, #status = :done",
            ConditionExpression="attribute_exists(source_id)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":sentiment": prediction.sentiment,
                ":score": score,
                ":at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                ":version": model_version(required_env("MODEL_S3_URI")),
                ":done": "analyzed",
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            logger.warning("item %s was deleted while being analysed: reported, not retried", source_id)
            return {"source_id": source_id, "message_id": message_id, "status": "not_found"}
        raise
    logger.info("item %s: %s (%.3f)", source_id, prediction.sentiment, prediction.score)
    return {"source_id": source_id, "message_id": message_id, "status": "analyzed", "sentiment": prediction.sentiment, "score": float(score)}


# Under the Lambda runtime, load the model during init: a cold start includes the download (NFR-001),
# and a missing model fails init with a message naming the S3 URI instead of failing every invoke.
# Plain imports (pytest, the harness's import smoke) do not touch S3. MODEL_PRELOAD=0 turns it off.
if os.environ.get("AWS_LAMBDA_RUNTIME_API") and os.environ.get("MODEL_S3_URI") and os.environ.get("MODEL_PRELOAD", "1") != "0":
    try:
        classifier()
    except ModelUnavailableError as error:
        logger.error("%s", error)
        raise
