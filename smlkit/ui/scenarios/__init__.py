"""The mentoring rehearsal and the facilitator's debrief."""
