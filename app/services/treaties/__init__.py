"""The treaty record: statuses computed by app.rules.treaties, actions entered by hand, the UN Treaty Collection
import and its browser previews, the per-instrument lock, the annex and party reports, reconciliation of the sources
and the entry-into-force forecast. Every read of TreatyAction goes through this package. Imports core, registry."""
