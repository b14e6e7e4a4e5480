"""``python -m mdfe`` runs the mdfe command line."""
import sys

from mdfe.cli import main

sys.exit(main())
