"""What the tests and the benchmarks share: starting servers and talking to a dashboard like its page does."""
