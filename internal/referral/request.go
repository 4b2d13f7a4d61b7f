package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// CreateRequest is the body of POST /api/v1/referrals.
type CreateRequest struct {
	Source  string   `json:"source"`
	Person  Person   `json:"person"`
	Needs   Needs    `json:"needs"`
	Consent Consent  `json:"consent"`
	Contact *Contact `json:"contact,omitempty"`
	// Anonymous asks for a referral without personal data: no consent is
	// needed, and contact must be empty. It counts for the office's load
	// and the statistics; the person gets the slip to call the office.
	Anonymous bool `json:"anonymous,omitempty"`
	// SlipLanguage is the language of the printed slip; default: the
	// first of the person's languages that the site speaks, else German.
	SlipLanguage string `json:"slip_language,omitempty"`
}

// Person is what routing needs to know about the person: no name.
type Person struct {
	Age        int      `json:"age,omitempty"`
	AgeGroup   string   `json:"age_group,omitempty"` // young (12–26) or adult (27+)
	District   string   `json:"district,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	Languages  []string `json:"languages,omitempty"`
}

// Consent records the person's consent to pass their data on: that it was
// given, when, and on which form.
type Consent struct {
	Given bool   `json:"given"`
	Date  string `json:"date"` // YYYY-MM-DD
	Form  string `json:"form,omitempty"`
}

// StatusRequest is the body of POST /api/v1/referrals/{id}/status.
type StatusRequest struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"` // for a decline: one of DeclineReasons
	Note   string `json:"note,omitempty"`   // free text to the reason; sealed, deleted by retention
}

// FieldProblem names one invalid field of a request.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// InvalidError is a request that cannot be processed: bad JSON (400) or
// invalid values (422).
type InvalidError struct {
	Syntax  bool // the body is not the JSON asked for: 400
	Message string
	Fields  []FieldProblem
}

func (e *InvalidError) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// ErrNoConsent is the message for a referral without consent.
const msgNoConsent = "a referral with contact data needs the person's consent (consent.given: true, with its date), or it is anonymous (anonymous: true, no contact); nothing was stored"

// Decode reads one JSON value from r into v. Unknown fields, duplicate
// keys, trailing data and wrong types are errors that name the field.
func Decode(r io.Reader, v any) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := noDuplicateKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return &InvalidError{Syntax: true, Message: "the body holds more than one JSON value"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &InvalidError{Syntax: true, Message: "the body holds more than one JSON value"}
	}
	return nil
}

// noDuplicateKeys reports an object of body that names a key twice:
// encoding/json would keep the last value silently, so a request could
// say one thing to a reader and another to the endpoint.
func noDuplicateKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object    bool
		keys      map[string]bool
		expectKey bool   // in an object: the next string is a key
		path, key string // the container's path; the current key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return decodeError(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.expectKey {
			if top.keys[s] {
				return &InvalidError{Syntax: true, Message: "a key appears twice",
					Fields: []FieldProblem{{strings.TrimPrefix(top.path+"."+s, "."), "appears twice in its object"}}}
			}
			top.keys[s], top.key, top.expectKey = true, s, false
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			path := ""
			if top != nil {
				path = top.path
				if top.object {
					path = strings.TrimPrefix(path+"."+top.key, ".")
				}
			}
			stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, expectKey: true, path: path})
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			} else {
				top = nil
			}
		}
		if top != nil && top.object {
			top.expectKey = true // a value ended: a key follows
		}
	}
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig interface{ Error() string }
	switch {
	case errors.As(err, &syn):
		return &InvalidError{Syntax: true, Message: fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.Offset)}
	case errors.As(err, &typ):
		return &InvalidError{Syntax: true, Message: "a field has the wrong type", Fields: []FieldProblem{{typ.Field, fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)}}}
	case errors.Is(err, io.EOF):
		return &InvalidError{Syntax: true, Message: "the body is empty"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &InvalidError{Syntax: true, Message: "the body ends in the middle of a JSON value"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &InvalidError{Syntax: true, Message: "unknown field", Fields: []FieldProblem{{f, "is not a field of this request; see /api/v1/openapi.yaml"}}}
	case errors.As(err, &tooBig) && strings.Contains(err.Error(), "request body too large"):
		return err
	}
	return &InvalidError{Syntax: true, Message: "the body cannot be read: " + err.Error()}
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "ptr", "map":
		return "an object"
	}
	return "a " + kind
}

