"""The document model, the manifest of the default document set, and sync."""
