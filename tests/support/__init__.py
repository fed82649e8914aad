"""Helpers for tests that need real external parts (the Bolt server)."""
