MATCH (u:User {username: $username})
SET u.disabled = $disabled, u.updated_at = datetime()
RETURN u {.username, .role, .organisation, .full_name, .disabled, created_at: toString(u.created_at)} AS user
