"""Learning-group files: rosters and mentor lists in, rules in, groups out."""
