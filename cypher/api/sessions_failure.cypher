// One more failed sign-in for a username: after $threshold in a row, locked for
// $base_seconds, doubled for each further lockout (at most $max_seconds).
MERGE (g:SignInGuard {username: $username})
ON CREATE SET g.failures = 0, g.lockouts = 0
WITH g, g.failures + 1 >= $threshold AS locks
SET g.last_failure_at = datetime(),
    g.lockouts = g.lockouts + CASE WHEN locks THEN 1 ELSE 0 END,
    g.failures = CASE WHEN locks THEN 0 ELSE g.failures + 1 END
WITH g, locks
SET g.locked_until = CASE WHEN locks
      THEN datetime() + duration({seconds: toInteger(
             CASE WHEN $base_seconds * 2.0 ^ (g.lockouts - 1) > $max_seconds THEN $max_seconds
                  ELSE $base_seconds * 2.0 ^ (g.lockouts - 1) END)})
      ELSE g.locked_until END
RETURN CASE WHEN locks THEN g.locked_until END AS locked_until, g.lockouts AS lockouts
