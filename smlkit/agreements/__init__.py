"""Learning agreements: the five-question model, mentor feedback, versions, files and records."""
