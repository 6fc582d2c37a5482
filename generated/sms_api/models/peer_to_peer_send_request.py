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
    from ..models.peer_to_peer_message import PeerToPeerMessage


T = TypeVar("T", bound="PeerToPeerSendRequest")


@_attrs_define
class PeerToPeerSendRequest:
    """A different text to each group of recipients, all from one sender line, in one request.
    Each item is kept as its own send: one outbox id per item, in the order of the items.

        Attributes:
            sending_type (Literal['peer_to_peer']): Always `peer_to_peer` for this kind of send.
            from_number (str): A phone number in E.164 form: `+`, a country code and the subscriber number, 7 to 15
                ASCII digits in all (an Iranian mobile number is `+989xxxxxxxxx`, 13 characters).
                Persian or Arabic-Indic digits are not accepted.
            params (list[PeerToPeerMessage]): The texts and their recipients; the provider sets no limit on their number.
            send_time (str | Unset): When to send, in UTC, laid out `YYYY-MM-DD HH:MM:SS` (19:00 Tehran time is `15:30:00`).
                It must be a real calendar date at least 5 minutes and at most 3 months after the
                request; that window depends on the current time and cannot be written in JSON Schema,
                so the provider and the mock check it. A scheduled send can be cancelled up to 5 minutes
                before it goes out. The format name `provider-send-time` lets test tools generate times
                inside that window; validators that do not know it ignore it.
    """

    sending_type: Literal["peer_to_peer"]
    from_number: str
    params: list[PeerToPeerMessage]
    send_time: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sending_type = self.sending_type

        from_number = self.from_number

        params = []
        for params_item_data in self.params:
            params_item = params_item_data.to_dict()
            params.append(params_item)

        send_time = self.send_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sending_type": sending_type,
                "from_number": from_number,
                "params": params,
            }
        )
        if send_time is not UNSET:
            field_dict["send_time"] = send_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.peer_to_peer_message import PeerToPeerMessage

        d = dict(src_dict)
        sending_type = cast(Literal["peer_to_peer"], d.pop("sending_type"))
        if sending_type != "peer_to_peer":
            raise ValueError(
                f"sending_type must match const 'peer_to_peer', got '{sending_type}'"
            )

        from_number = d.pop("from_number")

        params = []
        _params = d.pop("params")
        for params_item_data in _params:
            params_item = PeerToPeerMessage.from_dict(params_item_data)

            params.append(params_item)

        send_time = d.pop("send_time", UNSET)

        peer_to_peer_send_request = cls(
            sending_type=sending_type,
            from_number=from_number,
            params=params,
            send_time=send_time,
        )

        return peer_to_peer_send_request
