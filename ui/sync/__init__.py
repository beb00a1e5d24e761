"""Sync with the central server: background scheduler, status line, sync screen, dialogs."""
