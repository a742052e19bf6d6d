"""RosterDeck's tests. Bytecode is kept even where PYTHONDONTWRITEBYTECODE is set: the
suite's workers, and the apps and commands its tests start, would otherwise each compile the
same modules again."""

import sys

sys.dont_write_bytecode = False
