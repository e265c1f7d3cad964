package contracts_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMENamesEveryPackage keeps the README's layout section whole: every
// directory that holds Go code (build output .gitignore keeps at the root
// aside) is named there (as `dir/`), and every
// directory named there exists.
func TestREADMENamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	layout := section(string(readme), "### Layout")
	if layout == "" {
		t.Fatal("README.md has no ### Layout section")
	}
	ignored := rootIgnoredDirs(t)
	var dirs []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || ignored[filepath.ToSlash(path)]) {
				return filepath.SkipDir
			}
			return nil
		}
		if dir := filepath.Dir(path); strings.HasSuffix(path, ".go") && dir != "." && (len(dirs) == 0 || dirs[len(dirs)-1] != dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("found only %v: not the repository root?", dirs)
	}
	for _, dir := range dirs {
		if !strings.Contains(layout, "`"+filepath.ToSlash(dir)+"/`") {
			t.Errorf("README.md's layout does not name %s/", filepath.ToSlash(dir))
		}
	}
	quoted := strings.Split(layout, "`")
	for i := 1; i < len(quoted); i += 2 {
		named := quoted[i]
		if !strings.HasSuffix(named, "/") || strings.ContainsAny(named, " \n") {
			continue
		}
		if fi, err := os.Stat(named); err != nil || !fi.IsDir() {
			t.Errorf("README.md's layout names %s, which is not a directory", named)
		}
	}
}

// rootIgnoredDirs lists the directories .gitignore anchors at the root
// ("/dist/"): build output, not packages of the project.
func rootIgnoredDirs(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(".gitignore")
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "/") && strings.HasSuffix(line, "/") {
			dirs[strings.Trim(line, "/")] = true
		}
	}
	return dirs
}

// section returns the text under heading, up to the next heading of the same
// or a higher level.
func section(doc, heading string) string {
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		return ""
	}
	body := doc[start+len(heading)+2:]
	level := strings.Count(strings.Fields(heading)[0], "#")
	for _, prefix := range []string{"\n# ", "\n## ", "\n### "}[:level] {
		if end := strings.Index(body, prefix); end >= 0 {
			body = body[:end]
		}
	}
	return body
}

// TestREADMEChatExamples keeps the README's "Build a chat UI in 30 lines"
// true to the SDKs: every code block of that section in each SDK's README
// (where the SDK's own tests compile or type-check it) appears there
// verbatim.
func TestREADMEChatExamples(t *testing.T) {
	const heading = "## Build a chat UI in 30 lines"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ours := section(string(readme), heading)
	if ours == "" {
		t.Fatalf("README.md has no %q section", heading)
	}
	for _, sdk := range []string{"sdk/typescript/README.md", "sdk/go/README.md", "sdk/python/README.md"} {
		t.Run(sdk, func(t *testing.T) {
			doc, err := os.ReadFile(sdk)
			if err != nil {
				t.Fatal(err)
			}
			theirs := section(string(doc), heading)
			blocks := strings.Split(theirs, "```")
			if len(blocks) < 3 {
				t.Fatalf("%s has no code block under %q", sdk, heading)
			}
			// Odd pieces are the blocks' insides (language tag first).
			for i := 1; i < len(blocks); i += 2 {
				if !strings.Contains(ours, "```"+blocks[i]+"```") {
					t.Errorf("README.md's %q lacks this block of %s:\n%.200s…", heading, sdk, blocks[i])
				}
			}
		})
	}
}
