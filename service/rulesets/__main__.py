"""``python -m service.rulesets lint FILE...`` (see :mod:`service.rulesets.lint`)."""
from service.rulesets.lint import main

raise SystemExit(main())
