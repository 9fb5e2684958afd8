"""Secure disclosure: the encrypted package a recipient opens once with a link and a one-time code."""
