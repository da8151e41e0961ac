"""Helpers shared by the tests: small deterministic worlds (a ledger, an order network,
an availability set-up, routing examples) and the snapshots of what a refused command must
leave unchanged."""
