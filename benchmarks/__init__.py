"""Benchmarks of specc: synthetic systems of growing size and the seed specs (see README.md here)."""
