"""A small client of the mock's inspection API, for tests: read and clear the outbox, set injected faults.

It talks HTTP to a running mock (the pytest fixture's, `make mock`'s, or one in a container), so
what a test sees is exactly what the mock recorded.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import Any, Self

import httpx

from .outbox import OutboxMessage
from .settings import Faults


def _message(item: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(**{**item, "received_at": datetime.fromisoformat(item["received_at"])})


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls an ASGI app in this process: no socket, no thread.

    `httpx.Client(transport=InProcessTransport(create_app()), base_url="http://mock")` gives a sync
    client of the mock for tests; async code can use `httpx.ASGITransport` directly.
    """

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

        return asyncio.run(call())


class MockHandle:
    """A running mock as a test sees it: where it is, a valid token, its outbox and its faults.

    `MockHandle(url, token)` reaches a mock over HTTP; with `transport=InProcessTransport(app)` it
    reaches an app in this process.
    """

    def __init__(
        self, base_url: str, token: str, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"MockHandle({self.base_url!r})"

    def _get(self, path: str, **params: Any) -> Any:
        response = self._http.get(path, params={k: v for k, v in params.items() if v is not None})
        response.raise_for_status()
        return response.json()

    def messages(
        self,
        *,
        recipient: str | None = None,
        sender: str | None = None,
        sending_type: str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[OutboxMessage]:
        """Accepted messages, oldest first (with `limit`, the newest `limit` of them), optionally only those
        to `recipient`, from `sender`, of a sending type, or containing `text`. Pages through the API."""
        found: list[dict[str, Any]] = []
        before = None
        while limit is None or len(found) < limit:
            page_size = 1000 if limit is None else min(1000, limit - len(found))
            page = self._get(
                "/_mock/outbox",
                recipient=recipient,
                sender=sender,
                sending_type=sending_type,
                q=text,
                limit=page_size,
                before=before,
            )
            found.extend(page["messages"])
            before = page["next"]
            if before is None:
                break
        return [_message(item) for item in reversed(found)]

    def message(self, message_id: int) -> OutboxMessage | None:
        response = self._http.get(f"/_mock/outbox/{message_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return _message(response.json())

    def last(self, *, recipient: str | None = None, sending_type: str | None = None) -> OutboxMessage | None:
        found = self.messages(recipient=recipient, sending_type=sending_type, limit=1)
        return found[-1] if found else None

    def count(self) -> int:
        return int(self._get("/_mock/health")["outbox_count"])

    def clear(self) -> int:
        """Forget every accepted send and the duplicate window; returns how many sends were forgotten."""
        response = self._http.delete("/_mock/outbox")
        response.raise_for_status()
        return int(response.json()["cleared"])

    def set_faults(self, faults: Faults) -> None:
        body = dataclasses.asdict(faults)
        response = self._http.put("/_mock/faults", json=body)
        response.raise_for_status()

    def reset(self) -> None:
        """As fresh as a new mock: empty outbox, no duplicate memory, no injected faults."""
        self.clear()
        self.set_faults(Faults())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
