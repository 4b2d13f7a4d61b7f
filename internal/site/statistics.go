package site

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/wegweiser-de/wegweiser/internal/stats"
)

// Statistics are the anonymous referral counts of an export file (the
// answer of the referral endpoint's GET /api/v1/stats), ready to publish:
// the format of package stats, which the endpoint writes.
type Statistics = stats.Report

// ParseStatistics reads an export file. It refuses a file that shows a
// count under the suppression limit, or whose suppressed counts could be
// worked out from its totals, so that no published number can point to a
// person.
func ParseStatistics(r io.Reader) (*Statistics, error) {
	var rep stats.Report
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	if err := rep.Check(); err != nil {
		return nil, fmt.Errorf("statistics: refusing to publish: %w", err)
	}
	return &rep, nil
}
