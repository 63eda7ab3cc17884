"""Outcomes: what assisted States did next on each instrument. Over every State: outcome_record reads the record
and filters its rows, outcome_summary computes the figures (and which States may be named to the caller), and
outcome_series makes the charts' series; for one State, outcome_timeline. Descriptive, never causal. Imports core,
registry, treaties."""
