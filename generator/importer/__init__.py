"""`nianbao import`: existing reports (.docx, text copied from a portal) -> content files.

The steps, each in its own module: read the source into pieces (`pieces`, `docx_reader`),
recognise the format by its labels (`recognise`), read every table cell into its cell id
(`tables`), turn the rest into clean Markdown with the title, dates and signature lifted
out (`narrative`, `cleaning`, `dates`, `places`), take key figures from sentences
(`figures`), and assemble the report (`convert`). Whatever cannot be read is left out and
listed as a `Finding` with its source place, never guessed.
"""
