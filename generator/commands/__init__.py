"""One command-line verb per module, each `run(args) -> exit code`."""
