package load

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

var (
	idRe       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	langCodeRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	scriptRe   = regexp.MustCompile(`^[A-Z][a-z]{3}$`)
)

// rtlScripts are the ISO 15924 scripts written right to left that
// newcomers' languages use.
var rtlScripts = []string{"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"}

// at returns the recorded position of the value ptr points to.
func (l *loader) at(ptr any) diag.Pos { return l.pos[ptr] }

func (l *loader) errorAt(ptr any, rule, hint, format string, args ...any) {
	l.problem(diag.Error, l.at(ptr), rule, hint, format, args...)
}

func (l *loader) warnAt(ptr any, rule, hint, format string, args ...any) {
	l.problem(diag.Warning, l.at(ptr), rule, hint, format, args...)
}

// validate runs the checks that need more than one value or file.
func (l *loader) validate() {
	d := l.dir
	l.readSums()
	l.checkLanguages()
	l.checkSite()
	l.checkIDs()
	l.checkNames()
	l.checkDistricts()
	l.checkRefs(reflect.ValueOf(d).Elem())
	for i := range d.Providers {
		l.checkProvider(&d.Providers[i])
	}
	for i := range d.CourseFiles {
		l.checkCourseFile(&d.CourseFiles[i])
	}
	l.checkTexts(reflect.ValueOf(d).Elem())
}

func (l *loader) checkLanguages() {
	for i := range l.dir.Languages {
		lang := &l.dir.Languages[i]
		if lang.Code != "" && !langCodeRe.MatchString(lang.Code) {
			l.errorAt(&lang.Code, "bad-language-code", "use a lower-case BCP 47 code such as ar, prs or de-simple", "%q is not a language code", lang.Code)
		}
		if lang.Script == "" {
			continue
		}
		if !scriptRe.MatchString(lang.Script) {
			l.errorAt(&lang.Script, "bad-value", "use the four-letter ISO 15924 code, e.g. Latn, Arab, Cyrl", "%q is not a script code", lang.Script)
			continue
		}
		want := "ltr"
		if slices.Contains(rtlScripts, lang.Script) {
			want = "rtl"
		}
		if lang.Dir != "" && lang.Dir != want {
			l.warnAt(&lang.Dir, "direction", fmt.Sprintf("did you mean `dir: %s`?", want), "script %s is written %s, but dir is %s", lang.Script, dirWords(want), lang.Dir)
		}
	}
}

func dirWords(dir string) string {
	if dir == "rtl" {
		return "right to left"
	}
	return "left to right"
}

func (l *loader) checkSite() {
	s := &l.dir.Site
	if s.DefaultLanguage != "" && len(s.Languages) > 0 && !slices.Contains(s.Languages, s.DefaultLanguage) {
		l.errorAt(&s.DefaultLanguage, "unknown-reference", "add it to `languages` as well", "default language `%s` is not one of the site's languages", s.DefaultLanguage)
	}
	if c := &s.Checks; c.StaleDays < 0 || c.ExpiredDays < 0 {
		l.errorAt(c, "bad-value", "write a number of days, e.g. stale_days: 92", "checks: days cannot be negative")
	} else if c.Expired() <= c.Stale() {
		l.errorAt(c, "bad-value", "expired_days must be more than stale_days (defaults 365 and 92)",
			"checks: expired_days (%d) is not more than stale_days (%d)", c.Expired(), c.Stale())
	}
	if r := s.Report; r != nil && r.IssueURL != "" {
		if u, err := url.Parse(strings.NewReplacer("{title}", "t", "{body}", "b").Replace(r.IssueURL)); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			l.errorAt(&r.IssueURL, "bad-value", "write the address of the host's new-issue page with {title} and {body}, e.g. https://github.com/owner/name/issues/new?title={title}&body={body}",
				"report.issue_url %q is not a web address", r.IssueURL)
		} else if !strings.Contains(r.IssueURL, "{body}") {
			l.warnAt(&r.IssueURL, "bad-value", "add {body} where the host takes the issue's text", "report.issue_url has no {body}: reports would not say which entry is wrong")
		}
	}
}

