// Requests of the given kinds, newest first; pending only unless $status is null.
MATCH (r:ApprovalRequest)
WHERE r.kind IN $kinds AND ($status IS NULL OR r.status = $status)
RETURN r {.request_id, .kind, .status, .requested_by, .params, .decided_by, .reason,
          requested_at: toString(r.requested_at), decided_at: toString(r.decided_at)} AS request
ORDER BY r.requested_at DESC
LIMIT $limit
