"""The States' names in the interface's languages (issue 30), and finding a State by its name in any of them.

The names come from CLDR, the Unicode Consortium's maintained locale data that Babel ships
(`Locale(lang).territories`), by ISO 3166-1 alpha-2 code; the record keys States by alpha-3, so the reference data
keeps the pairing (app/data/reference/state_alpha2.csv). CLDR gives the names in everyday use; where the United
Nations' own short name differs in a way that matters to the Centre's readers (the State of Palestine, the Holy
See, the two Congos, Myanmar), the UN name is used instead (UN_NAMES, from the UNTERM country names).

English pages keep the record's own names (the UN's English short names, and a State's name as at a date for the
historical reports); other languages show CLDR's name for today's State. Everything here is in memory, built once
per process: no query, and matching a name is a dictionary walk over ~1,200 names.
"""
from __future__ import annotations

import csv
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale

ALPHA2_FILE = Path(__file__).resolve().parents[2] / "data" / "reference" / "state_alpha2.csv"

#: The UN's short names where CLDR's everyday ones would misname a State to the Centre's readers.
UN_NAMES = {
    "PS": {"fr": "État de Palestine", "es": "Estado de Palestina", "ar": "دولة فلسطين", "ru": "Государство Палестина",
           "zh": "巴勒斯坦国"},
    "VA": {"fr": "Saint-Siège", "es": "Santa Sede", "ar": "الكرسي الرسولي", "ru": "Святой Престол", "zh": "教廷"},
    "CG": {"fr": "Congo", "es": "Congo", "ar": "الكونغو", "ru": "Конго", "zh": "刚果"},
    "CD": {"fr": "République démocratique du Congo", "es": "República Democrática del Congo",
           "ar": "جمهورية الكونغو الديمقراطية", "ru": "Демократическая Республика Конго", "zh": "刚果民主共和国"},
    "MM": {"fr": "Myanmar", "es": "Myanmar", "ar": "ميانمار", "ru": "Мьянма", "zh": "缅甸"},
}


@lru_cache(maxsize=1)
def alpha2_codes() -> dict[str, str]:
    """alpha-3 code of the record -> ISO alpha-2 (EUU -> EU: CLDR names the European Union too)."""
    with ALPHA2_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["alpha2"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=64)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).territories)
    except (ValueError, LookupError):  # a language CLDR does not know: no names to offer
        return {}


def cldr_name(code: str, language: str) -> str | None:
    """The short name in `language` of the State whose record code is `code`, or None when there is none."""
    alpha2 = alpha2_codes().get(code)
    if alpha2 is None:
        return None
    return UN_NAMES.get(alpha2, {}).get(language) or _territories(language).get(alpha2)


def local_name(state, language: str, day: date | None = None) -> str:
    """How a page in `language` names `state` (as at `day` when given): the record's name in English and for a name
    the State no longer bears (Yugoslavia in a 2001 report stays "Yugoslavia"), else CLDR's name of today's State."""
    recorded = state.name_on(day) if day is not None else state.name
    if language == "en" or recorded != state.name:
        return recorded
    return cldr_name(state.code, language) or recorded


def fold(text: str) -> str:
    """How names are compared: case, accents and apostrophe styles ignored, in any script (Кения, الجزائر, 肯尼亚
    keep their letters; "algérie" and "Algerie" meet)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@lru_cache(maxsize=8)
def _name_index(languages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(folded name, record code) for every State's name in every one of `languages`."""
    index = set()
    for code in alpha2_codes():
        for language in languages:
            name = cldr_name(code, language)
            if name:
                index.add((fold(name), code))
    return tuple(sorted(index))


def codes_named(text: str, languages: tuple[str, ...]) -> set[str]:
    """The record codes of the States whose name in any of `languages` contains `text` ("Bolivie", "Brasil",
    "Кения", "الجزائر"): what the lists, the global search and the States picker add to the record's own names."""
    needle = fold(text or "")
    if not needle:
        return set()
    return {code for name, code in _name_index(tuple(languages)) if needle in name}
