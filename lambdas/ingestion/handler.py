"""Ingestion Lambda: on a schedule (or a manual trigger), fetch NewsAPI, validate each article,
store new items with a conditional put, publish one SNS message per new item."""
from __future__ import annotations

import json
import logging
import os
from typing import Any, Optional

import boto3
from botocore.exceptions import ClientError
from pydantic import ValidationError

from article import Article
from newsapi import fetch_articles

logging.getLogger().setLevel(logging.INFO)
logger = logging.getLogger("ingestion")

_newsapi_key: Optional[str] = None


def required_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"{name} is not set: ingestion cannot run without it (the stacks and the harness set it).")
    return value


def newsapi_key() -> str:
    """Read once per execution environment: Secrets Manager is not called on every run."""
    global _newsapi_key
    if _newsapi_key is None:
        arn = required_env("NEWSAPI_KEY_SECRET_ARN")
        try:
            value = boto3.client("secretsmanager").get_secret_value(SecretId=arn).get("SecretString", "")
        except ClientError as error:
            raise RuntimeError(f"Could not read the NewsAPI key secret {arn}: {error}") from error
        if not value:
            raise RuntimeError(f"The NewsAPI key secret {arn} is empty.")
        _newsapi_key = value.strip()
    return _newsapi_key


def is_ingestion_trigger(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    scheduled = event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"
    return scheduled or event.get("source") == "manual"


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    if not is_ingestion_trigger(event):
        keys = sorted(event)[:10] if isinstance(event, dict) else type(event).__name__
        logger.warning("ignored an event that is neither a schedule nor {'source': 'manual'}: %s", keys)
        return {
            "status": "ignored",
            "reason": "not a scheduled event (source aws.events) nor {\"source\": \"manual\"}",
        }
    return ingest()


def ingest() -> dict[str, Any]:
    table = boto3.resource("dynamodb").Table(required_env("DYNAMODB_TABLE"))
    topic_arn = required_env("SNS_TOPIC_ARN")
    sns = boto3.client("sns")
    raw_articles = fetch_articles(
        required_env("NEWSAPI_BASE_URL"),
        newsapi_key(),
        os.environ.get("NEWSAPI_QUERY", "technology"),
        page_size=int(os.environ.get("NEWSAPI_PAGE_SIZE", "50")),
    )
    stored = duplicates = skipped = 0
    seen: set[str] = set()
    for index, raw in enumerate(raw_articles):
        try:
            article = Article.model_validate(raw)
        except ValidationError as error:
            skipped += 1
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
            logger.warning("skipped malformed article #%d (%s): %s", index, describe(raw), problems)
            continue
        item = article.to_item()
        if item["source_id"] in seen:
            duplicates += 1
            continue
        seen.add(item["source_id"])
        try:
            table.put_item(Item=item, ConditionExpression="attribute_not_exists(source_id)")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                duplicates += 1
                continue
            raise
        sns.publish(TopicArn=topic_arn, Message=json.dumps({"source_id": item["source_id"]}))
        stored += 1
    summary = {"status": "ok", "fetched": len(raw_articles), "stored": stored, "duplicates": duplicates, "skipped": skipped}
    logger.info("ingestion summary: %s", json.dumps(summary))
    return summary


def describe(raw: Any) -> str:
    if isinstance(raw, dict):
        return f"url={raw.get('url')!r}, title={str(raw.get('title'))[:60]!r}"
    return type(raw).__name__
