"""Loading files: the schema-checked data-file loader, the packaged folders, spreadsheets in and out."""
