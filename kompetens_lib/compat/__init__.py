"""Facades for the module names of the flat layout (``kompetens_lib.results``, ``.brief``, …)
that notebooks and participant copies already handed out still use. Only the lazy
``kompetens_lib.LEGACY_MODULES`` lookup imports them; nothing in the library does."""
