"""A donor's statement (or every donor's, for staff) as CSV and XLSX: one row per allocation, and one per
contribution that has none, with ISO dates, codes and labels. Built from `funding.portal`, so the statement holds
exactly what the portal page shows, in the caller's scope."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from app.formats.tables import Sheet, csv_lines, joined, workbook_bytes
from app.services.funding.donor_portal import Portal, received_amount
from models.enums import ActivityKind, ContributionStatus

COLUMNS = ["donor", "contribution_id", "project", "status", "status_label", "pledged_date", "committed_date",
           "received_date", "currency", "amount", "received", "allocated", "unallocated", "earmark_instruments",
           "earmark_regions", "earmark_from", "earmark_to", "activity_id", "activity", "activity_kind",
           "activity_start", "activity_end", "activity_states", "activity_instruments", "allocation_amount",
           "funding_inferred", "basis"]
MONEY_COLUMNS = {"amount", "received", "allocated", "unallocated", "allocation_amount"}


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def rows(portal: Portal) -> list[dict]:
    """The statement's rows: money as Decimal (None where not recorded), dates as dates, the rest as text."""
    return rows_of(portal.contributions)


def rows_of(contributions) -> list[dict]:
    """The statement's rows of these contributions (the page: one page of them, loaded with STATEMENT_LOADS)."""
    out = []
    for c in contributions:
        base = {
            "donor": c.donor.name, "contribution_id": c.id, "project": c.project.title if c.project else "",
            "status": c.status, "status_label": ContributionStatus.label_of(c.status),
            "pledged_date": c.pledged_date, "committed_date": c.committed_date,
            "received_date": c.received_date, "currency": c.currency or "", "amount": c.amount,
            "received": received_amount(c), "allocated": c.allocated if c.amount is not None else None,
            "unallocated": c.unallocated, "earmark_instruments": joined(i.code for i in c.instruments),
            "earmark_regions": joined(c.regions or []), "earmark_from": c.period_start,
            "earmark_to": c.period_end}
        if not c.allocations:
            out.append({**base, **{k: None if k in MONEY_COLUMNS else "" for k in COLUMNS if k not in base}})
        for a in c.allocations:
            activity = a.activity
            states = {s.state.code for s in activity.states} | {v.country.code for v in activity.visits}
            out.append({**base, "activity_id": activity.id, "activity": activity.title,
                        "activity_kind": ActivityKind.label_of(activity.kind),
                        "activity_start": activity.start_date, "activity_end": activity.end_date,
                        "activity_states": joined(sorted(states)),
                        "activity_instruments": joined(i.code for i in activity.instruments),
                        "allocation_amount": a.amount, "funding_inferred": "yes" if a.is_inferred else "no",
                        "basis": a.basis or ""})
    return out


def _cells(row: dict) -> list:
    """A row's values in COLUMNS order: money as Decimal, dates as dates, the rest as text."""
    return [row[k] for k in COLUMNS]


def to_csv(portal: Portal) -> str:
    """The statement as CSV text (the one CSV writer: UTF-8 with BOM once encoded, CRLF, formula-like text
    neutralised, money with two decimals)."""
    return "".join(csv_lines(COLUMNS, ([_money(r[k]) if k in MONEY_COLUMNS else r[k] for k in COLUMNS]
                                        for r in rows(portal))))


def to_xlsx(portal: Portal) -> bytes:
    """The same rows on a sheet "Statement" (money as numbers), and the totals on a sheet "Totals" (the sheets named
    in the reader's language; the columns keep their keys, as the CSV's)."""
    totals = [[name, line.currency, line.amount, line.rate.rate if line.rate else None,
               line.rate.valid_from if line.rate else None, line.converted]
              for name, total in portal.totals.items() for line in total.lines]
    return workbook_bytes([
        Sheet(_("Statement"), COLUMNS, (_cells(r) for r in rows(portal))),
        Sheet(_("Totals"), ["total", "currency", "amount", "rate_to_USD", "rate_date", "in_USD"], totals)])
