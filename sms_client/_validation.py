"""The checks made before a send leaves the process, and the generated request body they produce.

One `prepare_*` per sending type. Field keys are the API's own (`from_number`, `message`,
`params.recipients.2`, `params.1.message`, `send_time`), so code that handles the API's 422 can
handle a local refusal the same way. Every problem is reported at once, never only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sms_api.models import (
    PatternParams,
    PatternPhonebook,
    PatternSendRequest,
    PeerToPeerMessage,
    PeerToPeerSendRequest,
    SendParams,
    VotpParams,
    VotpSendRequest,
    WebserviceSendRequest,
)
from sms_api.types import UNSET, Unset
from sms_contract.parts import SmsParts, sms_parts
from sms_contract.rules import (
    MAX_MESSAGE_CHARACTERS,
    format_send_time,
    is_blank,
    is_e164,
    is_votp_code,
    normalize_digits,
    parse_send_time,
    schedule_problem,
)

from ._errors import FieldErrors, InvalidRequestError

_SCHEDULE_PROBLEMS = {
    "past": "is in the past",
    "too_soon": "is less than 5 minutes from now (the provider's minimum)",
    "too_far": "is more than 3 months from now (the provider's maximum)",
}

Body = WebserviceSendRequest | PatternSendRequest | VotpSendRequest | PeerToPeerSendRequest


@dataclass(frozen=True, slots=True)
class PreparedSend:
    """A send that passed the local checks: the generated body, its recipients, and what its texts cost.

    `parts` is one SmsParts per message whose text the client knows (none for a pattern, whose text
    the provider fills in, or for a voice code).
    """

    body: Body
    recipients: tuple[str, ...]
    parts: tuple[SmsParts, ...]
    send_time: str | None


def _number(value: object) -> str | None:
    """The E.164 number in `value` (Persian or Arabic-Indic digits accepted), or None."""
    if not isinstance(value, str):
        return None
    number = normalize_digits(value)
    return number if is_e164(number) else None


class _Checks:
    """Collects every problem of one send, keyed by the API's field names."""

    def __init__(self) -> None:
        self.errors: FieldErrors = {}

    def sender(self, value: object) -> str:
        number = _number(value)
        if number is None:
            self.errors["from_number"] = [f"{value!r} is not an E.164 number such as '+983000505'"]
        return number or ""

    def recipients(self, value: object, field: str, *, exactly_one: bool = False) -> list[str]:
        numbers = [value] if isinstance(value, str) else list(value) if isinstance(value, Iterable) else [value]
        if not numbers:
            self.errors[field] = ["at least one recipient is needed"]
        elif exactly_one and len(numbers) > 1:
            self.errors[field] = [f"exactly one recipient is allowed, not {len(numbers)}"]
        valid = []
        for index, raw in enumerate(numbers):
            number = _number(raw)
            if number is None:
                self.errors[f"{field}.{index}"] = [f"{raw!r} is not an E.164 number such as '+989120000000'"]
            else:
                valid.append(number)
        return valid

    def text(self, value: object, field: str) -> str:
        if not isinstance(value, str) or is_blank(value):
            self.errors[field] = ["the text is empty"]
            return ""
        if len(value) > MAX_MESSAGE_CHARACTERS:
            self.errors[field] = [f"the text has {len(value)} characters; at most {MAX_MESSAGE_CHARACTERS} are allowed"]
        return value

    def send_time(self, send_at: datetime | None, now: datetime) -> str | None:
        if send_at is None:
            return None
        if not isinstance(send_at, datetime) or send_at.tzinfo is None or send_at.utcoffset() is None:
            self.errors["send_time"] = ["send_at must be a timezone-aware datetime (a naive one is not guessed)"]
            return None
        send_time = format_send_time(send_at)
        problem = schedule_problem(parse_send_time(send_time), now)
        if problem is not None:
            self.errors["send_time"] = [f"{send_time} UTC {_SCHEDULE_PROBLEMS[problem]}"]
        return send_time

    def done(self) -> None:
        if self.errors:
            raise InvalidRequestError(self.errors)


def _when(send_time: str | None) -> str | Unset:
    return UNSET if send_time is None else send_time


