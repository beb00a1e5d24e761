"""What the scan desks (check-in, training door, aid handout) share."""
