// Blocking keys added after 20_resolution (issue 17): the rules street_f, street_l, dob_h
// and the two slots of dob_n. An existing database gets the indexes from `aim db migrate`; the
// keys of its records are written by the next `aim resolve` (or `aim resolve --keys-only`),
// which rewrites every record whose stored key fingerprint no longer matches the rules.
CREATE INDEX record_bk_street_f IF NOT EXISTS FOR (r:Record) ON (r.bk_street_f);

CREATE INDEX record_bk_street_l IF NOT EXISTS FOR (r:Record) ON (r.bk_street_l);

CREATE INDEX record_bk_dob_h IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_h);

CREATE INDEX record_bk_dob_n_first IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_n_first);

CREATE INDEX record_bk_dob_n_last IF NOT EXISTS FOR (r:Record) ON (r.bk_dob_n_last);
