"""Projects: the list across workspaces and each project's home."""
