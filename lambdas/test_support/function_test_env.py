"""What every function's pytest suite sets up the same way: the environment the stacks give a
function (with moto's fake credentials) and the items table, inside moto's in-process AWS
(mock_aws). Test code only: artifacts are built from lambdas/<function>/ and never contain it.
"""
from __future__ import annotations

import boto3
import pytest

TABLE = "test-sentiment-items"

# Credentials moto accepts and real AWS refuses (model/local-aws-account.ts uses the same).
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def set_function_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """The function's environment variables, never pointing at a real or local endpoint."""
    for name, value in {**FAKE_AWS_ENV, "DYNAMODB_TABLE": TABLE, "ENVIRONMENT": "test", **variables}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


def create_items_table() -> None:
    """The items table as the stacks declare it (partition key source_id); call inside mock_aws()."""
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "source_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "source_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
