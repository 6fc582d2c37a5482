"""Fault injection: off by default; failures (500, 503 with Retry-After) and latency, set at start or at run time."""

from __future__ import annotations

import asyncio

import pytest

from sms_mock import Faults
from tests.conftest import inspect

from .conftest import Api, MakeApi, assert_error, body


def test_faults_are_off_by_default(api: Api) -> None:
    assert api.client.get("/_mock/faults").json() == {
        "latency_ms": [0.0, 0.0],
        "failure_rate": 0.0,
        "failure_statuses": [500, 503],
        "retry_after_seconds": 1,
    }
    assert {api.send(body(message=f"پیام {i}")).status_code for i in range(20)} == {200}


def test_a_failure_rate_of_one_fails_every_send_and_records_nothing(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(failure_rate=1.0, failure_statuses=(503,), retry_after_seconds=7))
    response = api.send()
    assert_error(response, 503, "503-1", {})
    assert response.headers["retry-after"] == "7"
    api.app.settings.faults = Faults(failure_rate=1.0, failure_statuses=(500,))
    assert_error(api.send(), 500, "500-1", {})
    assert inspect(api.app).count() == 0


def test_a_partial_failure_rate_is_reproducible_with_a_seed(make_api: MakeApi) -> None:
    def statuses() -> list[int]:
        api = make_api(seed=42, duplicate_window_seconds=0, faults=Faults(failure_rate=0.3))
        return [api.send().status_code for _ in range(40)]

    first = statuses()
    assert first == statuses()
    assert {200, 500, 503} <= set(first)


def test_faults_can_be_changed_at_run_time(api: Api) -> None:
    changed = api.client.put("/_mock/faults", json={"failure_rate": 1, "failure_statuses": [503]})
    assert changed.status_code == 200
    assert api.send().status_code == 503
    api.client.put("/_mock/faults", json={"failure_rate": 0})
    assert api.send().status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"failure_rate": 2},
        {"failure_statuses": [404]},
        {"latency_ms": [50, 10]},
        {"latency_ms": "fast"},
        {"unknown": 1},
        [1, 2],
    ],
)
def test_invalid_faults_are_refused_with_a_reason(api: Api, payload: object) -> None:
    response = api.client.put("/_mock/faults", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("invalid faults")
    assert api.client.get("/_mock/faults").json()["failure_rate"] == 0.0


def test_latency_is_awaited_inside_the_configured_range(make_api: MakeApi) -> None:
    slept: list[float] = []

    async def record(delay: float) -> None:
        slept.append(delay)
        await asyncio.sleep(0)

    api = make_api(faults=Faults(latency_ms=(20, 80)), duplicate_window_seconds=0, sleep=record)
    for _ in range(10):
        assert api.send().status_code == 200
    assert len(slept) == 10
    assert all(0.02 <= delay <= 0.08 for delay in slept)
