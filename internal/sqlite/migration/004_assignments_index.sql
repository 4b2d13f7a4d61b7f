-- assignments_referral (003) repeats the index SQLite keeps for the
-- primary key (referral_id, seq): every referral wrote both.
DROP INDEX IF EXISTS assignments_referral;
