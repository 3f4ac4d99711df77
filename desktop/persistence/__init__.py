"""Everything that outlives a run: the database, and the API token in the OS keyring."""
