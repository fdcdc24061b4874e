// A new role (and organisation); the user's tokens stop working (they carry the old role).
MATCH (u:User {username: $username})
SET u.role = $role, u.organisation = $organisation, u.token_version = coalesce(u.token_version, 0) + 1,
    u.updated_at = datetime()
RETURN u {.username, .role, .organisation, .full_name, .disabled, created_at: toString(u.created_at)} AS user
