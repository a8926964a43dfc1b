"""NewsAPI client: base URL from NEWSAPI_BASE_URL (https://newsapi.org/v2 in AWS, a fake locally)."""
from __future__ import annotations

from typing import Any

import requests

DEFAULT_TIMEOUT_SECONDS = 10.0


class NewsApiError(RuntimeError):
    pass


def fetch_articles(base_url: str, api_key: str, query: str, page_size: int = 50, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> list[Any]:
    """Returns the raw `articles` list of GET {base_url}/everything (validation is the caller's)."""
    url = base_url.rstrip("/") + "/everything"
    try:
        response = requests.get(
            url,
            params={"q": query, "pageSize": page_size, "sortBy": "publishedAt", "language": "en"},
            headers={"X-Api-Key": api_key, "User-Agent": "sentiment-analyzer-ingestion/1.0"},
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise NewsApiError(f"NewsAPI request to {url} failed: {error}. Check NEWSAPI_BASE_URL and the network.") from error
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else response.text[:200]
        hint = " The NewsAPI key in Secrets Manager is missing or wrong." if response.status_code == 401 else ""
        raise NewsApiError(f"NewsAPI answered {response.status_code} ({code}): {message}.{hint}")
    articles = body.get("articles")
    if not isinstance(articles, list):
        raise NewsApiError(f"NewsAPI answered 200 without an 'articles' list from {url}.")
    return articles
