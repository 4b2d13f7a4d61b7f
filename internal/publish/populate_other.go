//go:build unix && !linux

package publish

// mapPopulate is Linux's MAP_POPULATE, which this system does not have.
const mapPopulate = 0
