"""What every domain uses: the one refusal (errors), the audit trail, record versions (no lost updates),
child-collection sync, the per-stamp record cache, the upload store and the audit hash chain. Imports no domain."""
