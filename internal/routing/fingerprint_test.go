package routing

import (
	"reflect"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// TestFingerprintCoversRoute changes every field of a provider and of a
// course file in turn — strings, lists (with a value that matters added),
// flags, numbers, pointers — and checks that whenever the fingerprint
// stays the same, every need routes exactly as before (offices, order,
// reasons). It also checks that the fields routing reads move it.
func TestFingerprintCoversRoute(t *testing.T) {
	dir := fixture(
		office{id: "a1", program: "mbe", district: "a", serves: []string{"a"}, langs: []string{"ar"}, capacity: 10, topics: []string{"work"}},
		office{id: "b1", program: "mbe", district: "b", serves: []string{"b", "c"}, capacity: -1, womenOnly: true},
		office{id: "c1", program: "jmd", district: "c", langs: []string{"uk"}, capacity: 5},
	)
	seats := 3
	dir.CourseFiles = []model.CourseFile{{Provider: model.CourseProvider{ID: "vhs"}, Courses: []model.Course{
		{ID: "alpha", Type: model.CourseLiteracy, Childcare: true, End: model.Date{Year: 2027, Month: 6, Day: 1}, Location: model.CourseLocation{District: "c"}, SeatsFree: &seats},
		{ID: "general", Type: model.CourseGeneral, WomenOnly: true, Location: model.CourseLocation{District: "a"}, End: model.Date{Year: 2027, Month: 6, Day: 1}},
	}}}
	dir.Index()
	var needs []Need
	for _, d := range []string{"a", "b", "c", "d"} {
		for _, age := range []int{20, 30} {
			for _, l := range [][]string{nil, {"ar"}, {"uk"}} {
				needs = append(needs,
					Need{Age: age, District: d, Languages: l},
					Need{Age: age, District: d, Languages: l, Topic: "work", WomenOnly: true},
					Need{Age: age, District: d, IntegrationCourse: true, Childcare: true},
					Need{Age: age, District: d, Literacy: true, WomenOnly: true})
			}
		}
	}
	routes := func() []any {
		dir.Index()
		var out []any
		for _, n := range needs {
			res, err := Route(dir, n, nil, Options{Today: today})
			out = append(out, res, err)
		}
		return out
	}
	before, sum := routes(), Fingerprint(dir)
	// Values that matter somewhere: districts, languages, programs,
	// topics, office ids, course types.
	pool := []string{"a", "b", "c", "d", "ar", "uk", "de", "mbe", "jmd", "work", "housing", "a1", "b1", "c1", model.CourseGeneral, model.CourseLiteracy}
	moved, checked := 0, 0
	try := func(path string, undo func()) {
		t.Helper()
		checked++
		same := Fingerprint(dir) == sum
		if !same {
			moved++
		}
		if same && !reflect.DeepEqual(routes(), before) {
			t.Errorf("%s: the routes changed, the fingerprint did not", path)
		}
		undo()
	}
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			was := v.String()
			v.SetString(was + "x")
			try(path, func() { v.SetString(was) })
			for _, p := range pool {
				v.SetString(p)
				try(path+"="+p, func() { v.SetString(was) })
			}
		case reflect.Bool:
			v.SetBool(!v.Bool())
			try(path, func() { v.SetBool(!v.Bool()) })
		case reflect.Int, reflect.Int64, reflect.Int32:
			was := v.Int()
			for _, n := range []int64{was + 1, 0} {
				v.SetInt(n)
				try(path, func() { v.SetInt(was) })
			}
		case reflect.Pointer:
			was := v.Interface()
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			} else {
				walk(path, v.Elem())
				v.Set(reflect.Zero(v.Type()))
			}
			try(path+" (nil or not)", func() { v.Set(reflect.ValueOf(was)) })
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.String {
				was := v.Interface()
				for _, p := range pool {
					v.Set(reflect.Append(reflect.ValueOf(reflect.ValueOf(was).Interface()).Slice3(0, v.Len(), v.Len()), reflect.ValueOf(p)))
					try(path+"+"+p, func() { v.Set(reflect.ValueOf(was)) })
				}
			}
			for i := range v.Len() {
				walk(path+"["+string(rune('0'+i))+"]", v.Index(i))
			}
		case reflect.Map:
			// texts (model.Text): routing reads none
		}
	}
	walk("provider", reflect.ValueOf(&dir.Providers[0]).Elem())
	walk("courses", reflect.ValueOf(&dir.CourseFiles[0]).Elem())
	if moved == 0 || moved == checked {
		t.Errorf("%d of %d changes moved the fingerprint", moved, checked)
	}
}
