package api

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIValid validates api/openapi.yaml with a real OpenAPI 3
// validator (kin-openapi): the document's structure, its schemas and
// examples, and its references. A description with an unquoted ", " in a
// flow mapping, which YAML splits into a stray key, fails here.
func TestOpenAPIValid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	if err != nil {
		t.Fatalf("openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableSchemaPatternValidation()); err != nil {
		t.Errorf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	if doc.Paths.Len() < 9 {
		t.Errorf("only %d paths", doc.Paths.Len())
	}
}
