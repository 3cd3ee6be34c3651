"""Learning groups: learners and mentors, forming groups by age under rules, meetings, rosters."""
