"""Signing in: staff with email and password, jurors with a one-time join code."""
