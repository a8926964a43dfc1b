"""The dashboard's API key: read from Secrets Manager once, cached, compared in constant time."""
from __future__ import annotations

import hmac
import logging
import os
import time
from typing import Optional

import boto3

logger = logging.getLogger(__name__)

# Re-read after this long, so a rotated key is picked up without a redeploy.
CACHE_SECONDS = 300.0


class ApiKeyUnavailable(RuntimeError):
    """The secret could not be read: a deployment problem, not the caller's."""


class ApiKeyStore:
    def __init__(self, secret_arn: Optional[str] = None, cache_seconds: float = CACHE_SECONDS) -> None:
        self._secret_arn = secret_arn
        self._cache_seconds = cache_seconds
        self._value: Optional[str] = None
        self._read_at = 0.0

    @property
    def secret_arn(self) -> str:
        arn = self._secret_arn or os.environ.get("DASHBOARD_API_KEY_SECRET_ARN", "")
        if not arn:
            raise ApiKeyUnavailable(
                "DASHBOARD_API_KEY_SECRET_ARN is not set: the function cannot check API keys. "
                "Set it to the ARN of the dashboard API key secret (the stacks and the harness do)."
            )
        return arn

    def current(self) -> str:
        now = time.monotonic()
        if self._value is None or now - self._read_at > self._cache_seconds:
            arn = self.secret_arn
            try:
                response = boto3.client("secretsmanager").get_secret_value(SecretId=arn)
            except Exception as error:  # any boto/network failure: report it with the ARN
                raise ApiKeyUnavailable(f"Could not read the dashboard API key secret {arn}: {error}") from error
            value = response.get("SecretString") or ""
            if not value:
                raise ApiKeyUnavailable(f"The dashboard API key secret {arn} has no SecretString value.")
            self._value, self._read_at = value.strip(), now
            logger.info("dashboard API key loaded from %s", arn)
        return self._value

    def matches(self, candidate: Optional[str]) -> bool:
        if not candidate:
            return False
        return hmac.compare_digest(candidate.encode("utf-8"), self.current().encode("utf-8"))

    def forget(self) -> None:
        self._value = None
