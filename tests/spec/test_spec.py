"""The contract itself: valid OpenAPI 3.1, lint-clean, examples that match their schemas, tight envelopes."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from openapi_spec_validator import validate

from sms_contract.spec import Contract, SpecError, load_contract, resolve_refs

SUCCESS: dict[str, Any] = {
    "data": {"message_outbox_ids": [1123544244]},
    "meta": {"status": True, "message": "انجام شد", "message_parameters": [], "message_code": "200-1"},
}
ERROR: dict[str, Any] = {
    "data": None,
    "meta": {
        "status": False,
        "message": "تکمیل گزینه پیام الزامی است",
        "message_parameters": [],
        "message_code": "400-2",
        "errors": {"message": ["تکمیل گزینه پیام الزامی است"]},
    },
}


def _validator(contract: Contract, name: str) -> Any:
    return jsonschema_rs.validator_for(contract.schema(name))


def test_spec_passes_openapi_spec_validator(contract: Contract) -> None:
    validate(copy.deepcopy(contract.document))


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed; `make lint` runs Redocly")
def test_spec_passes_redocly_lint(root: Path) -> None:
    redocly = root / "node_modules" / ".bin" / "redocly"
    if not redocly.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=root, check=True, capture_output=True)
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    proc = subprocess.run(
        [str(redocly), "lint", "--format", "stylish", "openapi/sms-api.yaml"],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning" not in proc.stdout.lower(), proc.stdout


def _all_examples(contract: Contract) -> list[tuple[str, dict[str, Any] | None, Any]]:
    """(where, schema, value) for every named example and every schema-level `examples` entry."""
    found = []
    for op in contract.operations:
        for name, value in op.request_examples.items():
            found.append((f"{op.operation_id} request {name}", op.request_schema, value))
        for status, response in op.responses.items():
            for name, value in response.examples.items():
                found.append((f"{op.operation_id} {status} {name}", response.schema, value))
    for schema_name, schema in contract.document["components"]["schemas"].items():
        for i, value in enumerate(schema.get("examples", [])):
            found.append((f"schema {schema_name} example {i}", contract.schema(schema_name), value))
    return found


def test_every_example_validates_against_its_schema(contract: Contract) -> None:
    examples = _all_examples(contract)
    assert len(examples) >= 15
    for where, schema, value in examples:
        assert schema is not None, where
        errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(value)]
        assert not errors, f"{where}: {errors}"


def test_every_response_of_send_has_an_example(contract: Contract) -> None:
    op = contract.operation("send")
    assert {status for status, r in op.responses.items() if not r.examples} == set()
    assert set(op.responses) >= {200, 401, 422, 429}


def test_seed_examples_are_in_the_spec(contract: Contract) -> None:
    op = contract.operation("send")
    assert op.request_examples["seed"]["send_time"] == "2025-03-12 21:20:02"
    assert op.example("sent") == (200, SUCCESS)
    assert op.example("message_required") == (422, ERROR)
    assert op.example("invalid_token") == (
        401,
        {
            "data": None,
            "meta": {
                "status": False,
                "message": "اطلاعات وارد شده صحیح نمی باشد",
                "message_parameters": [],
                "message_code": "400-1",
                "errors": {},
            },
        },
    )


def test_envelopes_are_tight(contract: Contract) -> None:
    success, error = _validator(contract, "SendSuccessEnvelope"), _validator(contract, "ErrorEnvelope")
    assert success.is_valid(SUCCESS)
    assert error.is_valid(ERROR)
    assert not success.is_valid(ERROR)
    assert not error.is_valid(SUCCESS)
    lying_success = copy.deepcopy(SUCCESS)
    lying_success["meta"]["status"] = False
    assert not success.is_valid(lying_success)
    lying_error = copy.deepcopy(ERROR)
    lying_error["meta"]["status"] = True
    assert not error.is_valid(lying_error)
    error_with_data = copy.deepcopy(ERROR)
    error_with_data["data"] = {"message_outbox_ids": [1]}
    assert not error.is_valid(error_with_data)
    broken: dict[str, Any]
    for broken in ({"data": {"message_outbox_ids": []}}, {"data": {"message_outbox_ids": ["1"]}}):
        assert not success.is_valid({**SUCCESS, **broken})
    bad_code = copy.deepcopy(ERROR)
    bad_code["meta"]["message_code"] = "string"
    assert not error.is_valid(bad_code)
    no_errors = copy.deepcopy(ERROR)
    del no_errors["meta"]["errors"]
    assert not error.is_valid(no_errors)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("+989120000000", True),
        ("+983000505", True),
        ("+14155550123", True),
        ("09120000000", False),
        ("+۹۸۹۱۲۰۰۰۰۰۰۰", False),  # Persian digits
        ("+٩٨٩١٢٠٠٠٠٠٠٠", False),  # Arabic-Indic digits
        ("+0989120000000", False),
        ("+98912000000012345", False),
        ("+98 912 000 0000", False),
        ("+989120000000\n", False),
    ],
)
def test_e164_pattern(contract: Contract, number: str, valid: bool) -> None:
    assert _validator(contract, "E164Number").is_valid(number) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-03-12 21:20:02", True),
        ("2026-12-31 23:59:59", True),
        ("2025-03-12T21:20:02", False),
        ("2025-03-12 21:20", False),
        ("2025-13-01 00:00:00", False),
        ("2025-00-10 00:00:00", False),
        ("2025-03-12 24:00:00", False),
        ("0000-00-00 00:00:00", False),
        ("۲۰۲۵-۰۳-۱۲ ۲۱:۲۰:۰۲", False),
    ],
)
def test_send_time_pattern(contract: Contract, value: str, valid: bool) -> None:
    assert _validator(contract, "SendTime").is_valid(value) is valid


def test_request_schema_rules(contract: Contract) -> None:
    request = _validator(contract, "WebserviceSendRequest")
    good = {
        "sending_type": "webservice",
        "from_number": "+983000505",
        "message": "سلام 👋 Hello مخلوط",
        "params": {"recipients": ["+989120000000"]},
    }
    assert request.is_valid(good)
    assert request.is_valid({**good, "message": "ب" * 1400})
    assert not request.is_valid({**good, "message": "ب" * 1401})
    assert not request.is_valid({**good, "message": ""})
    assert not request.is_valid({**good, "message": " \n\t"})
    assert not request.is_valid({**good, "sending_type": "pattern"})
    assert not request.is_valid({**good, "params": {"recipients": []}})
    assert not request.is_valid({**good, "sendtime": "2025-03-12 21:20:02"})  # a typo is not ignored
    missing = dict(good)
    del missing["params"]
    assert not request.is_valid(missing)


def test_security_is_a_raw_authorization_header_on_the_operation(contract: Contract) -> None:
    scheme = contract.document["components"]["securitySchemes"]["apiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert contract.document["paths"]["/api/send"]["post"]["security"] == [{"apiKey": []}]
    assert contract.operation("send").auth_header == "Authorization"


def test_servers_name_production_and_the_local_mock(contract: Contract) -> None:
    urls = [server["url"] for server in contract.document["servers"]]
    assert urls == ["https://edge.ippanel.com/v1", "http://127.0.0.1:4010"]


def test_resolve_refs_keeps_sibling_keywords(contract: Contract) -> None:
    resolved = resolve_refs({"$ref": "#/components/schemas/E164Number", "x-fa-label": "فرستنده"}, contract.document)
    assert resolved["pattern"].startswith("^\\+")
    assert resolved["x-fa-label"] == "فرستنده"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.__setitem__("openapi", "3.0.3"), "expected an OpenAPI 3.1 document"),
        (lambda d: d.pop("info"), '"info" is a required property'),
        (lambda d: d["components"]["schemas"]["E164Number"].__setitem__("pattern", "(["), "does not compile"),
        (lambda d: d["paths"]["/api/send"]["post"].__setitem__("responses", "none"), "not a valid OpenAPI 3.1"),
    ],
)
def test_an_invalid_spec_is_refused_with_a_reason(contract: Contract, tmp_path: Path, mutate: Any, reason: str) -> None:
    document = copy.deepcopy(contract.document)
    mutate(document)
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError, match=reason):
        load_contract(broken)


def test_unparsable_and_missing_specs_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [3.1\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_contract(bad)
    with pytest.raises(SpecError, match="cannot read the spec"):
        load_contract(tmp_path / "absent.yaml")
