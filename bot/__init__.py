"""Haikei: a Discord bot for artist communities (AI-disclosure records, news alerts, member polls)."""

__version__ = "0.1.0"
