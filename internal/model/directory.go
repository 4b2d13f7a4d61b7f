package model

import "slices"

// Programs of counselling offers.
const (
	ProgramMBE   = "mbe"   // Migrationsberatung für erwachsene Zugewanderte (27+)
	ProgramJMD   = "jmd"   // Jugendmigrationsdienste (12–27)
	ProgramOther = "other" // any other counselling offer
)

// Site is data/site.yaml: the directory itself.
type Site struct {
	Name            Text     `yaml:"name" wg:"required,translate"`
	Region          Text     `yaml:"region"`
	DefaultLanguage string   `yaml:"default_language" wg:"ref=language"` // default: de
	Languages       []string `yaml:"languages" wg:"ref=language"`        // default: [DefaultLanguage]
	// EasyLanguage is the code of an easy-to-read edition (Leichte
	// Sprache: de-simple) of the pages newcomers start from: the home page,
	// the finder and the Markdown pages written in it (content/de-simple/).
	// Empty: none.
	EasyLanguage string `yaml:"easy_language" wg:"ref=language"`
	// TranslationsNeedReview lists the languages whose translations in
	// the data (offices, offers, courses…) were written without a native
	// speaker and not yet reviewed by one; pages in those languages say
	// so, as they do for an interface not yet reviewed. Remove a code once
	// a native speaker has read the texts.
	TranslationsNeedReview []string      `yaml:"translations_need_review" wg:"ref=language"`
	BaseURL                URL           `yaml:"base_url"`
	Coordination           *Coordination `yaml:"coordination"`
	Referrals              *Referrals    `yaml:"referrals"`
	// State and Country complete postal addresses in open data (HSDS
	// requires them): e.g. Bayern, DE.
	State   string `yaml:"state"`
	Country string `yaml:"country"`
	// License of the open data; default CC BY 4.0.
	License *License `yaml:"license"`
	// CMS configures the web editor the build writes to admin/; nil or
	// not enabled: no admin.
	CMS *CMS `yaml:"cms"`
	// Checks sets when an entry's check with its provider is due.
	Checks Checks `yaml:"checks"`
	// Report is where readers report a mistake in an entry; nil: to the
	// provider's editor_email, else to the coordination office, by e-mail.
	Report *Report `yaml:"report"`
}

// Checks sets when entries are due for a check with their provider.
type Checks struct {
	// StaleDays: a last_verified older than this is a warning (check,
	// wegweiser due, the scheduled issues). Zero: 92, a quarter.
	StaleDays int `yaml:"stale_days"`
	// ExpiredDays: older than this, the internal edition's quality page
	// lists the entry as an error and readers see a note asking them to
	// call before they go. Zero: 365.
	ExpiredDays int `yaml:"expired_days"`
}

// Stale returns StaleDays or its default.
func (c Checks) Stale() int {
	if c.StaleDays > 0 {
		return c.StaleDays
	}
	return 92
}

// Expired returns ExpiredDays or its default.
func (c Checks) Expired() int {
	if c.ExpiredDays > 0 {
		return c.ExpiredDays
	}
	return 365
}

// Report configures the "report a mistake" link of entry pages.
type Report struct {
	// IssueURL opens a new issue on the Git host, pre-filled: {title} and
	// {body} are replaced by the URL-escaped title and text, e.g.
	// https://github.com/owner/name/issues/new?title={title}&body={body}
	// or https://gitlab.com/owner/name/-/issues/new?issue[title]={title}&issue[description]={body}.
	IssueURL string `yaml:"issue_url"`
}

// CMS configures the web editor (Decap CMS) at admin/.
type CMS struct {
	Enabled bool `yaml:"enabled"`
	// Backend is where Decap commits: a Git host and repository.
	Backend CMSBackend `yaml:"backend" wg:"required"`
	// Script is the Decap CMS script; empty: the pinned version from
	// unpkg.com. YAMLModule is the ES module of the yaml library the
	// editor rewrites files with; empty: the pinned version from
	// cdn.jsdelivr.net. Self-hosted copies keep the admin working without
	// third parties.
	Script     URL `yaml:"script"`
	YAMLModule URL `yaml:"yaml_module"`
	// EditorialWorkflow makes the editor open a pull (merge) request for
	// each change instead of committing to the branch, so the checks and a
	// deploy preview run before it goes live (needed where the branch is
	// protected).
	EditorialWorkflow bool `yaml:"editorial_workflow"`
	// LocalBackend is the address of decap-server for editing a local
	// clone (used only when the admin is opened on localhost); empty:
	// http://localhost:8081/api/v1.
	LocalBackend URL `yaml:"local_backend"`
}

