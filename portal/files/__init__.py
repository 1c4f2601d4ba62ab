"""Files: a file manager for a project's storage on Agiler, streamed both ways."""
