"""Messages of forms made of parts: a form class is built once, at import, so what it says is made text only when a
page shows it, in that page's language."""
from flask_babel import LazyString, format_number, gettext


def at_most_characters(limit: int) -> LazyString:
    """"At most 50,000 characters.", with the number written the reader's way."""
    return LazyString(lambda: gettext("At most %(limit)s characters.", limit=format_number(limit)))


def lazy_sentences(*parts) -> LazyString:
    """Sentences (lazy or not) written one after the other, each in the language of the page that shows them."""
    return LazyString(lambda: " ".join(str(part) for part in parts))
