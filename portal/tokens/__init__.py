"""Each person's own Agiler token: sealed at rest, its scopes, and the client built from it.

- ``crypto``: AES-256-GCM sealing bound to the owner, the keyring and key rotation.
- ``store``: saving, replacing, reading and removing a person's token (audited).
- ``scopes``: the token's effective scopes from ``GET /users/me`` (cached) and the scope gate.
- ``service``: ``agiler_for(user)``, the one way a view obtains a client acting as its user.

The ``AgilerToken`` row itself stays in ``portal.accounts.models`` (its table and migrations
predate this package; moving a model between apps buys nothing here).
"""
