"""Live preview for `nianbao serve`: watch the sources, rebuild, serve on loopback, reload the page."""
