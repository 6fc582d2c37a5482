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

if TYPE_CHECKING:
    from ..models.votp_params import VotpParams


T = TypeVar("T", bound="VotpSendRequest")


@_attrs_define
class VotpSendRequest:
    """A one-time code read out by a voice call to one recipient. There is no sender line and no
    `send_time`: the call goes out at once.

        Attributes:
            sending_type (Literal['votp']): Always `votp` for this kind of send.
            message (str): The code that is read out, digits only and fewer than 15 of them (a string, so leading zeros
                stay).
            params (VotpParams): Parameters of a voice code.
    """

    sending_type: Literal["votp"]
    message: str
    params: VotpParams

    def to_dict(self) -> dict[str, Any]:
        sending_type = self.sending_type

        message = self.message

        params = self.params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sending_type": sending_type,
                "message": message,
                "params": params,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.votp_params import VotpParams

        d = dict(src_dict)
        sending_type = cast(Literal["votp"], d.pop("sending_type"))
        if sending_type != "votp":
            raise ValueError(
                f"sending_type must match const 'votp', got '{sending_type}'"
            )

        message = d.pop("message")

        params = VotpParams.from_dict(d.pop("params"))

        votp_send_request = cls(
            sending_type=sending_type,
            message=message,
            params=params,
        )

        return votp_send_request
