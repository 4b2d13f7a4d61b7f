package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/internal/stats"
)

// Consent choices of the referral form.
const (
	consentGiven     = "given"     // the person consented: contact data may be sent
	consentAnonymous = "anonymous" // an anonymous referral: no personal data
	consentAddress   = "address"   // only the address for the person: nothing is stored
)

// referForm is the referral form as filled in.
type referForm struct {
	Source, Age, AgeGroup, District, PostalCode string
	Langs                                       [3]string // as typed: a name or a code
	IntegrationCourse, Literacy, Childcare      bool
	WomenOnly                                   bool
	Topic, SlipLang                             string
	Consent, ConsentDate, ConsentForm           string
	Name, Phone, Email, Address, Note           string
}

func (f *referForm) read(r *http.Request) {
	v := r.PostFormValue
	*f = referForm{Source: v("source"), Age: strings.TrimSpace(v("age")), AgeGroup: v("age_group"), District: v("district"),
		PostalCode: strings.TrimSpace(v("postal_code")), Topic: v("topic"), SlipLang: v("slip_lang"),
		IntegrationCourse: v("integration_course") != "", Literacy: v("literacy") != "", Childcare: v("childcare") != "", WomenOnly: v("women_only") != "",
		Consent: v("consent"), ConsentDate: v("consent_date"), ConsentForm: v("consent_form"),
		Name: v("name"), Phone: v("phone"), Email: v("email"), Address: v("address"), Note: v("note")}
	for i := range f.Langs {
		f.Langs[i] = strings.TrimSpace(v(fmt.Sprintf("lang%d", i+1)))
	}
}

// request turns the form into the service's request; problems are the
// fields it cannot read (the service checks the rest).
func (f *referForm) request(d *model.Directory, lang string) (*referral.CreateRequest, []fieldError, string) {
	var fe []fieldError
	req := &referral.CreateRequest{Source: f.Source, SlipLanguage: f.SlipLang,
		Person: referral.Person{AgeGroup: f.AgeGroup, District: f.District, PostalCode: f.PostalCode},
		Needs:  referral.Needs{IntegrationCourse: f.IntegrationCourse, Literacy: f.Literacy, Childcare: f.Childcare, WomenOnly: f.WomenOnly, Topic: f.Topic}}
	if f.Age != "" {
		n, err := strconv.Atoi(f.Age)
		if err != nil || n < 1 || n > 120 {
			fe = append(fe, fieldError{"age", "error_age"})
		} else {
			req.Person.Age, req.Person.AgeGroup = n, ""
		}
	}
	for i, typed := range f.Langs {
		if typed == "" {
			continue
		}
		code := languageCode(d, typed)
		if code == "" {
			fe = append(fe, fieldError{fmt.Sprintf("lang%d", i+1), "error_language"})
			continue
		}
		if !slices.Contains(req.Person.Languages, code) {
			req.Person.Languages = append(req.Person.Languages, code)
		}
	}
	// Contact data goes to the service whatever the choice: without
	// consent it refuses it, rather than the form dropping what was typed.
	if c := (referral.Contact{Name: f.Name, Phone: f.Phone, Email: f.Email, Address: f.Address, Note: f.Note}); c != (referral.Contact{}) {
		req.Contact = &c
	}
	switch f.Consent {
	case consentGiven:
		req.Consent = referral.Consent{Given: true, Date: f.ConsentDate, Form: f.ConsentForm}
	case consentAnonymous, consentAddress:
		req.Anonymous = true
	default:
		fe = append(fe, fieldError{"consent", "error_consent"})
	}
	return req, fe, f.Consent
}

// languageCode finds the language a person typed: its code, or its name
// in any language of the catalogue, or its own name, as the form's list
// offers them ("Arabisch (العربية)").
func languageCode(d *model.Directory, typed string) string {
	t := strings.ToLower(strings.TrimSpace(typed))
	if i := strings.LastIndex(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		t = t[:i]
	}
	for _, l := range d.Languages {
		if strings.EqualFold(l.Code, t) || strings.EqualFold(l.Native, t) {
			return l.Code
		}
		for _, n := range l.Name {
			if strings.EqualFold(n, t) {
				return l.Code
			}
		}
	}
	return ""
}

