"""Every model, imported here so that Alembic's autogenerate sees the whole schema."""
from .activity import Activity, ActivityOtherInstrument, ActivityPartner, ActivityState, ActivityVisit  # noqa: F401
from .assistance_request import AssistanceRequest, IllegalTransition, RequestStatusChange  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .base import db  # noqa: F401
from .calendar_feed import CalendarFeedToken  # noqa: F401
from .contribution import Allocation, Contribution, ContributionStatusChange, Project  # noqa: F401
from .exchange_rate import BASE_CURRENCY, ExchangeRate  # noqa: F401
from .expert import Deployment, Expert  # noqa: F401
from .instrument import Instrument  # noqa: F401
from .legislative import FindingStatusChange, LegislativeFinding, LegislativeIssue  # noqa: F401
from .member_state import MemberState, MemberStateAlias, MemberStateName, alias_key  # noqa: F401
from .organization import Organization  # noqa: F401
from .record_version import RecordVersion  # noqa: F401
from .treaty import TreatyAction, TreatyActionSource  # noqa: F401
from .user import ApiToken, User  # noqa: F401
