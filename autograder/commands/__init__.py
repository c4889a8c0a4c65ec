"""Subcommands of `autograder` beyond grade and release, one module each (see cli.py)."""
