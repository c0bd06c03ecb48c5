"""Reaction Reel: movie reactions from articles, served in Discord."""

__version__ = "0.1.0"