// option is one choice of a select or datalist.
type option struct {
	Value, Label string
	Lang         string // the label's language, when it is not the page's
}

// formData is what the referral form's templates see.
type formData struct {
	FormID    string // makes sending the same form twice one referral
	Form      referForm
	Sources   []option
	Districts []option
	Languages []option
	Topics    []option
	SlipLangs []option
	Today     string
	Proposal  *proposal
}

// proposal is a routing result, worded for the page.
type proposal struct {
	Program string
	Reasons []string
	Offices []proposedOffice
	AllFull bool
	Address bool // only the address: nothing is stored
}

type proposedOffice struct {
	ID, Name, Provider, Address, Phone string
	ProviderID                         string
	Capacity, Assigned                 int
	Full, Chosen                       bool
	Reasons                            []string
	Hours                              []string
}

func (h *Handler) formData(d *referral.Directory, lang string, f referForm, formID string) *formData {
	if formID == "" || len(formID) > 100 {
		formID = randomToken()
	}
	fd := &formData{FormID: formID, Form: f, Today: time.Now().Format(time.DateOnly)}
	for _, s := range referral.Sources {
		fd.Sources = append(fd.Sources, option{s, h.strs.T(lang, "source_"+s), ""})
	}
	def := d.Dir.Site.DefaultLanguage
	for _, x := range d.Dir.Districts {
		name, in := x.Name.Get(lang, def)
		fd.Districts = append(fd.Districts, option{x.ID, name, otherLang(in, lang)})
	}
	slices.SortFunc(fd.Districts, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	for _, l := range d.Dir.Languages {
		name, _ := l.Name.Get(lang, def)
		label := name
		if l.Native != "" && l.Native != name {
			label += " (" + l.Native + ")"
		}
		fd.Languages = append(fd.Languages, option{label, l.Code, ""})
	}
	slices.SortFunc(fd.Languages, func(a, b option) int { return strings.Compare(a.Value, b.Value) })
	// A language typed as a code or in another language comes back as
	// the list names it, so staff see which language was understood.
	for i, typed := range fd.Form.Langs {
		if code := languageCode(d.Dir, typed); code != "" {
			for _, o := range fd.Languages {
				if o.Label == code {
					fd.Form.Langs[i] = o.Value
				}
			}
		}
	}
	for _, t := range d.Dir.Topics {
		name, in := t.Name.Get(lang, def)
		fd.Topics = append(fd.Topics, option{t.ID, name, otherLang(in, lang)})
	}
	for _, l := range d.Dir.Site.Languages {
		if c := d.Dir.Language(l); c != nil {
			fd.SlipLangs = append(fd.SlipLangs, option{l, c.Native, l})
		}
	}
	return fd
}

func otherLang(in, lang string) string {
	if in == lang {
		return ""
	}
	return in
}

func (h *Handler) referForm(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("refer_title", "refer")
	p.Lang = h.lang(r, s.user)
	p.Data = h.formData(h.svc.Directory(), p.Lang, referForm{ConsentDate: h.svc.Now().Format(time.DateOnly)}, "")
	h.render(w, r, http.StatusOK, "refer", p)
}

// refer handles the form's steps: "preview" shows the routing proposal,
// "submit" stores the referral (or, for "address only", shows the address
// to hand over), "edit" goes back to the form.
func (h *Handler) refer(w http.ResponseWriter, r *http.Request, s *session) {
	d := h.svc.Directory()
	p := s.page("refer_title", "refer")
	p.h, p.Lang = h, h.lang(r, s.user)
	var f referForm
	f.read(r)
	fd := h.formData(d, p.Lang, f, r.PostFormValue("form_id"))
	p.Data = fd
	req, fe, consent := f.request(d.Dir, p.Lang)
	action := r.PostFormValue("action")
	if action == "edit" {
		h.render(w, r, http.StatusOK, "refer", p)
		return
	}
	if len(fe) == 0 {
		res, err := h.svc.Preview(r.Context(), s.actor, req)
		if err == nil {
			fd.Proposal = h.wordProposal(d, p.Lang, res, consent == consentAddress)
		} else if !h.fieldErrors(err, p) {
			h.fail(w, r, p, err)
			return
		}
	}
	for _, e := range fe {
		p.Errors = append(p.Errors, fieldError{e.Field, p.T(e.Message)})
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "refer", p)
		return
	}
	if action != "submit" || consent == consentAddress {
		h.render(w, r, http.StatusOK, "refer", p) // the proposal, to check before sending
		return
	}
	ref, _, err := h.svc.Create(r.Context(), s.actor, req, "web-"+fd.FormID)
	if err != nil {
		h.refuse(w, r, p, "refer", err)
		return
	}
	http.Redirect(w, r, "/referrals/"+ref.ID+"?created=1", http.StatusSeeOther)
}

