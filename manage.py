#!/usr/bin/env python
"""Django's manage.py; `haven` (the console script) does the same."""

from haven.__main__ import main

if __name__ == "__main__":
    main()
