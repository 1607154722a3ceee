"""The ``dyad`` command line: a thin shell over the Python API.

Every command lives in a small module that registers itself on :data:`app`; importing this
package imports them all.
"""

from __future__ import annotations

import importlib

from dyad.cli.app import app, main

__all__ = ["app", "main"]

# Command modules, in the order their commands are listed by --help.
_COMMAND_MODULES = ("read_cmds", "extract_cmds", "kb_cmds", "export_cmds", "web_cmds", "scale_cmds")

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"dyad.cli.{_name}")
    except ModuleNotFoundError as _error:  # a stage not built yet registers nothing
        if _error.name != f"dyad.cli.{_name}":
            raise
