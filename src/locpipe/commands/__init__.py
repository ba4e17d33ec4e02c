"""The CLI commands, one module each (``all`` is :mod:`locpipe.commands.all_steps`).

A module here defines one click command (or group): it parses the options,
calls a step of :mod:`locpipe.steps` and prints.  :data:`locpipe.cli.COMMANDS`
names each; what the commands share (:class:`~locpipe.commands.runner.Context`,
``--lang``, :func:`~locpipe.commands.runner.run_step`) is in
:mod:`locpipe.commands.runner`.  A module imports the steps inside its
command, so ``locpipe --help`` stays quick.
"""
