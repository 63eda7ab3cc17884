"""NumberListField: record numbers typed as text, where the records are too many to list as options."""
from werkzeug.datastructures import MultiDict
from wtforms import Form

from forms.base import NumberListField


class _Form(Form):
    requests = NumberListField("Requests")


def _filled(*values):
    form = _Form(MultiDict([("requests", v) for v in values]))
    return form, form.validate()


def test_numbers_are_read_with_or_without_the_hash_and_any_separator():
    form, valid = _filled("#12, 15; 31  #12")
    assert valid and form.requests.data == [12, 15, 31]
    assert form.requests._value() == "#12, #15, #31"


def test_a_json_array_fills_it_like_a_multiple_select():
    form, valid = _filled("4", "9")
    assert valid and form.requests.data == [4, 9]


def test_what_is_not_a_number_is_named():
    form, valid = _filled("#12, abc, -3, 1e3")
    assert not valid
    assert form.requests.errors == ["Not a number: abc, -3, 1e3. Give numbers like #12, 15."]


def test_empty_is_no_link_and_too_many_is_refused():
    form, valid = _filled("")
    assert valid and form.requests.data == []
    form, valid = _filled(", ".join(str(n) for n in range(1, NumberListField.MAX_NUMBERS + 2)))
    assert not valid and form.requests.errors == [f"At most {NumberListField.MAX_NUMBERS} numbers."]
