"""The searches of the smaller lists (accounts, the audit trail, the outbox, one's jobs and mentions, contributions):
a % or _ typed stands for itself, as in the lists and pickers of the requests and activities (app.listing.holds),
in text short enough to have no trigram and in longer text."""
from app.listing import Paging
from app.scoping import EVERYTHING
from app.services.accounts import users as user_service
from app.services.comments import comment_reads, comment_writes
from app.services.core import audit
from app.services.funding import contributions as contribution_service
from app.services.jobs import reads as job_reads
from app.services.mail import outbox
from models import Job, OutboxMessage
from tests import factories

#: Each search as typed, and which of the two records it must find: "wide" holds "100% WIDE_open", "plain" holds
#: "1000 wideXopen" (what % and _ would match as wildcards).
SEARCHES = [("0%", "wide"), ("e_", "wide"), ("100%", "wide"), ("e_o", "wide"), ("wide", "both")]


def _found(names: set[str], expected: str) -> bool:
    return names == ({"wide", "plain"} if expected == "both" else {expected})


def test_accounts_and_the_audit_trail_take_wildcards_literally(session):
    factories.user(name="100% WIDE_open", email="wide@example.test")
    factories.user(name="1000 wideXopen", email="plain@example.test")
    audit.record("probe", record_type="User", summary="wide", actor_label="100% WIDE_open")
    audit.record("probe", record_type="User", summary="plain", actor_label="1000 wideXopen")
    session.flush()
    for typed, expected in SEARCHES:
        accounts = user_service.list_page(user_service.UserFilters(q=typed), Paging(per_page=100)).items
        assert _found({u.email.split("@")[0] for u in accounts}, expected), (typed, [u.email for u in accounts])
        entries = audit.entries_page(audit.AuditFilters(actor=typed, action="probe"), Paging(per_page=100)).items
        assert _found({e.summary for e in entries}, expected), (typed, [e.summary for e in entries])


def test_the_outbox_and_ones_jobs_take_wildcards_literally(session):
    owner = factories.user()
    for name, text in (("wide", "100% WIDE_open"), ("plain", "1000 wideXopen")):
        session.add(OutboxMessage(to_address=f"{name}@example.test", subject=text, body_text="-", body_html="-",
                                  category="probe"))
        session.add(Job(owner_id=owner.id, kind="export", label=text, args=[name]))
    session.flush()
    for typed, expected in SEARCHES:
        messages = outbox.list_page(None, typed, Paging(per_page=100)).items
        assert _found({m.to_address.split("@")[0] for m in messages}, expected), typed
        jobs = job_reads.list_page(owner.id, job_reads.JobFilters(q=typed), Paging(per_page=100)).items
        assert _found({j.args[0] for j in jobs}, expected), typed


def test_contributions_found_by_donor_take_wildcards_literally(session):
    wide = factories.contribution(factories.organization(name="100% WIDE_open", acronym="WO"))
    plain = factories.contribution(factories.organization(name="1000 wideXopen", acronym="PX"))
    session.flush()
    names = {wide.id: "wide", plain.id: "plain"}
    filters_of = contribution_service.ContributionFilters
    for typed, expected in SEARCHES:
        for filters in (filters_of(q=typed), filters_of(donor=typed)):
            found = contribution_service.list_page(EVERYTHING, filters, Paging(per_page=100)).items
            assert _found({names[c.id] for c in found if c.id in names}, expected), (typed, filters)


def test_ones_mentions_searched_by_words_take_wildcards_literally(session):
    author = factories.user("officer", email="writer@unodc.test")
    reader = factories.user("manager", email="reader@unodc.test")
    request = factories.request()
    said = {comment_writes.add("request", request, f"{text} @reader", author).id: name
            for name, text in (("wide", "100% WIDE_open"), ("plain", "1000 wideXopen"))}
    for typed, expected in SEARCHES:
        found = comment_reads.mentions_page(reader, comment_reads.MentionFilters(q=typed), Paging(per_page=100)).items
        assert _found({said[m.comment_id] for m in found}, expected), typed
