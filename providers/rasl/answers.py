"""What RASL answers, read leniently: field names it does not document are tried in turn."""

from __future__ import annotations

import json
from typing import Any

from pydantic import field_validator, model_validator

from providers.http.adapter import Lenient
from providers.models import Member

COUNT_FIELDS = ("contacts_count", "contact_count", "members_count", "total_contacts", "size")


class RaslAccount(Lenient):
    id: int | str
    name: str = ""
    subdomain: str = ""
    status: str = ""


class RaslCounted(Lenient):
    """A group or source; the member-count field's name is not documented, so try several."""

    id: int
    name: str = ""
    description: str | None = None
    count: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _pick_count(cls, data: Any) -> Any:
        if isinstance(data, dict) and "count" not in data:
            found = next((data[k] for k in COUNT_FIELDS if isinstance(data.get(k), int)), None)
            return {**data, "count": found}
        return data


class RaslContact(Lenient):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    group_id: list[int] = []
    source_id: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        """The API sorts and searches by `firstname` and `lastname`; some answers spell them
        `first_name` and `last_name`. Whichever holds the name is read."""
        if not isinstance(data, dict):
            return data
        return {
            **data,
            "first_name": data.get("firstname") or data.get("first_name"),
            "last_name": data.get("lastname") or data.get("last_name"),
        }

    @field_validator("group_id", mode="before")
    @classmethod
    def _group_ids(cls, value: Any) -> Any:
        """Documented as a JSON array; accept it encoded as a string, a single id, or null."""
        if value is None:
            return []
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else []
        return [value] if isinstance(value, int) else value

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def as_member(self) -> Member:
        return Member(id=str(self.id), name=self.full_name, address=self.phone or self.email or "")


class PageMeta(Lenient):
    current_page: int | None = None
    last_page: int | None = None
    total: int | None = None


class ContactPage(Lenient):
    data: list[RaslContact]
    meta: PageMeta = PageMeta()


class CountedPage(Lenient):
    data: list[RaslCounted]
    meta: PageMeta = PageMeta()


class Limits(Lenient):
    limit: int
    is_unlimited: bool = False


class BatchSummary(Lenient):
    total: int
    deleted: int
    failed: int
