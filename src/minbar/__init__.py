"""minbar: multilingual media monitoring and counter-disinformation.

``from minbar import Minbar`` gives the library facade: every use case is one of its methods, and
the CLI, the web/API layer and the workers call only it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"

if TYPE_CHECKING:  # pragma: no cover
    from minbar.facade import Minbar

__all__ = ["Minbar", "__version__"]


def __getattr__(name: str):
    # Lazy: ``import minbar`` (as every submodule import does) must not load the whole platform.
    if name == "Minbar":
        from minbar.facade import Minbar

        return Minbar
    raise AttributeError(name)
