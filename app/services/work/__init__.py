"""The work loop: activity reports and their review (report_reads, report_writes, report_review), follow-up
actions (action_reads, action_writes), and the records files and comments belong to (attached_records: each
kind's scoped read and permissions, so a file or a comment is reached only through a record the caller may see).
Imports core, registry, accounts, attachments, comments, treaties, requests, activities, funding.
"""