def prepare_send(
    sender: str, recipients: str | Sequence[str], message: str, send_at: datetime | None, *, now: datetime
) -> PreparedSend:
    """A webservice send: one text to one or more recipients."""
    check = _Checks()
    from_number = check.sender(sender)
    numbers = check.recipients(recipients, "params.recipients")
    text = check.text(message, "message")
    send_time = check.send_time(send_at, now)
    check.done()
    body = WebserviceSendRequest(
        sending_type="webservice",
        from_number=from_number,
        message=text,
        params=SendParams(recipients=numbers),
        send_time=_when(send_time),
    )
    return PreparedSend(body, tuple(numbers), (sms_parts(text),), send_time)


def prepare_pattern(
    sender: str,
    recipient: str,
    code: str,
    variables: Mapping[str, str | int],
    phonebook: Mapping[str, Any] | None = None,
) -> PreparedSend:
    """A pattern send: the pattern `code` filled with `variables`, to one recipient."""
    check = _Checks()
    from_number = check.sender(sender)
    numbers = check.recipients(recipient, "recipients", exactly_one=True)
    if not isinstance(code, str) or is_blank(code):
        check.errors["code"] = ["the pattern code is empty"]
    values: dict[str, str] = {}
    given: object = variables  # checked at run time: callers without a type checker pass anything
    if not isinstance(given, Mapping):
        check.errors["params"] = ["variables must be a mapping of name to value ({} for a pattern without any)"]
    else:
        for name, value in given.items():
            if isinstance(value, str):
                values[str(name)] = value
            elif isinstance(value, int) and not isinstance(value, bool):
                values[str(name)] = str(value)  # an int has no leading zeros to lose
            else:
                check.errors[f"params.{name}"] = [f"a variable's value is a string, not {type(value).__name__}"]
    book: PatternPhonebook | Unset = UNSET
    if phonebook is not None:
        ident = phonebook.get("id") if isinstance(phonebook, Mapping) else None
        if not isinstance(ident, int) or isinstance(ident, bool):
            check.errors["phonebook.id"] = ["the phonebook needs its integer id"]
        else:
            book = PatternPhonebook.from_dict(dict(phonebook))
    check.done()
    body = PatternSendRequest(
        sending_type="pattern",
        from_number=from_number,
        code=code,
        recipients=numbers,
        params=PatternParams.from_dict(values),
        phonebook=book,
    )
    return PreparedSend(body, tuple(numbers), (), None)


def prepare_votp(recipient: str, code: str) -> PreparedSend:
    """A voice code: `code` (digits, as a string so that leading zeros stay) read out to one recipient."""
    check = _Checks()
    numbers = check.recipients(recipient, "params.recipients", exactly_one=True)
    given: object = code  # checked at run time: callers without a type checker pass anything
    digits = normalize_digits(given) if isinstance(given, str) else None
    if digits is None or not is_votp_code(digits):
        shown = f"{given!r} (an int loses its leading zeros: pass a str)" if isinstance(given, int) else repr(given)
        check.errors["message"] = [f"{shown} is not a voice code of 1 to 14 digits"]
    check.done()
    assert digits is not None  # noqa: S101 - guaranteed by the checks above, for the type checker
    body = VotpSendRequest(sending_type="votp", message=digits, params=VotpParams(recipients=numbers))
    return PreparedSend(body, tuple(numbers), (), None)


def prepare_peer_to_peer(
    sender: str,
    messages: Sequence[tuple[str | Sequence[str], str]],
    send_at: datetime | None,
    *,
    now: datetime,
) -> PreparedSend:
    """A peer_to_peer send: each (recipients, text) item is its own message, all from `sender`."""
    check = _Checks()
    from_number = check.sender(sender)
    items: list[PeerToPeerMessage] = []
    given: object = messages  # checked at run time: callers without a type checker pass anything
    if isinstance(given, str | bytes) or not isinstance(given, Sequence) or not given:
        check.errors["params"] = ["at least one (recipients, text) item is needed"]
        given = ()
    everyone: list[str] = []
    parts: list[SmsParts] = []
    for index, item in enumerate(given):
        if not isinstance(item, tuple | list) or len(item) != 2:
            check.errors[f"params.{index}"] = [f"{item!r} is not a (recipients, text) pair"]
            continue
        numbers = check.recipients(item[0], f"params.{index}.recipients")
        text = check.text(item[1], f"params.{index}.message")
        items.append(PeerToPeerMessage(recipients=numbers, message=text))
        everyone.extend(numbers)
        parts.append(sms_parts(text))
    send_time = check.send_time(send_at, now)
    check.done()
    body = PeerToPeerSendRequest(
        sending_type="peer_to_peer", from_number=from_number, params=items, send_time=_when(send_time)
    )
    return PreparedSend(body, tuple(everyone), tuple(parts), send_time)