// checkIDs checks the form of every id and that ids are unique within
// their kind across all files.
func (l *loader) checkIDs() {
	d := l.dir
	// The maps sized up front: grown id by id, they were a third of a
	// serve rebuild's load at national scale.
	n := d.Count()
	sizes := map[string]int{"language": len(d.Languages), "district": len(d.Districts), "topic": len(d.Topics),
		"provider": len(d.Providers), "course provider": len(d.CourseFiles),
		"office": n.Offices, "advisor": n.Advisors, "offer": n.Offers, "course": n.Courses}
	seen := make(map[string]map[string]*string, len(sizes))
	for kind, n := range sizes {
		seen[kind] = make(map[string]*string, n)
	}
	check := func(kind string, id *string, form bool) {
		if *id == "" {
			return
		}
		switch {
		case !form:
		case kind == "language":
			// Codes keep their case (de-CH); as folder names they must
			// still be safe where case does not count.
			if why := model.SafeSegment(strings.ToLower(*id)); why != "" && langCodeRe.MatchString(*id) {
				l.errorAt(id, "bad-id", "use another code for this language", "%q cannot be a folder of the site: %s", *id, why)
			}
		case !idRe.MatchString(*id):
			hint := "use lower-case letters a–z, digits and single dashes"
			if s := slug(*id); s != "" {
				hint += fmt.Sprintf(", e.g. `%s`", s)
			}
			l.errorAt(id, "bad-id", hint, "%q is not a valid id", *id)
		default:
			if why := model.SafeSegment(*id); why != "" {
				hint := "choose a shorter id"
				if len(*id) <= model.MaxID {
					hint = fmt.Sprintf("choose another id, e.g. `%s-1`", *id)
				}
				l.errorAt(id, "bad-id", hint, "%q cannot be used as an id: %s", *id, why)
			}
		}
		if seen[kind] == nil {
			seen[kind] = map[string]*string{}
		}
		if first, dup := seen[kind][*id]; dup {
			l.errorAt(id, "duplicate-id", "ids appear in web addresses and must be unique: rename one of them",
				"%s id `%s` is already used at %s", kind, *id, l.at(first))
			return
		}
		seen[kind][*id] = id
	}
	fresh := func(x any) bool { return l.fresh == nil || l.fresh[x] }
	all := l.fresh == nil // a full load: the catalogues too
	for i := range d.Languages {
		check("language", &d.Languages[i].Code, all)
	}
	for i := range d.Districts {
		check("district", &d.Districts[i].ID, all)
	}
	for i := range d.Topics {
		check("topic", &d.Topics[i].ID, all)
	}
	for i := range d.Providers {
		p := &d.Providers[i]
		form := fresh(p)
		check("provider", &p.ID, form)
		for j := range p.Offices {
			check("office", &p.Offices[j].ID, form)
		}
		for j := range p.Advisors {
			check("advisor", &p.Advisors[j].ID, form)
		}
		for j := range p.Offers {
			check("offer", &p.Offers[j].ID, form)
		}
	}
	for i := range d.CourseFiles {
		f := &d.CourseFiles[i]
		form := fresh(f)
		check("course provider", &f.Provider.ID, form)
		for j := range f.Courses {
			check("course", &f.Courses[j].ID, form)
		}
	}
}

