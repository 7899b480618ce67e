"""Core of Peta Ekonomi: database, models, spatial queries and analysis (no Flask)."""
