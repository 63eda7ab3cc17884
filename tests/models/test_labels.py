"""Labels of the closed vocabularies (models/enums.py) in the reader's language, and remembered within an export."""
from flask_babel import force_locale

from models import enums
from models.enums import RequestStatus, labels_remembered


def test_a_label_is_in_the_readers_language(app):
    with app.test_request_context(), force_locale("fr"):
        french = RequestStatus.label_of("pending")
    with app.test_request_context():
        english = RequestStatus.label_of("pending")
    assert english == "Pending" and french != english


def test_within_an_export_each_label_is_translated_once(app, monkeypatch):
    translated = []
    real = enums.gettext
    monkeypatch.setattr(enums, "gettext", lambda text: translated.append(text) or real(text))
    with app.test_request_context(), force_locale("es"):
        with labels_remembered():
            labels = [RequestStatus.label_of("pending") for _ in range(50)]
            assert RequestStatus.label_of("no-such-status") == "no-such-status"
        assert translated == ["Pending"] and len(set(labels)) == 1 and labels[0] != "Pending"
        RequestStatus.label_of("pending")  # outside the block: translated again, nothing kept
        assert translated == ["Pending", "Pending"]
    with app.test_request_context(), force_locale("fr"), labels_remembered():  # a new block: its own language
        assert RequestStatus.label_of("pending") not in (labels[0], "Pending")
