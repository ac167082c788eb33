"""``python -m gateway.cli``: the same as the ``unigate`` command."""

from gateway.cli.main import main

main()
