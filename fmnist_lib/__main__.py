"""``python -m fmnist_lib``: the command line, which lives with the machinery."""

import sys

from fmnist_lib.reproduction.cli import main

if __name__ == "__main__":
    sys.exit(main())
