"""Readers for external file formats in plain Python: no Flask, no database."""
