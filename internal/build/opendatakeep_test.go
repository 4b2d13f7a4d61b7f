package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/export"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TestOpenDataKeeper checks what a build keeps of the previous output's
// HSDS exports (openDataKeeper): after one data file changed, every other
// file's share and not that one; nothing when a file of the export is not
// as the previous build wrote it, or the day (which courses run) is
// another; and a share whose span in the manifest lies outside its file
// is made again, not read out of bounds. That the files made so equal a
// full build's is TestIncrementalRebuild's and TestKeptPagesLinked's.
func TestOpenDataKeeper(t *testing.T) {
	snap, problems := load.Reload(os.DirFS("../.."), load.Options{Now: testToday}, nil)
	if snap == nil {
		t.Fatal(problems)
	}
	d := snap.Dir.Public()
	today := model.DateOf(testToday)
	sources := export.Sources(d)
	in := &inputs{Files: map[string]sum{}}
	for _, src := range sources {
		in.Files[shareFile(src)] = sha256.Sum256([]byte(shareFile(src)))
	}
	// A first build: nothing to keep; its export and manifest are the
	// previous output of the builds below.
	first := newOpenDataKeeper(nil, in, d, "", today)
	prev := fstest.MapFS{}
	for _, lang := range []string{"de", "ar"} {
		if _, kept := first.hsds(lang, sources); kept != nil {
			t.Fatalf("%s: something kept without a previous output", lang)
		}
		files, spans := export.EncodeHSDS(d, lang, "", today, nil)
		parts := map[string][][]byte{}
		for name, b := range files {
			parts[name] = [][]byte{b}
		}
		first.made(lang, sources, parts, spans, nil)
		for name, b := range files {
			prev["data/hsds/"+lang+"/"+name] = &fstest.MapFile{Data: b}
		}
	}
	dump, dumpSpans := export.EncodeDump(d, testToday, License(d), nil)
	first.madeDump(sources, [][]byte{dump}, dumpSpans, nil)
	prev[dumpName] = &fstest.MapFile{Data: dump}
	state := export.HashesOf(d, nil)
	changes, err := json.MarshalIndent(export.Track(state, nil, nil, testToday), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	first.madeChanges(changes)
	prev[changesName] = &fstest.MapFile{Data: changes}
	var w memWriter
	if err := first.write(&w); err != nil {
		t.Fatal(err)
	}
	prev[OpenDataManifestName] = &fstest.MapFile{Data: w.files[OpenDataManifestName]}

	changed := shareFile(sources[1])
	next := &inputs{Files: maps.Clone(in.Files)}
	next.Files[changed] = sha256.Sum256([]byte("changed"))
	keptOf := func(fsys fstest.MapFS, in *inputs, day model.Date, lang string) (kept []string) {
		t.Helper()
		k := newOpenDataKeeper(fsys, in, d, "", day)
		_, f := k.hsds(lang, sources)
		if f == nil {
			return nil
		}
		for i, src := range sources {
			if b, ok := f(i); ok {
				kept = append(kept, shareFile(src))
				// The bytes kept are the share as made anew.
				files, spans := export.EncodeHSDS(d, lang, "", day, nil)
				for j, name := range export.HSDSFileNames {
					s := spans[i][j]
					if !bytes.Equal(b[j], files[name][s.Off:s.Off+s.Len]) {
						t.Errorf("%s %s: the share of %s kept is not as made anew", lang, name, shareFile(src))
					}
				}
			}
		}
		return kept
	}
	for _, lang := range []string{"de", "ar"} {
		kept := keptOf(prev, next, today, lang)
		if len(kept) != len(sources)-1 {
			t.Errorf("%s: kept %d shares of %d, want all but the changed file's", lang, len(kept), len(sources))
		}
		for _, name := range kept {
			if name == changed {
				t.Errorf("%s: the changed file's share (%s) was kept", lang, changed)
			}
		}
	}
	if kept := keptOf(prev, next, model.DateOf(testToday.AddDate(0, 0, 1)), "de"); kept != nil {
		t.Errorf("on another day, kept %d shares (courses that ended are left out)", len(kept))
	}
	edited := maps.Clone(prev)
	b := bytes.Clone(prev["data/hsds/de/services.json"].Data)
	b[len(b)/2] ^= 1
	edited["data/hsds/de/services.json"] = &fstest.MapFile{Data: b}
	if kept := keptOf(edited, next, today, "de"); kept != nil {
		t.Errorf("with services.json edited since, kept %d shares", len(kept))
	}
	if kept := keptOf(edited, next, today, "ar"); len(kept) != len(sources)-1 {
		t.Errorf("ar: kept %d shares, want all but one (only the German export was edited)", len(kept))
	}

	// The change state: the hashes of every data file's entries but the
	// changed file's, as the first build recorded them; none when
	// data/changes.json is not as written, or on another day.
	keptHashes := func(fsys fstest.MapFS, day model.Date) (taken map[int]int) {
		t.Helper()
		f := newOpenDataKeeper(fsys, next, d, "", day).hashes(sources)
		if f == nil {
			return nil
		}
		taken = map[int]int{}
		got := export.HashesOf(d, func(src int, key string) (string, bool) {
			h, ok := f(src, key)
			if ok {
				taken[src]++
			}
			return h, ok
		})
		if !reflect.DeepEqual(export.Track(got, nil, nil, testToday), export.Track(state, nil, nil, testToday)) {
			t.Errorf("with the hashes taken from the change state, the state differs from one made anew")
		}
		return taken
	}
	taken := keptHashes(prev, today)
	for i, src := range sources {
		if (taken[i] > 0) != (i != 1) {
			t.Errorf("change state: %d hashes of %s taken", taken[i], shareFile(src))
		}
	}
	if taken := keptHashes(prev, model.DateOf(testToday.AddDate(0, 0, 1))); taken != nil {
		t.Errorf("change state: hashes taken on another day (%v)", taken)
	}
	edited = maps.Clone(prev)
	edited[changesName] = &fstest.MapFile{Data: append(bytes.Clone(changes), ' ')}
	if taken := keptHashes(edited, today); taken != nil {
		t.Errorf("change state: with changes.json edited since, hashes taken (%v)", taken)
	}

	// The dump: every entry but the changed file's, nothing when the
	// file is not as written.
	keptDump := func(fsys fstest.MapFS) (kept int) {
		_, f := newOpenDataKeeper(fsys, next, d, "", today).dump(sources)
		if f == nil {
			return -1
		}
		for i, src := range sources {
			if b, ok := f(i); ok {
				kept++
				s := dumpSpans[i]
				if shareFile(src) == changed || !bytes.Equal(b, dump[s.Off:s.Off+s.Len]) {
					t.Errorf("dump: kept %s's entry: %.40q", shareFile(src), b)
				}
			}
		}
		return kept
	}
	if n := keptDump(prev); n != len(sources)-1 {
		t.Errorf("dump: kept %d entries of %d, want all but the changed file's", n, len(sources))
	}
	_, f := newOpenDataKeeper(prev, next, d, "", model.DateOf(testToday.AddDate(0, 0, 1))).dump(sources)
	if f != nil {
		t.Errorf("dump: entries kept on another day (the site-wide data a file is decoded with may differ)")
	}
	edited = maps.Clone(prev)
	edited[dumpName] = &fstest.MapFile{Data: append(bytes.Clone(dump), ' ')}
	if n := keptDump(edited); n != -1 {
		t.Errorf("dump: with directory.json edited since, kept %d entries", n)
	}

	// A file whose shares are all where and as they were is the previous
	// file itself, not put together again (the changed file's share,
	// made anew, came out the same); with one share's bytes changed, or
	// its length, or no previous export, the file is put together.
	k := newOpenDataKeeper(prev, next, d, "", today)
	was, keepShare := k.hsds("de", sources)
	shares := export.HSDSShares(d, "de", "", today, keepShare)
	spans := export.HSDSSpans(shares)
	for j, name := range export.HSDSFileNames {
		full := "data/hsds/de/" + name
		if got := k.unchanged("de", j, sources, shares, spans, was); got == nil || &got[0] != &was.files[full][0] {
			t.Errorf("%s: not the previous file, with every share as it was", name)
		}
		if got := k.unchanged("de", j, sources, shares, spans, nil); got != nil {
			t.Errorf("%s: kept without a previous export", name)
		}
		i := slices.IndexFunc(shares, func(sh [4][]byte) bool { return len(sh[j]) > 1 })
		edited := slices.Clone(shares)
		edited[i][j] = bytes.Clone(shares[i][j])
		edited[i][j][len(edited[i][j])/2] ^= 1
		if got := k.unchanged("de", j, sources, edited, spans, was); got != nil {
			t.Errorf("%s: kept with a share's bytes changed", name)
		}
		edited[i][j] = append(bytes.Clone(shares[i][j]), ' ')
		if got := k.unchanged("de", j, sources, edited, export.HSDSSpans(edited), was); got != nil {
			t.Errorf("%s: kept with a share one byte longer", name)
		}
	}

	// A file of the recorded size modified before the manifest was
	// written is taken on its stamp, not hashed: kept even with a wrong
	// SHA-256 in the manifest; modified later, or of another size, it is
	// hashed and not kept.
	written := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	stamped := fstest.MapFS{}
	for name, f := range prev {
		stamped[name] = &fstest.MapFile{Data: f.Data, ModTime: written}
	}
	var wrong openDataManifest
	if err := json.Unmarshal(w.files[OpenDataManifestName], &wrong); err != nil {
		t.Fatal(err)
	}
	wrong.HSDS["de"].Files["services.json"] = sum{}
	wb, _ := json.Marshal(wrong)
	stamped[OpenDataManifestName] = &fstest.MapFile{Data: wb, ModTime: written.Add(time.Second)}
	if kept := keptOf(stamped, next, today, "de"); len(kept) != len(sources)-1 {
		t.Errorf("stamped before the manifest: kept %d shares of %d, want all but the changed", len(kept), len(sources))
	}
	later := maps.Clone(stamped)
	later["data/hsds/de/services.json"] = &fstest.MapFile{Data: stamped["data/hsds/de/services.json"].Data, ModTime: written.Add(2 * time.Second)}
	if kept := keptOf(later, next, today, "de"); kept != nil {
		t.Errorf("modified after the manifest, the file was not hashed: kept %d shares", len(kept))
	}
	wrong.HSDS["de"].Sizes["services.json"]++
	wb, _ = json.Marshal(wrong)
	resized := maps.Clone(stamped)
	resized[OpenDataManifestName] = &fstest.MapFile{Data: wb, ModTime: written.Add(time.Second)}
	if kept := keptOf(resized, next, today, "de"); kept != nil {
		t.Errorf("of another size than recorded, the file was not hashed: kept %d shares", len(kept))
	}

	// A span outside its file.
	var m openDataManifest
	if err := json.Unmarshal(w.files[OpenDataManifestName], &m); err != nil {
		t.Fatal(err)
	}
	other := shareFile(sources[0])
	sh := m.HSDS["de"].Shares[other]
	sh.Spans[1] = [2]int{1 << 40, 10}
	m.HSDS["de"].Shares[other] = sh
	broken := maps.Clone(prev)
	mb, _ := json.Marshal(m)
	broken[OpenDataManifestName] = &fstest.MapFile{Data: mb}
	kept := keptOf(broken, next, today, "de")
	if len(kept) != len(sources)-2 {
		t.Errorf("with a span out of bounds, kept %d shares of %d, want all but that one and the changed", len(kept), len(sources))
	}
}

// TestSameParts compares a previous file with one made of parts (a kept
// HSDS file is the previous one whole; a file put together again, its
// shares), and sums it as the file's SHA-256.
func TestSameParts(t *testing.T) {
	p := func(s ...string) [][]byte {
		var parts [][]byte
		for _, x := range s {
			parts = append(parts, []byte(x))
		}
		return parts
	}
	for _, tc := range []struct {
		b     string
		parts [][]byte
		want  bool
	}{
		{`[1,2]`, p(`[`, `1`, `,`, `2`, `]`), true},
		{`[1,2]`, p(`[1,2]`), true},
		{`[1,2]`, p(`[`, ``, `1,2`, `]`), true},
		{``, nil, true},
		{`[1,2]`, p(`[`, `1`, `,`, `3`, `]`), false},
		{`[1,2]`, p(`[`, `1`, `,`, `2`), false},
		{`[1,2]`, p(`[`, `1`, `,`, `2`, `]`, "\n"), false},
		{`[1,2]`, p(`[`, `12`, `,]`), false},
		{``, p(`x`), false},
	} {
		if got := sameParts([]byte(tc.b), tc.parts); got != tc.want {
			t.Errorf("sameParts(%q, %q) = %v, want %v", tc.b, tc.parts, got, tc.want)
		}
		joined := bytes.Join(tc.parts, nil)
		prev := &previous{files: map[string][]byte{"f": []byte(tc.b)}, sums: map[string]sum{"f": sha256.Sum256([]byte(tc.b))}}
		if s, n := prev.sum("f", tc.parts); s != sha256.Sum256(joined) || n != int64(len(joined)) {
			t.Errorf("sum(%q) = %x, %d; want the SHA-256 and size of %q", tc.parts, s, n, joined)
		}
		var none *previous
		if s, n := none.sum("f", tc.parts); s != sha256.Sum256(joined) || n != int64(len(joined)) {
			t.Errorf("sum(%q) without a previous file = %x, %d", tc.parts, s, n)
		}
	}
}
