"""The instruments' official titles in the interface's languages (issue 30).

The United Nations adopted each instrument in its six official languages; the official titles are in the
catalogues (app/translations), their English text marked here. A page shows an instrument's title through
`title_of`, which translates the titles of the record's own four instruments and leaves any other title as
recorded (an instrument added later has no official translation in the catalogues until one is added).
"""
from flask_babel import gettext

from models.enums import N_

#: The English official titles and short titles, as the reference record holds them (instruments.yaml).
OFFICIAL = frozenset({
    N_("United Nations Convention against Transnational Organized Crime"),
    N_("Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children"),
    N_("Protocol against the Smuggling of Migrants by Land, Sea and Air"),
    N_("Protocol against the Illicit Manufacturing of and Trafficking in Firearms, Their Parts and Components and "
       "Ammunition"),
    N_("Organized Crime Convention"),
    N_("Trafficking in Persons Protocol"),
    N_("Migrants Protocol"),
    N_("Firearms Protocol"),
})


def title_of(text: str | None, translate=gettext) -> str:
    """An instrument's title (or short title) in the current language when it is an official one (`translate`:
    the templates pass their own gettext, the page's catalogue kept for the request)."""
    if not text:
        return text or ""
    return translate(text) if text in OFFICIAL else text
