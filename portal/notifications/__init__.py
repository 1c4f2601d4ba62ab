"""Notifications: the caller's Agiler notifications, a header indicator and dismissal."""
