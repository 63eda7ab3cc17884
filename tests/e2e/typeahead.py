"""Choosing in a type-ahead picker (app/static/pickers.js, Tom Select) as a person does: type, wait for the answer
from GET /api/v1/lookup/<kind>, press Enter."""


def pick(page, field_id: str, typed: str, label: str | None = None, replace: bool = False) -> None:
    """Type `typed` into the picker of `field_id` and take, with Enter, the active option once it holds `label`
    (what was typed, when no label is given). `replace`: Backspace first takes away the choice a single picker
    holds, as a person would before typing another."""
    page.focus(f"#{field_id}-ts-control")
    if replace:
        page.keyboard.press("Backspace")
    page.keyboard.type(typed)
    page.wait_for_selector(f"#{field_id}-ts-dropdown .option.active:has-text('{label or typed}')")
    page.keyboard.press("Enter")
