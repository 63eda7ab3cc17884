"""Backups: one consistent snapshot of the database and the attachment files, with a manifest, and its restore
into an empty installation (`flask backup create | restore`).

Imports core and attachments (where the files live), models/ and the database engine; no domain above them."""
