"""Saved views (issue 29): the filters and sort of a list kept under a name, for oneself or shared with the team
(view_reads: the views a user may open; view_writes: save, delete, with their audit entries).
Imports core and accounts only; which parameters a list takes comes from its filter form (forms/saved_views.py).
"""
