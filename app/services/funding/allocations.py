"""Allocating a contribution to activities: the earmark and the balance decide, and a refusal says why.

An allocation is refused when the contribution is still a pledge, when the activity lies outside the earmark
(project, instruments, regions of the activity's States, period against the activity's dates), or when its amount
goes beyond what the contribution has left to allocate.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from app.formatting import format_date, format_money
from app.languages import current_language
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.registry.state_names import local_name
from app.services.treaties import outcome_facts
from forms.funding.contributions import amount_problem
from models import Activity, Allocation, Contribution, db
from models.base import utcnow
from models.enums import ContributionStatus, RegionalGroup


def activity_states(activity: Activity) -> list:
    """The States an activity was for: those it served, else the countries it visited."""
    served = [s.state for s in activity.states if s.role == "served"]
    return served or list({v.country_id: v.country for v in activity.visits}.values())


def earmark_problems(contribution: Contribution, activity: Activity) -> list[str]:
    """Why `activity` lies outside `contribution`'s earmark (empty when it lies inside)."""
    problems = []
    if contribution.project_id and activity.project_id and activity.project_id != contribution.project_id:
        problems.append(_("The contribution is earmarked for the project “%(project)s”; the activity belongs to "
                          "“%(other)s”.", project=contribution.project.title, other=activity.project.title))
    earmarked = {i.code for i in contribution.instruments}
    if earmarked and not earmarked & {i.code for i in activity.instruments}:
        codes = ", ".join(sorted(earmarked))
        if activity.instruments:
            problems.append(_("The contribution is earmarked for %(codes)s; the activity deals with %(dealt)s.",
                              codes=codes, dealt=", ".join(i.code for i in activity.instruments)))
        else:
            problems.append(_("The contribution is earmarked for %(codes)s; the activity deals with no instrument.",
                              codes=codes))
    regions = set(contribution.regions or [])
    if regions:
        states = activity_states(activity)
        language = current_language()
        outside = [local_name(s, language) for s in states if s.regional_group not in regions]
        labels = ", ".join(RegionalGroup.label_of(r) for r in sorted(regions))
        if not states:
            problems.append(_("The contribution is earmarked for %(regions)s; the activity serves no State.",
                              regions=labels))
        elif outside:
            problems.append(ngettext("The contribution is earmarked for %(regions)s; %(states)s is outside.",
                                     "The contribution is earmarked for %(regions)s; %(states)s are outside.",
                                     len(outside), regions=labels, states=", ".join(sorted(outside))))
    start, end = activity.start_date, activity.end_date
    if contribution.period_start and start and start < contribution.period_start:
        problems.append(_("The earmark period starts on %(day)s; the activity starts on %(start)s.",
                          day=format_date(contribution.period_start), start=format_date(start)))
    if contribution.period_end and end and end > contribution.period_end:
        problems.append(_("The earmark period ends on %(day)s; the activity ends on %(end)s.",
                          day=format_date(contribution.period_end), end=format_date(end)))
    return problems


def _check(contribution: Contribution, activity: Activity | None, amount: Decimal | None,
           current: Allocation | None = None) -> None:
    if contribution.status == ContributionStatus.PLEDGED.value:
        raise Refused({None: _("A pledge cannot be allocated: record the commitment first.")})
    if activity is None:
        raise Refused({"activity_id": _("Choose the activity.")})
    if current is None and any(a.activity_id == activity.id for a in contribution.allocations):
        raise Refused({"activity_id": _("This contribution is already allocated to that activity: edit that "
                                      "allocation instead.")})
    problems = earmark_problems(contribution, activity)
    if problems:
        raise Refused({"activity_id": _("Outside the earmark. %(problems)s", problems=" ".join(problems))})
    if contribution.amount is None:
        if amount is not None:
            raise Refused({"amount": _("The contribution's amount is not recorded, so its allocations have none "
                                     "either: leave the amount empty.")})
        return
    if amount is None:
        raise Refused({"amount": _("Give the amount, in %(currency)s.", currency=contribution.currency)})
    problem = amount_problem(amount)
    if problem:
        raise Refused({"amount": problem})
    left = contribution.unallocated + (current.amount or 0 if current is not None else 0)
    if amount > left:
        raise Refused({"amount": _("Beyond the balance: %(left)s of this contribution is left to allocate, and "
                                   "%(asked)s was asked.", left=format_money(left, contribution.currency),
                                   asked=format_money(amount, contribution.currency))})


def _fields(a: Allocation) -> dict:
    return {"contribution_id": a.contribution_id, "activity_id": a.activity_id, "amount": a.amount,
            "is_inferred": a.is_inferred, "basis": a.basis}


def allocate(contribution: Contribution, activity: Activity | None, amount: Decimal | None, *,
             is_inferred: bool = False, basis: str | None = None, note: str | None = None) -> Allocation:
    """Allocate part of `contribution` to `activity`, or raise Refused saying why not. Flushes, audited."""
    _check(contribution, activity, amount)
    allocation = Allocation(activity=activity, amount=amount, is_inferred=is_inferred, basis=basis or None,
                            note=note or None)
    contribution.allocations.append(allocation)
    _moved_on(contribution)
    audit.record_for(allocation, "create", f"Allocated contribution #{contribution.id} to activity "
                     f"#{activity.id}: {format_money(amount, contribution.currency)}", after=_fields(allocation))
    outcome_facts.refresh(outcome_facts.footprint([activity]))  # whose money paid for it: the donor's figures
    return allocation


def remove(allocation: Allocation) -> None:
    before = _fields(allocation)
    contribution = allocation.contribution
    audit.record_for(allocation, "delete", f"Removed the allocation of contribution #{contribution.id} to "
                     f"activity #{allocation.activity_id}", before=before)
    activity = allocation.activity
    contribution.allocations.remove(allocation)
    _moved_on(contribution)
    outcome_facts.refresh(outcome_facts.footprint([activity]))


def _moved_on(contribution: Contribution) -> None:
    """An allocation changes the contribution's balance: its version moves on, so that two allocations made at
    once from the same balance cannot both pass the check (the second is refused as stale)."""
    contribution.updated_at = utcnow()
    versions.flush(contribution, _("Contribution #%(id)s", id=contribution.id))


def get(contribution: Contribution, allocation_id: int) -> Allocation | None:
    return next((a for a in contribution.allocations if a.id == allocation_id), None)


def load_activity(activity_id: int | None) -> Activity | None:
    return db.session.get(Activity, activity_id) if activity_id else None
