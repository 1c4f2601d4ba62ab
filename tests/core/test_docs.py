"""The README's configuration table tells the truth about the settings module."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ_FROM_ENV = re.compile(r"""env_[a-z]+\(\s*["']([A-Z0-9_]+)["']""")


def test_every_environment_variable_the_portal_reads_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {
        name
        for path in (ROOT / "portal").rglob("*.py")
        if "/sandbox/" not in str(path)
        for name in READ_FROM_ENV.findall(path.read_text(encoding="utf-8"))
    }
    assert "AGILER_API_URL" in names  # the scan works
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"undocumented in README.md: {missing}"


def test_the_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]
