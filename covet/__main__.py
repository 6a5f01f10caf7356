"""``python -m covet``: the same as the ``covet`` command."""

from covet.cli.main import main

if __name__ == "__main__":
    main()
