"""`python -m generator` is the same as the `nianbao` command."""

from generator.cli import entry

entry()
