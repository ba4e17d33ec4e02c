"""A locpipe command on a chosen process pool: ``python -m locbench.poolrun POOL ARGS...``.

``POOL`` is ``executor`` (locpipe's own, ``ProcessPoolExecutor``) or ``fork``
(the former home-made pool, :mod:`locbench.forkpool`); the rest is the
command line of ``locpipe``.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    pool, *args = argv
    if pool == "fork":
        from locbench.forkpool import ForkPool
        from locpipe import parallel

        parallel._in_pool = lambda func, items, workers: ForkPool(func, items, workers).run()
    elif pool != "executor":
        raise SystemExit(f"poolrun: unknown pool {pool!r} (fork or executor)")
    from locpipe.cli import main as locpipe

    locpipe(args, prog_name="locpipe")


if __name__ == "__main__":
    main(sys.argv[1:])
