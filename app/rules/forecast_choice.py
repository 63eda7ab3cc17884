"""The forecast of an instrument's entry into force as at a date D: the model chosen by a rolling-origin backtest on
what was known by D, and intervals calibrated on the errors known by D (split conformal). Plain Python, no database.

The procedure, as the README gives it:

1. **Origins.** Each instrument has a fixed grid of past origins: every 30 days after its first counted deposit.
   Every model is fitted at every origin from the record as at that origin only (`diffusion.history`).
2. **Errors known by D.** For each instrument J of the record (this one and the others) let m be the count J had
   reached by D, capped at its threshold (40). For every origin D' of J before D at which J had fewer than m
   deposits, the date J reached m is known by D; the model's error there is log(real wait / forecast wait), the
   waits counted in days from D'. For an instrument whose 40th deposit came before D, m is 40: its completed
   history; for this instrument and the others still on their way, m is where they stood on D: their own history.
   Nothing dated after D enters: not a deposit, not a signature, not an outcome.
3. **Choice.** Each model's score is its mean absolute error over this instrument's own errors and, equally
   weighted, over the other instruments' (whichever exist); the model with the lowest score that can reach the
   threshold from D is used. With no error known yet, `diffusion.DEFAULT_MODEL`.
4. **Intervals.** The chosen model's errors known by D, sorted, give the split-conformal bounds of the 50% and 80%
   intervals of the wait (the floor(a/2 (n+1))-th and ceil((1 - a/2)(n+1))-th errors, a = 1 - level). When the
   model has too few errors for a level, the errors of every model known by D are pooled (a wider, more
   conservative interval, and the page says so); with fewer still, no interval is given.
5. The 40th deposit's date gives entry into force 90 days later; a Protocol's never before its Convention's (the
   Convention's own known date, or its forecast as at D, bound by bound).
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass

from app.rules import diffusion
from app.rules import treaties as rules


def N_(text: str) -> str:
    """Marks a note for the catalogues without translating it: a projection is stored once for every reader, so its
    note stays English here and the page translates it where it is shown."""
    return text


class Note(str):
    """A projection's note: its English text (what the API and a test read), made of sentences each kept as its
    message (marked N_) and the values it names, so that a page can say every sentence in its reader's language."""

    parts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def __new__(cls, *parts: tuple[str, dict]):
        kept = tuple((message, tuple(sorted(values.items()))) for message, values in parts)
        note = super().__new__(cls, " ".join(message % dict(values) for message, values in kept))
        note.parts = kept
        return note

    def __add__(self, other: Note) -> Note:
        return Note(*((m, dict(v)) for m, v in self.parts + other.parts))

    def __reduce__(self):
        return Note, tuple((m, dict(v)) for m, v in self.parts)

date = datetime.date
timedelta = datetime.timedelta

#: The interval levels given, in percent.
LEVELS = (50, 80)
#: Errors are clipped to ±CAP on the log scale (a forecast 55 times too long or short is wrong whatever its size).
CAP = 4.0
#: Spacing of the origins, in days.
STEP_DAYS = 30
#: Waits past this many days are beyond any useful calendar (and Python's dates).
MAX_DAYS = 365 * 300


@dataclass(frozen=True)
class Track:
    """One instrument's whole record as the rules need it (its actions up to the record's last day)."""
    code: str
    start: date
    threshold: int
    days_after: int
    parent: str | None
    actions: tuple[rules.Action, ...]

    def history(self, day: date) -> diffusion.History:
        return diffusion.history(self.code, self.start, self.actions, day)

    def terms(self, tracks: dict[str, Track]) -> rules.Terms:
        parent = tracks[self.parent].terms(tracks) if self.parent in tracks else None
        return rules.Terms(self.code, self.threshold, self.days_after, parent=parent)


def origins(track: Track, until: date) -> list[date]:
    """The grid of past origins of `track`: every STEP_DAYS days after its first counted deposit, before `until`."""
    first = track.history(until).deposits[:1]
    if not first:
        return []
    out, day = [], first[0] + timedelta(days=STEP_DAYS)
    while day < until:
        out.append(day)
        day += timedelta(days=STEP_DAYS)
    return out


