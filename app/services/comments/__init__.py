"""Comments: staff discussing a request, an activity or a report where it lives — writing and editing them within
their window (comment_writes), reading a record's thread and a colleague's mentions (comment_reads), and reading
the @mentions in a text (mentions). Imports core and accounts' models.

Donors never see comments (app.permissions keeps them off every comment route); which record a comment may be
added to is checked by the caller, who loads that record through its own scoped read.
"""
