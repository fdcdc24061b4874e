MATCH (u:User {username: $username})
SET u.password_hash = $password_hash, u.updated_at = datetime()
RETURN u.username AS username