// checkNames reports names that two entries of one kind share: district
// names (not aliases: "Schwabing" may lead to two districts) and language
// names (people choose them by name, so one
// name must mean one entry) as errors; provider, course provider and topic
// names as warnings. Values are in normal form C since decoding, so names
// that differ only in how an accent is encoded are the same name here.
func (l *loader) checkNames() {
	d := l.dir
	type owner struct {
		id  string
		ptr any
	}
	check := func(sev diag.Severity, kind string, seen map[string]owner, name, id string, ptr any) {
		if name == "" {
			return
		}
		key := strings.ToLower(name)
		first, dup := seen[key]
		if !dup {
			seen[key] = owner{id, ptr}
			return
		}
		if first.id == id {
			return // a district's alias that repeats its name
		}
		l.problem(sev, l.at(ptr), "duplicate-name", "give each its own name, e.g. with the part of town",
			"%s `%s` has the name %q, as `%s` has at %s", kind, id, name, first.id, l.at(first.ptr))
	}
	texts := func(sev diag.Severity, kind string, seen map[string]map[string]owner, t model.Text, id string, ptr any) {
		for _, lang := range slices.Sorted(maps.Keys(t)) {
			if seen[lang] == nil {
				seen[lang] = map[string]owner{}
			}
			check(sev, kind, seen[lang], t[lang], id, ptr)
		}
	}
	districts := map[string]owner{}
	for i := range d.Districts {
		x := &d.Districts[i]
		for _, lang := range slices.Sorted(maps.Keys(x.Name)) {
			check(diag.Error, "district", districts, x.Name[lang], x.ID, &x.Name)
		}
	}
	langNames, natives := map[string]map[string]owner{}, map[string]owner{}
	for i := range d.Languages {
		x := &d.Languages[i]
		texts(diag.Error, "language", langNames, x.Name, x.Code, &x.Name)
		check(diag.Error, "language", natives, x.Native, x.Code, &x.Native)
	}
	topics := map[string]map[string]owner{}
	for i := range d.Topics {
		texts(diag.Warning, "topic", topics, d.Topics[i].Name, d.Topics[i].ID, &d.Topics[i].Name)
	}
	providers := map[string]map[string]owner{}
	for i := range d.Providers {
		texts(diag.Warning, "provider", providers, d.Providers[i].Name, d.Providers[i].ID, &d.Providers[i].Name)
	}
	courseProviders := map[string]map[string]owner{}
	for i := range d.CourseFiles {
		texts(diag.Warning, "course provider", courseProviders, d.CourseFiles[i].Provider.Name, d.CourseFiles[i].Provider.ID, &d.CourseFiles[i].Provider.Name)
	}
}

// slug suggests an id for s: "Caritas Mitte" → "caritas-mitte".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range fold(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func (l *loader) checkDistricts() {
	ds := l.dir.Districts
	byID := map[string]*model.District{}
	numbers := map[int]*int{}
	for i := range ds {
		byID[ds[i].ID] = &ds[i]
		if n := &ds[i].Number; *n != 0 {
			if first, dup := numbers[*n]; dup {
				l.errorAt(n, "duplicate-id", "each district has its own number", "district number %d is already used at %s", *n, l.at(first))
			}
			numbers[*n] = n
		}
	}
	for i := range ds {
		dist := &ds[i]
		for j, nb := range dist.Neighbours {
			if nb == dist.ID {
				l.errorAt(&dist.Neighbours[j], "bad-value", "remove it from `neighbours`", "district `%s` lists itself as a neighbour", nb)
			} else if other := byID[nb]; other != nil && !slices.Contains(other.Neighbours, dist.ID) {
				l.warnAt(&dist.Neighbours[j], "neighbour-not-mutual", fmt.Sprintf("add `%s` to the neighbours of `%s`", dist.ID, nb),
					"`%s` is a neighbour of `%s`, but not the other way round", nb, dist.ID)
			}
		}
	}
}

// checkRefs checks every field below root (the directory, or a value of
// it) tagged ref=district, ref=language or ref=topic against the ids
// defined. Office references are checked per provider (checkProvider).
func (l *loader) checkRefs(root reflect.Value) {
	d := l.dir
	ids := map[string][]string{}
	names := map[string]map[string]string{} // kind → folded name or alias → id
	for _, x := range d.Districts {
		ids["district"] = append(ids["district"], x.ID)
		m := names["district"]
		if m == nil {
			m = map[string]string{}
			names["district"] = m
		}
		for _, n := range x.Name {
			m[fold(n)] = x.ID
		}
		for _, a := range x.Aliases {
			m[fold(a)] = x.ID
		}
	}
	for _, x := range d.Languages {
		ids["language"] = append(ids["language"], x.Code)
	}
	for _, x := range d.Topics {
		ids["topic"] = append(ids["topic"], x.ID)
	}
	files := map[string]string{"district": "districts.yaml", "language": "languages.yaml", "topic": "topics.yaml"}
	what := map[string]string{"district": "a district id", "language": "a language code", "topic": "a topic id"}
	check := func(kind string, ref *string) {
		if *ref == "" || l.broken[kind] || slices.Contains(ids[kind], *ref) {
			return
		}
		hint := fmt.Sprintf("use %s from %s", what[kind], files[kind])
		if alias, ok := languageAliases[*ref]; ok && kind == "language" {
			hint = alias
		} else if id, ok := names[kind][fold(*ref)]; ok {
			hint = fmt.Sprintf("did you mean `%s`? Use the id, not the name", id)
		} else if s := suggest(*ref, ids[kind]); s != "" {
			hint = fmt.Sprintf("did you mean `%s`?", s)
		}
		l.errorAt(ref, "unknown-reference", hint, "%s `%s` is not in %s", kind, *ref, files[kind])
	}
	visit := func(f field, v reflect.Value) {
		if f.ref == "" || f.ref == "office" {
			return
		}
		switch v.Kind() {
		case reflect.String:
			check(f.ref, v.Addr().Interface().(*string))
		case reflect.Slice:
			for i := range v.Len() {
				check(f.ref, v.Index(i).Addr().Interface().(*string))
			}
		}
	}
	l.walk(root, visit)
}

