"""Shared toolkit with no domain words: atomic files, text, frame checks, import speed-ups."""
