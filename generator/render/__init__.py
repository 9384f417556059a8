"""Helpers the page builders (`generator.pages`) render with: the report's narrative and tables as
HTML (`views`, `tables`, `table_fill`), series across years and towns (`series`, `charts`), the data
downloads (`data_export`), feeds and the site's URLs (`feeds`, `urls`)."""
