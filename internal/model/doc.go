// Package model holds the domain types of the Wegweiser directory: the site,
// its languages, districts and topics, the providers of migration counselling
// (MBE, JMD) with their offices, advisors and offers, and course providers
// with their courses.
//
// The types mirror the YAML contract documented in docs/data-format.md. The
// struct tags are that contract: `yaml` names the field as editors write it,
// and `wg` carries the loader's rules:
//
//	required    the field must be present and not empty
//	translate   a Text that should exist in every interface language
//	            (missing translations are reported as warnings)
//	enum=a|b|c  the allowed values of a string field
//	ref=KIND    the value (or each element) is the id of a KIND
//	            (district, language, topic, office)
//
// The same tags feed the JSON Schemas that `wegweiser schema` writes, so the
// editor's completion and the loader never disagree.
//
// A Directory is built once by package load and is read-only afterwards:
// stages after loading share it between goroutines without locks.
package model
