"""Shared fixtures: where the CLI binary and the repository are, small scenario files."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def buurtsim_bin():
    path = pathlib.Path(os.environ.get("BUURTSIM_BIN", ROOT / "build" / "bin" / "buurtsim"))
    if not path.exists():
        pytest.fail(f"buurtsim binary not found at {path}; build first (scripts/test does) or set BUURTSIM_BIN")
    return path


@pytest.fixture
def run_cli(buurtsim_bin):
    """Run the CLI; returns CompletedProcess with text output."""

    def run(*args, **kwargs):
        return subprocess.run([str(buurtsim_bin), *map(str, args)], capture_output=True, text=True,
                              timeout=kwargs.pop("timeout", 300), **kwargs)

    return run


TINY = """
name = "tiny"
[run]
weeks = 6
[population]
scale = 0.05
wijken = ["WK034403"]
"""


@pytest.fixture
def scenario_file(tmp_path):
    """Write scenario text to a file in the test's directory: scenario_file(text, name) -> path."""

    def write(text, name="tiny.toml"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


@pytest.fixture
def tiny_scenario(scenario_file):
    return scenario_file(TINY)
