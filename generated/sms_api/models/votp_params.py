from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="VotpParams")


@_attrs_define
class VotpParams:
    """Parameters of a voice code.

    Attributes:
        recipients (list[str]): The one recipient of the call.
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

        votp_params = cls(
            recipients=recipients,
        )

        return votp_params
