"""Dashboard tests: the real app against moto's in-process AWS (mock_aws), FastAPI TestClient."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import boto3
import pytest
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TABLE = "test-sentiment-items"
API_KEY = "test-dashboard-key"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "DYNAMODB_TABLE": TABLE,
        "ENVIRONMENT": "test",
        "SSE_POLL_INTERVAL": "0.01",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture()
def aws(aws_env: None) -> Iterator[dict[str, str]]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "source_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "source_id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        arn = boto3.client("secretsmanager").create_secret(Name="test/dashboard-api-key", SecretString=API_KEY)["ARN"]
        os.environ["DASHBOARD_API_KEY_SECRET_ARN"] = arn
        import handler

        handler.api_keys.forget()
        yield {"secret_arn": arn}
        os.environ.pop("DASHBOARD_API_KEY_SECRET_ARN", None)