// validate checks a create request against the directory and returns the
// routing need. now is the time of the request.
func (req *CreateRequest) validate(dir *model.Directory, now time.Time, youthMaxAge int) (routing.Need, []FieldProblem) {
	var fp []FieldProblem
	add := func(field, format string, args ...any) {
		fp = append(fp, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	// Consent first: without it nothing personal may be sent.
	switch {
	case req.Anonymous && !req.Contact.empty():
		add("contact", "an anonymous referral carries no contact data: leave contact out, or record the person's consent")
	case req.Anonymous && req.Consent.Given:
		add("anonymous", "a referral with the person's consent is not anonymous: leave anonymous out")
	case req.Anonymous:
	case !req.Consent.Given:
		add("consent.given", msgNoConsent)
	default:
		req.checkConsentDate(now, add)
	}
	if req.Source == "" {
		add("source", "is required: one of %s", strings.Join(Sources, ", "))
	} else if !slices.Contains(Sources, req.Source) {
		add("source", "%q is not one of %s", req.Source, strings.Join(Sources, ", "))
	}
	p := req.Person
	if p.AgeGroup != "" && p.AgeGroup != "young" && p.AgeGroup != "adult" {
		add("person.age_group", "must be young or adult")
	}
	if len(p.Languages) > 10 {
		add("person.languages", "at most 10 languages")
	}
	for i, l := range p.Languages {
		if dir.Language(l) == nil {
			add(fmt.Sprintf("person.languages[%d]", i), "%q is not a language code of the directory", l)
		}
	}
	if req.Needs.Topic != "" && dir.Topic(req.Needs.Topic) == nil {
		add("needs.topic", "%q is not a topic of the directory", req.Needs.Topic)
	}
	if req.SlipLanguage != "" && !slices.Contains(dir.Site.Languages, req.SlipLanguage) {
		add("slip_language", "slips are printed in %s", strings.Join(dir.Site.Languages, ", "))
	}
	if c := req.Contact; c != nil {
		for _, f := range []struct {
			name, v string
			max     int
		}{{"name", c.Name, 200}, {"phone", c.Phone, 50}, {"email", c.Email, 200}, {"address", c.Address, 300}, {"note", c.Note, 1000}} {
			if len(f.v) > f.max {
				add("contact."+f.name, "at most %d characters", f.max)
			}
		}
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				add("contact.email", "is not an e-mail address")
			}
		}
		if c.Phone != "" && model.Phone(c.Phone).E164() == "" {
			add("contact.phone", "is not a phone number")
		}
	}
	n := req.Needs
	need := routing.Need{
		Age: p.Age, AgeGroup: p.AgeGroup, District: p.District, PostalCode: p.PostalCode, Languages: p.Languages,
		Topic: n.Topic, IntegrationCourse: n.IntegrationCourse, Literacy: n.Literacy, Childcare: n.Childcare, WomenOnly: n.WomenOnly,
	}
	if _, err := routing.Program(need, routing.Options{YouthMaxAge: youthMaxAge}); err != nil {
		var fe *routing.FieldError
		if errors.As(err, &fe) {
			add("person."+fe.Field, "%s", fe.Message)
		}
	}
	if p.District != "" && dir.District(p.District) == nil {
		add("person.district", "%q is not a district of the directory", p.District)
	}
	if p.District == "" && p.PostalCode != "" && !slices.ContainsFunc(dir.Districts, func(d model.District) bool {
		return slices.Contains(d.PostalCodes, model.PostalCode(p.PostalCode))
	}) {
		add("person.postal_code", "%q is not a postal code of the region", p.PostalCode)
	}
	return need, fp
}

// checkConsentDate checks the date of a given consent.
func (req *CreateRequest) checkConsentDate(now time.Time, add func(field, format string, args ...any)) {
	d, err := model.ParseDate(req.Consent.Date)
	switch {
	case err != nil:
		add("consent.date", "the date of the consent, YYYY-MM-DD, is required")
	case model.DateOf(now).Before(d):
		add("consent.date", "lies in the future")
	case d.DaysUntil(model.DateOf(now)) > 366:
		add("consent.date", "is more than a year old: ask the person again")
	}
}

// invalid is the error of a request with problems: the message says that
// nothing was stored, and why when consent is missing.
func (req *CreateRequest) invalid(fp []FieldProblem) error {
	msg := "the referral is not valid; nothing was stored"
	if !req.Consent.Given && !req.Anonymous {
		msg = msgNoConsent
	}
	return &InvalidError{Message: msg, Fields: fp}
}

// empty reports whether a contact holds nothing.
func (c *Contact) empty() bool { return c == nil || *c == Contact{} }

// canonical returns the body as stored for idempotency: the JSON of the
// decoded request, so whitespace and key order do not matter.
func (req *CreateRequest) canonical() []byte {
	b, _ := json.Marshal(req)
	return bytes.TrimSpace(b)
}
