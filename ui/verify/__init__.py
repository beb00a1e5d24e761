"""Verifying a scanned member card or certificate."""
