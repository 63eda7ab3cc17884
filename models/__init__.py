"""Every model, imported here so that Alembic's autogenerate sees the whole schema."""
# the trigram indexes of PostgreSQL and SQLite: they import the models they index
from models import search_indexes, sqlite_trigrams  # noqa: F401
from models.activity import Activity, ActivityOtherInstrument, ActivityPartner, ActivityState, ActivityVisit  # noqa: F401
from models.activity_report import ActivityReport, ReportCounterpart, ReportStatusChange  # noqa: F401
from models.assistance_request import AssistanceRequest, IllegalTransition, RequestStatusChange  # noqa: F401
from models.attachment import Attachment, AttachmentVersion  # noqa: F401
from models.audit import GENESIS, AuditChainHead, AuditEntry, AuditVerification  # noqa: F401
from models.base import db  # noqa: F401
from models.calendar_feed import CalendarFeedToken  # noqa: F401
from models.comment import Comment, Mention  # noqa: F401
from models.contribution import Allocation, Contribution, ContributionStatusChange, Project  # noqa: F401
from models.exchange_rate import BASE_CURRENCY, ExchangeRate  # noqa: F401
from models.expert import Deployment, Expert  # noqa: F401
from models.follow_up_action import ActionStatusChange, FollowUpAction  # noqa: F401
from models.instrument import Instrument  # noqa: F401
from models.job import JOB_KINDS, IllegalJobMove, Job, JobStatus  # noqa: F401
from models.legislative import FindingStatusChange, LegislativeFinding, LegislativeIssue  # noqa: F401
from models.mail import OutboxMessage  # noqa: F401
from models.member_state import MemberState, MemberStateAlias, MemberStateName, alias_key  # noqa: F401
from models.notification import Notification, NotificationDigest, NotificationPreference  # noqa: F401
from models.organization import Organization  # noqa: F401
from models.outcome_fact import OutcomeFact, OutcomeMonth, OutcomeRequest  # noqa: F401
from models.period_month import PeriodMonth  # noqa: F401
from models.record_version import RecordVersion  # noqa: F401
from models.saved_view import SavedView  # noqa: F401
from models.treaty import TreatyAction, TreatyActionSource  # noqa: F401
from models.user import ApiToken, User  # noqa: F401
