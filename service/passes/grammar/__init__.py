"""passes/grammar."""
