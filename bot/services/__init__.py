"""Discord-free rules between the commands (Discord, web, CLI) and the store."""
