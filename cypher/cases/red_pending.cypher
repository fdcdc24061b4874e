// Claim the cases that became Red and whose e-mail to the MASH has not gone yet: marked as
// sent here, in the claiming transaction, so two senders never send the same case twice.
MATCH (c:Case {notify_red: true})
WHERE c.status IN $open
SET c.notify_red = false, c.red_notified_at = datetime()
RETURN c.case_id AS case_id, c.rag AS rag
ORDER BY c.case_id