// fieldErrors turns the service's invalid-request error into the page's
// field errors, in the page's language; false if err is another error.
func (h *Handler) fieldErrors(err error, p *page) bool {
	var inv *referral.InvalidError
	if !errors.As(err, &inv) {
		if errors.Is(err, referral.ErrNoRoom) {
			p.Errors = append(p.Errors, fieldError{"age", p.T("error_no_office")})
			return true
		}
		return false
	}
	for _, f := range inv.Fields {
		field := strings.NewReplacer("person.", "", "consent.", "consent_", "contact.", "", "needs.", "", "languages[0]", "lang1",
			"languages[1]", "lang2", "languages[2]", "lang3", "slip_language", "slip_lang").Replace(f.Field)
		msg := p.T("error_field_" + strings.NewReplacer(".", "_").Replace(f.Field))
		if msg == "" || strings.HasPrefix(msg, "error_field_") {
			msg = f.Message
		}
		p.Errors = append(p.Errors, fieldError{field, msg})
	}
	if len(inv.Fields) == 0 {
		p.Errors = append(p.Errors, fieldError{"", inv.Message})
	}
	return true
}

// fail shows an error page for an error of the service.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	switch {
	case errors.Is(err, referral.ErrNotFound):
		p.Title, p.Notice = "not_found_title", "not_found_text"
		h.render(w, r, http.StatusNotFound, "message", p)
	case errors.Is(err, referral.ErrForbidden):
		p.Title, p.Notice = "forbidden_title", "forbidden_text"
		h.render(w, r, http.StatusForbidden, "message", p)
	case errors.Is(err, referral.ErrConflict):
		p.Title, p.Notice = "conflict_title", "conflict_text"
		h.render(w, r, http.StatusConflict, "message", p)
	default:
		h.svc.Log.Error("web", "route", r.Pattern, "err", err)
		p.Title, p.Notice = "error_title", "error_text"
		h.render(w, r, http.StatusInternalServerError, "message", p)
	}
}

// wordProposal words a routing result in the page's language.
func (h *Handler) wordProposal(d *referral.Directory, lang string, res *routing.Result, address bool) *proposal {
	pr := &proposal{Program: h.strs.T(lang, "program_"+res.Program), AllFull: res.AllFull, Address: address}
	for _, x := range res.Reasons {
		pr.Reasons = append(pr.Reasons, h.reason(d, lang, x))
	}
	for i, ro := range res.Offices {
		if i == 5 {
			break
		}
		po := h.office(d, lang, ro.Office)
		po.Capacity, po.Assigned, po.Full, po.Chosen = ro.Capacity, ro.Assigned, ro.Full, i == 0
		for _, x := range ro.Reasons {
			po.Reasons = append(po.Reasons, h.reason(d, lang, x))
		}
		pr.Offices = append(pr.Offices, po)
	}
	return pr
}

