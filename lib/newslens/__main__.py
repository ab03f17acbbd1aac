"""``python -m newslens`` runs the command line (see :mod:`newslens.cli`)."""

from newslens.cli import main

raise SystemExit(main())
