"""Donor contributions: the scoped reads every page, the API, the portal and the exports share (a donor sees only
its own), and the writes — recording, editing, and the guarded steps pledged -> committed -> received."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.listing import Page, Paging, holds, ordered, paginate, text_condition
from app.scoping import Scope
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.registry import states as state_service
from app.services.treaties import outcome_facts
from forms.funding.codelists import currency_problem
from forms.funding.contributions import amount_problem
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    Contribution,
    ContributionStatusChange,
    Instrument,
    Organization,
    Project,
    db,
)
from models.contribution import IllegalContributionStep, contribution_instruments
from models.enums import ContributionStatus, OrganizationKind

#: What a contribution's pages, the API, the portal and the statement show, in a fixed number of queries.
LOADS = (
    selectinload(Contribution.donor), selectinload(Contribution.project), selectinload(Contribution.instruments),
    selectinload(Contribution.allocations).selectinload(Allocation.activity).options(
        selectinload(Activity.visits).selectinload(ActivityVisit.country),
        selectinload(Activity.states).selectinload(ActivityState.state),
        selectinload(Activity.instruments)),
)


@dataclass(frozen=True)
class ContributionFilters:
    q: str | None = None
    status: str | None = None
    donor: str | None = None      # name (part of it) or acronym
    donor_id: int | None = None
    currency: str | None = None
    project: int | None = None
    instrument: str | None = None  # earmarked for this instrument
    region: str | None = None      # earmarked for this regional group
    activity: int | None = None    # allocated to this activity
    date_from: date | None = None  # pledged on or after
    date_to: date | None = None
    unrecorded: bool = False       # committed or received with no amount recorded: what the totals leave out


#: Sort keys of the contribution list (forms.contribution.ContributionFilterForm.SORTS names the same keys).
SORTS = {"id": Contribution.id, "date": Contribution.pledged_date, "amount": Contribution.amount,
         "status": Contribution.status,
         "donor": sa.select(Organization.name).where(Organization.id == Contribution.donor_id).scalar_subquery()}


def query(scope: Scope, filters: ContributionFilters) -> sa.Select:
    select = sa.select(Contribution).where(scope.contributions()).options(*LOADS)
    f = filters
    if f.status:
        select = select.where(Contribution.status == f.status)
    if f.unrecorded:
        select = select.where(Contribution.amount.is_(None), Contribution.status != ContributionStatus.PLEDGED.value)
    if f.donor:
        select = select.where(Contribution.donor_id.in_(sa.select(Organization.id).where(sa.or_(
            holds(Organization.name, f.donor), Organization.acronym == f.donor))))
    if f.q:
        select = select.where(_text_matches(f.q))
    if f.donor_id:
        select = select.where(Contribution.donor_id == f.donor_id)
    if f.currency:
        select = select.where(Contribution.currency == f.currency.upper())
    if f.project:
        select = select.where(Contribution.project_id == f.project)
    if f.instrument:
        select = select.where(Contribution.id.in_(
            sa.select(contribution_instruments.c.contribution_id).join(Instrument)
            .where(Instrument.code == f.instrument)))
    if f.region:
        # Regions are a small JSON list: matched on its text, quoted, so "African" never matches a longer name.
        select = select.where(sa.cast(Contribution.regions, sa.Text).like(f'%"{f.region}"%'))
    if f.activity:
        select = select.where(Contribution.id.in_(
            sa.select(Allocation.contribution_id).where(Allocation.activity_id == f.activity)))
    if f.date_from:
        select = select.where(Contribution.pledged_date >= f.date_from)
    if f.date_to:
        select = select.where(Contribution.pledged_date <= f.date_to)
    return select


def _text_matches(text: str):
    """The text filter: the donor's name or acronym, the project's title, the States its allocated activities
    served (any of their names), or the contribution's number: one condition, no statement of its own."""
    donors = sa.select(Organization.id).where(sa.or_(holds(Organization.name, text), holds(Organization.acronym, text)))
    projects = sa.select(Project.id).where(holds(Project.title, text))
    served = sa.select(ActivityState.activity_id).where(state_service.matching(ActivityState.state_id, text))
    return text_condition(text, Contribution.id, (), Contribution.donor_id.in_(donors),
                          Contribution.project_id.in_(projects),
                          Contribution.id.in_(sa.select(Allocation.contribution_id)
                                              .where(Allocation.activity_id.in_(served))))


