"""Donors' money: contributions and their steps, allocations to activities, the donor portal and totals (one
query grouped by donor, currency and status), statements, exchange rates and the IATI file. Imports core, registry,
treaties."""
