"""A donor's statement (or every donor's, for staff) as CSV and XLSX: one row per allocation, and one per
contribution that has none, with ISO dates, codes and labels. Built from `funding.portal`, so the statement holds
exactly what the portal page shows, in the caller's scope."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from app.formatting import iso
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
    """The statement's rows: money as Decimal (None where not recorded), the rest as text."""
    out = []
    for c in portal.contributions:
        base = {
            "donor": c.donor.name, "contribution_id": c.id, "project": c.project.title if c.project else "",
            "status": c.status, "status_label": ContributionStatus.label_of(c.status),
            "pledged_date": iso(c.pledged_date) or "", "committed_date": iso(c.committed_date) or "",
            "received_date": iso(c.received_date) or "", "currency": c.currency or "", "amount": c.amount,
            "received": received_amount(c), "allocated": c.allocated if c.amount is not None else None,
            "unallocated": c.unallocated, "earmark_instruments": " ".join(i.code for i in c.instruments),
            "earmark_regions": "; ".join(c.regions or []), "earmark_from": iso(c.period_start) or "",
            "earmark_to": iso(c.period_end) or ""}
        if not c.allocations:
            out.append({**base, **{k: None if k in MONEY_COLUMNS else "" for k in COLUMNS if k not in base}})
        for a in c.allocations:
            activity = a.activity
            states = {s.state.code for s in activity.states} | {v.country.code for v in activity.visits}
            out.append({**base, "activity_id": activity.id, "activity": activity.title,
                        "activity_kind": ActivityKind.label_of(activity.kind),
                        "activity_start": iso(activity.start_date) or "", "activity_end": iso(activity.end_date) or "",
                        "activity_states": " ".join(sorted(states)),
                        "activity_instruments": " ".join(i.code for i in activity.instruments),
                        "allocation_amount": a.amount, "funding_inferred": "yes" if a.is_inferred else "no",
                        "basis": a.basis or ""})
    return out


def _safe(value):
    """A cell a spreadsheet will not run as a formula (text starting with = + - @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(portal: Portal) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(portal):
        writer.writerow({k: _money(v) if k in MONEY_COLUMNS else _safe(v) for k, v in row.items()})
    return buffer.getvalue()


def to_xlsx(portal: Portal) -> bytes:
    """The same rows on a sheet "Statement" (money as numbers), and the totals on a sheet "Totals"."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Statement"
    sheet.append(COLUMNS)
    for row in rows(portal):
        sheet.append([row[k] if k in MONEY_COLUMNS else _safe(row[k]) for k in COLUMNS])
    sheet.freeze_panes = "A2"
    totals = book.create_sheet("Totals")
    totals.append(["total", "currency", "amount", "rate_to_USD", "rate_date", "in_USD"])
    for name, total in portal.totals.items():
        for line in total.lines:
            totals.append([name, line.currency, line.amount, line.rate.rate if line.rate else None,
                           iso(line.rate.valid_from) if line.rate else None, line.converted])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
