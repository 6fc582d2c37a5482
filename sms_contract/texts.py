"""The provider's Persian texts and message codes, keyed by rule, worded like its Laravel messages.

Field names in the texts come from the spec's `x-fa-label`; limits come from the schema, so a changed
constraint changes the message too. The mock answers with these; the checks compare against them.
"""

from __future__ import annotations

from typing import Any

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

DONE = "انجام شد"
UNAUTHENTICATED = "اطلاعات وارد شده صحیح نمی باشد"
INVALID_JSON = "بدنه درخواست یک JSON معتبر نیست"
INVALID_UTF8 = "بدنه درخواست باید با UTF-8 کدگذاری شده باشد"
NOT_AN_OBJECT = "بدنه درخواست باید یک شیء JSON باشد"
TOO_LARGE = "حجم درخواست بیش از حد مجاز است"
BODY_TIMEOUT = "بدنه درخواست در زمان مجاز نرسید"
UNSUPPORTED_MEDIA_TYPE = "نوع محتوای درخواست باید application/json باشد"
DUPLICATE = "این پیام در {seconds} ثانیه گذشته به همین گیرنده ارسال شده است"
SERVER_ERROR = "خطای داخلی سرور"
UNAVAILABLE = "سرویس موقتاً در دسترس نیست"
NOT_FOUND = "آدرس مورد نظر یافت نشد"
METHOD_NOT_ALLOWED = "متد {method} برای این آدرس مجاز نیست"
UNKNOWN_PREFER = "پاسخی با این مشخصات در قرارداد تعریف نشده است: {value}"
SENDER_NOT_ASSIGNED = "{label} به حساب کاربری شما اختصاص داده نشده است"
SEND_TIME_INVALID_DATE = "{label} یک تاریخ معتبر نیست"
SEND_TIME_PAST = "{label} نمی‌تواند در گذشته باشد"
SEND_TIME_TOO_SOON = "{label} باید دست کم ۵ دقیقه پس از اکنون باشد"
SEND_TIME_TOO_FAR = "{label} نمی‌تواند بیش از ۳ ماه پس از اکنون باشد"
PATTERN_NOT_FOUND = "الگو یافت نشد"
PATTERN_VARIABLE_MISSING = "تکمیل گزینه متغیر {name} الزامی است"
PATTERN_VARIABLE_UNKNOWN = "متغیر {name} در الگو تعریف نشده است"
# The send_time window, by the problem rules.schedule_problem names.
SCHEDULE = {"past": SEND_TIME_PAST, "too_soon": SEND_TIME_TOO_SOON, "too_far": SEND_TIME_TOO_FAR}

# message_code by situation; the same code comes with several HTTP statuses, as the provider does.
CODE_SUCCESS = "200-1"
CODE_FAILURE = "400-1"
CODE_VALIDATION = "400-2"
CODE_NOT_FOUND = "404-1"
CODE_SERVER_ERROR = "500-1"
CODE_UNAVAILABLE = "503-1"

_TYPE_NAMES = {
    "string": "رشته",
    "array": "آرایه",
    "object": "شیء",
    "integer": "عدد صحیح",
    "number": "عدد",
    "boolean": "درست یا نادرست",
    "null": "خالی",
}


def persian_number(value: int) -> str:
    return str(value).translate(_PERSIAN_DIGITS)


def with_more_errors(first: str, more: int) -> str:
    """The first error and the count of the others, as the provider's framework sums up a 422."""
    return f"{first} (و {more} خطای دیگر)" if more > 0 else first


def required(label: str) -> str:
    return f"تکمیل گزینه {label} الزامی است"


def schema_message(keyword: str, label: str, schema: dict[str, Any], name: str = "") -> str:
    """The message for a failed JSON Schema keyword on a field called `label`."""
    if keyword == "type":
        wanted = schema.get("type")
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return f"{label} باید {' یا '.join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)} باشد"
    if keyword in ("const", "enum"):
        return f"{label} انتخاب شده معتبر نیست"
    if keyword == "pattern":
        return f"فرمت {label} معتبر نیست"
    if keyword == "minLength":
        return f"{label} باید دست کم {persian_number(schema['minLength'])} کاراکتر باشد"
    if keyword == "maxLength":
        return f"{label} نباید بیشتر از {persian_number(schema['maxLength'])} کاراکتر باشد"
    if keyword == "minItems":
        return f"{label} باید دست کم {persian_number(schema['minItems'])} مورد داشته باشد"
    if keyword == "maxItems":
        return f"{label} نباید بیشتر از {persian_number(schema['maxItems'])} مورد داشته باشد"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return f"گزینه {name} مجاز نیست"
    return f"{label} معتبر نیست"
