"""Every model the generator made survives a round trip for instances drawn from the spec's own schemas."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import sms_api.models
from sms_contract.spec import Contract, load_contract, without_extensions

CONTRACT = load_contract()
MODEL_NAMES = sorted(sms_api.models.__all__)


def _object_schemas(contract: Contract) -> set[str]:
    return {name for name, s in contract.document["components"]["schemas"].items() if s.get("type") == "object"}


def test_every_object_schema_has_a_model_and_every_model_a_schema() -> None:
    assert set(MODEL_NAMES) == _object_schemas(CONTRACT)


STRATEGIES = {name: from_schema(without_extensions(CONTRACT.schema(name))) for name in MODEL_NAMES}


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(name: str, data: st.DataObject) -> None:
    model = getattr(sms_api.models, name)
    instance = data.draw(STRATEGIES[name], label=name)
    parsed = model.from_dict(instance)
    assert parsed.to_dict() == instance
    assert model.from_dict(parsed.to_dict()) == parsed
