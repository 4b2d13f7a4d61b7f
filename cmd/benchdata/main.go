// Command benchdata writes a synthetic directory for benchmarks: the data/
// and content/ of a site at city, state or national scale, deterministic for
// a seed, valid for `wegweiser check`.
//
//	go run ./cmd/benchdata -scale national -out /tmp/national
//	go run ./cmd/benchdata -markdown 20000 -out /tmp/md   # the Hugo comparison
//
// Scales (districts, providers, offices, advisors, offers, courses):
//
//	city       25    20    60   150    90    600
//	state     100   150   500  1200   750   5000
//	national  400   700  2000  5000  3000  20000
//
// Texts come in 8 interface languages with realistic lengths; a share of
// translations is missing, as in real data.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

type scale struct{ districts, providers, offices, advisors, offers, courses int }

var scales = map[string]scale{
	"city":     {25, 20, 60, 150, 90, 600},
	"state":    {100, 150, 500, 1200, 750, 5000},
	"national": {400, 700, 2000, 5000, 3000, 20000},
}

var langs = []string{"de", "en", "ar", "tr", "ru", "uk", "fa", "fr"}

// words per language, to make texts of realistic length and script.
var words = map[string][]string{
	"de": strings.Fields("Beratung für Zugewanderte Aufenthalt Arbeit Wohnung Familie Sprachkurs Integrationskurs Anerkennung Ausbildung Schule Gesundheit Termin Sprechstunde kostenlos vertraulich Unterstützung Antrag Behörde Jobcenter Begleitung Kinder Eltern Jugendliche"),
	"en": strings.Fields("counselling for immigrants residence work housing family language course integration recognition training school health appointment consultation free confidential support application office jobcentre accompaniment children parents young"),
	"ar": strings.Fields("استشارة للمهاجرين الإقامة العمل السكن الأسرة دورة اللغة الاندماج الاعتراف التدريب المدرسة الصحة موعد مجانية سرية دعم طلب الدائرة مرافقة الأطفال الآباء الشباب"),
	"tr": strings.Fields("göçmenler için danışmanlık oturum iş konut aile dil kursu uyum denklik eğitim okul sağlık randevu ücretsiz gizli destek başvuru kurum eşlik çocuklar ebeveynler gençler"),
	"ru": strings.Fields("консультация для мигрантов пребывание работа жильё семья языковой курс интеграция признание обучение школа здоровье запись бесплатно конфиденциально поддержка заявление ведомство сопровождение дети родители молодёжь"),
	"uk": strings.Fields("консультація для мігрантів перебування робота житло сім'я мовний курс інтеграція визнання навчання школа здоров'я запис безкоштовно конфіденційно підтримка заява установа супровід діти батьки молодь"),
	"fa": strings.Fields("مشاوره برای مهاجران اقامت کار مسکن خانواده دوره زبان ادغام به\u200cرسمیت\u200cشناختن آموزش مدرسه سلامت وقت رایگان محرمانه حمایت درخواست اداره همراهی کودکان والدین جوانان"),
	"fr": strings.Fields("conseil pour personnes immigrées séjour travail logement famille cours de langue intégration reconnaissance formation école santé rendez-vous gratuit confidentiel soutien demande administration accompagnement enfants parents jeunes"),
}

var spoken = []string{"de", "en", "ar", "uk", "ru", "tr", "fa", "prs", "ps", "kmr", "ckb", "ti", "so", "ro", "bg", "pl", "fr", "es", "it", "sq", "sr"}

type gen struct {
	r *rand.Rand
}

func (g *gen) sentence(lang string, n int) string {
	ws := words[lang]
	var b []string
	for range n {
		b = append(b, ws[g.r.IntN(len(ws))])
	}
	s := strings.Join(b, " ")
	// The first letter, not the first byte: upper-casing half of a
	// two-byte character made invalid UTF-8, which the YAML writer then
	// stored as base64 (!!binary) instead of text.
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:] + "."
}

