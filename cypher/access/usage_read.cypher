// Every user's daily volumes from $since: what the anomaly check compares.
MATCH (u:DailyUsage) WHERE u.day >= $since
RETURN u.username AS username, u.role AS role, u.day AS day, u.searches AS searches, u.subjects AS subjects,
       u.refused AS refused
ORDER BY day, username
