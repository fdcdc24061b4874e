// The rules that have raised alerts, with their titles (the analyst workspace's rule filter).
MATCH (a:Alert)
RETURN a.rule AS rule, max(a.title) AS title
ORDER BY rule
