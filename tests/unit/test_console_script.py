"""The `reelscan` console script and the README's commands, as written, after the README's setup step."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from starter import build_parser

PROJECT = Path(__file__).resolve().parents[2]
README = (PROJECT / "README.md").read_text()
VENV_BIN = Path(sys.executable).parent


def readme_commands() -> list[str]:
    """Every command the README shows: lines of its sh blocks and `inline` commands, comments left out."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [re.split(r"\s+# ", line)[0].strip() for block in blocks for line in block.splitlines()]
    inline = re.findall(r"`((?:\.venv/bin/|make )[^`]+)`", README)
    return [c for c in lines + inline if c]


def run_entry(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The function the console script calls, run the way the script runs it (another directory, no venv on PATH)."""
    script = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"]["reelscan"]
    module, _, function = script.partition(":")
    code = f"import sys; sys.argv = ['reelscan', *sys.argv[1:]]; from {module} import {function}; {function}()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELSCAN_")}
    env.update(PYTHONPATH=str(PROJECT), REELSCAN_DATA_DIR=str(tmp_path / "data"), PATH="/usr/bin:/bin")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, text=True)


def test_the_console_script_runs_the_cli_and_keeps_its_exit_codes(tmp_path: Path) -> None:
    listed = run_entry(tmp_path, "libraries", "--json")
    unknown = run_entry(tmp_path, "movies", "--library", "5")
    assert (listed.returncode, listed.stdout.strip()) == (0, "[]"), listed.stderr
    assert unknown.returncode == 2 and "there is no library with id 5" in unknown.stderr
    assert (tmp_path / "data" / "reelscan.db").exists()


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_is_one_that_exists_as_written(command: str) -> None:
    words = shlex.split(command.replace("[", "").replace("]", ""))
    program, args = words[0], words[1:]
    if program == ".venv/bin/reelscan":
        build_parser().parse_args(args)  # exits (fails the test) on an unknown command or option
    elif program == ".venv/bin/python" and args[0] == "-m":
        assert importlib.util.find_spec(args[1]) is not None, args[1]
    elif program == ".venv/bin/python":
        assert (PROJECT / args[0]).is_file()
    elif program == ".venv/bin/temporal":
        assert (VENV_BIN / "temporal").exists()
    elif program == "make":
        targets = re.findall(r"^([a-z-]+):", (PROJECT / "Makefile").read_text(), re.M)
        assert args[0] in targets, args[0]
    else:
        assert program in ("docker", "cp", "LIBRARY=/srv/movies"), f"README command without a known form: {command}"
