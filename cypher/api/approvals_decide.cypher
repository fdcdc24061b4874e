// Decide a pending request, never by the person who made it; nothing when it is not pending
// (decided meanwhile) or was made by the decider. The password hash leaves the request.
MATCH (r:ApprovalRequest {request_id: $request_id})
WHERE r.status = 'pending' AND r.requested_by <> $decided_by
WITH r, r.password_hash AS password_hash
SET r.status = $status, r.decided_by = $decided_by, r.decided_at = datetime(), r.reason = $reason
REMOVE r.password_hash
RETURN r {.request_id, .kind, .status, .requested_by, .params, .decided_by, .reason,
          requested_at: toString(r.requested_at), decided_at: toString(r.decided_at)} AS request,
       password_hash
