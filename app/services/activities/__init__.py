"""Activities (missions, seminars, meetings, written analyses): scoped reads (activity_reads), saving one whole
(activity_writes), the spreadsheet kind and calendar feed tokens. Imports core, registry, treaties, sheets,
requests."""

# The period report's kept figures follow every flush (its listener), whoever writes: registered with the package.
from app.services.activities import period_months  # noqa: E402,F401