def list_page(scope: Scope, filters: ContributionFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "id", Contribution.id), paging)


def export_rows(scope: Scope, filters: ContributionFilters, paging: Paging) -> list[Contribution]:
    """Every contribution of the filtered list (not one page), in the list's order: what its exports hold."""
    return list(db.session.scalars(ordered(query(scope, filters), SORTS, paging, "id", Contribution.id)).unique())


def all_of(scope: Scope, filters: ContributionFilters) -> list[Contribution]:
    """Every contribution of the list (the portal, statements and the IATI file), oldest first."""
    return list(db.session.scalars(query(scope, filters).order_by(Contribution.id)).unique())


def get(scope: Scope, contribution_id: int) -> Contribution | None:
    return db.session.scalars(query(scope, ContributionFilters()).where(Contribution.id == contribution_id)).first()


def donors(scope: Scope) -> list[Organization]:
    """Donor organizations the scope may see (a donor: itself), by name: those with a contribution, and
    governments (donor governments or not: Monaco offered to host a meeting, para. 11) without one yet."""
    has_money = sa.select(Contribution.donor_id).where(scope.contributions())
    condition = Organization.id.in_(has_money)
    if not scope.is_donor:
        condition = sa.or_(condition, Organization.kind.in_([OrganizationKind.DONOR_GOVERNMENT.value,
                                                             OrganizationKind.GOVERNMENT.value]))
    return list(db.session.scalars(sa.select(Organization).where(condition).order_by(Organization.name)))


def projects() -> list[Project]:
    return list(db.session.scalars(sa.select(Project).order_by(Project.title)))


def history(contribution: Contribution) -> list[ContributionStatusChange]:
    return sorted(contribution.status_changes, key=lambda c: (c.changed_at, c.id))


# ------------------------------------------------------------------ writes
@dataclass
class ContributionData:
    """What the contribution form gives (also what the command line and tests pass)."""
    donor_id: int | None
    amount: Decimal | None
    currency: str | None
    project_id: int | None = None
    pledged_date: date | None = None
    instruments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    period_start: date | None = None
    period_end: date | None = None
    source: str | None = None
    note: str | None = None


def _fields(c: Contribution) -> dict:
    return {"donor_id": c.donor_id, "project_id": c.project_id, "amount": c.amount, "currency": c.currency,
            "status": c.status, "pledged_date": c.pledged_date, "committed_date": c.committed_date,
            "received_date": c.received_date, "instruments": [i.code for i in c.instruments],
            "regions": list(c.regions or []), "period_start": c.period_start, "period_end": c.period_end,
            "source": c.source, "note": c.note}


def _check(data: ContributionData, contribution: Contribution | None = None) -> dict[str, Organization | Project]:
    errors: dict[str | None, str] = {}
    donor = db.session.get(Organization, data.donor_id) if data.donor_id else None
    if donor is None:
        errors["donor_id"] = _("Choose the donor.")
    project = db.session.get(Project, data.project_id) if data.project_id else None
    if data.project_id and project is None:
        errors["project_id"] = _("There is no such project.")
    if data.amount is not None or data.currency:
        if amount_problem(data.amount):
            errors["amount"] = amount_problem(data.amount)
        if currency_problem(data.currency):
            errors["currency"] = currency_problem(data.currency)
    if data.period_start and data.period_end and data.period_end < data.period_start:
        errors["period_end"] = _("The earmark period ends before it starts.")
    if contribution is not None and data.pledged_date:
        for later in (ContributionStatus.COMMITTED, ContributionStatus.RECEIVED):
            day = contribution.step_date(later)
            if day and day < data.pledged_date:
                # Whole sentences per step: the status's label does not fit every language's sentence.
                if later is ContributionStatus.COMMITTED:
                    errors["pledged_date"] = _("The pledge cannot be dated after the money was committed (%(day)s).",
                                               day=day.isoformat())
                else:
                    errors["pledged_date"] = _("The pledge cannot be dated after the money was received (%(day)s).",
                                               day=day.isoformat())
                break
    if contribution is not None and data.amount is not None and data.currency == contribution.currency:
        if data.amount < contribution.allocated:
            errors["amount"] = _("%(amount)s is less than the %(allocated)s already allocated to activities.",
                                 amount=format(data.amount, ",.2f"), allocated=format(contribution.allocated, ",.2f"))
    if contribution is not None and contribution.allocations and (data.currency != contribution.currency
                                                                   or data.amount is None) \
            and any(a.amount is not None for a in contribution.allocations):
        errors["currency"] = _("Allocations in this currency exist: remove them before changing the currency.")
    if errors:
        raise Refused(errors)
    return {"donor": donor, "project": project}


