"""The build pipeline, one stage per module: load → validate → lint → plan → render → write."""
