# Local stub: the parts of django-axes 8 the portal uses (django-axes ships no py.typed marker).
