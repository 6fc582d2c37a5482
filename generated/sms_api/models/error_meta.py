from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.field_errors import FieldErrors


T = TypeVar("T", bound="ErrorMeta")


@_attrs_define
class ErrorMeta:
    """The `meta` of a failed response.

    Attributes:
        status (bool):
        message (str): A Persian, human-readable text; on 422 the first field error.
        message_parameters (list[Any]):
        message_code (str): `<http-ish status>-<n>`: `200-1` success, `400-1` generic failure, `400-2` validation
            failure, and others. The same code can come with different HTTP statuses.
        errors (FieldErrors): Field name (dotted path) to its Persian error messages; empty when no field is at fault.
    """

    status: bool
    message: str
    message_parameters: list[Any]
    message_code: str
    errors: FieldErrors
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        message = self.message

        message_parameters = self.message_parameters

        message_code = self.message_code

        errors = self.errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "message": message,
                "message_parameters": message_parameters,
                "message_code": message_code,
                "errors": errors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_errors import FieldErrors

        d = dict(src_dict)
        status = d.pop("status")

        message = d.pop("message")

        message_parameters = cast(list[Any], d.pop("message_parameters"))

        message_code = d.pop("message_code")

        errors = FieldErrors.from_dict(d.pop("errors"))

        error_meta = cls(
            status=status,
            message=message,
            message_parameters=message_parameters,
            message_code=message_code,
            errors=errors,
        )

        error_meta.additional_properties = d
        return error_meta

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
