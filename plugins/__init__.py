"""Built-in plugins: importers and capture sources, registered like third-party ones."""
