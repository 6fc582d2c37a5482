"""The suite catches what it is for: a mock that answers outside the spec, and a stale generated client.

Each case breaks one party on purpose and shows the checks fail with a message naming the two
parties that disagree. If these pass, a real drift between spec, client and mock cannot slip by.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from sms_contract.envelope import error
from sms_mock import DEVELOPMENT_TOKEN, MockApp, envelopes
from sms_mock.testing import InProcessTransport, MockHandle

from .checks import Disagreement
from .conftest import SPEC, new_mock_app
from .test_generated_client import COMMITTED, Generated, exchange

pytestmark = pytest.mark.local  # checks the local mock or the suite itself, not a configured server

GENERATED = Path(__file__).resolve().parent.parent / "generated" / "sms_api"
BODY: dict[str, Any] = {
    "sending_type": "webservice",
    "from_number": "+983000505",
    "message": "آزمون خودِ آزمون‌ها",
    "params": {"recipients": ["+989120000000"]},
}


@pytest.fixture
def broken_mock(monkeypatch: pytest.MonkeyPatch) -> MockApp:
    """A mock whose success answer is swapped for one the spec forbids (a placeholder code, as Prism serves)."""

    def wrong_success(outbox_id: int) -> bytes:
        answer = error("انجام شد", "string")
        answer["meta"]["status"] = True
        return orjson.dumps(answer)

    monkeypatch.setattr(envelopes, "success_bytes", wrong_success)
    app = new_mock_app()
    app.settings.check_responses = False  # let the wrong answer out, as a buggy server would
    return app


def test_a_wrong_mock_answer_is_a_spec_vs_server_disagreement(broken_mock: MockApp) -> None:
    with (
        COMMITTED.connect(broken_mock) as client,
        pytest.raises(Disagreement, match=r"^spec vs server: 200 body breaks"),
    ):
        exchange(client, BODY)


def test_schemathesis_fails_on_the_wrong_mock_answer(broken_mock: MockApp) -> None:
    config = SchemathesisConfig.from_dict({"base-url": "http://mock"})
    schema = schemathesis.openapi.from_path(str(SPEC), config=config)
    schema.app = broken_mock
    case = schema["/api/send"]["POST"].Case(
        body=BODY, media_type="application/json", headers={"Authorization": DEVELOPMENT_TOKEN}
    )
    # One failure is an AssertionError; several come as a (Base)ExceptionGroup of them.
    with pytest.raises((AssertionError, BaseExceptionGroup)) as caught:
        case.call_and_validate()
    reported = "".join(traceback.format_exception(caught.value))
    assert "Response violates schema" in reported
    assert '"string" does not match' in reported  # the placeholder message_code is named


@pytest.fixture
def stale_client(tmp_path: Path) -> Iterator[Generated]:
    """A copy of the generated package edited by hand: its request model writes `sender`, not `from_number`."""
    copy = tmp_path / "stale_sms_api"
    shutil.copytree(GENERATED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    model = copy / "models" / "webservice_send_request.py"
    text = model.read_text(encoding="utf-8")
    assert text.count('"from_number": from_number') == 1
    model.write_text(text.replace('"from_number": from_number', '"sender": from_number'), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(
        "stale_sms_api", copy / "__init__.py", submodule_search_locations=[str(copy)]
    )
    assert spec is not None
    assert spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules["stale_sms_api"] = package
    spec.loader.exec_module(package)
    importlib.import_module("stale_sms_api.api.sending.send")
    try:
        yield Generated(package)
    finally:
        for name in [n for n in sys.modules if n == "stale_sms_api" or n.startswith("stale_sms_api.")]:
            del sys.modules[name]


def test_a_stale_client_is_a_spec_vs_generated_client_disagreement(stale_client: Generated) -> None:
    app = new_mock_app()
    expected = re.escape("spec vs generated client: the model writes")
    with stale_client.connect(app) as client, pytest.raises(Disagreement, match=expected) as caught:
        exchange(client, BODY)
    assert "'sender'" in str(caught.value)
    assert MockHandle("http://mock", "", transport=InProcessTransport(app)).count() == 0
