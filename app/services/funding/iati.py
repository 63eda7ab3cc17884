"""IATI activity XML 2.03: one `iati-activity` per funded activity the caller may see, built with lxml and written
an activity at a time (`chunks`, from the rows app.services.funding.iati_rows streams), and the checks every file
passes (the official schema, and every code in the IATI codelists the project ships).

The Centre reports; each donor whose allocations paid for the activity is a funding organisation and each
allocation with a recorded amount is an incoming-funds transaction. A donor's file holds its own money only, even
on an activity several donors fund. Schemas and codelists live in app/data/iati (copied from the IATI standard).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from flask import current_app
from lxml import etree

from app.services.funding.donor_portal import FundedActivity, Portal
from forms.funding.codelists import codelist
from models.enums import ActivityKind, ActivityStatus, ContributionStatus, OrganizationKind

DATA = Path(__file__).resolve().parents[2] / "data" / "iati"
VERSION = "2.03"
#: DAC 5-digit sector (vocabulary 1): legal and judicial development — assistance to draft and adopt the laws
#: that ratification of the Convention and its Protocols requires.
SECTOR = "15130"
#: IATI ActivityStatus: 1 pipeline, 2 implementation, 4 closed, 5 cancelled.
ACTIVITY_STATUS = {ActivityStatus.PLANNED.value: "1", ActivityStatus.UNDER_WAY.value: "2",
                   ActivityStatus.COMPLETED.value: "4", ActivityStatus.CANCELLED.value: "5"}
#: IATI ActivityDateType.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
#: What every activity of the Centre's is: official development assistance (FlowType 10), a standard grant
#: (FinanceType 110), other technical assistance (AidType D02, vocabulary 1: OECD DAC).
DEFAULT_FLOW_TYPE, DEFAULT_FINANCE_TYPE, DEFAULT_AID_TYPE = "10", "110", "D02"
#: OECD DAC recipient regions (RegionVocabulary 1) for an activity with no recipient country: the UN regional
#: group of the States it served, else "developing countries, unspecified".
REGIONS = {"African": "298", "Latin American and Caribbean": "498", "Asia-Pacific": "798",
           "Eastern European": "89"}
REGION_UNSPECIFIED = "998"
#: The reporting-org identifier shipped as a stand-in: a file carrying it cannot be published to the IATI Registry.
PLACEHOLDER_REF = "XI-PALERMO-CICP"
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
TYPE_INCOMING_FUNDS, TYPE_INCOMING_COMMITMENT = "1", "11"
ORG_TYPES = {OrganizationKind.DONOR_GOVERNMENT.value: "10", OrganizationKind.GOVERNMENT.value: "10",
             OrganizationKind.INTERGOVERNMENTAL.value: "40", OrganizationKind.UN_ENTITY.value: "40",
             OrganizationKind.INSTITUTE.value: "80", OrganizationKind.NON_GOVERNMENTAL.value: "22"}
#: The codelist each coded attribute must come from (checked on every file by `problems`).
CODED = {
    "activity-status/@code": "ActivityStatus", "activity-date/@type": "ActivityDateType",
    "participating-org/@role": "OrganisationRole", "participating-org/@type": "OrganisationType",
    "reporting-org/@type": "OrganisationType", "sector/@vocabulary": "SectorVocabulary", "sector/@code": "Sector",
    "transaction/transaction-type/@code": "TransactionType", "transaction/value/@currency": "Currency",
    "transaction/provider-org/@type": "OrganisationType", "@default-currency": "Currency",
}


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "schemas" / "iati-activities-schema.xsd")))


@cache
def _csv(name: str, key: str, value: str) -> dict[str, str]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return {row[key]: row[value] for row in csv.DictReader(f)}


def country_code(state) -> str | None:
    """ISO 3166-1 alpha-2, as IATI's recipient-country wants it (None for the European Union)."""
    return _csv("country_codes.csv", "code", "iso_alpha2").get(state.code)


def _reporter() -> dict:
    config = current_app.config
    return {"ref": config.get("IATI_REPORTING_ORG_REF") or PLACEHOLDER_REF,
            "type": config.get("IATI_REPORTING_ORG_TYPE", "40"),
            "name": config.get("IATI_REPORTING_ORG_NAME", "United Nations Office on Drugs and Crime, Centre for "
                                                          "International Crime Prevention")}


