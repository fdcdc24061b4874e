MATCH (u:User {username: $username})
// A new password revokes every token issued under the old one.
SET u.password_hash = $password_hash, u.token_version = coalesce(u.token_version, 0) + 1,
    u.updated_at = datetime()
RETURN u.username AS username
