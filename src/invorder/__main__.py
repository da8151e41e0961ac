"""``python -m invorder``: the command line."""

import sys

from invorder.cli import main

sys.exit(main())
