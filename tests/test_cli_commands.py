"""The command map: every command listed once, its help unchanged, and quick to list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from locpipe.cli import COMMANDS, main

RECORDED_HELP = Path(__file__).parent / "data" / "cli_help.txt"


def command_paths(group: click.Group, path: list[str]):
    """Every command line to ask for help: the group, then each (sub)command."""
    yield path
    ctx = click.Context(group, info_name="locpipe")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, [*path, name])
        else:
            yield [*path, name]


def help_texts() -> str:
    texts = []
    for path in command_paths(main, []):
        result = CliRunner().invoke(main, [*path, "--help"], prog_name="locpipe", terminal_width=80)
        assert result.exit_code == 0, result.output
        texts.append("$ locpipe " + " ".join([*path, "--help"]) + "\n" + result.output)
    return "\n".join(texts)


def test_every_command_and_its_help_are_as_recorded():
    """The recorded copy is what `locpipe --help` and each `locpipe X --help` printed
    before the commands moved into locpipe.commands: users see the same CLI."""
    assert help_texts() == RECORDED_HELP.read_text(encoding="utf-8")


def test_each_listed_command_is_the_one_its_name_says():
    ctx = click.Context(main, info_name="locpipe")
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
    assert main.get_command(ctx, "no-such-command") is None


def test_help_imports_no_step_engine_or_catalog_library():
    code = (
        "import sys\n"
        "from locpipe.cli import main\n"
        "try:\n"
        "    main(['--help'], prog_name='locpipe')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.startswith(('locpipe.steps', 'locpipe.mt',"
        " 'locpipe.project', 'polib', 'jinja2', 'babel', 'translate', 'requests'))]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Commands:" in result.stdout
    assert result.stdout.rstrip().endswith("[]"), result.stdout


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "locpipe", "--help"], capture_output=True, text=True, check=True
    )
    assert "locpipe: localize web articles" in result.stdout
    assert all(name in result.stdout for name in COMMANDS)
