"""Read-only views across domains: each role's dashboard, the global search, the period report of A/58/165
regenerated for any period, and the home page's figures. Writes nothing; imports any domain below it."""