// languageAliases explains language tags that editors meet elsewhere but
// that the catalogue spells differently.
var languageAliases = map[string]string{
	"fa-AF": "Dari has its own code: did you mean `prs`?",
	"ku":    "\"Kurdish\" is two languages: `kmr` (Kurmanji, Latin script) or `ckb` (Sorani, Arabic script)",
	"pes":   "did you mean `fa` (Persian)?",
	"arb":   "did you mean `ar` (Arabic)?",
	"pbt":   "did you mean `ps` (Pashto)?",
	"tir":   "did you mean `ti` (Tigrinya)?",
}

// walk calls visit for every tagged struct field reachable from v.
func (l *loader) walk(v reflect.Value, visit func(field, reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			l.walk(v.Elem(), visit)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				l.walk(v.Index(i), visit)
			}
		}
	case reflect.Struct:
		if v.Type() == dateType {
			return
		}
		fs := l.fields.fields(v.Type())
		if v.Type() == reflect.TypeFor[model.Directory]() {
			fs = nil
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					l.walk(v.Field(i), visit)
				}
			}
		}
		for _, f := range fs {
			fv := v.Field(f.index)
			visit(f, fv)
			l.walk(fv, visit)
		}
	}
}

func (l *loader) checkProvider(p *model.Provider) {
	if p.ID != "" && path.Base(p.File) != p.ID+path.Ext(p.File) {
		l.errorAt(&p.ID, "file-name", fmt.Sprintf("rename the file to %s.yaml or change the id", p.ID),
			"the file is named %s, but the provider id is `%s`", path.Base(p.File), p.ID)
	}
	if p.LastVerified.IsZero() && p.ID != "" && !l.written[&p.LastVerified] {
		l.warnAt(&p.ID, "stale", "check the entry with the provider, then add `last_verified: YYYY-MM-DD` with that day",
			"provider `%s` has no `last_verified`: nobody has confirmed that its entries are current", p.ID)
	}
	if p.LastVerified.IsZero() && p.ID != "" && !l.written[&p.LastVerified] {
		l.problems[len(l.problems)-1].Entry = "provider " + p.ID
	}
	l.checkVerified(&p.LastVerified, "provider "+p.ID)
	offices := map[string]bool{}
	for i := range p.Offices {
		o := &p.Offices[i]
		offices[o.ID] = true
		l.checkPostalCode(&o.Address.PostalCode, o.District)
		l.checkGeo(o.Geo)
		l.checkHours(o.Hours)
		for j := range o.Closures {
			c := &o.Closures[j]
			if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
				l.errorAt(&c.To, "date-order", "check both dates: `to` is the last day of the closure", "closure ends (%s) before it starts (%s)", c.To, c.From)
			}
		}
		if o.Capacity != nil && o.Capacity.ReferralsPerMonth < 0 {
			l.errorAt(&o.Capacity.ReferralsPerMonth, "bad-value", "write 0 or more", "capacity cannot be negative")
		}
	}
	ownOffices := slices.Collect(func(yield func(string) bool) {
		for _, o := range p.Offices {
			if !yield(o.ID) {
				return
			}
		}
	})
	checkOffice := func(ref *string) {
		if *ref == "" || offices[*ref] {
			return
		}
		if o := l.officeOwner(*ref); o != "" {
			hint := "this provider has no offices yet: add them under `offices:`"
			if len(ownOffices) > 0 {
				hint = fmt.Sprintf("use one of this provider's offices: %s", strings.Join(ownOffices, ", "))
			}
			l.errorAt(ref, "unknown-reference", hint,
				"office `%s` belongs to provider `%s`, not to `%s`", *ref, o, p.ID)
			return
		}
		hint := "offices are defined under `offices:` in this file"
		if s := suggest(*ref, ownOffices); s != "" {
			hint = fmt.Sprintf("did you mean `%s`?", s)
		}
		l.errorAt(ref, "unknown-reference", hint, "office `%s` is not defined in this file", *ref)
	}
	for i := range p.Advisors {
		a := &p.Advisors[i]
		checkOffice(&a.Office)
		l.checkHours(a.Hours)
	}
	for i := range p.Offers {
		o := &p.Offers[i]
		for j := range o.Offices {
			checkOffice(&o.Offices[j])
		}
		l.checkTarget(o)
	}
}

