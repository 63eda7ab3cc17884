"""Accounts: creating and changing them, roles, donor binding, passwords, API tokens, sign-in events.
Imports core and registry."""
