"""Seeding the database: the reference record of A/58/165 with the shipped depositary tables (`flask seed
reference`) and deterministic synthetic data at scale for benchmarks (`flask seed synthetic`). Not used by any
page; imports the services it writes through."""