#: A function giving the fit of (instrument code, day, model key): the service keeps them per record stamp.
Fitter = Callable[[str, date, str], "diffusion.Fit | None"]


def plain_fitter(tracks: dict[str, Track]) -> Fitter:
    """A fitter computing every fit anew (tests, and a store's misses)."""
    def fit(code: str, day: date, key: str):
        return diffusion.MODELS[key].fit(tracks[code].history(day))
    return fit


def log_error(real_days: float, forecast_days: float) -> float:
    """log(real wait / forecast wait), clipped to ±CAP: positive when the forecast came too early."""
    if not math.isfinite(forecast_days):
        return -CAP
    return max(-CAP, min(CAP, math.log(max(real_days, 1.0) / max(forecast_days, 1.0))))


@dataclass(frozen=True)
class Errors:
    """The errors known by a date, per model: (instrument code, error) pairs."""
    by_model: dict[str, tuple[tuple[str, float], ...]]

    def of(self, key: str) -> list[float]:
        return [e for _code, e in self.by_model.get(key, ())]

    def pooled(self) -> list[float]:
        return [e for pairs in self.by_model.values() for _code, e in pairs]

    def score(self, key: str, code: str) -> float:
        """Mean absolute error over `code`'s own errors and the others', equally weighted (inf: none known)."""
        pairs = self.by_model.get(key, ())
        own = [abs(e) for c, e in pairs if c == code]
        other = [abs(e) for c, e in pairs if c != code]
        means = [sum(v) / len(v) for v in (own, other) if v]
        return sum(means) / len(means) if means else math.inf


def errors_known_by(tracks: dict[str, Track], day: date, fitter: Fitter) -> Errors:
    """Every model's errors whose outcome is known by `day` (step 2 of the procedure)."""
    found: dict[str, list[tuple[str, float]]] = {key: [] for key in diffusion.MODELS}
    for code, track in tracks.items():
        deposits = track.history(day).deposits
        level = min(len(deposits), track.threshold)
        if level < 2:
            continue
        reached = deposits[level - 1]
        for origin in origins(track, day):
            if origin >= reached:
                break
            if sum(1 for d in deposits if d <= origin) >= level:
                continue
            real = (reached - origin).days
            for key in diffusion.MODELS:
                fit = fitter(code, origin, key)
                if fit is not None:
                    found[key].append((code, log_error(real, fit.days_to(level))))
    return Errors({k: tuple(v) for k, v in found.items()})


@dataclass(frozen=True)
class Interval:
    """One calibrated interval of the entry into force; `source` says which errors calibrated it: "model" (the
    model's own), "pooled" (every model's: too few of its own) or "none" (too few errors known by the date)."""
    level: int
    low: date | None
    high: date | None
    source: str
    errors: int

    def holds(self, day: date) -> bool | None:
        """Whether `day` lies inside; None when there is no interval. A low bound past the calendar holds nothing."""
        if self.source == "none":
            return None
        return self.low is not None and self.low <= day and (self.high is None or day <= self.high)


def conformal_bounds(errors: list[float], level: int) -> tuple[float, float] | None:
    """The split-conformal bounds of the log error for `level` percent, or None when too few errors."""
    ordered, n = sorted(errors), len(errors)
    # In whole numbers: (1 - 80/100) / 2 * 20 is 1.9999… in floating point, and its floor would be 1, not 2.
    low, high = (100 - level) * (n + 1) // 200, -(-(100 + level) * (n + 1) // 200)
    if low < 1 or high > n:
        return None
    return ordered[low - 1], ordered[high - 1]


def add_days(day: date, days: float) -> date | None:
    """`day` + `days`, None when past MAX_DAYS or the calendar."""
    if not math.isfinite(days) or days > MAX_DAYS:
        return None
    try:
        return day + timedelta(days=round(days))
    except OverflowError:
        return None


