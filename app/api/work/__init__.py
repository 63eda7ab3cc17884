"""The work loop through the API: activity reports and their review (report_endpoints), follow-up actions
(action_endpoints)."""
