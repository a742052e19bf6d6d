"""What AutoSend answers, in each shape its documentation has used."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, model_validator

from providers.http.adapter import Lenient
from providers.models import Member


class ContactList(Lenient):
    id: str
    name: str = ""
    description: str | None = None
    type: str = "list"
    count: int | None = Field(None, validation_alias=AliasChoices("contactCount", "count"))


class Lists(Lenient):
    """`data.lists` in one version of the documentation, `data.contacts` in another."""

    lists: list[ContactList]

    @model_validator(mode="before")
    @classmethod
    def _either_key(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "lists" not in data
            and isinstance(data.get("contacts"), list)
        ):
            return {"lists": data["contacts"]}
        return data


class Contact(Lenient):
    id: str
    email: str
    first_name: str | None = Field(None, validation_alias=AliasChoices("firstName", "first_name"))
    last_name: str | None = Field(None, validation_alias=AliasChoices("lastName", "last_name"))


class Pagination(Lenient):
    page: int
    pages: int | None = None
    total: int | None = None


class ContactPage(Lenient):
    contacts: list[Contact]
    pagination: Pagination


class RemoveResult(Lenient):
    removed: int | list[Any]
    not_in_list: int | list[Any] = Field(
        0, validation_alias=AliasChoices("notInList", "not_in_list")
    )
    errors: list[dict[str, Any]] = []


class AddResult(Lenient):
    """Bulk-add's answer: `added` and `alreadyInList` as counts or lists (the documentation
    names them only), and the contacts it refused in `errors`, as a removal has them."""

    added: int | list[Any]
    already_in_list: int | list[Any] = Field(
        0, validation_alias=AliasChoices("alreadyInList", "already_in_list")
    )
    errors: list[dict[str, Any]] = []


def how_many(value: int | list[Any]) -> int:
    """A count an answer gives as a number or as the list of those it counts."""
    return value if isinstance(value, int) else len(value)


def data_of(body: Any) -> Any:
    return body.get("data") if isinstance(body, dict) else None


def mentions(item: Any, member: Member) -> bool:
    """Whether an entry of an answer's list (a string or an object) names this member."""
    values = item.values() if isinstance(item, dict) else [item]
    return any(str(v).lower() in (member.id.lower(), member.address.lower()) for v in values)
