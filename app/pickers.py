"""Binding a form's type-ahead pickers (forms.pickers) to the records they name, in the caller's scope.

`bind(form, scope)` reads every picker of the form, its rows' included, looks the chosen keys up with one query per
kind (a State in four places of the activity form is still one query for States), resolves names typed in the
no-JavaScript text box (one query each: only such a post has them), and leaves each picker with its chosen
records as its only options. A key the scope does not reach gets no option, so the form refuses it.
"""
from collections import defaultdict

from app.scoping import Scope
from app.services.overview import lookup
from forms.pickers import _Picker


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
        wanted[field.kind].update(k for k in map(field.key_of, field.picked()) if k is not None)
    labelled = {kind: lookup.labels(kind, scope, keys) for kind, keys in wanted.items()}
    for field in fields:
        found = labelled.get(field.kind, {})
        keys, problems = [], []
        for value in field.picked():
            key = field.key_of(value)
            if key is None:  # a name typed in the text box
                item, problem = lookup.resolve(field.kind, scope, str(value)[:lookup.MAX_QUERY])
                if problem:
                    problems.append(problem)
                    continue
                key = field.key_of(item.id)
                found = {**found, key: item.label}
            keys.append(key)
        field.settle(keys, found, problems)

