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
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "test_support"))

from function_test_env import TABLE, create_items_table, set_function_environment  # noqa: E402
API_KEY = "test-dashboard-key"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    set_function_environment(monkeypatch, SSE_POLL_INTERVAL="0.01")


@pytest.fixture()
def aws(aws_env: None) -> Iterator[dict[str, str]]:
    with mock_aws():
        create_items_table()
        arn = boto3.client("secretsmanager").create_secret(Name="test/dashboard-api-key", SecretString=API_KEY)["ARN"]
        os.environ["DASHBOARD_API_KEY_SECRET_ARN"] = arn
        import handler

        handler.api_keys.forget()
        yield {"secret_arn": arn}
        os.environ.pop("DASHBOARD_API_KEY_SECRET_ARN", None)
