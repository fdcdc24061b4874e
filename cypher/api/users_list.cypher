MATCH (u:User)
RETURN u {.username, .role, .organisation, .full_name, .disabled, created_at: toString(u.created_at)} AS user
ORDER BY u.username
