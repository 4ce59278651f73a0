"""Load, clean and parse documents into provisions; embed them and write the hybrid index."""
