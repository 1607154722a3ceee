"""``python -m dyad.cli``: the same as the ``dyad`` script."""

from dyad.cli import main

main()
