"""Widgets for the workbook's dashboards, built from the core and talking to a Store.

Each dashboard is a module here with one class the notebook creates and displays.
"""
