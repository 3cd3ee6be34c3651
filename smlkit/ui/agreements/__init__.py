"""The learning agreement page and its parts."""
