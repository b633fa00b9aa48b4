"""Backups of an instance: its database and the files it keeps beside it."""
