"""The building blocks every dashboard shares: fields, forms, downloads, autosave, gates."""
