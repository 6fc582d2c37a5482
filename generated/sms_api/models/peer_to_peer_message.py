from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PeerToPeerMessage")


@_attrs_define
class PeerToPeerMessage:
    """One text of a peer_to_peer send and the numbers it goes to, with the webservice limits.

    Attributes:
        recipients (list[str]):
        message (str): The text: at most 1,400 characters, and not only spaces, tabs or line breaks (the
            provider trims those and then finds the field empty). The class is spelled out because
            `\\S` means different things to different regex engines. Persian text is sent as UCS-2
            (70 characters in one SMS, 67 per part when split); GSM-7 text fits 160, or 153 per part.
    """

    recipients: list[str]
    message: str

    def to_dict(self) -> dict[str, Any]:
        recipients = self.recipients

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recipients": recipients,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        recipients = cast(list[str], d.pop("recipients"))

        message = d.pop("message")

        peer_to_peer_message = cls(
            recipients=recipients,
            message=message,
        )

        return peer_to_peer_message
