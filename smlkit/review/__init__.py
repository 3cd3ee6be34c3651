"""The heads' self-review: instrument, scale, analysis, action plan, reports and records."""
