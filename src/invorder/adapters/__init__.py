"""Adapters: implementations of the storage ports (the in-memory one is the default)."""