// CMSBackend is Decap CMS's backend block.
type CMSBackend struct {
	Name   string `yaml:"name" wg:"required,enum=github|gitlab|gitea|git-gateway"`
	Repo   string `yaml:"repo"`   // owner/name
	Branch string `yaml:"branch"` // default main
	// BaseURL is the OAuth service (GitHub); APIRoot the API of a
	// self-hosted GitLab or Gitea; AppID and AuthType configure GitLab's
	// PKCE login.
	BaseURL  URL    `yaml:"base_url"`
	APIRoot  URL    `yaml:"api_root"`
	AppID    string `yaml:"app_id"`
	AuthType string `yaml:"auth_type" wg:"enum=pkce|implicit"`
}

// License names the licence of the published data.
type License struct {
	Name Text `yaml:"name" wg:"required"`
	URL  URL  `yaml:"url" wg:"required"`
}

// DataLicense returns the licence of the open data: site.yaml's, or
// CC BY 4.0.
func (s *Site) DataLicense() License {
	if s.License != nil {
		return *s.License
	}
	return License{Name: Text{s.DefaultLanguage: "CC BY 4.0"}, URL: "https://creativecommons.org/licenses/by/4.0/"}
}

// Referrals tells staff where to send referrals (the internal edition's
// "how to refer" page).
type Referrals struct {
	Endpoint    URL `yaml:"endpoint"`     // the referral API, e.g. https://zuleitung.example.org/api/v1/
	ConsentForm URL `yaml:"consent_form"` // the consent form agencies use
}

// Internal holds contact details for staff only: published only in the
// internal edition (fields marked public: false in the docs).
type Internal struct {
	Phone Phone `yaml:"phone"` // a direct line
	Email Email `yaml:"email"`
	Note  Text  `yaml:"note" wg:"long"`
}

// Coordination is the cross-provider coordination office that forwards
// referrals.
type Coordination struct {
	Name  Text  `yaml:"name" wg:"required"`
	Email Email `yaml:"email"`
	Phone Phone `yaml:"phone"`
}

// Language is one entry of data/languages.yaml.
type Language struct {
	Code   string `yaml:"code" wg:"required"`
	Name   Text   `yaml:"name"`                  // name in German, optionally in other languages; default: Native
	Native string `yaml:"native"`                // own name in own script; default: Name in the default language
	Script string `yaml:"script"`                // ISO 15924, e.g. Latn, Arab, Cyrl
	Dir    string `yaml:"dir" wg:"enum=ltr|rtl"` // default: from Script, else ltr
}

// RTL reports whether the language is written right to left.
func (l *Language) RTL() bool { return l.Dir == "rtl" }

// District is one entry of data/districts.yaml.
type District struct {
	ID          string       `yaml:"id" wg:"required"`
	Number      int          `yaml:"number"`
	Name        Text         `yaml:"name" wg:"required"`
	PostalCodes []PostalCode `yaml:"postal_codes"`
	Aliases     []string     `yaml:"aliases"`
	Neighbours  []string     `yaml:"neighbours" wg:"ref=district"`
}

// Topic is one entry of data/topics.yaml: a counselling topic.
type Topic struct {
	ID          string `yaml:"id" wg:"required"`
	Name        Text   `yaml:"name" wg:"required,translate"`
	Description Text   `yaml:"description" wg:"translate,long"`
}

// Provider is data/providers/<id>.yaml: a Träger with its offices, advisors
// and offers.
type Provider struct {
	ID           string `yaml:"id"` // default: the file name
	Name         Text   `yaml:"name" wg:"required"`
	Website      URL    `yaml:"website"`
	Email        Email  `yaml:"email"`
	Phone        Phone  `yaml:"phone"`
	Description  Text   `yaml:"description" wg:"translate,long"`
	LastVerified Date   `yaml:"last_verified"` // zero: never verified (a warning)
	// EditorEmail is who edits the provider's entries: readers' reports
	// of a mistake go there when the site has no report.issue_url.
	EditorEmail Email     `yaml:"editor_email"`
	Offices     []Office  `yaml:"offices"`
	Advisors    []Advisor `yaml:"advisors"`
	Offers      []Offer   `yaml:"offers"`
	File        string    `yaml:"-"` // path of the file, relative to the source
}

