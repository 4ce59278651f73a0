"""Messaging bots: a channel-agnostic conversation core and platform adapters."""
