// Sessions: the sign-in guards of the progressive lockout (one per attempted username, known
// or not, so that a lockout reveals nothing about which usernames exist) and the requests
// that wait for a second person's approval (four eyes).
CREATE CONSTRAINT signin_guard_username IF NOT EXISTS
FOR (g:SignInGuard) REQUIRE g.username IS UNIQUE;

CREATE INDEX signin_guard_last_failure IF NOT EXISTS
FOR (g:SignInGuard) ON (g.last_failure_at);

CREATE CONSTRAINT approval_request_id IF NOT EXISTS
FOR (r:ApprovalRequest) REQUIRE r.request_id IS UNIQUE;

CREATE INDEX approval_request_status IF NOT EXISTS
FOR (r:ApprovalRequest) ON (r.status);
