-- The referral store on PostgreSQL: the schema SQLite reaches with its
-- migrations 001–003, in one step. Times are text of fixed width (UTC),
-- as in SQLite, so both databases sort and compare them alike.
CREATE TABLE referrals (
	id           TEXT PRIMARY KEY,
	seq          INTEGER NOT NULL UNIQUE,
	number       TEXT NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	agency       TEXT NOT NULL,
	created_by   TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL,
	program      TEXT NOT NULL,
	age_group    TEXT NOT NULL,
	district     TEXT NOT NULL,
	languages    TEXT NOT NULL, -- JSON array
	needs        TEXT NOT NULL, -- JSON object
	slip_lang    TEXT NOT NULL,
	consent_date TEXT NOT NULL, -- '' for an anonymous referral
	contact      BYTEA,         -- sealed; NULL when none was given, after retention or erasure
	contact_deleted_at TEXT
);
CREATE INDEX referrals_created ON referrals(created_at);
CREATE INDEX referrals_agency ON referrals(agency, created_at);

CREATE TABLE assignments (
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	seq         INTEGER NOT NULL,
	office      TEXT NOT NULL,
	provider    TEXT NOT NULL,
	status      TEXT NOT NULL,
	month       TEXT NOT NULL,
	at          TEXT NOT NULL,
	changed_at  TEXT NOT NULL,
	reasons     TEXT NOT NULL, -- JSON
	all_full    INTEGER NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	note        BYTEA,         -- sealed
	PRIMARY KEY (referral_id, seq)
);
CREATE INDEX assignments_load ON assignments(month, office, status);
CREATE INDEX assignments_provider ON assignments(provider, status);

CREATE TABLE office_load (
	month  TEXT NOT NULL,
	office TEXT NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (month, office)
);

CREATE TABLE idempotency (
	agency      TEXT NOT NULL,
	idem_key    TEXT NOT NULL,
	body_mac    TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	created_at  TEXT NOT NULL,
	PRIMARY KEY (agency, idem_key)
);

CREATE TABLE audit (
	id       BIGSERIAL PRIMARY KEY,
	at       TEXT NOT NULL,
	actor    TEXT NOT NULL,
	role     TEXT NOT NULL,
	action   TEXT NOT NULL,
	referral TEXT NOT NULL
);
CREATE INDEX audit_referral ON audit(referral);

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
