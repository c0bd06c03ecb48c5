"""Everything that speaks Discord: the client, rendering, views, replies, errors."""
