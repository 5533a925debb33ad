"""What each notebook shows, as tables: parameters, assumptions and one module per step."""
