// Which events and addresses of a batch's new records the graph holds already: an event
// that exists is moved by upsert_events, an address that exists is linked, not created.
CALL () {
  UNWIND $events AS key
  MATCH (:Event {source: key[0], event_id: key[1]})
  RETURN collect(key) AS events
}
CALL () {
  UNWIND $addresses AS key
  MATCH (:Address {key: key})
  RETURN collect(key) AS addresses
}
RETURN events, addresses
