"""What the desk hands its faces: a proposal in the words both show, the ticket of one that
was agreed (journaled, ready to run), and the handle of a job that runs now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from providers.jobs.everywhere import EverywherePlan
from providers.jobs.plans import Plan
from providers.models import Container

if TYPE_CHECKING:
    from providers.jobs.forget import Forgetting

WHY_REQUIRED = (
    "{account} asks why for every job: give a reason or ticket (in the shell: --reason "
    '"TICKET-123: unsubscribe"). Nothing was sent.'
)
FORGET_WHY = (
    "Forgetting someone is journaled with why: give a reason or ticket (in the shell: "
    '--reason "T-9").'
)


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
    #: every address the register holds for them (an email a WhatsApp member does not
    #: show): a reason kept for good must not name them by any of these either
    registered: tuple[str, ...] = ()
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
    #: a job just planned: its progress is its plan, known without reading the journal
    new: bool = False
    #: journaled whole as it stands (counts and the plan's digest): there is nothing to run
    dry_run: bool = False


@dataclass
class Running:
    """A job this process runs now, and how to stop it: a stop asked before its engine is
    ready is applied as soon as it is."""

    job_id: str
    parts: list[str]
    stop_asked: bool | None = None  # True: cancel; False: interrupt
    why: str = ""
    _stoppers: tuple[Callable[[], None], Callable[[str], None]] | None = None

    def attach(self, cancel: Callable[[], None], interrupt: Callable[[str], None]) -> None:
        self._stoppers = (cancel, interrupt)
        if self.stop_asked is not None:
            self.stop(self.stop_asked, self.why)

    def stop(self, cancelling: bool, why: str = "") -> None:
        if self.stop_asked is None:
            self.stop_asked, self.why = cancelling, why
        if self._stoppers is None:
            return
        cancel, interrupt = self._stoppers
        if self.stop_asked:
            cancel()
        else:
            interrupt(self.why)