// office describes an office for a page.
func (h *Handler) office(d *referral.Directory, lang string, o *model.Office) proposedOffice {
	def := d.Dir.Site.DefaultLanguage
	name, _ := o.Name.Get(lang, def)
	provider := ""
	if p := d.Dir.Provider(o.Provider); p != nil {
		provider, _ = p.Name.Get(lang, def)
	}
	po := proposedOffice{ID: o.ID, Name: name, Provider: provider, ProviderID: o.Provider, Phone: string(o.Phone),
		Address: fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City)}
	for _, hr := range o.Hours {
		days := make([]string, len(hr.Days))
		for i, wd := range hr.Days {
			days[i] = d.Strings.Weekday(lang, wd)
		}
		po.Hours = append(po.Hours, strings.Join(days, d.Strings.T(lang, "list_sep"))+" "+d.Strings.TimeRange(lang, hr.From, hr.To)+" · "+h.strs.T(lang, "hours_"+hr.Kind))
	}
	return po
}

// reason words a routing reason in lang, naming offices, districts,
// languages and topics by their names there.
func (h *Handler) reason(d *referral.Directory, lang string, x routing.Reason) string {
	def := d.Dir.Site.DefaultLanguage
	name := func(t model.Text) string { s, _ := t.Get(lang, def); return s }
	var pairs []string
	for k, v := range x.Args {
		switch k {
		case "office":
			if o := d.Dir.Office(v); o != nil {
				v = name(o.Name)
			}
		case "district", "districts":
			v = nameList(v, " / ", " / ", func(id string) string {
				if dd := d.Dir.District(id); dd != nil {
					return name(dd.Name)
				}
				return id
			})
		case "language", "languages":
			v = nameList(v, ", ", d.Strings.T(lang, "list_sep"), func(code string) string {
				if l := d.Dir.Language(code); l != nil {
					return name(l.Name)
				}
				return code
			})
		case "program":
			v = h.strs.T(lang, "program_"+v)
		case "topic":
			if t := d.Dir.Topic(v); t != nil {
				v = name(t.Name)
			}
		case "course":
			if c := d.Dir.Course(v); c != nil {
				v = name(c.Title)
			}
		case "start":
			if dt, err := model.ParseDate(v); err == nil {
				v = d.Strings.Date(lang, dt)
			}
		case "reason":
			v = h.strs.T(lang, "reassign_reason_"+v)
		}
		pairs = append(pairs, k, v)
	}
	key := "reason_" + x.Code
	if x.Code == "program" {
		switch age, limit := x.Args["age"], x.Args["limit"]; {
		case age == "":
			key = "reason_program_group"
		case atoi(age) < atoi(limit):
			key = "reason_program_under"
		default:
			key = "reason_program_over"
		}
	}
	s := h.strs.T(lang, key, pairs...)
	if s == key || s == "" {
		return x.Text // a reason the interface has no words for: the English text
	}
	return s
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// listData is what the list templates see.
type listData struct {
	Rows       []listRow
	Total      int
	Page, Last int
	Capacity   []capacityRow
}

type listRow struct {
	ID, Number, Created, Status, StatusKey, Office, District, Languages, Program string
	Declined, Anonymous                                                          bool
}

func (h *Handler) row(d *referral.Directory, lang string, r *referral.Referral) listRow {
	def := d.Dir.Site.DefaultLanguage
	row := listRow{ID: r.ID, Number: r.Number, Created: r.CreatedAt.In(berlin).Format("02.01.2006 15:04"), StatusKey: r.Status(),
		Status: h.strs.T(lang, "status_"+r.Status()), Program: h.strs.T(lang, "program_"+r.Program), Declined: r.Declined(), Anonymous: r.Anonymous()}
	if cur := r.Current(); cur != nil {
		if o := d.Dir.Office(cur.Office); o != nil {
			row.Office, _ = o.Name.Get(lang, def)
		}
	}
	if dd := d.Dir.District(r.District); dd != nil {
		row.District, _ = dd.Name.Get(lang, def)
	}
	var langs []string
	for _, l := range r.Languages {
		if c := d.Dir.Language(l); c != nil {
			n, _ := c.Name.Get(lang, def)
			langs = append(langs, n)
		}
	}
	row.Languages = strings.Join(langs, d.Strings.T(lang, "list_sep"))
	return row
}

// berlin is the time zone times are shown in.
var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return l
}()

