"""Serving the workbook: Voila with the workbook's pages, access rules and pools."""
