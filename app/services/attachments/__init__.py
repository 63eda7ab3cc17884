"""Attachments: files on requests, activities, reports, findings and contributions — the storage that keeps the
bytes outside the database (storage), the checks of what a file really is (file_checks), and the records of each
file and its versions (attachment_reads, attachment_writes). Imports core only.

Who may see or add a file is not decided here: the caller loads the record the file belongs to through that
record's own scoped read (a donor reaches a file only through a record it may see), then calls these functions
with it.
"""