func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 100000)
}

// list is each role's list: a provider's inbox, an agency's referrals, the
// coordination office's desk.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, s *session) {
	title := map[string]string{referral.RoleProvider: "inbox_title", referral.RoleAgency: "mine_title", referral.RoleCoordination: "desk_title"}[s.actor.Role]
	p := s.page(title, "list")
	p.Lang = h.lang(r, s.user)
	pg := pageNumber(r)
	refs, total, err := h.svc.List(r.Context(), s.actor, pg-1)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	d := h.svc.Directory()
	ld := &listData{Total: total, Page: pg, Last: max(1, (total+referral.PageSize-1)/referral.PageSize)}
	for _, ref := range refs {
		ld.Rows = append(ld.Rows, h.row(d, p.Lang, ref))
	}
	if s.actor.Role == referral.RoleProvider {
		ld.Capacity, err = h.capacityRows(r, s, p.Lang)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
	}
	p.Data = ld
	h.render(w, r, http.StatusOK, "list", p)
}

// detailData is what the detail template sees.
type detailData struct {
	Row         listRow
	Created     bool
	AgeGroup    string
	Needs       []string
	ConsentDate string
	Office      *proposedOffice
	Reasons     []string
	History     []historyRow
	Contact     *referral.Contact
	Next        []string // statuses a provider may set
	Declines    []option
	Reassigns   []option
	Offices     []option // for reassignment, ranked
	SlipLangs   []option
	SlipLang    string
	CanErase    bool
	HasContact  bool
}

type historyRow struct {
	Seq                          int
	Office, Status, Reason, Note string
	At                           string
	Declined                     bool
}

func (h *Handler) detail(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("detail_title", "list")
	p.Lang = h.lang(r, s.user)
	h.showDetail(w, r, s, p, r.PathValue("id"), http.StatusOK)
}

// showDetail shows a referral's page with status (and the errors of p).
func (h *Handler) showDetail(w http.ResponseWriter, r *http.Request, s *session, p *page, id string, status int) {
	ref, err := h.svc.Get(r.Context(), s.actor, id, "read")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	dd, err := h.detailData(r, s, p.Lang, ref)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	dd.Created = status == http.StatusOK && r.URL.Query().Get("created") != ""
	p.Data = dd
	h.render(w, r, status, "detail", p)
}

