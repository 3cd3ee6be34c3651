"""How people appear and are protected: chosen names, respondent groups, small-group suppression."""
