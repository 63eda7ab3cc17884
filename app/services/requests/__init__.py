"""Requests for assistance: scoped reads (request_reads), every write through the guarded workflow
(request_writes), the managers' queue and the spreadsheet kind. Imports core, registry, treaties, sheets."""
