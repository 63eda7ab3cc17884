"""Forms: validation only. A form never writes to the database (models <- forms <- app)."""
