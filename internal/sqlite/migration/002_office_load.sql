-- The number of referrals counting towards each office's monthly capacity,
-- kept with every assignment and decline so routing reads a few rows
-- instead of counting the month's assignments.
CREATE TABLE office_load (
	month  TEXT NOT NULL,
	office TEXT NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (month, office)
);
INSERT INTO office_load (month, office, n)
	SELECT month, office, COUNT(*) FROM assignments
	WHERE status NOT IN ('declined', 'unassigned') GROUP BY month, office;
