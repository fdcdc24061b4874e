// A successful sign-in or an administrator's unlock: the username's failures and lockouts go.
MATCH (g:SignInGuard {username: $username})
DELETE g
RETURN count(*) AS cleared