func (h *Handler) detailData(r *http.Request, s *session, lang string, ref *referral.Referral) (*detailData, error) {
	d := h.svc.Directory()
	def := d.Dir.Site.DefaultLanguage
	dd := &detailData{Row: h.row(d, lang, ref), AgeGroup: h.strs.T(lang, "age_span_"+ref.AgeGroup), ConsentDate: ref.ConsentDate,
		SlipLang: ref.SlipLang, HasContact: ref.Sealed != nil}
	if cd, err := model.ParseDate(ref.ConsentDate); err == nil {
		dd.ConsentDate = d.Strings.Date(lang, cd)
	}
	n := ref.Needs
	for _, x := range []struct {
		on  bool
		key string
	}{{n.IntegrationCourse, "need_integration_course"}, {n.Literacy, "need_literacy"}, {n.Childcare, "need_childcare"}, {n.WomenOnly, "need_women_only"}} {
		if x.on {
			dd.Needs = append(dd.Needs, h.strs.T(lang, x.key))
		}
	}
	if t := d.Dir.Topic(n.Topic); t != nil {
		name, _ := t.Name.Get(lang, def)
		dd.Needs = append(dd.Needs, name)
	}
	if cur := ref.Current(); cur != nil {
		if o := d.Dir.Office(cur.Office); o != nil {
			po := h.office(d, lang, o)
			dd.Office = &po
		}
		for _, x := range cur.Reasons {
			dd.Reasons = append(dd.Reasons, h.reason(d, lang, x))
		}
	}
	for _, a := range ref.Assignments {
		hr := historyRow{Seq: a.Seq, Status: h.strs.T(lang, "status_"+a.Status), At: a.ChangedAt.In(berlin).Format("02.01.2006 15:04"), Declined: a.Status == referral.StatusDeclined}
		if o := d.Dir.Office(a.Office); o != nil {
			hr.Office, _ = o.Name.Get(lang, def)
		}
		switch {
		case a.Reason != "" && a.Status == referral.StatusDeclined:
			hr.Reason = h.strs.T(lang, "decline_reason_"+a.Reason)
		case a.Reason != "":
			hr.Reason = h.strs.T(lang, "reassign_reason_"+a.Reason)
		}
		if a.Note != nil && (s.actor.Role == referral.RoleCoordination || (s.actor.Role == referral.RoleProvider && a.Provider == s.actor.Provider)) {
			note, err := h.svc.Note(r.Context(), s.actor, ref, a.Seq)
			if err != nil {
				return nil, err
			}
			hr.Note = note
		}
		dd.History = append(dd.History, hr)
	}
	switch s.actor.Role {
	case referral.RoleProvider:
		c, err := h.svc.Contact(r.Context(), s.actor, ref)
		if err != nil && !errors.Is(err, referral.ErrForbidden) {
			return nil, err
		}
		dd.Contact = c
		if cur := ref.Current(); cur != nil && cur.Provider == s.actor.Provider {
			dd.Next = referral.Next(cur.Status)
		}
		for _, x := range referral.DeclineReasons {
			dd.Declines = append(dd.Declines, option{x, h.strs.T(lang, "decline_reason_"+x), ""})
		}
	case referral.RoleCoordination:
		for _, x := range referral.ReassignReasons {
			dd.Reassigns = append(dd.Reassigns, option{x, h.strs.T(lang, "reassign_reason_"+x), ""})
		}
		res, err := h.svc.Preview(r.Context(), s.actor, &referral.CreateRequest{Source: ref.Source, Anonymous: true,
			Person: referral.Person{AgeGroup: ref.AgeGroup, District: ref.District, Languages: ref.Languages}, Needs: ref.Needs})
		if err == nil {
			for _, ro := range res.Offices {
				name, _ := ro.Office.Name.Get(lang, def)
				label := fmt.Sprintf("%s · %s", name, h.strs.T(lang, "capacity_of", "assigned", strconv.Itoa(ro.Assigned), "capacity", strconv.Itoa(ro.Capacity)))
				dd.Offices = append(dd.Offices, option{ro.OfficeID, label, ""})
			}
		}
		dd.CanErase = ref.Sealed != nil
	case referral.RoleAgency:
		dd.CanErase = ref.Sealed != nil
	}
	for _, l := range d.Dir.Site.Languages {
		if c := d.Dir.Language(l); c != nil {
			dd.SlipLangs = append(dd.SlipLangs, option{l, c.Native, l})
		}
	}
	return dd, nil
}

// slip prints the slip of a referral in the language asked for.
func (h *Handler) slip(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("detail_title", "list")
	lang := r.URL.Query().Get("lang")
	if lang != "" && !slices.Contains(h.svc.Directory().Dir.Site.Languages, lang) {
		lang = ""
	}
	ref, err := h.svc.Get(r.Context(), s.actor, r.PathValue("id"), "read-slip")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	h.writeSlip(w, r, p, ref, "", lang)
}

