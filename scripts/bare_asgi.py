"""A bare ASGI app (no framework, a fixed answer), served exactly as the mock is: the ceiling of requests/s.

It reads the request body and answers a success envelope of the mock's size, and nothing else, on
the same server with the same settings as `sms-mock` (on uvicorn with uvicorn's own HTTP protocol,
not the mock's subclass of it), so that the mock's share of its requests/s measures what the mock
costs and what its protocol saves. Run: `.venv/bin/python scripts/bare_asgi.py --port 4120
[--server granian]` (scripts/bench.py starts it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sms_mock.envelopes import success_bytes
from sms_mock.settings import MockSettings

ANSWER = success_bytes([1123544244])  # byte for byte the mock's answer to a send
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(ANSWER)).encode())]

Message = MutableMapping[str, Any]


async def app(
    scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": ANSWER})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    args = parser.parse_args(argv)
    settings = MockSettings()
    if args.server == "granian":
        from sms_mock.server import run_granian

        run_granian("bare_asgi:app", settings, host="127.0.0.1", port=args.port)
        return 0
    from sms_mock.server import QuietServer, bind, uvicorn_config

    config = uvicorn_config(app, settings)
    config.http = "httptools"  # uvicorn's own protocol: the ceiling owes nothing to the mock's protocol
    QuietServer(config).run(sockets=[bind("127.0.0.1", args.port)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
