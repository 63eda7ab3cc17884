"""Binding a form's type-ahead pickers (forms.pickers) to the records they name, in the caller's scope.

`bind(form, scope)` reads every picker of the form, its rows' included, looks the chosen keys up with one query per
kind and set (a State in four places of the activity form is still one query for States), resolves names typed in
the no-JavaScript text box (one query each: only such a post has them), and leaves each picker with its chosen
records as its only options. A key the scope does not reach (or outside the field's set, `among`) gets no option,
so the form refuses it.

`bind_filters(form, scope)` does the same for a list's filter pickers (forms.pickers.FilterPickerField), on pages
only: a name typed without JavaScript becomes the record's key, and each key gets the label the combobox and the
filter's chip show. The API reads keys, never names, so it calls neither.
"""
from collections import defaultdict

from app.scoping import Scope
from app.services.overview import lookup
from forms.pickers import FilterPickerField, _Picker


def pickers_of(form) -> list[_Picker]:
    """Every picker of `form`, those of its rows (FieldList, FormField) included."""
    found = []
    for field in form:
        entries = getattr(field, "entries", None)
        if entries is not None:
            for entry in entries:
                sub = getattr(entry, "form", None)
                found.extend(pickers_of(sub) if sub is not None else [entry] if isinstance(entry, _Picker) else [])
        elif isinstance(field, _Picker):
            found.append(field)
    return found


def bind(form, scope: Scope) -> None:
    """Fill the options of every picker of `form` with the records it holds (see the module)."""
    fields = pickers_of(form)
    wanted = defaultdict(set)
    for field in fields:
        wanted[field.kind, field.among].update(k for k in map(field.key_of, field.picked())
                                               if k is not None and k not in field.fixed_keys)
    labelled = {(kind, among): lookup.labels(kind, scope, keys, among) for (kind, among), keys in wanted.items()}
    for field in fields:
        found = labelled.get((field.kind, field.among), {})
        keys, problems = [], []
        for value in field.picked():
            key = field.key_of(value)
            if key is None:
                key = _fixed_named(field.fixed, value)
            if key is None:  # a name typed in the text box
                item, problem = lookup.resolve(field.kind, scope, str(value)[:lookup.MAX_QUERY], field.among)
                if problem:
                    problems.append(problem)
                    continue
                key = field.key_of(item.id)
                found = {**found, key: item.label}
            keys.append(key)
        field.settle(keys, found, problems)



def _fixed_named(fixed, text) -> str | None:
    """The key of the fixed choice ("Nobody") whose label was typed in full, any case."""
    wanted = str(text).strip().lower()
    return next((key for key, label in fixed if str(label).lower() == wanted), None)


def bind_filters(form, scope: Scope) -> None:
    """Resolve the names typed in a list's filter pickers and label every key they hold (see the module): one
    query per kind holding a key, one per name typed."""
    fields = [f for f in form if isinstance(f, FilterPickerField)]
    for field in fields:
        if field.is_name():
            key = _fixed_named(field.fixed, field.data)
            if key is None:
                item, problem = lookup.resolve(field.kind, scope, field.data[:lookup.MAX_QUERY], field.among)
                if problem:
                    field.problems.append(problem)
                    continue
                key, field.shown = item.id, item.label
            field.data = key
    wanted = defaultdict(set)
    for field in fields:
        if field.key() is not None and field.shown is None:
            wanted[field.kind].add(field.key())
    labelled = {kind: lookup.labels(kind, scope, keys) for kind, keys in wanted.items()}
    for field in fields:
        if field.shown is None and field.key() is not None:
            field.shown = labelled[field.kind].get(field.key())
