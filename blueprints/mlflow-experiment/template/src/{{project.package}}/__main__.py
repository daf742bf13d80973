"""Run the experiment: ``python -m <package>`` does what the console script does."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
