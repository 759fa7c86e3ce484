"""A stand-in for ``requests`` in the refresh clients' tests: recorded answers per URL,
every request recorded, no socket ever opened, no real sleep between retries.

Test modules import the two fixtures below by name (pytest then uses them, and both
are autouse)."""
from __future__ import annotations

import socket

import pytest

from analysis.data.refresh import transport


class FakeResponse:
    def __init__(self, status_code: int = 200, content: bytes = b"",
                 content_type: str = "application/json") -> None:
        self.status_code = status_code
        self.content = content
        self.headers = {"Content-Type": content_type}
        self.closed = False

    def iter_content(self, chunk_size: int = 1):
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start:start + chunk_size]

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Answers each URL with its queue of responses (the last one repeats); records each
    request's URL (``requested``) and its URL, headers and timeout (``requests``)."""

    def __init__(self, routes: dict[str, list[FakeResponse] | FakeResponse]) -> None:
        self.routes = {url: answers if isinstance(answers, list) else [answers]
                       for url, answers in routes.items()}
        self.requested: list[str] = []
        self.requests: list[tuple[str, dict, tuple]] = []

    def get(self, url: str, *, timeout=None, stream: bool = False, headers=None) -> FakeResponse:
        assert timeout is not None, "every request needs a timeout"
        self.requested.append(url)
        self.requests.append((url, dict(headers or {}), timeout))
        answers = self.routes.get(url)
        if not answers:
            raise AssertionError(f"unexpected request {url}")
        return answers.pop(0) if len(answers) > 1 else answers[0]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError("tests must not open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(transport, "sleep", waited.append)
    return waited
