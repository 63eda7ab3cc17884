"""The forecast's fitted models and its backtest, computed once per state of the treaty record and kept.

Everything the forecast of any instrument as at any date needs from the past — every model fitted at every origin
of every instrument, and the backtest on the real record — is computed by `compute()`, a plain function of the
record (no request, no user: it can run as a job), and kept per record stamp (`record_cache`): a page or an API
call then only fits the models at its own date. The record's content is the key of a second, small memory, so a
change of stamp that leaves the treaty actions as they were (a State renamed, a tests' fresh start) reuses what
was computed.
"""
from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass
from types import MappingProxyType

import sqlalchemy as sa

from app.rules import diffusion
from app.rules import forecast_backtest as backtesting
from app.rules import forecast_choice as choice
from app.services.core import record_cache
from app.services.treaties import treaty_record
from models import Instrument, db
from models.record_version import TREATIES

date = datetime.date

#: Per record stamp: the computed store (one entry; a few stamps kept while requests of an older one finish).
STORES = record_cache.cache(TREATIES, 4)
_by_content: OrderedDict = OrderedDict()
_lock = threading.Lock()
#: Stores kept by content.
CONTENT_SIZE = 4
_MISSING = object()


@dataclass(frozen=True)
class Store:
    """The record as the forecast reads it, every model fitted at every origin, and the backtest."""
    tracks: MappingProxyType
    complete_to: date
    fits: MappingProxyType
    backtest: backtesting.Backtest

    def fitter(self) -> choice.Fitter:
        """Fits from the store, the others computed (a date off the grid)."""
        tracks, kept = self.tracks, self.fits

        def fit(code: str, day: date, key: str):
            found = kept.get((code, day, key), _MISSING)
            if found is _MISSING:
                found = diffusion.MODELS[key].fit(tracks[code].history(day))
            return found
        return fit


def load_record() -> tuple[dict[str, choice.Track], date]:
    """Every instrument's actions as the forecast reads them (two queries), and the day the record is complete to
    (the latest of the instruments'; today when none says)."""
    instruments = list(db.session.scalars(sa.select(Instrument).order_by(Instrument.id)))
    actions = treaty_record.load_actions({i.id for i in instruments})
    codes = {i.id: i.code for i in instruments}
    tracks = {i.code: choice.Track(i.code, i.adopted_date, i.threshold, i.days_after_threshold,
                                   codes.get(i.supplements_id), tuple(actions[i.id])) for i in instruments}
    known = [i.record_complete_to for i in instruments if i.record_complete_to]
    return tracks, max(known) if known else date.today()


def compute(tracks: dict[str, choice.Track], complete_to: date) -> Store:
    """Fit every model at every origin of every instrument, then run the backtest (a few seconds; no database)."""
    fits: dict = {}
    plain = choice.plain_fitter(tracks)

    def fitter(code: str, day: date, key: str):
        if (code, day, key) not in fits:
            fits[(code, day, key)] = plain(code, day, key)
        return fits[(code, day, key)]
    for code, track in tracks.items():
        deposits = track.history(complete_to).deposits
        until = deposits[track.threshold - 1] if len(deposits) >= track.threshold else complete_to
        for origin in choice.origins(track, until):
            for key in diffusion.MODELS:
                fitter(code, origin, key)
    result = backtesting.run(tracks, complete_to, fitter)
    return Store(MappingProxyType(dict(tracks)), complete_to, MappingProxyType(fits), result)


def _stored(tracks: dict[str, choice.Track], complete_to: date) -> Store:
    key = (tuple(sorted(tracks.items())), complete_to)
    with _lock:
        if key in _by_content:
            _by_content.move_to_end(key)
            return _by_content[key]
    made = compute(tracks, complete_to)
    with _lock:
        _by_content[key] = made
        while len(_by_content) > CONTENT_SIZE:
            _by_content.popitem(last=False)
    return made


def run_backtest() -> Store:
    """Load the record and compute (or find) its store: the job's body, and what the first visit after a change of
    the record does."""
    return _stored(*load_record())


def store() -> Store:
    """The store of the record as it stands (one query for the stamp once computed)."""
    return STORES.get(("store",), run_backtest)


def projection(code: str, day: date) -> choice.Projection:
    """The forecast of `code` as at `day` from the kept fits (only the fits at `day` itself are computed)."""
    kept = store()
    return choice.project(dict(kept.tracks), code, day, kept.fitter())


def backtest() -> tuple[backtesting.Backtest, date]:
    """The backtest on the record as it stands, and the day the record is complete to."""
    kept = store()
    return kept.backtest, kept.complete_to
