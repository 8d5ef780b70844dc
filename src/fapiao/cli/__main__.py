"""`python -m fapiao.cli`: how serve starts its worker child without relying on PATH."""

from fapiao.cli import main

raise SystemExit(main())
