"""Reference code lists: counties, education groups, age bands."""