// text returns a translated text; some translations are missing.
func (g *gen) text(words int, missing float64) map[string]string {
	t := map[string]string{}
	for _, l := range langs {
		if l != "de" && g.r.Float64() < missing {
			continue
		}
		t[l] = g.sentence(l, words)
	}
	return t
}

func (g *gen) pick(list []string, n int) []string {
	out := []string{"de"}
	for len(out) < n {
		l := list[g.r.IntN(len(list))]
		if !contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func write(path string, v any) {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		panic(err)
	}
}

func main() {
	scaleName := flag.String("scale", "city", "city, state or national")
	out := flag.String("out", "", "output `directory` (data/ and content/ are written into it)")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same data")
	md := flag.Int("markdown", 0, "write `N` Markdown pages as a Wegweiser site (DIR/wegweiser) and a Hugo site (DIR/hugo) instead")
	flag.Parse()
	if *md > 0 && *out != "" {
		markdown(&gen{r: rand.New(rand.NewPCG(*seed, 42))}, *out, *md)
		return
	}
	sc, ok := scales[*scaleName]
	if !ok || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: benchdata -scale city|state|national -out DIR [-seed N]\n       benchdata -markdown N -out DIR [-seed N]")
		os.Exit(2)
	}
	g := &gen{r: rand.New(rand.NewPCG(*seed, 42))}
	root := *out
	os.RemoveAll(filepath.Join(root, "data"))
	os.RemoveAll(filepath.Join(root, "content"))

	write(filepath.Join(root, "data/site.yaml"), map[string]any{
		"name": map[string]string{"de": "Migrationsberatung in Deutschland", "en": "Migration counselling in Germany", "ar": "استشارات الهجرة في ألمانيا",
			"tr": "Almanya'da göç danışmanlığı", "ru": "Миграционные консультации в Германии", "uk": "Міграційні консультації в Німеччині", "fa": "مشاوره مهاجرت در آلمان", "fr": "Conseil en migration en Allemagne"},
		"region": "Deutschland", "default_language": "de", "languages": langs, "country": "DE", "state": "Bund",
	})
	// The language catalogue of the example, read from the repository when run there.
	if b, err := os.ReadFile("data/languages.yaml"); err == nil {
		os.MkdirAll(filepath.Join(root, "data"), 0o755)
		os.WriteFile(filepath.Join(root, "data/languages.yaml"), b, 0o644)
	} else {
		fmt.Fprintln(os.Stderr, "benchdata: run it from the repository root (it copies data/languages.yaml and data/topics.yaml)")
		os.Exit(1)
	}
	if b, err := os.ReadFile("data/topics.yaml"); err == nil {
		os.WriteFile(filepath.Join(root, "data/topics.yaml"), b, 0o644)
	}
	topics := []string{"residence", "work", "language-course", "family", "housing", "recognition", "health", "school-training", "money"}

	// Districts: a ring, each with its neighbours and three postal codes.
	var districts []map[string]any
	id := func(i int) string { return fmt.Sprintf("bezirk-%03d", i) }
	plz := func(i, k int) string { return fmt.Sprintf("%05d", 10000+i*10+k) }
	for i := range sc.districts {
		districts = append(districts, map[string]any{
			"id": id(i), "number": i + 1, "name": fmt.Sprintf("Landkreis %s %d", []string{"Nord", "Süd", "Ost", "West", "Mitte"}[i%5], i+1),
			"postal_codes": []string{plz(i, 0), plz(i, 1), plz(i, 2)},
			"aliases":      []string{fmt.Sprintf("Stadt %d", i+1)},
			"neighbours":   []string{id((i + 1) % sc.districts), id((i + sc.districts - 1) % sc.districts)},
		})
	}
	write(filepath.Join(root, "data/districts.yaml"), districts)

	firsts := strings.Fields("Amira Yusuf Olena Dmytro Leyla Hamid Sophie Mehmet Fatima Jonas Zeynep Ahmad Irina Tomasz Nadia Samuel Marta Karim Elif Andrea Hassan Svitlana Farid Lucia Noor Stefan Mariam Bogdan")
	lasts := strings.Fields("Beispiel Muster Haddad Kovalenko Yilmaz Rahimi Petrenko Schneider Nowak Demir Hosseini Ivanova Popescu Mahmoud Weber Tesfaye Abdi Bauer Nguyen Müller Safi Hoffmann Aziz Berisha Lange")
	streets := strings.Fields("Hauptstraße Bahnhofstraße Schulstraße Gartenweg Kirchplatz Marktplatz Lindenallee Bergstraße Ringstraße Mühlweg")
	hours := [][]map[string]any{
		{{"days": []string{"mo", "tu"}, "from": "09:00", "to": "12:00", "kind": "open"}, {"days": []string{"th"}, "from": "13:00", "to": "16:00", "kind": "appointment"}},
		{{"days": []string{"we"}, "from": "10:00", "to": "13:00", "kind": "open"}, {"days": []string{"mo", "fr"}, "from": "09:00", "to": "11:00", "kind": "phone"}},
		{{"days": []string{"mo", "we", "fr"}, "from": "09:00", "to": "13:00", "kind": "appointment"}},
	}
	office, advisor, offer := 0, 0, 0
	for p := range sc.providers {
		pid := fmt.Sprintf("traeger-%04d", p)
		prov := map[string]any{"id": pid, "name": fmt.Sprintf("Migrationsdienst %s %d e. V.", []string{"Caritas", "Diakonie", "AWO", "DRK", "Paritätischer"}[p%5], p),
			"website": fmt.Sprintf("https://%s.example.org", pid), "email": "info@" + pid + ".example.org",
			"description": g.text(20+g.r.IntN(30), 0.3), "last_verified": "2026-10-01"}
		var offices, advisors, offers []map[string]any
		nOff := sc.offices/sc.providers + btoi(p < sc.offices%sc.providers)
		for range nOff {
			d := g.r.IntN(sc.districts)
			oid := fmt.Sprintf("stelle-%05d", office)
			office++
			program := []string{"mbe", "jmd"}[office%2]
			offices = append(offices, map[string]any{
				"id": oid, "name": fmt.Sprintf("%s %s %d", map[string]string{"mbe": "Migrationsberatung", "jmd": "Jugendmigrationsdienst"}[program], []string{"Nord", "Süd", "Mitte", "West"}[office%4], office),
				"address":  map[string]any{"street": fmt.Sprintf("%s %d", streets[office%len(streets)], 1+office%90), "postal_code": plz(d, office%3), "city": fmt.Sprintf("Stadt %d", d+1)},
				"district": id(d), "serves": []string{id(d), id((d + 1) % sc.districts)},
				"geo":   map[string]any{"lat": 47.5 + g.r.Float64()*7, "lon": 6.2 + g.r.Float64()*8.5},
				"phone": fmt.Sprintf("0%d %d-%d", 30+d%900, 100000+office, 10), "email": oid + "@" + pid + ".example.org",
				"hours": hours[office%3], "capacity": map[string]any{"referrals_per_month": 10 + office%25},
				"accessibility": map[string]any{"wheelchair": office%3 != 0, "note": g.text(6, 0.5)},
			})
			nAdv := sc.advisors/sc.offices + btoi(office%sc.offices < sc.advisors%sc.offices)
			for range nAdv {
				advisors = append(advisors, map[string]any{
					"id": fmt.Sprintf("berater-%05d", advisor), "name": firsts[advisor%len(firsts)] + " " + lasts[(advisor*7)%len(lasts)],
					"office": oid, "programs": []string{program}, "languages": g.pick(spoken, 2+g.r.IntN(3)),
					"phone": fmt.Sprintf("0%d %d-%d", 30+d%900, 100000+office, 20+advisor%70), "email": fmt.Sprintf("berater%d@%s.example.org", advisor, pid),
					"hours": []map[string]any{{"days": []string{"tu"}, "from": "08:30", "to": "09:30", "kind": "phone"}},
				})
				advisor++
			}
			nOffers := sc.offers/sc.offices + btoi(office%sc.offices < sc.offers%sc.offices)
			for range nOffers {
				target := map[string]any{"min_age": 27}
				if program == "jmd" {
					target = map[string]any{"min_age": 12, "max_age": 27}
				}
				offers = append(offers, map[string]any{
					"id": fmt.Sprintf("angebot-%05d", offer), "program": program, "title": g.text(4, 0.2), "description": g.text(40+g.r.IntN(40), 0.35),
					"topics": []string{topics[offer%len(topics)], topics[(offer+3)%len(topics)]}, "target": target, "offices": []string{oid},
					"languages": g.pick(spoken, 3), "channels": []string{"in_person", "phone"}, "cost": "free",
				})
				offer++
			}
		}
		prov["offices"], prov["advisors"], prov["offers"] = offices, advisors, offers
		write(filepath.Join(root, "data/providers", pid+".yaml"), prov)
	}

	types := []string{"general", "literacy", "second-script", "intensive", "support", "job-language", "other"}
	units := map[string]int{"general": 700, "literacy": 1000, "second-script": 1000, "intensive": 500, "support": 1000, "job-language": 400, "other": 300}
	perFile := 250
	for f := 0; f*perFile < sc.courses; f++ {
		cid := fmt.Sprintf("kurstraeger-%04d", f)
		var courses []map[string]any
		for c := f * perFile; c < min(sc.courses, (f+1)*perFile); c++ {
			d := g.r.IntN(sc.districts)
			typ := types[c%len(types)]
			start := fmt.Sprintf("2027-%02d-%02d", 1+c%12, 1+c%27)
			from := []string{"08:30", "13:00", "18:00"}[c%3]
			to := map[string]string{"08:30": "11:45", "13:00": "16:15", "18:00": "21:15"}[from]
			courses = append(courses, map[string]any{
				"id": fmt.Sprintf("kurs-%06d", c), "type": typ, "women_only": c%9 == 0, "title": g.text(5, 0.15), "description": g.text(25, 0.4),
				"level": "A1–B1", "units": units[typ], "start": start, "end": "2028-06-30",
				"schedule":  map[string]any{"days": []string{"mo", "tu", "we", "th"}, "from": from, "to": to},
				"location":  map[string]any{"street": fmt.Sprintf("%s %d", streets[c%len(streets)], 1+c%80), "postal_code": plz(d, c%3), "city": fmt.Sprintf("Stadt %d", d+1), "district": id(d)},
				"childcare": c%4 == 0, "seats_free": c % 12, "support_languages": g.pick(spoken, 2)[1:],
				"registration": map[string]any{"email": "kurse@" + cid + ".example.org"}, "last_verified": "2026-11-01",
			})
		}
		write(filepath.Join(root, "data/courses", cid+".yaml"), map[string]any{"provider": map[string]any{"id": cid, "name": fmt.Sprintf("Sprachschule %d", f)}, "courses": courses})
	}
	for _, l := range langs {
		for i := range 3 {
			os.MkdirAll(filepath.Join(root, "content", l), 0o755)
			os.WriteFile(filepath.Join(root, "content", l, fmt.Sprintf("seite-%d.md", i)),
				[]byte(fmt.Sprintf("---\ntitle: %q\n---\n%s\n\n%s\n", g.sentence(l, 4), g.sentence(l, 60), g.sentence(l, 80))), 0o644)
		}
	}
	fmt.Printf("benchdata: %s scale into %s: %d districts, %d providers, %d offices, %d advisors, %d offers, %d courses\n",
		*scaleName, root, sc.districts, sc.providers, office, advisor, offer, sc.courses)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
