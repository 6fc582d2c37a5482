"""The four sending types on the mock: pattern, votp and peer_to_peer beside webservice, in-process and over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sms_contract.rules import format_send_time
from tests.conftest import inspect

from .conftest import SENDER, Api, MakeApi, assert_error, body

A, B, C = "+989120000000", "+989350000000", "+989100000000"
LOGIN = "%name% عزیز، کد ورود شما: %code% 🔐"
PATTERNS = {"login": LOGIN, "welcome": "به ما خوش آمدید"}


def pattern(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sending_type": "pattern",
        "from_number": SENDER,
        "code": "login",
        "recipients": [A],
        "params": {"name": "مریم", "code": "04821"},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def votp(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"sending_type": "votp", "message": "04821", "params": {"recipients": [A]}}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def peer_to_peer(*items: tuple[list[str], str], **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sending_type": "peer_to_peer",
        "from_number": SENDER,
        "params": [{"recipients": r, "message": m} for r, m in items]
        or [{"recipients": [A, B], "message": "سفارش شما ارسال شد 📦"}, {"recipients": [C], "message": "Shipped"}],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    found: list[int] = response.json()["data"]["message_outbox_ids"]
    return found


def test_a_pattern_without_registered_patterns_keeps_its_code_and_variables(api: Api) -> None:
    (outbox_id,) = ids(api.send(pattern()))
    message = inspect(api.app).message(outbox_id)
    assert message is not None
    assert (message.sending_type, message.sender, message.recipients) == ("pattern", SENDER, [A])
    assert (message.code, message.variables) == ("login", {"name": "مریم", "code": "04821"})
    assert (message.message, message.parts, message.encoding) == (None, None, None)


def test_a_registered_pattern_is_rendered_into_the_outbox(make_api: MakeApi) -> None:
    api = make_api(patterns=PATTERNS)
    (outbox_id,) = ids(api.send(pattern()))
    message = inspect(api.app).message(outbox_id)
    assert message is not None
    assert message.message == "مریم عزیز، کد ورود شما: 04821 🔐"
    assert (message.encoding, message.parts, message.characters) == ("UCS-2", 1, 31)
    (welcome,) = ids(api.send(pattern(code="welcome", params={}, recipients=[B])))
    assert inspect(api.app).message(welcome).message == "به ما خوش آمدید"  # type: ignore[union-attr]


def test_an_unknown_pattern_is_404_and_nothing_is_kept(make_api: MakeApi) -> None:
    api = make_api(patterns=PATTERNS)
    response = api.send(pattern(code="no-such-pattern"))
    assert_error(response, 404, "404-1", {})
    assert response.json()["meta"]["message"] == "الگو یافت نشد"
    assert inspect(api.app).count() == 0


def test_pattern_variables_must_be_exactly_the_patterns(make_api: MakeApi) -> None:
    api = make_api(patterns=PATTERNS)
    assert_error(
        api.send(pattern(params={"code": "1234", "city": "تهران"})),
        422,
        "400-2",
        {"params.name": ["تکمیل گزینه متغیر name الزامی است"], "params.city": ["متغیر city در الگو تعریف نشده است"]},
    )
    assert_error(
        api.send(pattern(code="welcome", params={"name": "x"})),
        422,
        "400-2",
        {"params.name": ["متغیر name در الگو تعریف نشده است"]},
    )
    assert inspect(api.app).count() == 0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"recipients": [A, B]}, {"recipients": ["گیرندگان نباید بیشتر از ۱ مورد داشته باشد"]}),
        ({"recipients": []}, {"recipients": ["گیرندگان باید دست کم ۱ مورد داشته باشد"]}),
        ({"code": "  "}, {"code": ["تکمیل گزینه کد الگو الزامی است"]}),
        ({"params": None}, {"params": ["تکمیل گزینه متغیرها الزامی است"]}),
        ({"params": {"code": 4821}}, {"params.code": ["code باید رشته باشد"]}),
        ({"send_time": "2030-01-01 10:00:00"}, {"send_time": ["گزینه send_time مجاز نیست"]}),
        ({"phonebook": {"name": "x"}}, {"phonebook.id": ["تکمیل گزینه شناسه دفترچه تلفن الزامی است"]}),
    ],
    ids=["two-recipients", "no-recipient", "blank-code", "no-params", "number-value", "send-time", "phonebook-no-id"],
)
def test_pattern_body_rules(api: Api, changes: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert_error(api.send(pattern(**changes)), 422, "400-2", errors)


def test_a_pattern_may_carry_a_phonebook(api: Api) -> None:
    book = {"id": 24, "name": "سارا", "pre": "خانم", "email": "sara@example.com", "options": {"12": "تهران"}}
    assert len(ids(api.send(pattern(phonebook=book)))) == 1


def test_a_votp_keeps_its_digits_and_has_no_sender(api: Api) -> None:
    (outbox_id,) = ids(api.send(votp()))
    message = inspect(api.app).message(outbox_id)
    assert message is not None
    assert (message.sending_type, message.sender, message.message, message.recipients) == ("votp", None, "04821", [A])
    assert message.parts is None  # a voice call, not an SMS


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"message": "12a4"}, {"message": ["فرمت کد معتبر نیست"]}),
        ({"message": "1" * 15}, {"message": ["فرمت کد معتبر نیست"]}),
        ({"message": "۴۸۲۱"}, {"message": ["فرمت کد معتبر نیست"]}),
        ({"message": 4821}, {"message": ["کد باید رشته باشد"]}),
        ({"params": {"recipients": [A, B]}}, {"params.recipients": ["گیرندگان نباید بیشتر از ۱ مورد داشته باشد"]}),
        ({"from_number": SENDER}, {"from_number": ["گزینه from_number مجاز نیست"]}),
        ({"send_time": "2030-01-01 10:00:00"}, {"send_time": ["گزینه send_time مجاز نیست"]}),
    ],
    ids=["letters", "fifteen-digits", "persian-digits", "a-number", "two-recipients", "a-sender", "a-send-time"],
)
def test_votp_body_rules(api: Api, changes: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert_error(api.send(votp(**changes)), 422, "400-2", errors)


def test_peer_to_peer_is_one_outbox_entry_per_item_in_order(api: Api) -> None:
    first, second = ids(api.send(peer_to_peer()))
    assert second == first + 1
    one, two = inspect(api.app).message(first), inspect(api.app).message(second)
    assert one is not None
    assert two is not None
    assert (one.sending_type, one.recipients, one.message) == ("peer_to_peer", [A, B], "سفارش شما ارسال شد 📦")
    assert (two.recipients, two.message, two.encoding) == ([C], "Shipped", "GSM-7")
    assert [m.id for m in inspect(api.app).messages(recipient=C)] == [second]


def test_a_scheduled_peer_to_peer_keeps_its_time_on_every_item(api: Api) -> None:
    when = format_send_time(datetime.now(UTC) + timedelta(days=1))
    for outbox_id in ids(api.send(peer_to_peer(send_time=when))):
        assert inspect(api.app).message(outbox_id).send_time == when  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (peer_to_peer(params=[]), {"params": ["پیام‌ها باید دست کم ۱ مورد داشته باشد"]}),
        (peer_to_peer(([A], "اول"), ([B], "   ")), {"params.1.message": ["تکمیل گزینه پیام الزامی است"]}),
        (peer_to_peer(([A], "اول"), (["0912"], "دوم")), {"params.1.recipients.0": ["فرمت گیرنده ۱ معتبر نیست"]}),
        (peer_to_peer(([], "اول")), {"params.0.recipients": ["گیرندگان باید دست کم ۱ مورد داشته باشد"]}),
        (peer_to_peer(([A], "x" * 1401)), {"params.0.message": ["پیام نباید بیشتر از ۱۴۰۰ کاراکتر باشد"]}),
        (peer_to_peer(send_time="2020-01-01 10:00:00"), {"send_time": ["زمان ارسال نمی‌تواند در گذشته باشد"]}),
    ],
    ids=["no-items", "blank-text", "bad-number", "no-recipients", "too-long", "past-time"],
)
def test_peer_to_peer_body_rules(api: Api, payload: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert_error(api.send(payload), 422, "400-2", errors)
    assert inspect(api.app).count() == 0


def test_the_duplicate_rule_holds_across_sending_types(make_api: MakeApi) -> None:
    api = make_api(patterns={"plain": "کد شما ۱۲۳"})
    ids(api.send(body(message="کد شما ۱۲۳", params={"recipients": [A]})))
    # The same text to the same number from the same line, as a peer_to_peer item or a rendered pattern: 429.
    repeat = api.send(peer_to_peer(([C], "دیگر"), ([A], "کد شما ۱۲۳")))
    assert_error(repeat, 429, "400-1", {"params.1.recipients.0": [repeat.json()["meta"]["message"]]})
    assert_error(
        api.send(pattern(code="plain", params={})), 429, "400-1", {"recipients.0": [repeat.json()["meta"]["message"]]}
    )
    # A refused peer_to_peer keeps none of its items; another number, or a voice code, is not a repeat.
    assert inspect(api.app).count() == 1
    ids(api.send(peer_to_peer(([C], "دیگر"))))
    ids(api.send(votp(message="123")))
    assert_error(
        api.send(votp(message="123")), 429, "400-1", {"params.recipients.0": [repeat.json()["meta"]["message"]]}
    )


def test_sender_lines_apply_to_every_type_with_a_sender(make_api: MakeApi) -> None:
    api = make_api(sender_lines=frozenset({"+9850002"}))
    refusal = {"from_number": ["شماره فرستنده به حساب کاربری شما اختصاص داده نشده است"]}
    assert_error(api.send(pattern()), 422, "400-2", refusal)
    assert_error(api.send(peer_to_peer()), 422, "400-2", refusal)
    assert len(ids(api.send(votp()))) == 1  # a voice code has no sender line


def test_the_outbox_can_be_filtered_by_sending_type(api: Api) -> None:
    ids(api.send(body()))
    ids(api.send(pattern()))
    ids(api.send(votp()))
    ids(api.send(peer_to_peer()))
    outbox = inspect(api.app)
    assert [m.sending_type for m in outbox.messages()] == [
        "webservice",
        "pattern",
        "votp",
        "peer_to_peer",
        "peer_to_peer",
    ]
    assert [m.id for m in outbox.messages(sending_type="peer_to_peer")] == [4, 5]
    assert outbox.last(sending_type="pattern").code == "login"  # type: ignore[union-attr]
