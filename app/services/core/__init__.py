"""What every domain uses: the one refusal (errors), the audit trail, record versions (no lost updates),
child-collection sync, the per-stamp record cache and the upload store. Imports no domain."""
