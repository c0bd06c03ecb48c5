"""Discord extensions, one per feature: `reactions` (members)."""