// officeOwner returns the id of the provider whose file defines office id,
// or "".
func (l *loader) officeOwner(id string) string {
	for _, p := range l.dir.Providers {
		for _, o := range p.Offices {
			if o.ID == id {
				return p.ID
			}
		}
	}
	return ""
}

func (l *loader) checkTarget(o *model.Offer) {
	t := o.Target
	if t == nil {
		return
	}
	if t.MaxAge != 0 && t.MaxAge < t.MinAge {
		l.errorAt(&t.MaxAge, "bad-value", "check both ages", "max_age %d is below min_age %d", t.MaxAge, t.MinAge)
		return
	}
	switch o.Program {
	case model.ProgramJMD:
		if t.MinAge < 12 || t.MaxAge == 0 || t.MaxAge > 27 {
			l.warnAt(&o.Target, "target-age", "JMD offers are usually {min_age: 12, max_age: 27}", "a JMD offer for ages %s is outside the JMD age group 12–27", ageRange(t))
		}
	case model.ProgramMBE:
		if t.MinAge < 27 && t.MinAge != 0 {
			l.warnAt(&o.Target, "target-age", "MBE offers are usually {min_age: 27}", "an MBE offer for ages %s reaches below the MBE age group 27+", ageRange(t))
		}
	}
}

func ageRange(t *model.Target) string {
	if t.MaxAge == 0 {
		return fmt.Sprintf("%d+", t.MinAge)
	}
	return fmt.Sprintf("%d–%d", t.MinAge, t.MaxAge)
}

func (l *loader) checkHours(hs []model.Hours) {
	for i := range hs {
		h := &hs[i]
		l.checkTimes(&h.From, &h.To)
	}
}

func (l *loader) checkTimes(from, to *model.Clock) {
	if _, ok := l.pos[from]; !ok {
		return
	}
	if _, ok := l.pos[to]; !ok {
		return
	}
	if *to <= *from {
		l.errorAt(to, "time-order", "`from` is the start and `to` the end, on the 24-hour clock", "`to` (%s) is not after `from` (%s)", *to, *from)
	}
}

func (l *loader) checkGeo(g *model.Geo) {
	if g == nil {
		return
	}
	if g.Lat < -90 || g.Lat > 90 {
		hint := "latitude is between -90 and 90"
		if g.Lon >= -90 && g.Lon <= 90 {
			hint = "are lat and lon swapped? In Germany lat is about 47–55 and lon about 6–15"
		}
		l.errorAt(&g.Lat, "bad-value", hint, "latitude %g is impossible", g.Lat)
	}
	if g.Lon < -180 || g.Lon > 180 {
		l.errorAt(&g.Lon, "bad-value", "longitude is between -180 and 180", "longitude %g is impossible", g.Lon)
	}
}

