// The end of the user's current lockout, if one is running.
OPTIONAL MATCH (g:SignInGuard {username: $username})
WHERE g.locked_until > datetime()
RETURN g.locked_until AS locked_until
