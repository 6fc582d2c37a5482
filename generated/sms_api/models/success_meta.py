from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SuccessMeta")


@_attrs_define
class SuccessMeta:
    """The `meta` of a successful response.

    Attributes:
        status (bool):
        message (str): A Persian, human-readable text (`انجام شد`).
        message_parameters (list[Any]):
        message_code (str): `<http-ish status>-<n>`: `200-1` success, `400-1` generic failure, `400-2` validation
            failure, and others. The same code can come with different HTTP statuses.
    """

    status: bool
    message: str
    message_parameters: list[Any]
    message_code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        message = self.message

        message_parameters = self.message_parameters

        message_code = self.message_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "message": message,
                "message_parameters": message_parameters,
                "message_code": message_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = d.pop("status")

        message = d.pop("message")

        message_parameters = cast(list[Any], d.pop("message_parameters"))

        message_code = d.pop("message_code")

        success_meta = cls(
            status=status,
            message=message,
            message_parameters=message_parameters,
            message_code=message_code,
        )

        success_meta.additional_properties = d
        return success_meta

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
