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
    from ..models.pattern_params import PatternParams
    from ..models.pattern_phonebook import PatternPhonebook


T = TypeVar("T", bound="PatternSendRequest")


@_attrs_define
class PatternSendRequest:
    """A pattern (a text the provider approved in advance, its variables written `%name%`)
    filled with `params` and sent to one recipient. Pattern sends skip the provider's
    manual review, which is why login codes go this way.

        Attributes:
            sending_type (Literal['pattern']): Always `pattern` for this kind of send.
            from_number (str): A phone number in E.164 form: `+`, a country code and the subscriber number, 7 to 15
                ASCII digits in all (an Iranian mobile number is `+989xxxxxxxxx`, 13 characters).
                Persian or Arabic-Indic digits are not accepted.
            code (str): The code of an approved pattern of the account; an unknown code is a 404.
            recipients (list[str]): The one recipient (the provider allows only one per pattern send).
            params (PatternParams): The pattern's variables by name, each a string (the documented form; whether integers
                are accepted too is not documented). A pattern without variables takes `{}`. They must be
                exactly the pattern's variables: the provider and the mock refuse a missing or an
                unknown one with 422.
            phonebook (PatternPhonebook | Unset): Also save the recipient to this phonebook of the account. A phonebook
                holds at most
                100,000 numbers; when it is full the send still happens and the number is not saved.
    """

    sending_type: Literal["pattern"]
    from_number: str
    code: str
    recipients: list[str]
    params: PatternParams
    phonebook: PatternPhonebook | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sending_type = self.sending_type

        from_number = self.from_number

        code = self.code

        recipients = self.recipients

        params = self.params.to_dict()

        phonebook: dict[str, Any] | Unset = UNSET
        if not isinstance(self.phonebook, Unset):
            phonebook = self.phonebook.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sending_type": sending_type,
                "from_number": from_number,
                "code": code,
                "recipients": recipients,
                "params": params,
            }
        )
        if phonebook is not UNSET:
            field_dict["phonebook"] = phonebook

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pattern_params import PatternParams
        from ..models.pattern_phonebook import PatternPhonebook

        d = dict(src_dict)
        sending_type = cast(Literal["pattern"], d.pop("sending_type"))
        if sending_type != "pattern":
            raise ValueError(
                f"sending_type must match const 'pattern', got '{sending_type}'"
            )

        from_number = d.pop("from_number")

        code = d.pop("code")

        recipients = cast(list[str], d.pop("recipients"))

        params = PatternParams.from_dict(d.pop("params"))

        _phonebook = d.pop("phonebook", UNSET)
        phonebook: PatternPhonebook | Unset
        if isinstance(_phonebook, Unset):
            phonebook = UNSET
        else:
            phonebook = PatternPhonebook.from_dict(_phonebook)

        pattern_send_request = cls(
            sending_type=sending_type,
            from_number=from_number,
            code=code,
            recipients=recipients,
            params=params,
            phonebook=phonebook,
        )

        return pattern_send_request