// Address is a postal address.
type Address struct {
	Street     string     `yaml:"street" wg:"required"`
	PostalCode PostalCode `yaml:"postal_code" wg:"required"`
	City       string     `yaml:"city" wg:"required"`
}

// Geo is a WGS 84 coordinate.
type Geo struct {
	Lat float64 `yaml:"lat" wg:"required"`
	Lon float64 `yaml:"lon" wg:"required"`
}

// Accessibility describes step-free access.
type Accessibility struct {
	Wheelchair bool `yaml:"wheelchair"`
	Note       Text `yaml:"note" wg:"translate,long"`
}

// Capacity is what an office can take from the referral routing.
type Capacity struct {
	ReferralsPerMonth int `yaml:"referrals_per_month" wg:"required"`
}

// Office is a place where a provider counsels people.
type Office struct {
	ID            string         `yaml:"id" wg:"required"`
	Name          Text           `yaml:"name"` // default: the provider's name
	Address       Address        `yaml:"address" wg:"required"`
	District      string         `yaml:"district" wg:"ref=district"` // default: the district of the postal code
	Serves        []string       `yaml:"serves" wg:"ref=district"`
	Geo           *Geo           `yaml:"geo"`
	Phone         Phone          `yaml:"phone"`
	Email         Email          `yaml:"email"`
	Website       URL            `yaml:"website"`
	Accessibility *Accessibility `yaml:"accessibility"`
	Hours         []Hours        `yaml:"hours"`
	Closures      []Closure      `yaml:"closures"`
	BookingURL    URL            `yaml:"booking_url"`
	Capacity      *Capacity      `yaml:"capacity"`
	Internal      *Internal      `yaml:"internal"` // staff only
	Provider      string         `yaml:"-"`        // id of the provider, set by the loader
}

// Advisor is a counsellor working at one office.
type Advisor struct {
	ID        string   `yaml:"id" wg:"required"`
	Name      string   `yaml:"name" wg:"required"`
	Office    string   `yaml:"office" wg:"ref=office"`           // default: the provider's only office
	Programs  []string `yaml:"programs" wg:"enum=mbe|jmd|other"` // default: the programs of the offers at Office
	Languages []string `yaml:"languages" wg:"ref=language"`      // default: [the default language], a warning
	Phone     Phone    `yaml:"phone"`
	Email     Email    `yaml:"email"`
	Hours     []Hours  `yaml:"hours"`
	// Public is false for advisors shown only in the internal (staff)
	// edition; nil means true.
	Public   *bool     `yaml:"public"`
	Internal *Internal `yaml:"internal"` // staff only
	Provider string    `yaml:"-"`        // id of the provider, set by the loader
}

// IsPublic reports whether the advisor may appear in the public edition.
func (a *Advisor) IsPublic() bool { return a.Public == nil || *a.Public }

// Target is the age group an offer is for.
type Target struct {
	MinAge int `yaml:"min_age"`
	MaxAge int `yaml:"max_age"` // 0: no upper limit
}

// Offer is a counselling service offered at one or more offices.
type Offer struct {
	ID          string   `yaml:"id" wg:"required"`
	Program     string   `yaml:"program" wg:"enum=mbe|jmd|other"` // default: from Target
	Title       Text     `yaml:"title" wg:"required,translate"`
	Description Text     `yaml:"description" wg:"translate,long"`
	Topics      []string `yaml:"topics" wg:"ref=topic"`
	Target      *Target  `yaml:"target"`
	Offices     []string `yaml:"offices" wg:"ref=office"` // default: all offices of the provider
	Languages   []string `yaml:"languages" wg:"ref=language"`
	Channels    []string `yaml:"channels" wg:"enum=in_person|phone|video|online"`
	Cost        string   `yaml:"cost" wg:"enum=free|fee"`
	WomenOnly   bool     `yaml:"women_only"`
	Provider    string   `yaml:"-"` // id of the provider, set by the loader
}

