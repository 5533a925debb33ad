"""Facades for the module names of the flat layout (``kl.brief``, ``kl.compare`` …) whose
names now live in more than one layer; only ``kompetens_lib.LEGACY_MODULES`` points here."""