// checkPostalCode checks that pc lies in district, where the district lists
// its postal codes.
func (l *loader) checkPostalCode(pc *model.PostalCode, district string) {
	if _, ok := l.pos[pc]; !ok || district == "" {
		return // not set, or already reported as malformed
	}
	for _, d := range l.dir.Districts {
		if d.ID != district || len(d.PostalCodes) == 0 {
			continue
		}
		if !slices.Contains(d.PostalCodes, *pc) {
			codes := make([]string, len(d.PostalCodes))
			for i, c := range d.PostalCodes {
				codes[i] = string(c)
			}
			l.errorAt(pc, "postal-code-district", fmt.Sprintf("check the postal code and the district; %s has %s", district, strings.Join(codes, ", ")),
				"postal code %s is not in district `%s`", *pc, district)
		}
		return
	}
}

// checkVerified reports a last_verified date that is due: older than the
// stale days (Options, else site.yaml's checks, else a quarter) as stale,
// older than the expired days as expired. Both are warnings, so that the
// site still builds; the internal edition's quality page lists expired
// entries as errors, and readers see a note on their pages.
func (l *loader) checkVerified(d *model.Date, entry string) {
	if d.IsZero() {
		return
	}
	checks := l.dir.Site.Checks
	stale := checks.Stale()
	if l.opts.StaleDays > 0 {
		stale = l.opts.StaleDays
	}
	age := d.DaysUntil(l.today)
	switch {
	case age < 0:
		l.warnAt(d, "stale", "write the day the entry was last checked", "last_verified %s is in the future", *d)
		return
	case age > checks.Expired() && age > stale:
		l.warnAt(d, "expired", "check the entry with the provider now, then set last_verified to that day; readers are told to call before they go",
			"last verified %s, %d days ago (more than %d): readers see a note that the entry may be out of date", *d, age, checks.Expired())
	case age > stale:
		l.warnAt(d, "stale", "check the entry with the provider, then set last_verified to that day",
			"last verified %s, %d days ago (more than %d)", *d, age, stale)
	default:
		return
	}
	p := &l.problems[len(l.problems)-1]
	p.Entry, p.Checked, p.Days = entry, d.String(), age
}

// courseUnits are the teaching units of the course types the
// Integrationskursverordnung fixes (as amended in December 2024).
var courseUnits = map[string][2]int{
	model.CourseGeneral:      {700, 700},
	model.CourseIntensive:    {500, 500},
	model.CourseLiteracy:     {100, 1000},
	model.CourseSecondScript: {100, 1000},
	model.CourseSupport:      {100, 1000},
}

func (l *loader) checkCourseFile(f *model.CourseFile) {
	if id := f.Provider.ID; id != "" && path.Base(f.File) != id+path.Ext(f.File) {
		l.errorAt(&f.Provider.ID, "file-name", fmt.Sprintf("rename the file to %s.yaml or change the id", id),
			"the file is named %s, but the course provider id is `%s`", path.Base(f.File), id)
	}
	for i := range f.Courses {
		c := &f.Courses[i]
		if !c.Start.IsZero() && !c.End.IsZero() {
			if c.End.Before(c.Start) {
				l.errorAt(&c.End, "date-order", "check both dates", "course ends (%s) before it starts (%s)", c.End, c.Start)
			} else if c.End.Before(l.today) {
				l.warnAt(&c.End, "course-ended", "remove the course when it is no longer needed; ended courses are not listed", "course ended on %s", c.End)
			}
		}
		l.checkTimes(&c.Schedule.From, &c.Schedule.To)
		l.checkPostalCode(&c.Location.PostalCode, c.Location.District)
		l.checkGeo(c.Location.Geo)
		l.checkVerified(&c.LastVerified, "course "+c.ID)
		if _, ok := l.pos[&c.Units]; ok {
			if r, fixed := courseUnits[c.Type]; c.Units <= 0 {
				l.errorAt(&c.Units, "bad-value", "write the number of teaching units (UE), e.g. 700", "units must be more than 0")
			} else if fixed && (c.Units < r[0] || c.Units > r[1]) {
				want := fmt.Sprintf("%d", r[0])
				if r[0] != r[1] {
					want = fmt.Sprintf("at most %d", r[1])
				}
				l.warnAt(&c.Units, "course-units", "check the units; the course type may be wrong",
					"a %s course has %s teaching units under the Integrationskursverordnung, not %d", c.Type, want, c.Units)
			}
		}
		if c.SeatsFree != nil && *c.SeatsFree < 0 {
			l.errorAt(c.SeatsFree, "bad-value", "write 0 when the course is full, or leave seats_free out when unknown", "seats_free cannot be negative")
		}
	}
}

