"""locpipe: a localization pipeline for web articles."""

__version__ = "0.1.0"
