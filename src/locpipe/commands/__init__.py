"""Extra CLI commands, one module each.

A module here defines click commands and lists them in ``COMMANDS``; the
``locpipe`` group registers them all.  Shared helpers (``pass_context``,
``Context``, ``lang_option``, ``_run``) come from :mod:`locpipe.cli`.
"""