// checkTexts checks every text below root (the directory, or a value of
// it): it must have the default language (the fallback of every page), and
// texts meant for readers should be translated into every interface
// language.
func (l *loader) checkTexts(root reflect.Value) {
	s := l.dir.Site
	var others []string
	for _, lang := range s.Languages {
		if lang != s.DefaultLanguage {
			others = append(others, lang)
		}
	}
	l.walk(root, func(f field, v reflect.Value) {
		if v.Type() != textType || v.Len() == 0 {
			return
		}
		t := v.Interface().(model.Text)
		ptr := v.Addr().Interface()
		if s.DefaultLanguage != "" && t[s.DefaultLanguage] == "" {
			l.errorAt(ptr, "missing-default-language", fmt.Sprintf("add `%s: …`: it is shown wherever a translation is missing", s.DefaultLanguage),
				"`%s` has no text in %s, the site's default language", f.name, s.DefaultLanguage)
			return
		}
		switch {
		case !f.translate:
		case l.opts.Lines != nil:
			l.checkOutdated(ptr, f, t)
		case l.trSums != nil:
			l.checkSums(ptr, f, t)
		}
		if f.translate {
			if missing := t.Missing(others); len(missing) > 0 {
				shown := s.DefaultLanguage
				if t["en"] != "" && slices.Contains(s.Languages, "en") && !slices.Contains(missing, "en") {
					shown = "en" // the site shows English to readers of other languages than the default (site.Fallbacks)
				}
				l.warnAt(ptr, "missing-translation", fmt.Sprintf("readers in those languages see the %s text with a note", shown),
					"`%s` has no translation into %s", f.name, strings.Join(missing, ", "))
				l.problems[len(l.problems)-1].Langs = missing
			}
		}
	})
}

// checkOutdated warns at each translation of t whose lines last changed
// before the lines of its source text (the default language's), by the
// Git history, and records it in the directory's Outdated.
func (l *loader) checkOutdated(ptr any, f field, t model.Text) {
	def := l.dir.Site.DefaultLanguage
	src, ok := l.pos[translation{ptr, def}]
	if !ok {
		return
	}
	times := l.lineTimes(src.File)
	if times == nil {
		return
	}
	changed := func(lang string) time.Time {
		start, end := l.pos[translation{ptr, lang}].Line, l.pos[translationEnd{ptr, lang}].Line
		var last time.Time
		for line := start; line <= end && line <= len(times); line++ {
			if line >= 1 && times[line-1].After(last) {
				last = times[line-1]
			}
		}
		return last
	}
	srcChanged := changed(def)
	langs := slices.Sorted(maps.Keys(t))
	for _, lang := range langs {
		if lang == def {
			continue
		}
		if _, ok := l.pos[translation{ptr, lang}]; !ok {
			continue
		}
		trChanged := changed(lang)
		if trChanged.IsZero() || !srcChanged.After(trChanged) {
			continue
		}
		day := model.DateOf(srcChanged)
		name := lang
		for _, lg := range l.dir.Languages {
			if n, _ := lg.Name.Get("en", def); lg.Code == lang && n != "" {
				name = n
			}
		}
		l.warnAt(translation{ptr, lang}, "outdated-translation",
			"check the translation against the new text and correct it; if it is still right, change it anyway (even its quoting) so its line is newer",
			"`%s`: the %s text changed on %s, after this %s translation (last changed %s): it may be out of date", f.name, def, day, name, model.DateOf(trChanged))
		if l.dir.Outdated == nil {
			l.dir.Outdated = map[string]model.Date{}
		}
		l.dir.Outdated[lang+"\x00"+t[lang]] = day
	}
}

// lineTimes returns the line times of file, read once per load; nil when
// the history has none (a file not committed yet is all "now").
func (l *loader) lineTimes(file string) []time.Time {
	if l.lines == nil {
		l.lines = map[string][]time.Time{}
	}
	if times, ok := l.lines[file]; ok {
		return times
	}
	times, err := l.opts.Lines.LineTimes(file)
	if err != nil {
		times = nil
	}
	l.lines[file] = times
	return times
}
