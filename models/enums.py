"""Every closed vocabulary of the domain, stored as strings, each member with a display label."""
import enum


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a human label: `Kind.MISSION.label`."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        try:
            return cls(value).label
        except ValueError:
            return value or ""

    def __str__(self) -> str:
        return self.value


class ParticipantKind(LabelledEnum):
    STATE = "state", "State"
    REIO = "reio", "Regional economic integration organization"


class RegionalGroup(LabelledEnum):
    AFRICAN = "African", "African States"
    ASIA_PACIFIC = "Asia-Pacific", "Asia-Pacific States"
    EASTERN_EUROPEAN = "Eastern European", "Eastern European States"
    LATIN_AMERICAN_CARIBBEAN = "Latin American and Caribbean", "Latin American and Caribbean States"
    WESTERN_EUROPEAN_OTHERS = "Western European and Others", "Western European and other States"


class ActionKind(LabelledEnum):
    SIGNATURE = "signature", "Signature"
    RATIFICATION = "ratification", "Ratification"
    ACCEPTANCE = "acceptance", "Acceptance"
    APPROVAL = "approval", "Approval"
    ACCESSION = "accession", "Accession"
    SUCCESSION = "succession", "Succession"

    @property
    def category(self) -> "ActionCategory":
        return ActionCategory.SIGNATURE if self is ActionKind.SIGNATURE else ActionCategory.DEPOSIT


class ActionCategory(LabelledEnum):
    """A participant signs once and deposits once per instrument; the kind says which instrument it deposited."""
    SIGNATURE = "signature", "Signature"
    DEPOSIT = "deposit", "Deposit of an instrument"


class RequestKind(LabelledEnum):
    """What a State asks for (issue 9's vocabulary; the migration 20261123_0003 maps the earlier one onto it)."""
    LEGISLATIVE_REVIEW = "legislative_review", "Legislative review or drafting"
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    PRE_RATIFICATION_ADVICE = "pre_ratification_advice", "Pre-ratification advice"
    TRAINING = "training", "Training or seminar"
    IMPLEMENTATION_SUPPORT = "implementation_support", "Implementation support"
    OTHER = "other", "Other"


class RequestChannel(LabelledEnum):
    """How a request reached the Centre."""
    NOTE_VERBALE = "note_verbale", "Note verbale"
    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"


class Priority(LabelledEnum):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"

    @property
    def rank(self) -> int:
        """Queue order: urgent first (0), low last (3) — never alphabetical."""
        return _PRIORITY_RANKS[self.value]


_PRIORITY_RANKS = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class RequestStatus(LabelledEnum):
    PENDING = "pending", "Pending"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AgeBucket(LabelledEnum):
    """How long a request has waited since it was received, as at a day (the queue's ageing buckets)."""
    RECENT = "0-30", "0–30 days"
    MONTHS = "31-90", "31–90 days"
    OLD = "over-90", "Over 90 days"
    UNDATED = "not-recorded", "Date not recorded"


class ActivityKind(LabelledEnum):
    MISSION = "mission", "Advisory mission"
    NATIONAL_SEMINAR = "national_seminar", "National seminar"
    WORKSHOP = "workshop", "National workshop"
    REGIONAL_MEETING = "regional_meeting", "Regional meeting"
    SUBREGIONAL_MEETING = "subregional_meeting", "Subregional meeting"
    EXPERT_GROUP_MEETING = "expert_group_meeting", "Expert group meeting"
    WRITTEN_ANALYSIS = "written_analysis", "Written analysis"
    PRESENTATION = "presentation", "Presentation"
    BRIEFING = "briefing", "Briefing"
    PANEL = "panel", "Panel discussion"
    TREATY_EVENT = "treaty_event", "Treaty event"


class ActivityStatus(LabelledEnum):
    PLANNED = "planned", "Planned"
    UNDER_WAY = "under_way", "Under way"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class DatePrecision(LabelledEnum):
    DAY = "day", "Exact days"
    MONTH = "month", "Month only"
    #: The report's "third quarter of 2003" (para. 11): the dates then span that quarter.
    QUARTER = "quarter", "Quarter only"


class ActivityStateRole(LabelledEnum):
    SERVED = "served", "Served"
    PARTICIPANT = "participant", "Took part"


class ExpertKind(LabelledEnum):
    CENTRE_STAFF = "centre_staff", "Centre staff"
    CONSULTANT = "consultant", "Consultant"
    NATIONAL_EXPERT = "national_expert", "National expert"
    INTERNATIONAL_ORGANIZATION = "international_organization", "International organization"


class LegalTradition(LabelledEnum):
    COMMON_LAW = "common_law", "Common law"
    CIVIL_LAW = "civil_law", "Civil law"
    ISLAMIC_LAW = "islamic_law", "Islamic law"
    MIXED = "mixed", "Mixed"


class OrganizationKind(LabelledEnum):
    DONOR_GOVERNMENT = "donor_government", "Donor government"
    GOVERNMENT = "government", "Government"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organization"
    UN_ENTITY = "un_entity", "United Nations entity"
    INSTITUTE = "institute", "Institute"
    NON_GOVERNMENTAL = "non_governmental", "Non-governmental organization"


class ContributionStatus(LabelledEnum):
    PLEDGED = "pledged", "Pledged"
    COMMITTED = "committed", "Committed"
    RECEIVED = "received", "Received"


class FindingStatus(LabelledEnum):
    IDENTIFIED = "identified", "Identified"
    ADVICE_GIVEN = "advice_given", "Advice given"
    DRAFT_LAW = "draft_law", "Draft law"
    ENACTED = "enacted", "Enacted"


class Role(LabelledEnum):
    OFFICER = "officer", "Project officer"
    MANAGER = "manager", "Manager"
    DONOR = "donor", "Donor"
    ADMIN = "admin", "Administrator"


class ReportStatus(LabelledEnum):
    """An activity report's review: written as a draft, submitted to approvers, returned for changes, approved."""
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class ActionStatus(LabelledEnum):
    """A follow-up action's course: open, in progress, then done or cancelled."""
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class AttachedTo(LabelledEnum):
    """The kinds of record a file or a comment can belong to (one column each: a real foreign key)."""
    REQUEST = "request", "Request"
    ACTIVITY = "activity", "Activity"
    REPORT = "report", "Activity report"
    FINDING = "finding", "Legislative finding"
    CONTRIBUTION = "contribution", "Contribution"
