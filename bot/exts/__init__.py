"""The bot's Discord features: one cog per module, with helpers beside them.

A module is an extension when it defines a top-level `setup`.  That is read
from the source rather than by importing, because discord.py executes an
extension's module itself; importing helpers here too would create a second
copy of their classes (and of the DynamicItems registered from them).
"""
from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _defines_setup(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError):
        # Let load_extension report the real error instead of skipping silently.
        return True
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "setup"
               for node in tree.body)


def extension_names() -> list[str]:
    """Dotted names of every extension in this package, in a stable order."""
    names = []
    for module in sorted(pkgutil.iter_modules([str(_HERE)]), key=lambda m: m.name):
        if module.ispkg or module.name.startswith("_"):
            continue
        if _defines_setup(_HERE / f"{module.name}.py"):
            names.append(f"{__name__}.{module.name}")
    return names
