"""`python -m ehc.cli ...`, as `ehc serve` is started in a child process."""

from ehc.cli import main

main()
