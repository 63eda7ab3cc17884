"""Forms of the work loop: an activity report and the moves of its review (report_forms), follow-up actions and
their lists (action_forms)."""
