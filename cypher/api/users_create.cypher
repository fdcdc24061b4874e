// A new API user; fails on the username constraint when it exists.
CREATE (u:User {
  username: $username, password_hash: $password_hash, role: $role,
  organisation: $organisation, full_name: $full_name, disabled: false, token_version: 0,
  created_at: datetime()
})
RETURN u {.username, .role, .organisation, .full_name, .disabled, created_at: toString(u.created_at)} AS user
