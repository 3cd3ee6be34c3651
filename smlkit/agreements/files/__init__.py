"""Learning agreements as files: YAML and JSON, and printable Word and Markdown."""
