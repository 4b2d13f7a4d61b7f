-- Referrals, their assignments to offices, idempotency keys and the audit
-- trail. Contact data lives only in referrals.contact, sealed (AES-GCM).
CREATE TABLE referrals (
	id           TEXT PRIMARY KEY,
	seq          INTEGER NOT NULL UNIQUE,
	number       TEXT NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	agency       TEXT NOT NULL,
	source       TEXT NOT NULL,
	program      TEXT NOT NULL,
	age_group    TEXT NOT NULL,
	district     TEXT NOT NULL,
	languages    TEXT NOT NULL, -- JSON array
	needs        TEXT NOT NULL, -- JSON array
	slip_lang    TEXT NOT NULL,
	consent_date TEXT NOT NULL,
	contact      BLOB,          -- sealed; NULL when none was given or after retention
	contact_deleted_at TEXT
);
CREATE INDEX referrals_created ON referrals(created_at);

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
	note        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (referral_id, seq)
);
CREATE INDEX assignments_load ON assignments(month, office, status);
CREATE INDEX assignments_provider ON assignments(provider, status);

CREATE TABLE idempotency (
	agency      TEXT NOT NULL,
	key         TEXT NOT NULL,
	body_hash   TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	created_at  TEXT NOT NULL,
	PRIMARY KEY (agency, key)
);

CREATE TABLE audit (
	id       INTEGER PRIMARY KEY,
	at       TEXT NOT NULL,
	actor    TEXT NOT NULL,
	role     TEXT NOT NULL,
	action   TEXT NOT NULL,
	referral TEXT NOT NULL
);
CREATE INDEX audit_referral ON audit(referral);
