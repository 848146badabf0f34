"""``python -m service``: the operator commands."""

from .cli import main

raise SystemExit(main())
