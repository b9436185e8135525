"""`python -m beacon`: the `beacon` command (beacon/ops/cli.py), for when its script is not on the
PATH, and for the subprocesses Beacon starts itself (the demo's workers)."""

import sys

from beacon.ops.cli import main

sys.exit(main())
