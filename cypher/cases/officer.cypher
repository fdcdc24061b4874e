// Whether a case can be assigned to this user: an account of the MASH that is not disabled.
OPTIONAL MATCH (u:User {username: $username})
RETURN u IS NOT NULL AND u.role = 'mash' AND NOT coalesce(u.disabled, false) AS ok
