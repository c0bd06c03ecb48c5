"""`python -m bot`: hand the arguments to the CLI and exit with its status."""

import sys

from bot.cli import main

sys.exit(main())
