"""Mentoring rehearsal: branching scenarios, their checks and files, the debrief and records."""
