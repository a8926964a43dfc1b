"""Dashboard Lambda: FastAPI behind a Function URL (BUFFERED), adapted by Mangum.

Routes: GET /health, GET /api/metrics (X-API-Key), GET /api/stream (SSE, bounded), GET / (page).
CORS is the Function URL's job (declared per environment in the catalog), not the app's.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any, AsyncIterator, Optional

from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from mangum import Mangum
from sse_starlette.sse import EventSourceResponse

from api_key import ApiKeyStore, ApiKeyUnavailable
from metrics import Metrics, compute_metrics

logging.getLogger().setLevel(logging.INFO)
logger = logging.getLogger("dashboard")

PAGE_HTML = (Path(__file__).parent / "dashboard.html").read_text(encoding="utf-8")

# A BUFFERED Function URL returns nothing until the handler returns, so the stream must end by
# itself: at most this many events, and never closer than this margin to the function timeout.
SSE_MAX_EVENTS_DEFAULT = 5
SSE_TIMEOUT_MARGIN_SECONDS = 3.0

app = FastAPI(title="sentiment-dashboard", docs_url=None, redoc_url=None, openapi_url=None)
api_keys = ApiKeyStore()


def table_name() -> str:
    name = os.environ.get("DYNAMODB_TABLE", "")
    if not name:
        raise HTTPException(status_code=500, detail="DYNAMODB_TABLE is not set: the dashboard does not know which table to read.")
    return name


def environment_name() -> str:
    return os.environ.get("ENVIRONMENT", "unknown")


def poll_interval_seconds() -> float:
    raw = os.environ.get("SSE_POLL_INTERVAL", "2")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise HTTPException(status_code=500, detail=f"SSE_POLL_INTERVAL must be a positive number of seconds, got '{raw}'.")
    return value


def require_api_key(candidate: Optional[str]) -> None:
    try:
        ok = api_keys.matches(candidate)
    except ApiKeyUnavailable as error:
        logger.error("%s", error)
        raise HTTPException(status_code=503, detail=str(error)) from error
    if not ok:
        reason = "missing" if not candidate else "wrong"
        logger.info("refused a request with a %s API key", reason)
        raise HTTPException(status_code=401, detail=f"API key {reason}: send the dashboard API key in the X-API-Key header.")


async def load_metrics() -> Metrics:
    name = table_name()
    try:
        return await run_in_threadpool(compute_metrics, name)
    except Exception as error:
        logger.exception("reading table %s failed", name)
        raise HTTPException(status_code=502, detail=f"Could not read table {name}: {error}") from error


@app.get("/health")
def health() -> dict[str, Any]:
    return {"status": "healthy", "table": os.environ.get("DYNAMODB_TABLE", ""), "environment": environment_name()}


@app.get("/api/metrics")
async def get_metrics(x_api_key: Optional[str] = Header(default=None)) -> Metrics:
    require_api_key(x_api_key)
    return await load_metrics()


@app.get("/api/stream")
async def stream_metrics(
    request: Request,
    x_api_key: Optional[str] = Header(default=None),
    key: Optional[str] = Query(default=None, description="for EventSource, which cannot send headers"),
    events: Optional[int] = Query(default=None, ge=1),
) -> EventSourceResponse:
    require_api_key(x_api_key or key)
    interval = poll_interval_seconds()
    ceiling = int(os.environ.get("SSE_MAX_EVENTS", str(SSE_MAX_EVENTS_DEFAULT)))
    count = min(events or ceiling, ceiling)
    lambda_context = request.scope.get("aws.context")

    async def generate() -> AsyncIterator[dict[str, Any]]:
        sent = 0
        reason = "max-events"
        while True:
            metrics = await load_metrics()
            sent += 1
            yield {"event": "metrics", "id": str(sent), "data": metrics.model_dump_json()}
            if sent >= count:
                break
            if lambda_context is not None:
                remaining = lambda_context.get_remaining_time_in_millis() / 1000.0
                if remaining < interval + SSE_TIMEOUT_MARGIN_SECONDS:
                    reason = "function-timeout-near"
                    break
            await asyncio.sleep(interval)
        # Tells the client the stream ended on purpose; `retry` paces EventSource's reconnect.
        yield {"event": "end", "data": json.dumps({"events": sent, "reason": reason}), "retry": int(interval * 1000)}

    return EventSourceResponse(generate(), ping=3600, headers={"Cache-Control": "no-cache"})


@app.get("/", response_class=HTMLResponse)
def page() -> HTMLResponse:
    return HTMLResponse(PAGE_HTML)


@app.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


@app.exception_handler(HTTPException)
async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
    return JSONResponse(status_code=error.status_code, content={"detail": error.detail})


lambda_handler = Mangum(app, lifespan="off")
