"""``locpipe weblate-config``: the Weblate components and discovery add-ons of the project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from locpipe.commands.runner import Context, pass_context, run_step

if TYPE_CHECKING:
    from locpipe.weblate import Component, WeblateConfig

_FIELDS = (  # (Weblate's label, attribute of Component)
    ("File format", "file_format"),
    ("File mask", "filemask"),
    ("Monolingual base language file", "template"),
    ("Template for new translations", "new_base"),
    ("Source language", "source_language"),
    ("Language filter", "language_regex"),
)
_ADDON_FIELDS = (  # (Weblate's label, configuration key)
    ("Regular expression to match translation files against", "match"),
    ("File format", "file_format"),
    ("Customize the component name", "name_template"),
    ("Define the monolingual base filename", "base_file_template"),
    ("Define the base file for new translations", "new_base_template"),
    ("Intermediate language file", "intermediate_template"),
    ("Language filter", "language_regex"),
    ("Clone add-ons from the main component to the newly created ones", "copy_addons"),
    ("Remove components for inexistent files", "remove"),
)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "(empty)"


def _component_lines(component: Component, indent: str) -> list[str]:
    lines = [f"{indent}{'Component name':<31}{component.name} (slug {component.slug})"]
    for label, attribute in _FIELDS:
        value = getattr(component, attribute)
        if attribute == "file_format":
            value = f"{value} (gettext PO file)"
        elif attribute == "template":
            value = f"{_value(value)}: bilingual PO"
        lines.append(f"{indent}{label:<31}{_value(value)}")
    return lines


def text_lines(config: WeblateConfig) -> list[str]:
    """The settings to type into Weblate's forms, one per line."""
    from locpipe.weblate import DISCOVERY_ADDON

    lines = [
        f"Weblate: {len(config.discoveries)} component discovery add-on"
        f"{'' if len(config.discoveries) == 1 else 's'} (one per source language) "
        f"create {len(config.components)} components; paths are relative to "
        f"{config.repository_root}",
    ]
    for number, discovery in enumerate(config.discoveries, start=1):
        lines += [
            "",
            f"{number}. Source language {discovery.source_language}: create the main "
            f"component by hand",
            *_component_lines(discovery.main, "   "),
            f'   then on it: Manage → Add-ons → "Component discovery" ({DISCOVERY_ADDON}):',
        ]
        for label, key in _ADDON_FIELDS:
            lines.append(f"   {label:<66}{_value(discovery.configuration()[key])}")
        lines.append(f"   it finds: {', '.join(discovery.components)}")
    missing = [c.name for c in config.components if not c.has_catalogs]
    if missing:
        lines += [
            "",
            f"no catalog yet (run `locpipe update`; discovery needs one): {', '.join(missing)}",
        ]
    return lines


@click.command(name="weblate-config")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text to type into Weblate's forms, or JSON (the add-on configuration as "
    "Weblate's API takes it).",
)
@click.option(
    "--repository-root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The root of the repository Weblate clones (default: the nearest folder "
    "with .git above the project, else the project).",
)
@pass_context
def weblate_config_command(ctx: Context, fmt: str, repository_root: Path | None) -> None:
    """Print the Weblate components and component discovery add-ons (see docs/weblate.md)."""

    def run() -> None:
        from locpipe.weblate import weblate_config

        config = weblate_config(ctx.project, repository_root)
        if fmt == "json":
            click.echo(json.dumps(config.as_json(), indent=2, ensure_ascii=False))
        else:
            click.echo("\n".join(text_lines(config)))

    run_step(run)
