"""What the desk hands a face to show and confirm (`Proposal`), and what a confirmed job is
(`Ticket`): the same for the app's dialog and the shell's prompt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from providers.jobs.everywhere import EverywherePlan
from providers.jobs.plans import Plan
from providers.models import Container

if TYPE_CHECKING:
    from providers.jobs.forget import Forgetting


class Kind(StrEnum):
    NEW = "new"
    EVERYWHERE = "everywhere"
    RESUME = "resume"
    RETRY = "retry"
    UNDO = "undo"
    FORGET = "forget"


@dataclass(frozen=True)
class Proposal:
    """What an action will do, in words both faces show as they are, and what confirming it
    takes: the word to type ('' when a yes is enough) and a reason where one is required."""

    kind: Kind
    lines: tuple[str, ...]
    word: str
    label: str
    reason_required: bool = False
    plan: Plan | None = None
    everywhere: EverywherePlan | None = None
    #: the job a resume, retry or undo acts on
    job_id: str = ""
    #: a retry sends only these members, by the place (job) they are in
    only: dict[str, tuple[str, ...]] | None = None
    #: an add-back of people on the do-not-re-add register (their entries): an override
    #: with a reason is needed
    suppressed: tuple[str, ...] = ()
    #: a removal that may also put them on the register (the dialog's box, --suppress)
    offers_suppress: bool = False
    #: WhatsApp groups whose invite link may be revoked once they are removed
    invites: tuple[Container, ...] = ()
    forgetting: Forgetting | None = None

    @property
    def words(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Ticket:
    """A confirmed action, journaled and ready to run."""

    job_id: str
    everywhere: bool = False
    only: dict[str, tuple[str, ...]] | None = None
