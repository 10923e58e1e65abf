"""Full screens: browse/search, edit, timeline, review queue, daemon, help."""
