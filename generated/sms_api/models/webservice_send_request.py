from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.send_params import SendParams


T = TypeVar("T", bound="WebserviceSendRequest")


@_attrs_define
class WebserviceSendRequest:
    """One text from a sender line to one or more recipients.

    Attributes:
        sending_type (Literal['webservice']): Always `webservice` for this kind of send.
        from_number (str): A phone number in E.164 form: `+`, a country code and the subscriber number, 7 to 15
            ASCII digits in all (an Iranian mobile number is `+989xxxxxxxxx`, 13 characters).
            Persian or Arabic-Indic digits are not accepted.
        message (str): The text: at most 1,400 characters, and not only spaces, tabs or line breaks (the
            provider trims those and then finds the field empty). The class is spelled out because
            `\\S` means different things to different regex engines. Persian text is sent as UCS-2
            (70 characters in one SMS, 67 per part when split); GSM-7 text fits 160, or 153 per part.
        params (SendParams): Parameters of a webservice send.
        send_time (str | Unset): When to send, in UTC, laid out `YYYY-MM-DD HH:MM:SS` (19:00 Tehran time is `15:30:00`).
            It must be a real calendar date at least 5 minutes and at most 3 months after the
            request; that window depends on the current time and cannot be written in JSON Schema,
            so the provider and the mock check it. A scheduled send can be cancelled up to 5 minutes
            before it goes out. The format name `provider-send-time` lets test tools generate times
            inside that window; validators that do not know it ignore it.
    """

    sending_type: Literal["webservice"]
    from_number: str
    message: str
    params: SendParams
    send_time: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sending_type = self.sending_type

        from_number = self.from_number

        message = self.message

        params = self.params.to_dict()

        send_time = self.send_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sending_type": sending_type,
                "from_number": from_number,
                "message": message,
                "params": params,
            }
        )
        if send_time is not UNSET:
            field_dict["send_time"] = send_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.send_params import SendParams

        d = dict(src_dict)
        sending_type = cast(Literal["webservice"], d.pop("sending_type"))
        if sending_type != "webservice":
            raise ValueError(
                f"sending_type must match const 'webservice', got '{sending_type}'"
            )

        from_number = d.pop("from_number")

        message = d.pop("message")

        params = SendParams.from_dict(d.pop("params"))

        send_time = d.pop("send_time", UNSET)

        webservice_send_request = cls(
            sending_type=sending_type,
            from_number=from_number,
            message=message,
            params=params,
            send_time=send_time,
        )

        return webservice_send_request
