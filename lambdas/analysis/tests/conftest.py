"""Analysis tests: real torch + transformers on the tiny model (scripts/model/make_tiny_model.py),
shipped through moto's in-process S3 exactly as the function reads it in production."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[3] / "scripts" / "model"))
sys.path.insert(0, str(HERE.parents[2] / "test_support"))

from function_test_env import TABLE, create_items_table, set_function_environment  # noqa: E402

try:
    import torch  # noqa: F401
    import transformers  # noqa: F401
except ImportError as error:  # fail loudly: these tests are part of CI
    raise RuntimeError(
        f"The analysis tests need torch and transformers ({error}). Run scripts/setup-python.sh --ml "
        "(scripts/test-python.sh does), or scripts/test-python.sh --no-ml to leave these tests out on purpose."
    ) from error

BUCKET = "test-sentiment-models"
KEY = "distilbert/v1.0.0/model.tar.gz"
MODEL_URI = f"s3://{BUCKET}/{KEY}"


@pytest.fixture(scope="session")
def tiny_model_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from make_tiny_model import make

    out = tmp_path_factory.mktemp("model") / "model.tar.gz"
    make(out)
    return out


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_model_archive: Path) -> Iterator[dict[str, Any]]:
    set_function_environment(monkeypatch, MODEL_S3_URI=MODEL_URI)
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    import handler
    import model_store

    monkeypatch.setattr(model_store, "MODEL_ROOT", tmp_path / "model-cache")
    with mock_aws():
        create_items_table()
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.upload_file(str(tiny_model_archive), BUCKET, KEY)
        handler._classifier = None
        yield {"cache": tmp_path / "model-cache"}
        handler._classifier = None
