"""The model archive: downloaded from S3 (MODEL_S3_URI) to /tmp ONCE per execution environment,
extracted, and reused by every later invoke (and by a warm restart of the same environment)."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tarfile
import time
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger("analysis.model")

MODEL_ROOT = Path(os.environ.get("MODEL_CACHE_DIR", "/tmp/model"))
COMPLETE_MARKER = ".complete"


class ModelUnavailableError(RuntimeError):
    """The model archive cannot be fetched or used; the message names the S3 URI."""


def parse_s3_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri or "")
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/"):
        raise ModelUnavailableError(f"MODEL_S3_URI must look like s3://bucket/key/model.tar.gz, got '{uri}'.")
    return parsed.netloc, parsed.path.lstrip("/")


def local_dir_for(uri: str) -> Path:
    return MODEL_ROOT / hashlib.sha256(uri.encode("utf-8")).hexdigest()[:16]


def fetch_model(uri: str) -> Path:
    """Returns the directory holding config.json and the tokenizer files for `uri`."""
    target = local_dir_for(uri)
    if (target / COMPLETE_MARKER).exists():
        logger.info("model archive %s already in %s (reused)", uri, target)
        return model_files_dir(target, uri)
    bucket, key = parse_s3_uri(uri)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / "model.tar.gz"
    started = time.perf_counter()
    try:
        boto3.client("s3").download_file(bucket, key, str(archive))
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NoSuchBucket", "NotFound"):
            raise ModelUnavailableError(
                f"The model archive {uri} does not exist (S3 said {code}). Upload it there "
                "(locally: the harness's uploadModel / scripts/model/make_tiny_model.py), or point MODEL_S3_URI at the right object."
            ) from error
        if code in ("403", "AccessDenied"):
            raise ModelUnavailableError(
                f"Access to the model archive {uri} was denied (S3 said {code}). The function's role needs s3:GetObject on it."
            ) from error
        raise ModelUnavailableError(f"Downloading the model archive {uri} failed: {error}") from error
    size = archive.stat().st_size
    extract(archive, target, uri)
    archive.unlink()
    (target / COMPLETE_MARKER).write_text(uri, encoding="utf-8")
    logger.info("model archive %s downloaded (%d bytes) and extracted in %.2f s", uri, size, time.perf_counter() - started)
    return model_files_dir(target, uri)


def extract(archive: Path, target: Path, uri: str) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                # Refuse absolute paths, .. and links: the archive comes from a bucket, not from us.
                path = (target / member.name).resolve()
                if not str(path).startswith(str(target.resolve())) or member.issym() or member.islnk():
                    raise ModelUnavailableError(f"The model archive {uri} has an unsafe entry '{member.name}'.")
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # Python without PEP 706: the checks above are the guard
                tar.extractall(target)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ModelUnavailableError(f"The model archive {uri} is not a readable .tar.gz: {error}") from error


def model_files_dir(target: Path, uri: str) -> Path:
    """Files at the archive root, or inside one top-level directory: both layouts are accepted."""
    if (target / "config.json").exists():
        return target
    subdirs = [p for p in target.iterdir() if p.is_dir()]
    if len(subdirs) == 1 and (subdirs[0] / "config.json").exists():
        return subdirs[0]
    found: Optional[list[str]] = sorted(p.name for p in target.iterdir())
    raise ModelUnavailableError(
        f"The model archive {uri} has no config.json at its root or in a single top-level directory (found: {found})."
    )
