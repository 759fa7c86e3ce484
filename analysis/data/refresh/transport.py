"""HTTP access shared by the agency clients: bounded retries, errors that name the URL."""
from __future__ import annotations

import json
from time import sleep
from typing import Any

import requests

from analysis.errors import DataError

TIMEOUT_SECONDS = (10, 300)  # connect, read: bulk files take a while to start streaming
RETRIES = 3  # extra attempts after a 5xx; other statuses are the caller's mistake
BACKOFF_SECONDS = 2.0  # doubled after every failed attempt
USER_AGENT = "silkroad-integration-refresh (python-requests)"


class RefreshError(DataError):
    """A service answered with something the refresh cannot use; ``file`` is the URL."""


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def get(url: str, session: Any, *, stream: bool = False, headers: dict[str, str] | None = None,
        timeout: tuple[float, float] = TIMEOUT_SECONDS) -> Any:
    """GET ``url``, retrying server errors (5xx) with exponential backoff.

    ``headers`` are sent with this request only (for example an ``Accept`` header that
    chooses the response format). Returns the response of a 200; anything else raises
    :class:`RefreshError`.
    """
    extra = {} if headers is None else {"headers": dict(headers)}
    for attempt in range(RETRIES + 1):
        try:
            response = session.get(url, timeout=timeout, stream=stream, **extra)
        except requests.RequestException as exc:
            raise RefreshError(url, f"request failed: {exc}") from exc
        if response.status_code < 500 or attempt == RETRIES:
            break
        response.close()
        sleep(BACKOFF_SECONDS * 2 ** attempt)
    if response.status_code != 200:
        response.close()
        raise RefreshError(url, f"HTTP {response.status_code}", field="HTTP status")
    return response


def get_json(url: str, session: Any) -> Any:
    response = get(url, session)
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise RefreshError(url, f"malformed JSON: {exc}", field="body") from exc
    finally:
        response.close()
