package transports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"mailwizard/resources"
	"mailwizard/texts"
)

// The JSON schemas in resources/ are what the service receives and checks
// uploads against; the wizard enforces the same files when it reads and
// before it writes, so the two cannot drift apart.

var compiledSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	out := map[string]*jsonschema.Schema{}
	for name, raw := range map[string][]byte{"config": resources.ConfigSchema, "provider": resources.ProviderSchema, "preset": resources.PresetSchema} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("parsing %s schema: %w", name, err)
		}
		url := "mem:///" + name + ".schema.json"
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("loading %s schema: %w", name, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("compiling %s schema: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
})

// schemaCheck validates a decoded JSON value against the named schema and
// returns one FieldError per failing value, in path order.
func schemaCheck(name string, inst any) error {
	schemas, err := compiledSchemas()
	if err != nil {
		return err // a broken embedded schema: a build defect, caught by tests
	}
	err = schemas[name].Validate(inst)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	p := message.NewPrinter(language.English)
	seen := map[string]bool{}
	var errs FieldErrors
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		for _, fe := range describeSchemaError(pointerToPath(e.InstanceLocation), e.ErrorKind, p) {
			if key := fe.Error(); !seen[key] {
				seen[key] = true
				errs = append(errs, fe)
			}
		}
	}
	walk(ve)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs.err()
}

// CheckSchema checks raw JSON against one of the embedded schemas
// ("config", "provider", "preset"): a syntax error with its line and
// column, or one FieldError per failing value.
func CheckSchema(name string, raw []byte) error {
	inst, err := decodeJSON(raw)
	if err != nil {
		return &FieldError{Err: err}
	}
	return schemaCheck(name, inst)
}

// ErrUnknownField is a field the format does not have: a typo, or a file
// for another program or version.
var ErrUnknownField = texts.Err(nil, texts.T("field.kind.unknown-field", "is not a field of this format"))

// describeSchemaError words the schema library's findings for people and
// moves "unknown field" and "missing field" onto the field they concern.
func describeSchemaError(field string, k jsonschema.ErrorKind, p *message.Printer) []*FieldError {
	switch k := k.(type) {
	case *kind.AdditionalProperties:
		var out []*FieldError
		for _, prop := range k.Properties {
			out = append(out, &FieldError{Field: joinPath(field, prop), Err: texts.Err(ErrUnknownField,
				texts.T("field.schema.unknown-field", "is not a field of this format: check its spelling, or remove it"))})
		}
		return out
	case *kind.Required:
		var out []*FieldError
		for _, prop := range k.Missing {
			out = append(out, &FieldError{Field: joinPath(field, prop), Err: texts.Err(ErrEmpty, texts.T("field.schema.missing", "is missing"))})
		}
		return out
	case *kind.Pattern:
		return []*FieldError{{Field: field, Err: texts.Err(ErrSyntax, texts.T("field.schema.pattern", "%q is not in the form this field needs", k.Got))}}
	case *kind.Not:
		return []*FieldError{{Field: field, Err: texts.Err(ErrConflict, texts.T("field.schema.not", "holds settings that do not belong together"))}}
	}
	return []*FieldError{{Field: field, Err: texts.Err(ErrSyntax, texts.Verbatim(k.LocalizedString(p)))}}
}

// pointerToPath turns ["transports","1","smtp","port"] into
// "transports[1].smtp.port". Our schemas have no numeric property names, so
// a number is always an array index.
func pointerToPath(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// ErrNotJSON means the bytes are not a JSON document at all.
var ErrNotJSON = texts.Err(nil, texts.T("field.kind.not-json", "is not valid JSON"))

// decodeJSON parses raw into a generic value (numbers kept exact) and
// reports syntax errors with a line and column a person can find.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return nil, texts.Err(ErrNotJSON, texts.T("field.json.trailing", "has more data after the JSON document ends"))
		}
		return v, nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(raw, se.Offset)
		return nil, texts.Err(ErrNotJSON, texts.T("field.json.syntax", "is not valid JSON at line %d, column %d: %v", line, col, se))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, texts.Err(ErrNotJSON, texts.T("field.json.incomplete", "is empty or cut off: the JSON document is incomplete"))
	}
	return nil, texts.Err(ErrNotJSON, texts.Verbatim(err.Error()))
}

func lineCol(raw []byte, offset int64) (line, col int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	// json.SyntaxError.Offset counts the bytes read, including the bad one.
	if offset > 0 {
		offset--
	}
	before := raw[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// decodeStrict decodes raw into v, refusing fields v does not have.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
