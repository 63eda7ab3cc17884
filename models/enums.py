"""Every closed vocabulary of the domain, stored as strings, each member with a display label.

Labels are written in English and marked with N_ for the catalogues (make translations-extract); `label` gives
the label in the language of the page, e-mail or file being written (issue 30), `english_label` the label as
written, for what must not depend on who reads (matching a spreadsheet cell, the API).
"""
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_app_context
from flask_babel import gettext, lazy_gettext

#: Labels already translated within `labels_remembered` ((enum, value) -> label); None outside one.
_remembered: ContextVar[dict | None] = ContextVar("remembered_labels", default=None)


@contextmanager
def labels_remembered() -> Iterator[None]:
    """Within the block, `label_of` translates each (vocabulary, value) once: an export of 200,000 rows names the
    same few statuses and kinds on every row, and each catalogue look-up (Flask-Babel finds the locale and the
    catalogue anew each time) was half the time of a row. The language cannot change within one file."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def N_(text: str) -> str:
    """Marks `text` for the catalogues without translating it here: a label is translated where it is shown."""
    return text


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a human label: `Kind.MISSION.label`."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.english_label = label
        return obj

    @property
    def label(self) -> str:
        """The label in the current language (English outside the app: a script, a migration)."""
        return gettext(self.english_label) if has_app_context() else self.english_label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a form's select; the labels are lazy: a form class is built once, at import,
        and each page shows them in its own language."""
        return [(m.value, lazy_gettext(m.english_label)) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        remembered = _remembered.get()
        if remembered is not None and (cls, value) in remembered:
            return remembered[cls, value]
        try:
            label = cls(value).label
        except ValueError:
            label = value or ""
        if remembered is not None:
            remembered[cls, value] = label
        return label

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Value -> label in the current language, translated once: for a table of hundreds of rows, where a
        label_of per row (one catalogue look-up each) is a good part of the page's time."""
        return {m.value: m.label for m in cls}

    def __str__(self) -> str:
        return self.value


class ParticipantKind(LabelledEnum):
    STATE = "state", N_("State")
    REIO = "reio", N_("Regional economic integration organization")


class RegionalGroup(LabelledEnum):
    AFRICAN = "African", N_("African States")
    ASIA_PACIFIC = "Asia-Pacific", N_("Asia-Pacific States")
    EASTERN_EUROPEAN = "Eastern European", N_("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "Latin American and Caribbean", N_("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHERS = "Western European and Others", N_("Western European and other States")


class ActionKind(LabelledEnum):
    SIGNATURE = "signature", N_("Signature")
    RATIFICATION = "ratification", N_("Ratification")
    ACCEPTANCE = "acceptance", N_("Acceptance")
    APPROVAL = "approval", N_("Approval")
    ACCESSION = "accession", N_("Accession")
    SUCCESSION = "succession", N_("Succession")

    @property
    def category(self) -> "ActionCategory":
        return ActionCategory.SIGNATURE if self is ActionKind.SIGNATURE else ActionCategory.DEPOSIT


class ActionCategory(LabelledEnum):
    """A participant signs once and deposits once per instrument; the kind says which instrument it deposited."""
    SIGNATURE = "signature", N_("Signature")
    DEPOSIT = "deposit", N_("Deposit of an instrument")


class RequestKind(LabelledEnum):
    """What a State asks for (issue 9's vocabulary; the migration 20261123_0003 maps the earlier one onto it)."""
    LEGISLATIVE_REVIEW = "legislative_review", N_("Legislative review or drafting")
    NEEDS_ASSESSMENT = "needs_assessment", N_("Needs assessment")
    PRE_RATIFICATION_ADVICE = "pre_ratification_advice", N_("Pre-ratification advice")
    TRAINING = "training", N_("Training or seminar")
    IMPLEMENTATION_SUPPORT = "implementation_support", N_("Implementation support")
    OTHER = "other", N_("Other")


class RequestChannel(LabelledEnum):
    """How a request reached the Centre."""
    NOTE_VERBALE = "note_verbale", N_("Note verbale")
    LETTER = "letter", N_("Letter")
    MEETING = "meeting", N_("Meeting")
    EMAIL = "email", N_("E-mail")


class Priority(LabelledEnum):
    LOW = "low", N_("Low")
    NORMAL = "normal", N_("Normal")
    HIGH = "high", N_("High")
    URGENT = "urgent", N_("Urgent")

    @property
    def rank(self) -> int:
        """Queue order: urgent first (0), low last (3) — never alphabetical."""
        return _PRIORITY_RANKS[self.value]


_PRIORITY_RANKS = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class RequestStatus(LabelledEnum):
    PENDING = "pending", N_("Pending")
    UNDER_REVIEW = "under_review", N_("Under review")
    APPROVED = "approved", N_("Approved")
    IN_PROGRESS = "in_progress", N_("In progress")
    COMPLETED = "completed", N_("Completed")
    DECLINED = "declined", N_("Declined")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


class AgeBucket(LabelledEnum):
    """How long a request has waited since it was received, as at a day (the queue's ageing buckets)."""
    RECENT = "0-30", N_("0–30 days")
    MONTHS = "31-90", N_("31–90 days")
    OLD = "over-90", N_("Over 90 days")
    UNDATED = "not-recorded", N_("Date not recorded")


class ActivityKind(LabelledEnum):
    MISSION = "mission", N_("Advisory mission")
    NATIONAL_SEMINAR = "national_seminar", N_("National seminar")
    WORKSHOP = "workshop", N_("National workshop")
    REGIONAL_MEETING = "regional_meeting", N_("Regional meeting")
    SUBREGIONAL_MEETING = "subregional_meeting", N_("Subregional meeting")
    EXPERT_GROUP_MEETING = "expert_group_meeting", N_("Expert group meeting")
    WRITTEN_ANALYSIS = "written_analysis", N_("Written analysis")
    PRESENTATION = "presentation", N_("Presentation")
    BRIEFING = "briefing", N_("Briefing")
    PANEL = "panel", N_("Panel discussion")
    TREATY_EVENT = "treaty_event", N_("Treaty event")


class ActivityStatus(LabelledEnum):
    PLANNED = "planned", N_("Planned")
    UNDER_WAY = "under_way", N_("Under way")
    COMPLETED = "completed", N_("Completed")
    CANCELLED = "cancelled", N_("Cancelled")


class DatePrecision(LabelledEnum):
    DAY = "day", N_("Exact days")
    MONTH = "month", N_("Month only")
    #: The report's "third quarter of 2003" (para. 11): the dates then span that quarter.
    QUARTER = "quarter", N_("Quarter only")


class ActivityStateRole(LabelledEnum):
    SERVED = "served", N_("Served")
    PARTICIPANT = "participant", N_("Took part")


class ExpertKind(LabelledEnum):
    CENTRE_STAFF = "centre_staff", N_("Centre staff")
    CONSULTANT = "consultant", N_("Consultant")
    NATIONAL_EXPERT = "national_expert", N_("National expert")
    INTERNATIONAL_ORGANIZATION = "international_organization", N_("International organization")


class LegalTradition(LabelledEnum):
    COMMON_LAW = "common_law", N_("Common law")
    CIVIL_LAW = "civil_law", N_("Civil law")
    ISLAMIC_LAW = "islamic_law", N_("Islamic law")
    MIXED = "mixed", N_("Mixed")


class OrganizationKind(LabelledEnum):
    DONOR_GOVERNMENT = "donor_government", N_("Donor government")
    GOVERNMENT = "government", N_("Government")
    INTERGOVERNMENTAL = "intergovernmental", N_("Intergovernmental organization")
    UN_ENTITY = "un_entity", N_("United Nations entity")
    INSTITUTE = "institute", N_("Institute")
    NON_GOVERNMENTAL = "non_governmental", N_("Non-governmental organization")


class ContributionStatus(LabelledEnum):
    PLEDGED = "pledged", N_("Pledged")
    COMMITTED = "committed", N_("Committed")
    RECEIVED = "received", N_("Received")


class FindingStatus(LabelledEnum):
    IDENTIFIED = "identified", N_("Identified")
    ADVICE_GIVEN = "advice_given", N_("Advice given")
    DRAFT_LAW = "draft_law", N_("Draft law")
    ENACTED = "enacted", N_("Enacted")


class Role(LabelledEnum):
    OFFICER = "officer", N_("Project officer")
    MANAGER = "manager", N_("Manager")
    DONOR = "donor", N_("Donor")
    ADMIN = "admin", N_("Administrator")


class ReportStatus(LabelledEnum):
    """An activity report's review: written as a draft, submitted to approvers, returned for changes, approved."""
    DRAFT = "draft", N_("Draft")
    SUBMITTED = "submitted", N_("Submitted for review")
    RETURNED = "returned", N_("Returned for changes")
    APPROVED = "approved", N_("Approved")


class ActionStatus(LabelledEnum):
    """A follow-up action's course: open, in progress, then done or cancelled."""
    OPEN = "open", N_("Open")
    IN_PROGRESS = "in_progress", N_("In progress")
    DONE = "done", N_("Done")
    CANCELLED = "cancelled", N_("Cancelled")


class AttachedTo(LabelledEnum):
    """The kinds of record a file or a comment can belong to (one column each: a real foreign key)."""
    REQUEST = "request", N_("Request")
    ACTIVITY = "activity", N_("Activity")
    REPORT = "report", N_("Activity report")
    FINDING = "finding", N_("Legislative finding")
    CONTRIBUTION = "contribution", N_("Contribution")