def intervals(day: date, wait: float, errors: Errors, key: str, shift: int) -> tuple[Interval, ...]:
    """The 50% and 80% intervals of entry into force (threshold wait from `day` plus `shift` days)."""
    out = []
    for level in LEVELS:
        own = errors.of(key)
        bounds, source, n = conformal_bounds(own, level), "model", len(own)
        if bounds is None:
            pooled = errors.pooled()
            bounds, source, n = conformal_bounds(pooled, level), "pooled", len(pooled)
        if bounds is None or not math.isfinite(wait):
            out.append(Interval(level, None, None, "none", n))
            continue
        low = add_days(day, wait * math.exp(bounds[0]) + shift)
        high = add_days(day, wait * math.exp(bounds[1]) + shift)
        out.append(Interval(level, low, high, source, n))
    return tuple(out)


@dataclass(frozen=True)
class ModelForecast:
    """What one model forecasts as at the date: the entry into force, its intervals, its score (mean absolute log
    error known by the date; inf when none) and how many errors it had."""
    key: str
    projected_threshold_date: date | None
    projected_eif: date | None
    intervals: tuple[Interval, ...]
    score: float
    errors: int

    @property
    def label(self) -> str:
        return diffusion.label(self.key)

    def interval(self, level: int) -> Interval | None:
        return next((i for i in self.intervals if i.level == level), None)


@dataclass(frozen=True)
class Projection:
    """An instrument's forecast as at `as_of`. `reached`: the threshold deposit is made, the dates are the known
    ones (`model` is then None). Otherwise `model` is the key chosen and `models` what each model forecasts."""
    code: str
    as_of: date
    threshold: int
    counted: int
    reached: bool
    model: str | None
    projected_threshold_date: date | None
    projected_eif: date | None
    intervals: tuple[Interval, ...]
    models: tuple[ModelForecast, ...]
    note: Note = Note()

    @property
    def needed(self) -> int:
        return max(0, self.threshold - self.counted)

    @property
    def chosen(self) -> ModelForecast | None:
        return next((m for m in self.models if m.key == self.model), None)

    def interval(self, level: int) -> Interval | None:
        return next((i for i in self.intervals if i.level == level), None)

    @property
    def projected(self) -> bool:
        return self.projected_eif is not None

    @property
    def eif_low(self) -> date | None:
        """The 80% interval's low bound (what the chart shades)."""
        widest = self.interval(LEVELS[-1])
        return widest.low if widest else None

    @property
    def eif_high(self) -> date | None:
        widest = self.interval(LEVELS[-1])
        return widest.high if widest else None


def _later(a: date | None, b: date | None) -> date | None:
    """The later of two dates; None (unknown, or past the calendar) when either is."""
    return None if a is None or b is None else max(a, b)


