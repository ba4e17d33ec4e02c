"""The benchmark cases; each returns a Markdown section for RESULTS.md."""
