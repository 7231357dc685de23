"""The statutory EHC rules, pure: stdlib and pydantic only.

Nothing here reads the clock, the environment or a database; every function
that depends on "today" takes ``as_of``.
"""
