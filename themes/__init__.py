"""The default theme (templates and static assets), installed as package data of `generator.themes`."""
