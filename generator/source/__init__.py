"""The content folder's files as text: YAML read with the line and column of every value
(`yaml_source`), the checks every field shares (`fields`, `controls`), names that become URLs
(`slugs`) and numbers as a clerk writes them (`numbers`). Nothing here knows a report format."""
