"""`python -m tui`: the same as the `rosterdeck` command."""

import sys

from tui.main import main

sys.exit(main())
