"""The Context Tree: markdown entries on disk, canonical for everything distilled."""
