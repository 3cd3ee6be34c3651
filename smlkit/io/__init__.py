"""Import and export: files people bring (rosters, agreements) and files they take away
(DOCX, Markdown, XLSX, CSV). One module per kind of document; no widgets here."""