def _under_parent(own: tuple[Interval, ...], parent: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """A Protocol's intervals, bound by bound never before its Convention's."""
    out = []
    for mine in own:
        theirs = next((p for p in parent if p.level == mine.level), None)
        if mine.source == "none":
            out.append(mine)
        elif theirs is None or theirs.source == "none":  # the Convention's date is not bounded: neither is this
            out.append(Interval(mine.level, None, None, "none", mine.errors))
        else:
            source = "pooled" if "pooled" in (mine.source, theirs.source) else "model"
            high = None if mine.high is None or theirs.high is None else max(mine.high, theirs.high)
            out.append(Interval(mine.level, _later(mine.low, theirs.low), high, source, mine.errors))
    return tuple(out)


def _model_forecast(track: Track, day: date, key: str, errors: Errors, fitter: Fitter) -> ModelForecast:
    fit = fitter(track.code, day, key)
    wait = fit.days_to(track.threshold) if fit is not None else math.inf
    threshold_date = add_days(day, wait)
    eif = add_days(threshold_date, track.days_after) if threshold_date else None
    return ModelForecast(key, threshold_date, eif, intervals(day, wait, errors, key, track.days_after),
                         errors.score(key, track.code), len(errors.of(key)))


def _ranked_models(track: Track, day: date, errors: Errors, fitter: Fitter, every: bool) -> tuple:
    """Every model's forecast (`every`), or only those needed to find the chosen one: in the order of their scores
    (the default first when none has one), fitted until one can reach the threshold (a Convention bounding its
    Protocol needs no more)."""
    if every:
        return tuple(_model_forecast(track, day, key, errors, fitter) for key in diffusion.MODELS)
    keys = list(diffusion.MODELS)
    scored = sorted((k for k in keys if math.isfinite(errors.score(k, track.code))),
                    key=lambda k: (errors.score(k, track.code), k))
    # as `project` chooses: the best score that projects, else the default, else the first that projects
    order = scored + sorted((k for k in keys if k not in scored),
                            key=lambda k: (k != diffusion.DEFAULT_MODEL, keys.index(k)))
    found = []
    for key in order:
        found.append(_model_forecast(track, day, key, errors, fitter))
        if found[-1].projected_threshold_date is not None:
            break
    return tuple(found)


def project(tracks: dict[str, Track], code: str, day: date, fitter: Fitter,
            errors: Errors | None = None, every: bool = True) -> Projection:
    """The forecast of `code`'s entry into force as at `day`, from what was known by `day` only (with what every
    model says, unless `every` is false: then only the chosen model's)."""
    track = tracks[code]
    terms = track.terms(tracks)
    parent_actions = tracks[track.parent].actions if track.parent in tracks else ()
    status = rules.status(terms, track.actions, day, parent_actions)
    base = dict(code=code, as_of=day, threshold=track.threshold, counted=status.parties_counted)
    if status.threshold_deposit is not None:
        known = status.entry_into_force
        if known is not None or track.parent not in tracks:
            fixed = tuple(Interval(level, known, known, "model", 0) for level in LEVELS)
            return Projection(**base, reached=True, model=None, projected_threshold_date=status.threshold_deposit.date,
                              projected_eif=known, intervals=fixed, models=())
        # Its own 40 are in, its Convention's are not: the Convention's forecast decides.
        parent = project(tracks, track.parent, day, fitter, errors, every=False)
        own = status.threshold_deposit.date + timedelta(days=track.days_after)
        return Projection(**base, reached=True, model=parent.model,
                          projected_threshold_date=status.threshold_deposit.date,
                          projected_eif=_later(own, parent.projected_eif),
                          intervals=tuple(Interval(i.level, _later(own, i.low), i.high and max(own, i.high), i.source,
                                                   i.errors) for i in parent.intervals),
                          models=(), note=Note((N_("Waits for the %(code)s, whose forecast decides the date."),
                                                {"code": track.parent})))
    errors = errors if errors is not None else errors_known_by(tracks, day, fitter)
    models = _ranked_models(track, day, errors, fitter, every)
    able = [m for m in models if m.projected_threshold_date is not None]
    if not able:
        return Projection(**base, reached=False, model=None, projected_threshold_date=None, projected_eif=None,
                          intervals=tuple(Interval(level, None, None, "none", 0) for level in LEVELS), models=models,
                          note=Note((N_("Too few counted deposits yet: no model can project the threshold."), {})))
    known = [m for m in able if math.isfinite(m.score)]
    chosen = min(known, key=lambda m: (m.score, m.key)) if known else \
        next((m for m in able if m.key == diffusion.DEFAULT_MODEL), able[0])
    eif, spans, note = chosen.projected_eif, chosen.intervals, Note()
    if not known:
        note = Note((N_("No backtest error is known by this date: the model is the default, not a choice."), {}))
    if track.parent in tracks:
        parent = project(tracks, track.parent, day, fitter, errors, every=False)
        if parent.projected_eif and eif and parent.projected_eif > eif:
            note = note + Note((N_("A Protocol cannot enter into force before the Convention: the %(code)s's date "
                                   "applies."), {"code": track.parent}))
        eif, spans = _later(eif, parent.projected_eif), _under_parent(spans, parent.intervals)
        models = tuple(_bound_by(m, parent) for m in models)
    return Projection(**base, reached=False, model=chosen.key, projected_threshold_date=chosen.projected_threshold_date,
                      projected_eif=eif, intervals=spans, models=models, note=note)


def _bound_by(mine: ModelForecast, parent: Projection) -> ModelForecast:
    """A Protocol's forecast by one model, never before its Convention's forecast."""
    return ModelForecast(mine.key, mine.projected_threshold_date, _later(mine.projected_eif, parent.projected_eif),
                         _under_parent(mine.intervals, parent.intervals), mine.score, mine.errors)
