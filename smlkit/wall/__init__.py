"""The workshop wall: prompts, the room's answers, tallies, moderation, and their records."""
