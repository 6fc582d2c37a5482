from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SendParams")


@_attrs_define
class SendParams:
    """Parameters of a webservice send.

    Attributes:
        recipients (list[str]): The recipients, each an E.164 number. The provider advises file sending above
            1,000 recipients; it sets no hard limit.
    """

    recipients: list[str]

    def to_dict(self) -> dict[str, Any]:
        recipients = self.recipients

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recipients": recipients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        recipients = cast(list[str], d.pop("recipients"))

        send_params = cls(
            recipients=recipients,
        )

        return send_params
