// What every authenticated request checks, never cached: the account's role, organisation,
// whether it is enabled and the version its tokens must carry.
MATCH (u:User {username: $username})
RETURN u {.username, .role, .organisation, disabled: coalesce(u.disabled, false),
          token_version: coalesce(u.token_version, 0)} AS user
