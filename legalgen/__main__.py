"""``python -m legalgen``."""

from legalgen.cli import main

main()
