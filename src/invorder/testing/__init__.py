"""Tools for testing code built on invorder: hypothesis strategies and the port contract kit.

Importing this package needs the ``test`` extra (hypothesis, pytest); the core does not.
"""
