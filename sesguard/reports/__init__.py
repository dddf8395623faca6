"""The report writers: one module per format, each ``write(document, report_dir) -> Path`` (the table is
:mod:`sesguard.findings.writers`)."""
