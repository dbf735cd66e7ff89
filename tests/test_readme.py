"""The README is true to the project: assembled from its parts, and its commands exist."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_is_assembled_from_its_parts(tmp_path):
    """README.md equals what docs/readme/build.sh makes of docs/readme/*.md."""
    parts = sorted((ROOT / "docs" / "readme").glob("[0-9][0-9]-*.md"))
    text = "".join(p.read_text() + "\n" for p in parts)
    squeezed = subprocess.run(["cat", "-s"], input=text, capture_output=True, text=True,
                              check=True).stdout
    assert (ROOT / "README.md").read_text() == squeezed


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    """`make run` and `make test` come first; .ci/run calls the README's test command."""
    readme = (ROOT / "README.md").read_text()
    first_block = readme[: readme.index("## What it does")]
    assert "make run" in first_block and "make test" in first_block
    assert "\nmake test\n" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile
