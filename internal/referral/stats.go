package referral

import (
	"context"
	"fmt"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/stats"
)

// StatDimensions are the tables of the statistics, in order: by month,
// referring agency's kind (source), program (MBE/JMD), district, first
// language, provider and outcome (the current status).
var StatDimensions = []string{"month", "source", "program", "district", "language", "provider", "outcome"}

// Period limits of the statistics: a range within these years and at most
// this many months, so a year like 9999 cannot make a report of millions
// of empty months or wrap around.
const (
	statsFirstYear = 2000
	statsLastYear  = 2100
	statsMaxMonths = 120
)

// Stats counts the referrals created in the months [from, to] (YYYY-MM;
// "" for the default period, the twelve months up to this one) by each of
// StatDimensions, with the suppression of package stats. Only the
// coordination office may see them.
func (s *Service) Stats(ctx context.Context, a Actor, fromMonth, toMonth string) (*stats.Report, error) {
	if a.Role != RoleCoordination {
		return nil, ErrForbidden
	}
	now := s.Now().UTC()
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, -11, 0)
	var fp []FieldProblem
	for _, p := range []struct {
		name, value string
		t           *time.Time
	}{{"from", fromMonth, &from}, {"to", toMonth, &to}} {
		if p.value == "" {
			continue
		}
		t, err := time.Parse("2006-01", p.value)
		switch {
		case err != nil:
			fp = append(fp, FieldProblem{p.name, "must be a month YYYY-MM"})
		case t.Year() < statsFirstYear || t.Year() > statsLastYear:
			fp = append(fp, FieldProblem{p.name, fmt.Sprintf("must be a month between %d-01 and %d-12", statsFirstYear, statsLastYear)})
		default:
			*p.t = t
		}
	}
	months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1
	switch {
	case len(fp) > 0:
	case months < 1:
		fp = append(fp, FieldProblem{"to", "must not be before from"})
	case months > statsMaxMonths:
		fp = append(fp, FieldProblem{"to", fmt.Sprintf("a report covers at most %d months", statsMaxMonths)})
	}
	if len(fp) > 0 {
		return nil, &InvalidError{Message: "the period is not valid", Fields: fp}
	}
	rows, err := s.Store.Stats(ctx, from, to.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	counts := map[string]map[string]int{}
	for _, d := range StatDimensions {
		counts[d] = map[string]int{}
	}
	for _, r := range rows {
		for d, v := range map[string]string{"month": r.Month, "source": r.Source, "program": r.Program, "district": r.District,
			"language": r.Language, "provider": r.Provider, "outcome": r.Outcome} {
			if v == "" {
				v = "unknown"
			}
			counts[d][v]++
		}
	}
	rep := &stats.Report{From: from.Format("2006-01"), To: to.Format("2006-01"), SuppressedBelow: stats.MinCount}
	for _, d := range StatDimensions {
		rep.Tables = append(rep.Tables, stats.NewTable(d, counts[d]))
	}
	if err := s.audit(ctx, a, "read-stats", ""); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return rep, nil
}
