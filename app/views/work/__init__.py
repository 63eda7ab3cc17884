"""Pages of the work loop: activity reports and their review (report_pages), follow-up actions (action_pages)."""
