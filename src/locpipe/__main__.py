"""``python -m locpipe``: the same as the ``locpipe`` command."""

from locpipe.cli import main

if __name__ == "__main__":
    main(prog_name="locpipe")
