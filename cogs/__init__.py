"""Discord extensions, one per feature: read input, call a service, render, respond."""
