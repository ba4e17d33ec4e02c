"""``locpipe backends``: which engines exist, which are usable now, Apertium's routes."""

from __future__ import annotations

import click

from locpipe.commands.runner import Context, pass_context, run_step
from locpipe.errors import LocpipeError


def backend_rows() -> list[tuple[str, str, str, str]]:
    """(name, kind, usable, details) for every registered backend."""
    from locpipe.mt import BACKENDS
    from locpipe.mt.apertium import ApertiumBackend, discover_modes
    from locpipe.mt.online import OnlineBackend

    rows = []
    for name, cls in sorted(BACKENDS.items()):
        if issubclass(cls, OnlineBackend):
            usable, why = cls.availability()
            env = ", ".join(
                f"{var}{'' if required else ' (optional)'}" for var, required in cls.env
            )
            details = why + (f"; env: {env}" if env else "")
            rows.append((name, cls.kind, "yes" if usable else "no", details))
        elif cls is ApertiumBackend:
            modes = discover_modes()
            usable = "yes" if modes else "no"
            details = f"{len(modes)} installed modes" if modes else "apt-get install -y apertium"
            rows.append((name, "offline", usable, details))
        else:
            rows.append((name, "offline", "yes", "pseudo-localization for layout tests"))
    return rows


def apertium_routes(ctx: Context) -> list[str]:
    """One line per (source, target) pair of the project: Apertium's chain or why none."""
    from locpipe.mt.apertium import ApertiumBackend

    lines: list[str] = []
    try:
        project = ctx.project
    except LocpipeError:
        return lines  # no project here: list the engines only
    pairs = dict.fromkeys(
        (domain.source_language, target)
        for domain in project.domains()
        for target in domain.targets
    )
    engine = ApertiumBackend(options={"chains": project.config.apertium_chains})
    for source, target in pairs:
        try:
            chain = engine.route(source, target)
        except LocpipeError as exc:
            lines.append(f"  {source} → {target}: unreachable: {exc}")
            continue
        pivots = [m.split("-")[1].split("_")[0] for m in chain[:-1]]
        pivot = f" (pivot: {', '.join(pivots)})" if pivots else " (direct)"
        lines.append(f"  {source} → {target}: {' | '.join(chain)}{pivot}")
    return lines


@click.command()
@pass_context
def backends(ctx: Context) -> None:
    """List translation backends, whether each is usable now, and Apertium's routes."""

    def run() -> None:
        rows = [("backend", "kind", "usable", "details"), *backend_rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:3])]
            click.echo("  ".join([*cells, row[3]]))
        routes = apertium_routes(ctx)
        if routes:
            click.echo("\napertium routes for this project:")
            for line in routes:
                click.echo(line)

    run_step(run)
