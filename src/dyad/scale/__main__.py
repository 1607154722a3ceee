"""``python -m dyad.scale ingest FILE.xml[.bz2]``: the dump ingest command on its own."""

from dyad.scale.cli import main

if __name__ == "__main__":
    main()
