"""The outbox in Redis, shared by several mock replicas (on one machine or many): one id sequence, one
duplicate memory, one outbox.

Each send is one round trip: a server-side script checks the held identities (keys that expire on
their own, `SET ... PX`), holds them, takes the ids from one counter, keeps the entries and drops the
oldest past the cap, all atomically, whatever the replica. Entries live in a hash by id, their ids
in a sorted set for newest-first paging. A lost Redis makes a send StoreUnavailable (a 503 with
Retry-After, never a 200 for a send that was not kept); the client reconnects by itself when it is
back. Every replica publishes what changed, so each one's inbox page is live for all of them.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from .base import Claim, Entry, Held, Identity, Stored, StoreUnavailable, identity_key

T = TypeVar("T")
PREFIX = "{sms-mock}"  # a hash tag: every key in one slot, so the script also runs on a Redis Cluster
_HEAD = struct.Struct("<dII")  # received_at, item, length of the rendered text (UTF-8); the body follows
_BATCH = 200
TIMEOUT = 2.0  # seconds for a connection or a command: a lost Redis is a prompt 503, not a hang

# KEYS: next_id, ids, entries, the held identities...; ARGV: ttl_ms, max_messages, channel, entries...
_ADD = """
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return -(i - 3) end
end
local ttl = tonumber(ARGV[1])
for i = 4, #KEYS do redis.call('SET', KEYS[i], '1', 'PX', ttl) end
local count = #ARGV - 3
local last = redis.call('INCRBY', KEYS[1], count)
local first = last - count + 1
for i = 1, count do
  redis.call('ZADD', KEYS[2], first + i - 1, first + i - 1)
  redis.call('HSET', KEYS[3], first + i - 1, ARGV[3 + i])
end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  redis.call('HDEL', KEYS[3], unpack(old))
end
redis.call('PUBLISH', ARGV[3], 'sent')
return first
"""


def _pack(entry: Entry) -> bytes:
    rendered = entry.rendered.encode() if entry.rendered is not None else b""
    flag = len(rendered) if entry.rendered is not None else 0xFFFFFFFF
    return _HEAD.pack(entry.received_at, entry.item, flag) + rendered + entry.body


def _unpack(message_id: int, value: bytes) -> Stored:
    received_at, item, flag = _HEAD.unpack_from(value)
    start = _HEAD.size
    rendered = None
    if flag != 0xFFFFFFFF:
        rendered, start = value[start : start + flag].decode(), start + flag
    return Stored(message_id, Entry(value[start:], item, received_at, (), rendered))


def _held_key(identity: Identity) -> str:
    return f"{PREFIX}:held:{identity_key(identity).hex()}"


class RedisStore:
    """A store in Redis at `url` (redis://HOST:PORT/DB), keeping the newest `max_messages`."""

    def __init__(self, url: str, first_id: int = 1, max_messages: int = 100_000) -> None:
        self.url = url
        self._max = max_messages
        self._keys = (f"{PREFIX}:next_id", f"{PREFIX}:ids", f"{PREFIX}:entries")
        self.channel = f"{PREFIX}:changes"
        options: dict[str, Any] = {
            "socket_timeout": TIMEOUT,
            "socket_connect_timeout": TIMEOUT,
            "retry": Retry(NoBackoff(), 0),  # fail at once; the next command reconnects
        }
        try:
            with redis.Redis.from_url(url, **options) as check:  # before serving: an unreachable Redis stops the start
                check.ping()
                if first_id > 1:
                    check.set(self._keys[0], first_id - 1, nx=True)
        except (RedisError, ValueError) as exc:
            raise ValueError(f"cannot use Redis at {url} as the outbox: {exc}") from None
        self._options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: redis.asyncio.Redis | None = None

    @property
    def _redis(self) -> redis.asyncio.Redis:
        """The asyncio client of the running loop (its connections belong to one loop; a new loop, a new client)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = redis.asyncio.Redis.from_url(self.url, **self._options)
            self._loop = loop
            self._add = self._client.register_script(_ADD)
        return self._client

    def _script(self) -> Any:
        """The send script, registered with the running loop's client."""
        self._redis  # noqa: B018 - makes the client (and its script) of this loop
        return self._add

    async def _call(self, work: Callable[[], Awaitable[T]]) -> T:
        try:
            return await work()
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"Redis at {self.url} is unavailable: {exc}") from exc

    async def add(self, entries: Sequence[Entry], claim: Claim | None) -> list[int]:
        held = [_held_key(identity) for identity in claim.identities()] if claim is not None else []
        ttl = max(1, round(claim.seconds * 1000)) if claim is not None else 1
        args: list[bytes | str | int] = [ttl, self._max, self.channel, *(_pack(entry) for entry in entries)]
        add = self._script()
        first = int(await self._call(lambda: add(keys=[*self._keys, *held], args=args)))
        if first < 0:
            raise Held(-first - 1)
        return list(range(first, first + len(entries)))

    async def newest(self, *, before: int | None = None, recipient: str | None = None) -> AsyncIterator[Stored]:
        number = recipient.encode() if recipient is not None else None
        top = f"({before}" if before is not None else "+inf"
        while True:
            page: list[Any] = await self._call(
                lambda: self._redis.zrevrangebyscore(self._keys[1], top, "-inf", start=0, num=_BATCH)  # noqa: B023
            )
            if not page:
                return
            values: list[Any] = await self._call(lambda: self._redis.hmget(self._keys[2], page))  # noqa: B023
            for raw_id, value in zip(page, values, strict=True):
                if value is None:
                    continue  # let go between the two reads
                if number is not None and number not in value and b"\\u" not in value:
                    continue
                yield _unpack(int(raw_id), value)
            if len(page) < _BATCH:
                return
            top = f"({int(page[-1])}"

    async def get(self, message_id: int) -> Stored | None:
        value: Any = await self._call(lambda: self._redis.hget(self._keys[2], str(message_id)))
        return _unpack(message_id, value) if value is not None else None

    async def delete(self, message_id: int) -> bool:
        async def forget() -> bool:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._keys[1], str(message_id))
                pipe.hdel(self._keys[2], str(message_id))
                removed, _ = await pipe.execute()
            if removed:
                await self._redis.publish(self.channel, "deleted")
            return bool(removed)

        return await self._call(forget)

    async def count(self) -> int:
        return int(await self._call(lambda: self._redis.zcard(self._keys[1])))

    async def clear(self) -> int:
        async def forget_all() -> int:
            cleared = int(await self._redis.zcard(self._keys[1]))
            await self._redis.delete(self._keys[1], self._keys[2])
            batch: list[bytes] = []
            async for key in self._redis.scan_iter(match=f"{PREFIX}:held:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    await self._redis.unlink(*batch)
                    batch = []
            if batch:
                await self._redis.unlink(*batch)
            await self._redis.publish(self.channel, "cleared")
            return cleared

        return await self._call(forget_all)

    async def watch(self, publish: Callable[[str], None]) -> None:
        """Relay what any replica changed to this one's live page, until cancelled; reconnects if Redis goes."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            publish(message["data"].decode())
            except (RedisError, OSError):
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None
