-- The web interface and the privacy fixes of the second release:
-- * who created a referral (a token or a person) besides its agency;
--   an anonymous referral has no consent date;
-- * a decline or reassignment carries a reason code and a sealed note
--   (the old plain-text notes, declared free of personal data, are dropped:
--   free text is now sealed like contact data);
-- * idempotency records keep a keyed hash (HMAC) of the body instead of a
--   plain SHA-256, which anyone could match against guessed contact data;
--   the old records only served retries and are dropped;
-- * accounts of people and their sessions.
ALTER TABLE referrals ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
UPDATE referrals SET created_by = agency;

ALTER TABLE assignments RENAME COLUMN note TO old_note;
ALTER TABLE assignments ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN note BLOB;
UPDATE assignments SET reason = 'other' WHERE old_note != '';
ALTER TABLE assignments DROP COLUMN old_note;

DROP TABLE idempotency;
CREATE TABLE idempotency (
	agency      TEXT NOT NULL,
	idem_key    TEXT NOT NULL,
	body_mac    TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	created_at  TEXT NOT NULL,
	PRIMARY KEY (agency, idem_key)
);

CREATE TABLE users (
	name          TEXT PRIMARY KEY,
	role          TEXT NOT NULL,
	agency        TEXT NOT NULL,
	provider      TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL,
	lang          TEXT NOT NULL,
	failures      INTEGER NOT NULL,
	locked_until  TEXT NOT NULL,
	created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users(name),
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_name);
CREATE INDEX assignments_referral ON assignments(referral_id, seq);