def placeholder_reporter() -> bool:
    """True while the reporting-org identifier is the shipped stand-in (IATI_REPORTING_ORG_REF not configured)."""
    return _reporter()["ref"] == PLACEHOLDER_REF


def _sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()
                                             if v is not None})
    if text is not None:
        etree.SubElement(element, "narrative").text = text
    return element


def _donor_ref(donor) -> str | None:
    return _csv("donor_refs.csv", "state", "ref").get(donor.state.code) if donor.state is not None else None


def _percentages(n: int) -> list[Decimal]:
    """n shares of 100 with two decimals that add up to exactly 100."""
    share = (Decimal(100) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return [share] * (n - 1) + [Decimal(100) - share * (n - 1)]


def _transaction_date(allocation, activity) -> date | None:
    c = allocation.contribution
    return c.received_date or c.committed_date or activity.start_date or c.pledged_date


def _dates(a, today: date) -> tuple[list[tuple[str, date]], str | None]:
    """The activity-dates its status needs (IATI's rules: implementation has an actual start, closed an actual
    start and end, pipeline a planned start that is not past), or why it cannot be reported: the record's own
    dates only (the visits), never a date borrowed from the money (a written analysis has none recorded)."""
    start, end = a.start_date, a.end_date
    if a.status == ActivityStatus.COMPLETED.value:
        if start is None or end is None:
            return [], "completed, but the record gives no date for it"
        return [(ACTUAL_START, start), (ACTUAL_END, end)], None
    if a.status == ActivityStatus.UNDER_WAY.value:
        if start is None or start > today:
            return [], "under way, but the record gives no start on or before today"
        return [(ACTUAL_START, start)] + ([(PLANNED_END, end)] if end else []), None
    if a.status == ActivityStatus.PLANNED.value:
        if start is None or start < today:
            return [], ("planned, but its planned start has passed: record what happened" if start
                        else "planned, with no date yet")
        return [(PLANNED_START, start)] + ([(PLANNED_END, end)] if end else []), None
    if start is None:
        return [], "cancelled, with no date on record"
    return [(PLANNED_START, start)] + ([(PLANNED_END, end)] if end else []), None


def withheld(portal: Portal) -> list[tuple[FundedActivity, str]]:
    """The funded activities the file leaves out, each with the reason (shown on the portal page)."""
    return [(f, reason) for f in portal.activities if (reason := _dates(f.activity, portal.as_of)[1])]


def _budget(element, funded: FundedActivity, dates: list[tuple[str, date]]) -> None:
    """The money allocated to the activity as its budget, when it is recorded in one currency and the activity's
    period (IATI: at most a year) is known; otherwise none is stated."""
    amounts = [x for x in funded.allocations if x.amount is not None]
    currencies = {x.contribution.currency for x in amounts}
    days = dict(dates)
    first = days.get(ACTUAL_START) or days.get(PLANNED_START)
    last = days.get(ACTUAL_END) or days.get(PLANNED_END)
    if not amounts or len(currencies) != 1 or first is None or last is None or (last - first).days > 365:
        # IATI's budget-not-provided codes (commercial or legal restrictions, a rapidly changing context) do not
        # describe "not recorded": the file says why instead of choosing a code that would be false.
        why = ("the record holds no amount for it" if not amounts else "its money is in several currencies"
               if len(currencies) != 1 else "its period is not known or is longer than a year")
        element.append(etree.Comment(f" No budget: {why}. "))
        return
    budget = _sub(element, "budget", type="1", status="2")
    _sub(budget, "period-start", iso_date=first.isoformat())
    _sub(budget, "period-end", iso_date=last.isoformat())
    _sub(budget, "value", currency=currencies.pop(), value_date=first.isoformat()).text = \
        f"{sum(x.amount for x in amounts):.2f}"


def _activity(root, funded: FundedActivity, reporter: dict, today: date) -> None:
    a = funded.activity
    dates, _reason = _dates(a, today)
    currencies = {x.contribution.currency for x in funded.allocations if x.contribution.currency}
    element = _sub(root, "iati-activity", last_updated_datetime=a.updated_at.astimezone(UTC).isoformat(
        timespec="seconds") if a.updated_at else None, default_currency=min(currencies) if len(currencies) == 1
        else None, **{"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    etree.SubElement(element, "iati-identifier").text = f"{reporter['ref']}-ACT-{a.id}"
    _sub(element, "reporting-org", reporter["name"], ref=reporter["ref"], type=reporter["type"])
    _sub(element, "title", a.title)
    _sub(element, "description", a.description or f"{ActivityKind.label_of(a.kind)}: {a.title}", type="1")
    inferred = [x for x in funded.allocations if x.is_inferred]
    if inferred:
        _sub(element, "description", "The funding of this activity by " + ", ".join(sorted(
            {x.contribution.donor.name for x in inferred})) + " is the record's inference, not the source's "
            "statement: " + " ".join(sorted({x.basis for x in inferred if x.basis})), type="4")
    donors = {x.contribution.donor_id: x.contribution.donor for x in funded.allocations}
    for donor in sorted(donors.values(), key=lambda d: d.name):
        _sub(element, "participating-org", donor.name, ref=_donor_ref(donor), type=ORG_TYPES.get(donor.kind),
             role=ROLE_FUNDING)
    _sub(element, "participating-org", reporter["name"], ref=reporter["ref"], type=reporter["type"],
         role=ROLE_IMPLEMENTING)
    _sub(element, "activity-status", code=ACTIVITY_STATUS[a.status])
    for kind, day in dates:
        _sub(element, "activity-date", type=kind, iso_date=day.isoformat())
    countries = sorted({c for c in (country_code(s) for s in funded.states) if c})
    for code, share in zip(countries, _percentages(len(countries)) if countries else [], strict=False):
        _sub(element, "recipient-country", code=code, percentage=share)
    if not countries:
        groups = {REGIONS.get(s.regional_group or "") for s in funded.states}
        regions = sorted(groups - {None}) if groups and None not in groups else [REGION_UNSPECIFIED]
        for code, share in zip(regions, _percentages(len(regions)), strict=True):
            _sub(element, "recipient-region", code=code, vocabulary="1", percentage=share)
    _sub(element, "sector", codelist("Sector")[SECTOR], vocabulary="1", code=SECTOR, percentage="100")
    _sub(element, "default-flow-type", code=DEFAULT_FLOW_TYPE)
    _sub(element, "default-finance-type", code=DEFAULT_FINANCE_TYPE)
    _sub(element, "default-aid-type", code=DEFAULT_AID_TYPE, vocabulary="1")
    _budget(element, funded, dates)
    for x in funded.allocations:
        on = _transaction_date(x, a)
        if x.amount is None or on is None:
            continue  # the amount (or any date) is not recorded: there is no transaction to report
        received = x.contribution.status == ContributionStatus.RECEIVED.value
        t = _sub(element, "transaction", ref=f"{reporter['ref']}-ALLOC-{x.id}")
        _sub(t, "transaction-type", code=TYPE_INCOMING_FUNDS if received else TYPE_INCOMING_COMMITMENT)
        _sub(t, "transaction-date", iso_date=on.isoformat())
        _sub(t, "value", currency=x.contribution.currency, value_date=on.isoformat()).text = f"{x.amount:.2f}"
        _sub(t, "description", f"Contribution #{x.contribution_id} allocated to this activity"
             + (" (the record's inference)" if x.is_inferred else ""))
        donor = x.contribution.donor
        _sub(t, "provider-org", donor.name, ref=_donor_ref(donor), type=ORG_TYPES.get(donor.kind))
    if a.outcome:
        # What came of it is an outcome result (type 2), described qualitatively (IndicatorMeasure 5).
        result = _sub(element, "result", type="2", aggregation_status="0")
        _sub(result, "title", "Outcome")
        _sub(result, "description", a.outcome)
        _sub(_sub(result, "indicator", measure="5"), "title", "What came of the activity")


def chunks(activities: Iterable, as_of: date) -> Iterator[bytes]:
    """The IATI file of `activities` (donor_portal.FundedActivity, or iati_rows.Funded as they are streamed), an
    activity at a time: the very bytes `etree.tostring` writes of the whole tree, pretty printed, without ever
    holding the tree. Each activity is written as the one child of the file's root and cut out of it (an element's
    indentation depends only on its depth), then dropped."""
    root = etree.Element("iati-activities", version=VERSION,
                         **{"generated-datetime": datetime.now(UTC).isoformat(timespec="seconds")})
    reporter = _reporter()
    opening = None
    for funded in activities:
        reason = _dates(funded.activity, as_of)[1]
        if reason:  # said in the file, where its reader looks for what is missing
            root.append(etree.Comment(f" Activity {funded.activity.id} is not reported: {reason}. "))
        else:
            _activity(root, funded, reporter, as_of)
        alone = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        if opening is None:  # the declaration and the root's start tag, written once
            opening = alone[:alone.index(b">", alone.index(b"<iati-activities")) + 1]
            yield opening
        yield alone[len(opening):-len(_CLOSING) - 1]  # "\n  <iati-activity …>…</iati-activity>"
        root.remove(root[0])
    if opening is None:  # no activity: the root alone, as tostring writes an empty element
        yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    else:
        yield b"\n" + _CLOSING


_CLOSING = b"</iati-activities>\n"


def build(portal: Portal) -> bytes:
    """The IATI file of the portal's funded activities (the caller's scope, one donor or all), whole."""
    return b"".join(chunks(portal.activities, portal.as_of))


def problems(document: bytes, today: date | None = None) -> list[str]:
    """Everything wrong with an IATI activity file: schema errors, codes missing from the codelists, then IATI's
    rules on each activity (`rule_problems`, with pipeline starts judged at `today`, by default the day the file
    was generated)."""
    tree = etree.fromstring(document)
    found = []
    if not schema().validate(tree):
        found += [f"line {e.line}: {e.message}" for e in schema().error_log]
    for path, name in CODED.items():
        *steps, attribute = path.split("/")
        xpath = "/".join(["iati-activity", *steps, attribute]) if steps else f"iati-activity/{attribute}"
        allowed = codelist(name)
        for value in tree.xpath(xpath):
            if str(value) not in allowed:
                found.append(f"{path} = {value!r} is not in the {name} codelist")
    generated = tree.get("generated-datetime")
    return found + rule_problems(tree, today or (date.fromisoformat(generated[:10]) if generated else date.today()))


def rule_problems(tree, today: date) -> list[str]:
    """IATI's rules the schema cannot say: the status agrees with the dates (implementation has an actual start,
    closed an actual start and end, pipeline a planned start not past, and no actual date lies after `today`),
    a recipient country or region, the default flow, finance and aid types, a budget of at most a year, and the
    outcome as a result (never a description of type 2)."""
    found = []
    for activity in tree.iterfind("iati-activity"):
        name = activity.findtext("iati-identifier")
        status = activity.find("activity-status").get("code")
        dates = {d.get("type"): date.fromisoformat(d.get("iso-date")) for d in activity.iterfind("activity-date")}
        needed = {"2": [ACTUAL_START], "3": [ACTUAL_START], "4": [ACTUAL_START, ACTUAL_END], "1": [PLANNED_START]}
        for kind in needed.get(status, []):
            if kind not in dates:
                found.append(f"{name}: status {status} without an activity-date of type {kind}")
        if status == "1" and (ACTUAL_START in dates or ACTUAL_END in dates):
            found.append(f"{name}: a pipeline activity with an actual date")
        if status == "1" and PLANNED_START in dates and dates[PLANNED_START] < today:
            found.append(f"{name}: a pipeline activity whose planned start ({dates[PLANNED_START]}) is past")
        for kind in (ACTUAL_START, ACTUAL_END):
            if kind in dates and dates[kind] > today:
                found.append(f"{name}: an actual date ({dates[kind]}) after {today}")
        if activity.find("recipient-country") is None and activity.find("recipient-region") is None:
            found.append(f"{name}: neither a recipient country nor a recipient region")
        for region in activity.iterfind("recipient-region"):
            if region.get("vocabulary") != "1" or region.get("code") not in {*REGIONS.values(), REGION_UNSPECIFIED}:
                found.append(f"{name}: recipient-region {region.get('code')!r} is not a DAC region the file uses")
        for element in ("default-flow-type", "default-finance-type", "default-aid-type"):
            if activity.find(element) is None:
                found.append(f"{name}: no {element}")
        if activity.find("description[@type='2']") is not None:
            found.append(f"{name}: an outcome as a description of type 2, not a result")
        for budget in activity.iterfind("budget"):
            first = date.fromisoformat(budget.find("period-start").get("iso-date"))
            last = date.fromisoformat(budget.find("period-end").get("iso-date"))
            if not first <= last or (last - first).days > 365:
                found.append(f"{name}: a budget period of more than a year, or ending before it starts")
    return found
