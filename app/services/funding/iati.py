"""IATI activity XML 2.03: one `iati-activity` per funded activity the caller may see, built with lxml, and the
checks every file passes (the official schema, and every code in the IATI codelists the project ships).

The Centre reports; each donor whose allocations paid for the activity is a funding organisation and each
allocation with a recorded amount is an incoming-funds transaction. A donor's file holds its own money only, even
on an activity several donors fund. Schemas and codelists live in app/data/iati (copied from the IATI standard).
"""
from __future__ import annotations

import csv
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
ACTIVITY_STATUS = {ActivityStatus.PLANNED.value: "1", ActivityStatus.COMPLETED.value: "4",
                   ActivityStatus.CANCELLED.value: "5"}
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
    return {"ref": config.get("IATI_REPORTING_ORG_REF", "XI-PALERMO-CICP"),
            "type": config.get("IATI_REPORTING_ORG_TYPE", "40"),
            "name": config.get("IATI_REPORTING_ORG_NAME", "United Nations Office on Drugs and Crime, Centre for "
                                                          "International Crime Prevention")}


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


def _activity(root, funded: FundedActivity, reporter: dict) -> None:
    a = funded.activity
    currencies = {x.contribution.currency for x in funded.allocations if x.contribution.currency}
    element = _sub(root, "iati-activity", last_updated_datetime=a.updated_at.astimezone(UTC).isoformat(
        timespec="seconds") if a.updated_at else None, default_currency=min(currencies) if len(currencies) == 1
        else None, **{"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    etree.SubElement(element, "iati-identifier").text = f"{reporter['ref']}-ACT-{a.id}"
    _sub(element, "reporting-org", reporter["name"], ref=reporter["ref"], type=reporter["type"])
    _sub(element, "title", a.title)
    _sub(element, "description", a.description or f"{ActivityKind.label_of(a.kind)}: {a.title}", type="1")
    if a.outcome:
        _sub(element, "description", a.outcome, type="2")
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
    _sub(element, "activity-status", code=ACTIVITY_STATUS.get(a.status, "2"))
    done = a.status == ActivityStatus.COMPLETED.value
    start, end = a.start_date, a.end_date
    if start is None:  # a written analysis has no visit: its dates are those of the money that paid for it
        start = min((d for d in (_transaction_date(x, a) for x in funded.allocations) if d), default=None)
    _sub(element, "activity-date", type="2" if done else "1", iso_date=(start or a.created_at.date()).isoformat())
    if end is not None:
        _sub(element, "activity-date", type="4" if done else "3", iso_date=end.isoformat())
    countries = sorted({c for c in (country_code(s) for s in funded.states) if c})
    for code, share in zip(countries, _percentages(len(countries)) if countries else [], strict=False):
        _sub(element, "recipient-country", code=code, percentage=share)
    _sub(element, "sector", codelist("Sector")[SECTOR], vocabulary="1", code=SECTOR, percentage="100")
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


def build(portal: Portal) -> bytes:
    """The IATI file of the portal's funded activities (the caller's scope, one donor or all)."""
    root = etree.Element("iati-activities", version=VERSION,
                         **{"generated-datetime": datetime.now(UTC).isoformat(timespec="seconds")})
    reporter = _reporter()
    for funded in portal.activities:
        _activity(root, funded, reporter)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def problems(document: bytes) -> list[str]:
    """Everything wrong with an IATI activity file: schema errors, then codes missing from the codelists."""
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
    return found
