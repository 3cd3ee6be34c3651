"""Who may see what: participant tokens, facilitator sessions, the visitor a kernel serves, the Hub."""
