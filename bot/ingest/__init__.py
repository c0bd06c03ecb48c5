"""Getting articles in: safe download, the killable parse worker, article files."""
