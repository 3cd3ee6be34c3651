"""The course: the plan, programmes and tracks, the timetable and the evaluation."""