def _step_date_refused(target: ContributionStatus, step: ContributionStatus) -> str:
    """Why a `target` contribution takes no `step` date, as a whole sentence (the statuses' labels do not fit every
    language's sentence)."""
    if target is ContributionStatus.COMMITTED:
        return _("A committed contribution has no received date.")
    if step is ContributionStatus.COMMITTED:
        return _("A pledged contribution has no committed date.")
    return _("A pledged contribution has no received date.")


def _apply(c: Contribution, data: ContributionData, related: dict) -> None:
    c.donor, c.project = related["donor"], related["project"]
    c.amount = data.amount
    c.currency = data.currency if data.amount is not None else None
    c.pledged_date = data.pledged_date
    codes = set(data.instruments)
    with db.session.no_autoflush:  # `c` may be new and half-built: nothing is flushed before it is whole
        c.instruments = list(db.session.scalars(sa.select(Instrument).where(Instrument.code.in_(codes))
                                                .order_by(Instrument.id))) if codes else []
    c.regions = sorted(set(data.regions))
    c.period_start, c.period_end = data.period_start, data.period_end
    c.source, c.note = data.source or None, data.note or None


def create(data: ContributionData, actor, *, committed_on: date | None = None, received_on: date | None = None,
           status: str = ContributionStatus.PLEDGED.value) -> Contribution:
    """Record a contribution as pledged, then take it through each later step `status` says it has reached (the
    guarded model method checks every date). Flushes; the caller commits."""
    related = _check(data)
    c = Contribution(status=ContributionStatus.PLEDGED.value, regions=[])
    _apply(c, data, related)
    c.status_changes.append(ContributionStatusChange(from_status=None, to_status=c.status, on_date=c.pledged_date,
                                                     reason="Recorded", actor_id=getattr(actor, "id", None)))
    db.session.add(c)
    target = ContributionStatus(status)
    steps = [(ContributionStatus.COMMITTED, committed_on, "committed_date"),
             (ContributionStatus.RECEIVED, received_on, "received_date")]
    for step, on, field in steps:
        if target is ContributionStatus.PLEDGED or (target is ContributionStatus.COMMITTED
                                                    and step is ContributionStatus.RECEIVED):
            if on is not None:
                raise Refused({field: _step_date_refused(target, step)})
            continue
        try:
            c.change_status(step, on, actor, "Recorded")
        except IllegalContributionStep as exc:
            raise Refused({field: str(exc)}) from None
    db.session.flush()
    audit.record_for(c, "create", f"Recorded a {c.status} contribution of {c.donor.name}", after=_fields(c))
    return c


def update(c: Contribution, data: ContributionData, version: int | None) -> Contribution:
    """Save the edit form made from `version` (Stale when the contribution changed since). Flushes."""
    label = _("Contribution #%(id)s", id=c.id)
    versions.check(c, version, label)
    version_before = c.version
    before = _fields(c)
    donor_before = c.donor_id
    related = _check(data, c)
    _apply(c, data, related)
    versions.flush(c, label)
    old, new = audit.changed(before, _fields(c))
    if new:
        versions.touch(c, version_before)
        audit.record_for(c, "update", f"Edited contribution #{c.id} of {c.donor.name}", before=old, after=new)
    if c.donor_id != donor_before:  # the activities it pays for count under another donor now
        outcome_facts.refresh(outcome_facts.footprint(a.activity for a in c.allocations))
    return c


def change_status(c: Contribution, to: str, on: date | None, actor, reason: str | None = None,
                  version: int | None = None) -> Contribution:
    """One guarded step (ContributionStatus), audited; Refused with the model's message when illegal. Given the
    `version` it was asked from (the API's If-Match), Stale when the contribution changed since."""
    if version is not None:
        versions.check(c, version, _("Contribution #%(id)s", id=c.id))
    before = c.status
    try:
        c.change_status(to, on, actor, reason)
    except IllegalContributionStep as exc:
        raise Refused({exc.field: str(exc)}) from None
    db.session.flush()
    audit.record_for(c, "status", f"Contribution #{c.id}: {before} -> {c.status} on {on.isoformat()}",
                     before={"status": before}, after={"status": c.status, "date": on, "reason": reason})
    return c
