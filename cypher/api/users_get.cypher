MATCH (u:User {username: $username})
RETURN u {.username, .password_hash, .role, .organisation, .full_name, .disabled,
          token_version: coalesce(u.token_version, 0),
          created_at: toString(u.created_at)} AS user
