"""The layer contract in pyproject.toml ([tool.importlinter]) holds: lower layers never import
upper ones and sibling modules import each other in one direction only (docs/architecture.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports() -> str:
    found = Path(sys.executable).with_name("lint-imports")
    exe = str(found) if found.exists() else shutil.which("lint-imports")
    assert exe, "lint-imports is missing: pip install -e '.[test]' (import-linter)"
    return exe


def test_import_contracts_are_kept() -> None:
    res = subprocess.run(
        [lint_imports(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout


def test_the_contract_names_every_top_level_package() -> None:
    """A new package must be placed in a layer, or the contract says nothing about it."""
    import tomllib

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    listed = set()
    for contract in layers["contracts"]:
        for layer in contract.get("layers", []):
            for part in layer.replace("|", ":").split(":"):
                listed.add(part.strip(" ()").removeprefix("minbar."))
    src = ROOT / "src" / "minbar"
    present = {p.name for p in src.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    present |= {p.stem for p in src.glob("*.py") if not p.stem.startswith("_")}
    assert present - listed == set(), f"not in any layer: {sorted(present - listed)}"