// Course types after the Integrationskursverordnung as amended in
// December 2024, plus job-related language courses (DeuFöV).
const (
	CourseGeneral      = "general"
	CourseLiteracy     = "literacy"
	CourseSecondScript = "second-script"
	CourseIntensive    = "intensive"
	CourseSupport      = "support"
	CourseJobLanguage  = "job-language"
	CourseOther        = "other"
)

// CourseTypes lists the course types in the order pages show them.
func CourseTypes() []string {
	return []string{CourseGeneral, CourseLiteracy, CourseSecondScript, CourseIntensive, CourseSupport, CourseJobLanguage, CourseOther}
}

// CourseProvider is the provider block of data/courses/<id>.yaml.
type CourseProvider struct {
	ID      string `yaml:"id"` // default: the file name
	Name    Text   `yaml:"name" wg:"required"`
	Website URL    `yaml:"website"`
	Email   Email  `yaml:"email"`
	Phone   Phone  `yaml:"phone"`
}

// CourseFile is data/courses/<id>.yaml: one course provider and its courses.
type CourseFile struct {
	Provider CourseProvider `yaml:"provider" wg:"required"`
	Courses  []Course       `yaml:"courses"`
	File     string         `yaml:"-"` // path of the file, relative to the source
}

// Schedule is when a course meets.
type Schedule struct {
	Days []Weekday `yaml:"days" wg:"required"`
	From Clock     `yaml:"from" wg:"required"`
	To   Clock     `yaml:"to" wg:"required"`
}

// CourseLocation is where a course takes place.
type CourseLocation struct {
	Street     string     `yaml:"street" wg:"required"`
	PostalCode PostalCode `yaml:"postal_code" wg:"required"`
	City       string     `yaml:"city" wg:"required"`
	District   string     `yaml:"district" wg:"ref=district"` // default: the district of the postal code
	Geo        *Geo       `yaml:"geo"`
}

// Registration says how to sign up for a course.
type Registration struct {
	Phone Phone `yaml:"phone"`
	Email Email `yaml:"email"`
	URL   URL   `yaml:"url"`
}

// Course is one integration or language course.
type Course struct {
	ID               string         `yaml:"id" wg:"required"`
	Type             string         `yaml:"type" wg:"enum=general|literacy|second-script|intensive|support|job-language|other"` // default: other, a warning
	WomenOnly        bool           `yaml:"women_only"`
	Title            Text           `yaml:"title" wg:"required,translate"`
	Description      Text           `yaml:"description" wg:"translate,long"`
	Level            string         `yaml:"level"`
	Units            int            `yaml:"units"`
	Start            Date           `yaml:"start" wg:"required"`
	End              Date           `yaml:"end" wg:"required"`
	Schedule         Schedule       `yaml:"schedule" wg:"required"`
	Location         CourseLocation `yaml:"location" wg:"required"`
	Childcare        bool           `yaml:"childcare"`
	SeatsFree        *int           `yaml:"seats_free"` // nil: unknown
	SupportLanguages []string       `yaml:"support_languages" wg:"ref=language"`
	Registration     *Registration  `yaml:"registration"`
	LastVerified     Date           `yaml:"last_verified"`
	Provider         string         `yaml:"-"` // id of the course provider, set by the loader
}

// Page is a Markdown page from content/<lang>/.
type Page struct {
	Lang string // language directory the page is in
	Path string // path below content/<lang>/ without ".md", e.g. "about" or "help/mbe"
	File string // path of the file, relative to the source
	Meta PageMeta
	Body []byte // Markdown after the front matter
}

// PageMeta is the front matter of a Markdown page.
type PageMeta struct {
	Title       string `yaml:"title" wg:"required"`
	Description string `yaml:"description"`
	Weight      int    `yaml:"weight"`
	Draft       bool   `yaml:"draft"`
	Menu        string `yaml:"menu" wg:"enum=main|footer"`
	// Edition is "internal" for pages only the staff edition publishes.
	Edition string `yaml:"edition" wg:"enum=public|internal"`
}

// Editions returns the languages pages are published in: the interface
// languages and, if there is one, the easy-to-read edition's.
func (s *Site) Editions() []string {
	if s.EasyLanguage == "" || slices.Contains(s.Languages, s.EasyLanguage) {
		return s.Languages
	}
	return append(slices.Clip(s.Languages), s.EasyLanguage)
}
