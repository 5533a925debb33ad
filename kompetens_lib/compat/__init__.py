"""Facades for the module names of the flat layout (``kompetens_lib.results``, ``.params``, …)
that notebooks and participant copies already handed out still use; nothing else imports them."""
