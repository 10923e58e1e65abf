"""Key management and secret handling."""
