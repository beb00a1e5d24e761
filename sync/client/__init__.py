"""The desk's sync client: HTTP to the central server; applies results via desktop services."""
