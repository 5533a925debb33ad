"""Everything that displays: theme, charts, HTML tables, key figures, page export, widgets."""
