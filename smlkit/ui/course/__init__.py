"""The course's own forms: where are you now, and the evaluation."""
