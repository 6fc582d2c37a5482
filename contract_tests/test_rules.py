"""Every rule of the contract (rules.py), checked deterministically against the target server.

Default mode: the local mock on a loopback port, every rule. Against another server: the safe rules
(an undeliverable request reveals them); the rules that need a send are skipped and listed in the
summary, and the local mock's own answers are not asked of a provider.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .checks import Disagreement
from .conftest import CONTRACT, Target
from .rules import RULES, Probe, run

FINGERPRINT = Path(__file__).resolve().parent.parent / "generated" / "SPEC_FINGERPRINT"


@pytest.fixture(scope="module")
def probe(http: httpx.Client, target: Target) -> Probe:
    return Probe(http, CONTRACT, target.token)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule(rule_id: str, probe: Probe, target: Target) -> None:
    rule = RULES[rule_id]
    if target.is_external:
        if rule.kind == "local mock":
            pytest.skip("an answer of the local mock the provider does not document")
        if rule.kind == "needs a send":
            pytest.skip("only an accepted send reveals it: see test_real_send.py (SMS_CONTRACT_ALLOW_SEND=1)")
        if rule.needs_token and target.token is None:
            pytest.skip("SMS_API_TOKEN is not set: only the checks without credentials run")
    run(rule, probe)


def test_a_mock_target_serves_the_spec_the_client_was_generated_from(http: httpx.Client) -> None:
    """sms-mock reports the fingerprint of the spec it serves; it must be the one generated/ was made from."""
    health = http.get("/_mock/health")
    if health.status_code != 200 or "spec_sha256" not in health.text:
        pytest.skip("the target is not sms-mock: it reports no spec fingerprint")
    recorded = dict(
        line.split(" sha256 ") for line in FINGERPRINT.read_text(encoding="utf-8").splitlines() if " sha256 " in line
    )
    served = health.json()["spec_sha256"]
    if served != recorded["spec"]:
        raise Disagreement(
            "server vs generated client",
            f"the mock serves a spec with sha256 {served[:12]}, generated/ was made from {recorded['spec'][:12]}: "
            "restart the mock on openapi/sms-api.yaml, or run `make generate`",
        )
