// Command events reads asyncapi.yaml (and the openapi.yaml it references) and
// writes the realtime event types of the Go and Python SDKs: one type per
// message of the WebSocket channel, its fields and their JSON names taken from
// the message's payload schema. `make sdk` runs it; the output is committed
// and checked stale like gen/.
//
//	go run ./tools/sdk/events -lang go -o sdk/go/realtime/events.gen.go asyncapi.yaml
//	go run ./tools/sdk/events -lang python -o sdk/python/chatapi/events.py asyncapi.yaml
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	lang := flag.String("lang", "go", "go or python")
	out := flag.String("o", "", "output file")
	pkg := flag.String("package", "realtime", "Go package name")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: events -lang go|python -o FILE asyncapi.yaml")
		os.Exit(2)
	}
	if err := run(*lang, *pkg, flag.Arg(0), *out); err != nil {
		fmt.Fprintln(os.Stderr, "events:", err)
		os.Exit(1)
	}
}

func run(lang, pkg, spec, out string) error {
	m, err := load(spec)
	if err != nil {
		return err
	}
	var src []byte
	switch lang {
	case "go":
		src, err = emitGo(m, pkg)
	case "python":
		src, err = emitPython(m)
	default:
		return fmt.Errorf("unknown -lang %q", lang)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// typ is a schema reduced to what both languages can say.
type typ struct {
	kind string // string, int, float, bool, time, any, map, slice, struct, enum
	elem *typ   // slice
	name string // struct, enum
}

type field struct {
	json     string
	t        *typ
	required bool
	nullable bool
	doc      string
}

type def struct {
	name    string
	doc     string
	fields  []field // struct
	enum    []string
	event   string // the event's type, for messages
	client  bool   // sent by clients
	message bool
}

type model struct {
	defs  []*def
	byKey map[string]*def // named schemas already converted, by ref
	names map[string]bool
	docs  map[string]any // file name → parsed document
	dir   string
}

func load(spec string) (*model, error) {
	m := &model{byKey: map[string]*def{}, names: map[string]bool{}, docs: map[string]any{}, dir: filepath.Dir(spec)}
	root, err := m.doc(filepath.Base(spec))
	if err != nil {
		return nil, err
	}
	ops := get(root, "operations").(map[string]any)
	dirs := map[string]bool{} // message key → client
	for _, op := range sortedKeys(ops) {
		o := ops[op].(map[string]any)
		for _, ref := range o["messages"].([]any) {
			r := ref.(map[string]any)["$ref"].(string)
			key := r[strings.LastIndex(r, "/")+1:]
			dirs[key] = o["action"] == "receive"
		}
	}
	msgs := get(root, "components", "messages").(map[string]any)
	keys := sortedKeys(msgs)
	// Client events first, then server events, each in the document's order
	// of names (sorted: the YAML map loses order).
	sort.SliceStable(keys, func(i, j int) bool { return dirs[keys[i]] && !dirs[keys[j]] })
	for _, key := range keys {
		client, ok := dirs[key]
		if !ok {
			return nil, fmt.Errorf("message %s is in no operation", key)
		}
		msg := msgs[key].(map[string]any)
		d := &def{name: goName(key), doc: str(msg["summary"]), client: client, message: true}
		if err := m.claim(d.name); err != nil {
			return nil, err
		}
		m.defs = append(m.defs, d)
		props, req, err := m.flatten(filepath.Base(spec), msg["payload"].(map[string]any))
		if err != nil {
			return nil, fmt.Errorf("message %s: %w", key, err)
		}
		if err := m.fill(d, filepath.Base(spec), props, req); err != nil {
			return nil, fmt.Errorf("message %s: %w", key, err)
		}
		if d.event == "" {
			return nil, fmt.Errorf("message %s: no const type", key)
		}
	}
	return m, nil
}

func (m *model) claim(name string) error {
	if m.names[name] {
		return fmt.Errorf("two types named %s", name)
	}
	m.names[name] = true
	return nil
}

func (m *model) doc(file string) (any, error) {
	if d, ok := m.docs[file]; ok {
		return d, nil
	}
	b, err := os.ReadFile(filepath.Join(m.dir, file))
	if err != nil {
		return nil, err
	}
	var d any
	if err := yaml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	m.docs[file] = d
	return d, nil
}

// resolve follows one $ref from a schema in file: the file and schema it names.
func (m *model) resolve(file, ref string) (string, map[string]any, error) {
	target, ptr, _ := strings.Cut(ref, "#")
	if target != "" {
		file = filepath.Clean(target)
	}
	d, err := m.doc(file)
	if err != nil {
		return "", nil, err
	}
	var path []string
	for _, p := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		path = append(path, strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~"))
	}
	s, ok := get(d, path...).(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("unresolved $ref %s in %s", ref, file)
	}
	return file, s, nil
}

// flatten merges allOf and $ref chains into one property list.
func (m *model) flatten(file string, s map[string]any) ([]prop, map[string]bool, error) {
	if r, ok := s["$ref"].(string); ok {
		f, t, err := m.resolve(file, r)
		if err != nil {
			return nil, nil, err
		}
		return m.flatten(f, t)
	}
	req := map[string]bool{}
	var props []prop
	if all, ok := s["allOf"].([]any); ok {
		for _, part := range all {
			p, r, err := m.flatten(file, part.(map[string]any))
			if err != nil {
				return nil, nil, err
			}
			props = append(props, p...)
			for k := range r {
				req[k] = true
			}
		}
	}
	for _, r := range asList(s["required"]) {
		req[r.(string)] = true
	}
	if ps, ok := s["properties"].(map[string]any); ok {
		for _, k := range propOrder(s) {
			props = append(props, prop{name: k, file: file, schema: ps[k].(map[string]any)})
		}
	}
	return props, req, nil
}

type prop struct {
	name   string
	file   string
	schema map[string]any
}

func (m *model) fill(d *def, file string, props []prop, req map[string]bool) error {
	seen := map[string]bool{}
	for _, p := range props {
		if seen[p.name] {
			continue
		}
		seen[p.name] = true
		if p.name == "type" && d.message {
			c, ok := p.schema["const"].(string)
			if !ok {
				return errors.New("type is not a const")
			}
			d.event = c
			continue
		}
		t, nullable, doc, err := m.typeOf(p.file, p.schema, d.name+goName(p.name))
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		d.fields = append(d.fields, field{json: p.name, t: t, required: req[p.name], nullable: nullable, doc: doc})
	}
	return nil
}

// typeOf converts a property schema; inline objects become structs named hint.
func (m *model) typeOf(file string, s map[string]any, hint string) (*typ, bool, string, error) {
	doc := str(s["description"])
	nullable := s["nullable"] == true
	if r, ok := s["$ref"].(string); ok {
		f, t, err := m.resolve(file, r)
		if err != nil {
			return nil, false, "", err
		}
		// A named object or enum schema of openapi.yaml becomes a named type.
		if i := strings.Index(r, "/components/schemas/"); i >= 0 && !strings.Contains(r[i+len("/components/schemas/"):], "/") {
			name := r[i+len("/components/schemas/"):]
			if isStruct(t) || t["enum"] != nil {
				key := f + "#" + name
				if d, ok := m.byKey[key]; ok {
					return &typ{kind: kindOf(d), name: d.name}, nullable || t["nullable"] == true, first(doc, str(t["description"])), nil
				}
				d := &def{name: goName(name), doc: str(t["description"])}
				if err := m.claim(d.name); err != nil {
					return nil, false, "", err
				}
				m.byKey[key] = d
				m.defs = append(m.defs, d)
				if isStruct(t) {
					props, req, err := m.flatten(f, t)
					if err != nil {
						return nil, false, "", err
					}
					if err := m.fill(d, f, props, req); err != nil {
						return nil, false, "", err
					}
				} else {
					for _, e := range asList(t["enum"]) {
						d.enum = append(d.enum, fmt.Sprint(e))
					}
				}
				return &typ{kind: kindOf(d), name: d.name}, nullable || t["nullable"] == true, first(doc, d.doc), nil
			}
		}
		tt, n, d, err := m.typeOf(f, t, hint)
		return tt, nullable || n, first(doc, d), err
	}
	if all, ok := s["allOf"].([]any); ok && len(all) == 1 && s["properties"] == nil {
		tt, n, d, err := m.typeOf(file, all[0].(map[string]any), hint)
		return tt, nullable || n, first(doc, d), err
	}
	switch s["type"] {
	case "string":
		if s["format"] == "date-time" {
			return &typ{kind: "time"}, nullable, doc, nil
		}
		return &typ{kind: "string"}, nullable, doc, nil
	case "integer":
		return &typ{kind: "int"}, nullable, doc, nil
	case "number":
		return &typ{kind: "float"}, nullable, doc, nil
	case "boolean":
		return &typ{kind: "bool"}, nullable, doc, nil
	case "array":
		items, _ := s["items"].(map[string]any)
		if items == nil {
			return &typ{kind: "slice", elem: &typ{kind: "any"}}, nullable, doc, nil
		}
		e, _, _, err := m.typeOf(file, items, strings.TrimSuffix(hint, "s"))
		if err != nil {
			return nil, false, "", err
		}
		return &typ{kind: "slice", elem: e}, nullable, doc, nil
	case "object":
		if !isStruct(s) {
			return &typ{kind: "map"}, nullable, doc, nil
		}
		d := &def{name: hint, doc: doc}
		if err := m.claim(d.name); err != nil {
			return nil, false, "", err
		}
		m.defs = append(m.defs, d)
		props, req, err := m.flatten(file, s)
		if err != nil {
			return nil, false, "", err
		}
		if err := m.fill(d, file, props, req); err != nil {
			return nil, false, "", err
		}
		return &typ{kind: "struct", name: d.name}, nullable, doc, nil
	}
	return &typ{kind: "any"}, nullable, doc, nil
}

func kindOf(d *def) string {
	if d.enum != nil {
		return "enum"
	}
	return "struct"
}

func isStruct(s map[string]any) bool {
	_, p := s["properties"]
	_, a := s["allOf"]
	return p || a
}

// ---- Go ----

func emitGo(m *model, pkg string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by tools/sdk/events from asyncapi.yaml. DO NOT EDIT.\n\npackage %s\n\n", pkg)
	b.WriteString("import (\n\t\"encoding/json\"\n\t\"time\"\n)\n\n")
	b.WriteString("var _ = time.Time{}\n\n")
	for _, d := range m.defs {
		if d.enum != nil {
			comment(&b, d.name, d.doc)
			fmt.Fprintf(&b, "type %s string\n\nconst (\n", d.name)
			for _, e := range d.enum {
				fmt.Fprintf(&b, "\t%s%s %s = %q\n", d.name, goName(strings.ToLower(e)), d.name, e)
			}
			b.WriteString(")\n\n")
			continue
		}
		doc := d.doc
		if d.message {
			dir := "Server → client"
			if d.client {
				dir = "Client → server"
			}
			doc = fmt.Sprintf("%s\n\n%s event %q.", strings.TrimSpace(d.doc), dir, d.event)
		}
		comment(&b, d.name, doc)
		fmt.Fprintf(&b, "type %s struct {\n", d.name)
		for _, f := range d.fields {
			if f.doc != "" {
				for _, l := range strings.Split(strings.TrimSpace(f.doc), "\n") {
					fmt.Fprintf(&b, "\t// %s\n", l)
				}
			}
			t := goType(f.t)
			optional := !f.required || f.nullable
			if optional && f.t.kind != "slice" && f.t.kind != "map" && f.t.kind != "any" {
				t = "*" + t
			}
			tag := f.json
			if !f.required {
				tag += ",omitempty"
			}
			fmt.Fprintf(&b, "\t%s %s `json:%q`\n", goName(f.json), t, tag)
		}
		b.WriteString("}\n\n")
		if d.message {
			fmt.Fprintf(&b, "// EventType is %q.\nfunc (%s) EventType() string { return %q }\n\n", d.event, d.name, d.event)
			if d.client {
				fmt.Fprintf(&b, "// MarshalJSON writes the event with its \"type\".\nfunc (e %s) MarshalJSON() ([]byte, error) {\n\ttype plain %s\n\treturn json.Marshal(struct {\n\t\tType string `json:\"type\"`\n\t\tplain\n\t}{%q, plain(e)})\n}\n\n", d.name, d.name, d.event)
			}
		}
	}
	b.WriteString("// decodeServerEvent decodes a frame the server sent by its \"type\"; a type\n// this SDK does not know is an UnknownEvent.\nfunc decodeServerEvent(typ string, data []byte) (Event, error) {\n\tswitch typ {\n")
	for _, d := range m.defs {
		if d.message && !d.client {
			fmt.Fprintf(&b, "\tcase %q:\n\t\tvar e %s\n\t\terr := json.Unmarshal(data, &e)\n\t\treturn e, err\n", d.event, d.name)
		}
	}
	b.WriteString("\t}\n\treturn UnknownEvent{Type: typ, Raw: json.RawMessage(data)}, nil\n}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return b.Bytes(), err
	}
	return src, nil
}

func goType(t *typ) string {
	switch t.kind {
	case "string":
		return "string"
	case "int":
		return "int64"
	case "float":
		return "float64"
	case "bool":
		return "bool"
	case "time":
		return "time.Time"
	case "map":
		return "map[string]any"
	case "slice":
		return "[]" + goType(t.elem)
	case "struct", "enum":
		return t.name
	}
	return "any"
}

func comment(b *bytes.Buffer, name, doc string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		fmt.Fprintf(b, "// %s is generated from asyncapi.yaml.\n", name)
		return
	}
	lines := strings.Split(doc, "\n")
	fmt.Fprintf(b, "// %s: %s\n", name, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(b, "// %s\n", strings.TrimRight(l, " "))
	}
}

// ---- Python ----

func emitPython(m *model) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`"""Realtime event types of ChatAPI, generated by tools/sdk/events from asyncapi.yaml. DO NOT EDIT.

Every event is a dict as decoded from the JSON frame; these TypedDicts say
which keys it has. SERVER_EVENTS and CLIENT_EVENTS map each "type" to its
TypedDict.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, NotRequired, Optional, TypedDict

`)
	for _, d := range m.defs {
		if d.enum != nil {
			vals := make([]string, len(d.enum))
			for i, e := range d.enum {
				vals[i] = fmt.Sprintf("%q", e)
			}
			fmt.Fprintf(&b, "%s = Literal[%s]\n", d.name, strings.Join(vals, ", "))
			if d.doc != "" {
				fmt.Fprintf(&b, "\"\"\"%s\"\"\"\n", pyDoc(d.doc, ""))
			}
			b.WriteString("\n\n")
		}
	}
	for _, d := range pyOrder(m.defs) {
		if d.enum != nil {
			continue
		}
		fmt.Fprintf(&b, "class %s(TypedDict):\n", d.name)
		doc := strings.TrimSpace(d.doc)
		if d.message {
			dir := "Server → client"
			if d.client {
				dir = "Client → server"
			}
			doc = fmt.Sprintf("%s\n\n%s event %q.", doc, dir, d.event)
		}
		if doc != "" {
			fmt.Fprintf(&b, "    \"\"\"%s\"\"\"\n\n", pyDoc(doc, "    "))
		}
		if d.message {
			fmt.Fprintf(&b, "    type: Literal[%q]\n", d.event)
		}
		for _, f := range d.fields {
			t := pyType(f.t)
			if f.nullable {
				t = "Optional[" + t + "]"
			}
			if !f.required {
				t = "NotRequired[" + t + "]"
			}
			fmt.Fprintf(&b, "    %s: %s\n", f.json, t)
		}
		if len(d.fields) == 0 && !d.message {
			b.WriteString("    pass\n")
		}
		b.WriteString("\n\n")
	}
	for _, client := range []bool{false, true} {
		name := "SERVER_EVENTS"
		if client {
			name = "CLIENT_EVENTS"
		}
		fmt.Fprintf(&b, "%s: Dict[str, type] = {\n", name)
		for _, d := range m.defs {
			if d.message && d.client == client {
				fmt.Fprintf(&b, "    %q: %s,\n", d.event, d.name)
			}
		}
		b.WriteString("}\n")
		if !client {
			b.WriteString("\n")
		}
	}
	return b.Bytes(), nil
}

