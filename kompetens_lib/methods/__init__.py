"""The analysis core: breakdown, supply, need, balance and back-test (tidy frame → tidy frame)."""
