"""Jahesh (جهش): a platform for regional production-support headquarters."""
