"""The wall: the facilitator's console and the participant's answer page."""
