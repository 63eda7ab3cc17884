"""Services own every write: build or change records, check the rules, write the audit entry, flush.

They never commit: the view (or the CLI command) owns the transaction and commits once.
"""
