"""POST /api/send on the mock: success, auth, validation, provider rules and bad input, in-process and over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sms_client import format_send_time
from tests.conftest import inspect

from .conftest import SENDER, Api, MakeApi, assert_error, body

UNAUTHENTICATED = "اطلاعات وارد شده صحیح نمی باشد"


def in_future(**delta: float) -> str:
    return format_send_time(datetime.now(UTC) + timedelta(**delta))


def test_success_is_one_outbox_id_per_send_and_is_recorded(api: Api) -> None:
    first = api.send()
    assert first.status_code == 200
    assert first.json() == {
        "data": {"message_outbox_ids": [1]},
        "meta": {"status": True, "message": "انجام شد", "message_parameters": [], "message_code": "200-1"},
    }
    second = api.send(body(message="پیام دوم", params={"recipients": ["+989120000001"]}))
    assert second.json()["data"]["message_outbox_ids"] == [2]
    record = inspect(api.app).message(1)
    assert record is not None
    assert record.sender == SENDER
    assert record.recipients == ["+989120000000", "+989350000000"]
    assert record.message == "کد ورود شما ۴۸۲۱ است 🔐 Welcome"
    assert (record.encoding, record.parts, record.characters) == ("UCS-2", 1, 30)
    assert record.send_time is None
    assert record.received_at <= datetime.now(UTC)


def test_scheduled_send_keeps_its_time(api: Api) -> None:
    when = in_future(days=2)
    assert api.send(body(send_time=when)).status_code == 200
    record = inspect(api.app).message(1)
    assert record is not None
    assert record.send_time == when


def test_long_gsm_text_is_counted_in_parts(api: Api) -> None:
    assert api.send(body(message="Your code is 4821. " * 20)).status_code == 200
    record = inspect(api.app).message(1)
    assert record is not None
    assert (record.encoding, record.parts) == ("GSM-7", 3)


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "wrong-token",
        "Bearer sms-mock-development-token-not-a-secret",
        "SMS-MOCK-DEVELOPMENT-TOKEN-NOT-A-SECRET",
    ],
)
def test_missing_or_unknown_token_is_401_with_the_provider_envelope(api: Api, token: str | None) -> None:
    response = api.send(token=token)
    assert_error(response, 401, "400-1", {})
    assert response.json()["meta"]["message"] == UNAUTHENTICATED
    assert inspect(api.app).count() == 0


def test_any_configured_token_is_accepted(make_api: MakeApi) -> None:
    api = make_api(tokens=frozenset({"first-token-of-the-account-0001", "second-token-of-the-account-02"}))
    assert api.send(token="second-token-of-the-account-02").status_code == 200
    assert api.send(token="sms-mock-development-token-not-a-secret").status_code == 401


def test_bearer_prefix_is_refused_and_logged_without_the_token(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    response = api.send(token="Bearer sms-mock-development-token-not-a-secret")
    assert response.status_code == 401
    assert "raw token" in caplog.text
    assert "development-token" not in caplog.text


@pytest.mark.parametrize(
    ("field", "label"),
    [("sending_type", "نوع ارسال"), ("from_number", "شماره فرستنده"), ("message", "پیام"), ("params", "پارامترها")],
)
def test_each_missing_field_is_named(api: Api, field: str, label: str) -> None:
    response = api.send(body(**{field: None}))
    assert_error(response, 422, "400-2", {field: [f"تکمیل گزینه {label} الزامی است"]})


def test_the_providers_own_422_example(api: Api) -> None:
    response = api.send(body(message=None))
    assert response.json() == api.contract.operation("send").example("message_required")[1]  # type: ignore[index]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_message_counts_as_missing(api: Api, blank: str) -> None:
    assert_error(api.send(body(message=blank)), 422, "400-2", {"message": ["تکمیل گزینه پیام الزامی است"]})


def test_message_length_limit_comes_from_the_spec(api: Api) -> None:
    assert api.send(body(message="س" * 1400)).status_code == 200
    assert_error(
        api.send(body(message="س" * 1401)), 422, "400-2", {"message": ["پیام نباید بیشتر از ۱۴۰۰ کاراکتر باشد"]}
    )


def test_bad_recipients_are_keyed_by_index(api: Api) -> None:
    response = api.send(body(params={"recipients": ["+989120000000", "09121234567", "+۹۸۹۱۲۰۰۰۰۰۰۰", 989120000000]}))
    assert_error(
        response,
        422,
        "400-2",
        {
            "params.recipients.1": ["فرمت گیرنده ۲ معتبر نیست"],
            "params.recipients.2": ["فرمت گیرنده ۳ معتبر نیست"],
            "params.recipients.3": ["گیرنده ۴ باید رشته باشد"],
        },
    )


def test_several_failures_are_all_reported_in_field_order(api: Api) -> None:
    response = api.send(body(from_number="3000505", params={"recipients": []}, send_time="tomorrow", extra=1))
    assert_error(
        response,
        422,
        "400-2",
        {
            "from_number": ["فرمت شماره فرستنده معتبر نیست"],
            "params.recipients": ["گیرندگان باید دست کم ۱ مورد داشته باشد"],
            "send_time": ["فرمت زمان ارسال معتبر نیست"],
            "extra": ["گزینه extra مجاز نیست"],
        },
    )
    # As the provider's framework sums them up: the first message, then how many more there are.
    assert response.json()["meta"]["message"] == "فرمت شماره فرستنده معتبر نیست (و 3 خطای دیگر)"


@pytest.mark.parametrize(
    ("sending_type", "message"),
    [
        (None, "تکمیل گزینه نوع ارسال الزامی است"),
        ("fax", "نوع ارسال انتخاب شده معتبر نیست"),
        (7, "نوع ارسال انتخاب شده معتبر نیست"),
    ],
    ids=["missing", "unknown", "not-a-string"],
)
def test_the_sending_type_is_judged_first_and_alone(api: Api, sending_type: Any, message: str) -> None:
    response = api.send(body(sending_type=sending_type, from_number="3000505"))
    assert_error(response, 422, "400-2", {"sending_type": [message]})


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ("+989120000000", {"params": ["پارامترها باید شیء باشد"]}),
        ({}, {"params.recipients": ["تکمیل گزینه گیرندگان الزامی است"]}),
        ({"recipients": "+989120000000"}, {"params.recipients": ["گیرندگان باید آرایه باشد"]}),
    ],
)
def test_wrong_shapes_are_named(api: Api, params: Any, errors: dict[str, list[str]]) -> None:
    assert_error(api.send(body(params=params)), 422, "400-2", errors)


@pytest.mark.parametrize(
    ("send_time", "message"),
    [
        (lambda: in_future(minutes=-10), "زمان ارسال نمی‌تواند در گذشته باشد"),
        (lambda: in_future(minutes=4), "زمان ارسال باید دست کم ۵ دقیقه پس از اکنون باشد"),
        (lambda: in_future(days=95), "زمان ارسال نمی‌تواند بیش از ۳ ماه پس از اکنون باشد"),
        (lambda: "2031-02-30 10:00:00", "زمان ارسال یک تاریخ معتبر نیست"),
        (lambda: "2027-09-31 10:00:00", "زمان ارسال یک تاریخ معتبر نیست"),
    ],
)
def test_send_time_outside_the_window_is_422(api: Api, send_time: Any, message: str) -> None:
    assert_error(api.send(body(send_time=send_time())), 422, "400-2", {"send_time": [message]})
    assert inspect(api.app).count() == 0


@pytest.mark.parametrize("delta", [{"minutes": 6}, {"days": 30}, {"days": 88}])
def test_send_time_inside_the_window_is_accepted(api: Api, delta: dict[str, float]) -> None:
    assert api.send(body(send_time=in_future(**delta))).status_code == 200


def test_sender_must_be_an_assigned_line_when_lines_are_configured(make_api: MakeApi) -> None:
    api = make_api(sender_lines=frozenset({"+983000505", "+9850002"}))
    assert api.send(body(from_number="+9850002")).status_code == 200
    assert_error(
        api.send(body(from_number="+989999999999")),
        422,
        "400-2",
        {"from_number": ["شماره فرستنده به حساب کاربری شما اختصاص داده نشده است"]},
    )


DUPLICATE = "این پیام در ۴۰ ثانیه گذشته به همین گیرنده ارسال شده است"


def test_same_sender_recipient_and_text_within_40s_is_429(api: Api) -> None:
    assert api.send().status_code == 200
    assert_error(api.send(), 429, "400-1", {"params.recipients.0": [DUPLICATE]})
    overlap = body(params={"recipients": ["+989100000000", "+989350000000"]})
    assert_error(api.send(overlap), 429, "400-1", {"params.recipients.1": [DUPLICATE]})
    assert inspect(api.app).count() == 1  # nothing refused was recorded
    assert api.send(body(message="متن دیگر")).status_code == 200
    assert api.send(body(from_number="+9850002")).status_code == 200


def test_duplicate_rule_can_be_switched_off(make_api: MakeApi) -> None:
    api = make_api(duplicate_window_seconds=0)
    assert [api.send().status_code for _ in range(3)] == [200, 200, 200]


def test_duplicate_window_expires(make_api: MakeApi) -> None:
    clock = [1000.0]
    api = make_api(clock=lambda: clock[0])
    assert api.send().status_code == 200
    clock[0] += 39.9
    assert api.send().status_code == 429
    clock[0] += 0.2
    assert api.send().status_code == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{bad json", "بدنه درخواست یک JSON معتبر نیست"),
        (b"", "بدنه درخواست یک JSON معتبر نیست"),
        (b'{"message": "\xff\xfe"}', "بدنه درخواست باید با UTF-8 کدگذاری شده باشد"),
        (b"[1, 2]", "بدنه درخواست باید یک شیء JSON باشد"),
        (b'"just a string"', "بدنه درخواست باید یک شیء JSON باشد"),
        (b"null", "بدنه درخواست باید یک شیء JSON باشد"),
        (b"42", "بدنه درخواست باید یک شیء JSON باشد"),
        (b'{"a": NaN}', "بدنه درخواست یک JSON معتبر نیست"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api: Api, content: bytes, message: str) -> None:
    assert_error(api.post_raw(content), 400, "400-1", {"body": [message]})


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", "json"],
)
def test_wrong_or_missing_content_type_is_415(api: Api, content_type: str | None) -> None:
    response = api.post_raw(b'{"sending_type": "webservice"}', content_type)
    assert_error(response, 415, "400-1", {"content_type": ["نوع محتوای درخواست باید application/json باشد"]})


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF8"]
)
def test_json_content_type_variants_are_accepted(api: Api, content_type: str) -> None:
    import orjson

    assert api.post_raw(orjson.dumps(body()), content_type).status_code == 200


def test_an_oversized_body_is_413(make_api: MakeApi) -> None:
    api = make_api(max_body_bytes=4096)
    recipients = [f"+98912{i:07d}" for i in range(400)]
    assert_error(
        api.send(body(params={"recipients": recipients})), 413, "400-1", {"body": ["حجم درخواست بیش از حد مجاز است"]}
    )
    assert inspect(api.app).count() == 0


def test_ten_thousand_recipients_fit_in_one_send(api: Api) -> None:
    recipients = [f"+98912{i:07d}" for i in range(10_000)]
    response = api.send(body(params={"recipients": recipients}))
    assert response.status_code == 200
    assert (
        inspect(api.app).messages(recipient="+989120009999")[0].id == response.json()["data"]["message_outbox_ids"][0]
    )
