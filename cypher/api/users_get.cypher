MATCH (u:User {username: $username})
RETURN u {.username, .password_hash, .role, .organisation, .full_name, .disabled,
          created_at: toString(u.created_at)} AS user
