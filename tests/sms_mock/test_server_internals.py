"""What sms_mock.protocol relies on in uvicorn is still there, and does what the mock needs of it.

uvicorn is pinned; an upgrade that renames or changes one of these internals fails here, before it
can quietly turn the one-write answers, the deadlines or the connection cap off.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sms_mock import MockSettings, create_app
from sms_mock.protocol import RELIES_ON
from sms_mock.server import uvicorn_config

from .conftest import TOKEN


def test_uvicorn_is_the_pinned_version(root: Path) -> None:
    pinned = re.search(r'"uvicorn\[standard\]==([0-9.]+)"', (root / "pyproject.toml").read_text())
    assert pinned is not None
    assert uvicorn.__version__ == version("uvicorn") == pinned.group(1)


@pytest.mark.parametrize(("owner", "name"), [(owner, name) for owner, names in RELIES_ON.items() for name in names])
def test_every_internal_the_protocol_uses_exists(owner: type, name: str) -> None:
    if any(name in vars(base) for base in owner.__mro__):
        return
    # Instance attributes are set in __init__: look for them there.
    assert f"self.{name}" in inspect.getsource(vars(owner)["__init__"]), f"{owner.__name__}.{name} is gone"


class Transport(asyncio.Transport):
    """A transport that records what the protocol writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 4010)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


@pytest.fixture
def connection() -> Iterator[tuple[Any, Transport, asyncio.AbstractEventLoop]]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    config = uvicorn_config(create_app(MockSettings(body_timeout_seconds=0.2)))
    config.load()
    server_state = uvicorn.server.ServerState()
    server_state.default_headers = [(b"date", b"Sun, 29 Nov 2026 10:00:00 GMT")]  # the server keeps it current
    protocol_class: Any = config.http_protocol_class
    protocol = protocol_class(config=config, server_state=server_state, app_state={}, _loop=loop)
    transport = Transport()
    protocol.connection_made(transport)
    yield protocol, transport, loop
    protocol.connection_lost(None)
    pending = asyncio.all_tasks(loop)
    for task in pending:  # the deadline sweeper of this server
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


def _request(body: bytes, length: int | None = None) -> bytes:
    return (
        b"POST /api/send HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n"
        + f"Authorization: {TOKEN}\r\nContent-Length: {len(body) if length is None else length}\r\n\r\n".encode()
        + body
    )


def test_an_answer_is_one_write(connection: tuple[Any, Transport, asyncio.AbstractEventLoop]) -> None:
    protocol, transport, loop = connection
    body = b'{"sending_type":"webservice","from_number":"+983000505","message":"x","params":{"recipients":["+989120000000"]}}'  # noqa: E501
    protocol.data_received(_request(body))
    loop.run_until_complete(asyncio.sleep(0.05))
    assert len(transport.writes) == 1
    head, answer = transport.writes[0].split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"content-type: application/json" in head
    assert b"date: Sun, 29 Nov 2026 10:00:00 GMT" in head
    assert int(re.search(rb"content-length: (\d+)", head).group(1)) == len(answer)  # type: ignore[union-attr]
    assert answer.startswith(b'{"data":{"message_outbox_ids":[1]}')
    assert not transport.closed  # kept alive


def test_a_stalled_body_is_a_408_from_the_protocol(
    connection: tuple[Any, Transport, asyncio.AbstractEventLoop],
) -> None:
    protocol, transport, loop = connection
    protocol.data_received(_request(b'{"sending_', length=500))
    loop.run_until_complete(asyncio.sleep(0.4))
    (written,) = transport.writes
    assert written.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in written
    assert "بدنه درخواست در زمان مجاز نرسید".encode() in written
    assert transport.closed
