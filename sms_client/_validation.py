"""The checks made before a send leaves the process, and the generated request body they produce.

Field keys are the API's own (`from_number`, `message`, `params.recipients.2`, `send_time`), so code
that handles the API's 422 can handle a local refusal the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sms_api.models import SendParams, WebserviceSendRequest
from sms_api.types import UNSET
from sms_contract.parts import SmsParts, sms_parts
from sms_contract.rules import (
    MAX_MESSAGE_CHARACTERS,
    format_send_time,
    is_blank,
    is_e164,
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


@dataclass(frozen=True, slots=True)
class PreparedSend:
    """A send that passed the local checks: the generated body, the recipients, and the text's cost."""

    body: WebserviceSendRequest
    recipients: tuple[str, ...]
    parts: SmsParts


def _number(value: object) -> str | None:
    """The E.164 number in `value` (Persian or Arabic-Indic digits accepted), or None."""
    if not isinstance(value, str):
        return None
    number = normalize_digits(value)
    return number if is_e164(number) else None


def prepare_send(
    sender: str, recipients: str | Sequence[str], message: str, send_at: datetime | None, *, now: datetime
) -> PreparedSend:
    """Check a send against the rules known locally; raise InvalidRequestError listing every problem."""
    errors: FieldErrors = {}
    from_number = _number(sender)
    if from_number is None:
        errors["from_number"] = [f"{sender!r} is not an E.164 number such as '+983000505'"]
    numbers = [recipients] if isinstance(recipients, str) else list(recipients)
    if not numbers:
        errors["params.recipients"] = ["at least one recipient is needed"]
    valid: list[str] = []
    for index, raw in enumerate(numbers):
        number = _number(raw)
        if number is None:
            errors[f"params.recipients.{index}"] = [f"{raw!r} is not an E.164 number such as '+989120000000'"]
        else:
            valid.append(number)
    if not isinstance(message, str) or is_blank(message):
        errors["message"] = ["the text is empty"]
    elif len(message) > MAX_MESSAGE_CHARACTERS:
        errors["message"] = [f"the text has {len(message)} characters; at most {MAX_MESSAGE_CHARACTERS} are allowed"]
    send_time = None
    if send_at is not None:
        if not isinstance(send_at, datetime) or send_at.tzinfo is None or send_at.utcoffset() is None:
            errors["send_time"] = ["send_at must be a timezone-aware datetime (a naive one is not guessed)"]
        else:
            send_time = format_send_time(send_at)
            problem = schedule_problem(parse_send_time(send_time), now)
            if problem is not None:
                errors["send_time"] = [f"{send_time} UTC {_SCHEDULE_PROBLEMS[problem]}"]
    if errors:
        raise InvalidRequestError(errors)
    assert from_number is not None  # noqa: S101 - guaranteed by the checks above, for the type checker
    body = WebserviceSendRequest(
        sending_type="webservice",
        from_number=from_number,
        message=message,
        params=SendParams(recipients=valid),
        send_time=UNSET if send_time is None else send_time,
    )
    return PreparedSend(body, tuple(valid), sms_parts(message))
