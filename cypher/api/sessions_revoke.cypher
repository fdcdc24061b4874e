// Revoke every token of the user issued so far (sign-out, password change).
MATCH (u:User {username: $username})
SET u.token_version = coalesce(u.token_version, 0) + 1, u.updated_at = datetime()
RETURN u.token_version AS token_version
