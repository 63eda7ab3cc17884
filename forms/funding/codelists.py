"""The IATI codelists the project ships (app/data/iati/codelists, copied from the IATI standard): the ISO 4217
currencies a contribution may be in, and the codes an IATI file may use. Read once, with the standard library."""
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from flask_babel import gettext

CODELISTS = Path(__file__).resolve().parents[2] / "app" / "data" / "iati" / "codelists"


@cache
def codelist(name: str) -> dict[str, str]:
    """code -> English name of one codelist (e.g. "Currency"), withdrawn codes left out."""
    root = ElementTree.parse(CODELISTS / f"{name}.xml").getroot()
    out = {}
    for item in root.iter("codelist-item"):
        if item.get("status") == "withdrawn":
            continue
        code = (item.findtext("code") or "").strip()
        narrative = item.find("name/narrative")
        out[code] = (narrative.text or "").strip() if narrative is not None else code
    return out


def currencies() -> dict[str, str]:
    return codelist("Currency")


def currency_problem(code: str | None) -> str | None:
    """Why `code` is not a currency a contribution may be in, or None when it is."""
    if not code:
        return gettext("Give the currency, an ISO 4217 code such as USD.")
    if code not in currencies():
        shown = code[:12]
        return gettext("“%(code)s” is not an ISO 4217 currency code (e.g. USD, EUR, GBP, JPY).", code=shown)
    return None
