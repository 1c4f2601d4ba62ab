"""Workspaces: the caller's workspaces, their members and pending invites, billing transfers."""
