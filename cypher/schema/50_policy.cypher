// The access policy: partners' identifications, analysts' pseudonyms, daily usage (quotas).
CREATE CONSTRAINT identification_key IF NOT EXISTS
FOR (i:Identification) REQUIRE i.key IS UNIQUE;

CREATE CONSTRAINT pseudonym_value IF NOT EXISTS
FOR (p:Pseudonym) REQUIRE p.value IS UNIQUE;

CREATE CONSTRAINT daily_usage_key IF NOT EXISTS
FOR (u:DailyUsage) REQUIRE u.key IS UNIQUE;

CREATE INDEX daily_usage_day IF NOT EXISTS
FOR (u:DailyUsage) ON (u.day);

CREATE INDEX daily_usage_username IF NOT EXISTS
FOR (u:DailyUsage) ON (u.username);
