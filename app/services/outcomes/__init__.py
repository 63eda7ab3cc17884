"""Outcomes: what assisted States did next on each instrument, over every State (outcome_summary) and for one
(outcome_timeline). Descriptive, never causal. Imports core, registry, treaties."""