// pyOrder puts every TypedDict after the ones its fields name.
func pyOrder(defs []*def) []*def {
	byName := map[string]*def{}
	for _, d := range defs {
		byName[d.name] = d
	}
	var out []*def
	done := map[string]bool{}
	var visit func(d *def)
	visit = func(d *def) {
		if done[d.name] {
			return
		}
		done[d.name] = true
		for _, f := range d.fields {
			t := f.t
			for t.kind == "slice" {
				t = t.elem
			}
			if dep, ok := byName[t.name]; ok && t.kind == "struct" {
				visit(dep)
			}
		}
		out = append(out, d)
	}
	for _, d := range defs {
		visit(d)
	}
	return out
}

func pyType(t *typ) string {
	switch t.kind {
	case "string", "time":
		return "str"
	case "int":
		return "int"
	case "float":
		return "float"
	case "bool":
		return "bool"
	case "map":
		return "Dict[str, Any]"
	case "slice":
		return "List[" + pyType(t.elem) + "]"
	case "struct", "enum":
		return t.name
	}
	return "Any"
}

func pyDoc(s, indent string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), `\`, `\\`)
	s = strings.ReplaceAll(s, `"""`, `\"\"\"`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if i > 0 && strings.TrimSpace(l) != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}

// ---- helpers ----

func get(d any, path ...string) any {
	for _, p := range path {
		mm, ok := d.(map[string]any)
		if !ok {
			return nil
		}
		d = mm[p]
	}
	return d
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// propOrder is the properties of s in a stable order: required ones in the
// order `required` lists them, then the rest sorted.
func propOrder(s map[string]any) []string {
	ps := s["properties"].(map[string]any)
	var out []string
	seen := map[string]bool{}
	for _, r := range asList(s["required"]) {
		if _, ok := ps[r.(string)]; ok && !seen[r.(string)] {
			out = append(out, r.(string))
			seen[r.(string)] = true
		}
	}
	for _, k := range sortedKeys(ps) {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// goName is the exported Go name of a JSON or YAML key: snake, dotted and
// camel case alike, with Go's initialisms.
func goName(s string) string {
	var parts []string
	cur := ""
	for i, r := range s {
		switch {
		case r == '_' || r == '.' || r == '-' || r == ' ':
			parts = append(parts, cur)
			cur = ""
		case r >= 'A' && r <= 'Z' && i > 0:
			parts = append(parts, cur)
			cur = string(r)
		default:
			cur += string(r)
		}
	}
	parts = append(parts, cur)
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		switch strings.ToLower(p) {
		case "id", "url", "ms", "api", "json":
			b.WriteString(strings.ToUpper(p))
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}
