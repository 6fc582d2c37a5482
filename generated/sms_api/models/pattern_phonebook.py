from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.phonebook_options import PhonebookOptions


T = TypeVar("T", bound="PatternPhonebook")


@_attrs_define
class PatternPhonebook:
    """Also save the recipient to this phonebook of the account. A phonebook holds at most
    100,000 numbers; when it is full the send still happens and the number is not saved.

        Attributes:
            id (int):
            name (str | Unset):
            pre (str | Unset): A title before the name.
            email (str | Unset):
            options (PhonebookOptions | Unset): Values of the phonebook's custom fields, by field id.
    """

    id: int
    name: str | Unset = UNSET
    pre: str | Unset = UNSET
    email: str | Unset = UNSET
    options: PhonebookOptions | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        pre = self.pre

        email = self.email

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if pre is not UNSET:
            field_dict["pre"] = pre
        if email is not UNSET:
            field_dict["email"] = email
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.phonebook_options import PhonebookOptions

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name", UNSET)

        pre = d.pop("pre", UNSET)

        email = d.pop("email", UNSET)

        _options = d.pop("options", UNSET)
        options: PhonebookOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = PhonebookOptions.from_dict(_options)

        pattern_phonebook = cls(
            id=id,
            name=name,
            pre=pre,
            email=email,
            options=options,
        )

        return pattern_phonebook
