"""Activities (missions, seminars, meetings, written analyses): scoped reads (activity_reads), saving one whole
(activity_writes), the spreadsheet kind and calendar feed tokens. Imports core, registry, treaties, sheets,
requests."""
