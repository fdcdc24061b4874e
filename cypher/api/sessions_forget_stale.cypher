// Guards with no failure for a day and no running lockout start afresh (bounded per call).
MATCH (g:SignInGuard) WHERE g.last_failure_at < datetime() - duration({days: 1})
  AND coalesce(g.locked_until < datetime(), true)
WITH g LIMIT 20
DELETE g
