"""Schemathesis hooks for this contract, for the pytest suite and the CLI (SCHEMATHESIS_HOOKS=contract_tests.hooks).

The spec's `send_time` is only acceptable inside a window that moves with the clock (5 minutes to
3 months ahead), which no schema can say. So that schema-valid data is really acceptable:

- the format `provider-send-time` gets a strategy of times inside the window (the fuzzing phase);
- the examples and coverage phases draw `send_time` from the pattern alone, so a body generated
  as valid has its `send_time` moved into the window just before it is sent.

Negative generation is left alone: an invalid `send_time` must still be refused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from sms_contract.envelope import envelope_problem
from sms_contract.rules import SEND_TIME_PATTERN, format_send_time

# Well inside the window: a run takes seconds, and "3 months" is never shorter than 89 days.
EARLIEST = timedelta(minutes=10)
LATEST = timedelta(days=85)
_LAYOUT = re.compile(SEND_TIME_PATTERN)


def in_window(offset_seconds: int) -> str:
    return format_send_time(datetime.now(UTC) + timedelta(seconds=offset_seconds))


def send_times() -> st.SearchStrategy[str]:
    """Valid send_time values inside the provider's window, as offsets from the moment of the draw."""
    return st.integers(int(EARLIEST.total_seconds()), int(LATEST.total_seconds())).map(in_window)


schemathesis.openapi.format("provider-send-time", send_times())


def _body_is_positive(case: schemathesis.Case[Any]) -> bool:
    if case.meta is None:
        return False
    # A body taken from the spec's examples carries no component mode; the case's own mode then applies.
    component = case.meta.components.get(ParameterLocation.BODY)
    mode = component.mode if component is not None else case.meta.generation.mode
    return bool(mode == GenerationMode.POSITIVE)


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    send_time = body.get("send_time")
    if isinstance(send_time, str) and _LAYOUT.match(send_time) and _body_is_positive(case):
        body["send_time"] = in_window(int(EARLIEST.total_seconds()))


@schemathesis.check
def envelope_rules(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool:
    """The envelope's rules beyond its schema (sms_contract.envelope.envelope_problem)."""
    try:
        payload = response.json()
    except ValueError:
        return True  # not JSON: content_type_conformance and response_schema_conformance report it
    problem = envelope_problem(response.status_code, payload)
    if problem is not None:
        raise AssertionError(problem)
    return True
