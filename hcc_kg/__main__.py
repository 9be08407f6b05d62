"""``python -m hcc_kg``: the same command line as the ``hcc-kg`` script."""

from hcc_kg.cli import main

main()