// addressSlip prints the slip of a proposal that was not stored: the
// person took only the address.
func (h *Handler) addressSlip(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("refer_title", "refer")
	office := r.URL.Query().Get("office")
	if h.svc.Directory().Dir.Office(office) == nil {
		h.fail(w, r, p, referral.ErrNotFound)
		return
	}
	lang := r.URL.Query().Get("lang")
	if !slices.Contains(h.svc.Directory().Dir.Site.Languages, lang) {
		lang = ""
	}
	h.writeSlip(w, r, p, nil, office, lang)
}

func (h *Handler) writeSlip(w http.ResponseWriter, r *http.Request, p *page, ref *referral.Referral, office, lang string) {
	var b bytes.Buffer
	if err := h.svc.WriteSlip(&b, ref, office, lang); err != nil {
		h.fail(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", referral.SlipCSP)
	w.Write(b.Bytes())
}

// status takes a provider's answer: accept, contacted, closed, or decline
// with a reason and a note.
func (h *Handler) status(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("detail_title", "list")
	p.h, p.Lang = h, h.lang(r, s.user)
	req := &referral.StatusRequest{Status: r.PostFormValue("status"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if req.Status == referral.StatusDeclined {
		req.Reason = r.PostFormValue("reason")
	}
	id := r.PathValue("id")
	ref, err := h.svc.SetStatus(r.Context(), s.actor, id, req)
	if err != nil {
		if h.fieldErrors(err, p) {
			h.showDetail(w, r, s, p, id, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, p, err)
		return
	}
	if req.Status == referral.StatusDeclined {
		http.Redirect(w, r, "/referrals?declined="+url.QueryEscape(ref.Number), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/referrals/"+id, http.StatusSeeOther)
}

// reassign takes the coordination office's decision.
func (h *Handler) reassign(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("detail_title", "list")
	p.h, p.Lang = h, h.lang(r, s.user)
	id := r.PathValue("id")
	_, err := h.svc.Reassign(r.Context(), s.actor, id, &referral.ReassignRequest{Office: r.PostFormValue("office"),
		Reason: r.PostFormValue("reason"), Note: strings.TrimSpace(r.PostFormValue("note"))})
	if err != nil {
		if h.fieldErrors(err, p) {
			h.showDetail(w, r, s, p, id, http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id, http.StatusSeeOther)
}

// erase deletes the person's contact data (consent withdrawn).
func (h *Handler) erase(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("detail_title", "list")
	id := r.PathValue("id")
	if err := h.svc.Erase(r.Context(), s.actor, id); err != nil {
		h.fail(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id, http.StatusSeeOther)
}

// capacityRow is an office's capacity and load this month.
type capacityRow struct {
	Office, Provider, Programs string
	Capacity, Assigned         int
	Percent                    int // of capacity, for the bar (at most 100)
	Full, None                 bool
}

func (h *Handler) capacityRows(r *http.Request, s *session, lang string) ([]capacityRow, error) {
	loads, err := h.svc.Capacity(r.Context(), s.actor)
	if err != nil {
		return nil, err
	}
	d := h.svc.Directory()
	def := d.Dir.Site.DefaultLanguage
	var out []capacityRow
	for _, l := range loads {
		row := capacityRow{Capacity: l.Capacity, Assigned: l.Assigned, None: l.Capacity == 0, Full: l.Capacity > 0 && l.Assigned >= l.Capacity}
		row.Office, _ = l.Office.Name.Get(lang, def)
		if p := d.Dir.Provider(l.Office.Provider); p != nil {
			row.Provider, _ = p.Name.Get(lang, def)
		}
		var progs []string
		for _, pr := range l.Programs {
			progs = append(progs, h.strs.T(lang, "program_short_"+pr))
		}
		row.Programs = strings.Join(progs, d.Strings.T(lang, "list_sep"))
		if l.Capacity > 0 {
			row.Percent = min(100, l.Assigned*100/l.Capacity)
		}
		out = append(out, row)
	}
	return out, nil
}

func (h *Handler) capacity(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("capacity_title", "capacity")
	p.Lang = h.lang(r, s.user)
	rows, err := h.capacityRows(r, s, p.Lang)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Data = &listData{Capacity: rows}
	h.render(w, r, http.StatusOK, "capacity", p)
}

// chart is one statistics table, drawn.
type chart struct {
	Title, Caption string
	Bars           []bar
	Total          string
	Height         int // of the SVG
}

type bar struct {
	Label, Value string
	Width        float64 // percent of the widest
	Y            int
	Suppressed   bool
}

// statsData is what the statistics template sees.
type statsData struct {
	From, To string
	Charts   []chart
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("stats_title", "stats")
	p.h, p.Lang = h, h.lang(r, s.user)
	q := r.URL.Query()
	sd := &statsData{From: q.Get("from"), To: q.Get("to")}
	p.Data = sd
	rep, err := h.svc.Stats(r.Context(), s.actor, sd.From, sd.To)
	if err != nil {
		h.refuse(w, r, p, "stats", err)
		return
	}
	sd.From, sd.To = rep.From, rep.To
	d := h.svc.Directory()
	for _, dim := range []string{"month", "program", "district", "language", "source"} {
		if t := rep.Table(dim); t != nil {
			sd.Charts = append(sd.Charts, h.chart(d, p.Lang, t))
		}
	}
	h.render(w, r, http.StatusOK, "stats", p)
}

// chart draws a table as horizontal bars; suppressed counts get no bar
// and the word for "suppressed".
func (h *Handler) chart(d *referral.Directory, lang string, t *stats.Table) chart {
	def := d.Dir.Site.DefaultLanguage
	c := chart{Title: h.strs.T(lang, "stats_by_"+t.Dimension)}
	widest := 1
	for _, row := range t.Rows {
		widest = max(widest, row.Count.N)
	}
	for i, row := range t.Rows {
		label := row.Value
		switch t.Dimension {
		case "district":
			if x := d.Dir.District(row.Value); x != nil {
				label, _ = x.Name.Get(lang, def)
			}
		case "language":
			if x := d.Dir.Language(row.Value); x != nil {
				label, _ = x.Name.Get(lang, def)
			}
		case "program":
			label = h.strs.T(lang, "program_short_"+row.Value)
		case "source":
			label = h.strs.T(lang, "source_"+row.Value)
		case "month":
			if m, err := time.Parse("2006-01", row.Value); err == nil {
				label = m.Format("01/2006")
			}
		}
		if row.Value == "unknown" {
			label = h.strs.T(lang, "stats_unknown")
		}
		b := bar{Label: label, Y: i * 28, Suppressed: row.Count.Suppressed}
		if row.Count.Suppressed {
			b.Value = h.strs.T(lang, "stats_suppressed")
		} else {
			b.Value = strconv.Itoa(row.Count.N)
			b.Width = float64(row.Count.N) * 100 / float64(widest)
		}
		c.Bars = append(c.Bars, b)
	}
	c.Height = max(28, len(c.Bars)*28)
	if t.Total.Suppressed {
		c.Total = h.strs.T(lang, "stats_suppressed")
	} else {
		c.Total = strconv.Itoa(t.Total.N)
	}
	return c
}

// refuse answers a call the service refused: its field errors on the
// form's page (422), anything else through fail.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, p *page, tmpl string, err error) {
	if h.fieldErrors(err, p) {
		h.render(w, r, http.StatusUnprocessableEntity, tmpl, p)
		return
	}
	h.fail(w, r, p, err)
}

// nameList names each id of a list joined by sep (ids the directory does
// not know stay as they are) and joins the names with join.
func nameList(list, sep, join string, name func(string) string) string {
	ids := strings.Split(list, sep)
	for i, id := range ids {
		ids[i] = name(id)
	}
	return strings.Join(ids, join)
}
