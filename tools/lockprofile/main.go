// Command lockprofile checks the profile a provider-locked build embeds and
// prints what scripts/buildinfo.sh stamps into it, one KEY=value a line:
// id, name, title, profile (base64 JSON), iconfile and iconb64 (when the
// profile names an icon). A profile the wizard would refuse fails here, at
// build time, not on the customer's desk.
//
//	go run ./tools/lockprofile spinoffice
//	go run ./tools/lockprofile ../acme/acme.json
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"mailwizard/resources"
	"mailwizard/transports"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lockprofile PROVIDER (a built-in ID or a profile file)")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "PROVIDER:", err)
		os.Exit(2)
	}
}

// maxIcon keeps the icon within what one linker flag may carry (Linux
// limits a single argument to 128 KiB, base64 adds a third).
const maxIcon = 64 << 10

func run(arg string) error {
	raw, dir, err := profileBytes(arg)
	if err != nil {
		return err
	}
	p, err := transports.ParseProvider(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", arg, err)
	}
	if p.ID == "custom" {
		return fmt.Errorf("%q is the fallback for any service, not one to lock a build to", p.ID)
	}
	fmt.Printf("id=%s\nname=%s\ntitle=%s Mail Wizard\n", p.ID, p.Name, p.Name)
	fmt.Printf("profile=%s\n", base64.StdEncoding.EncodeToString(raw))
	if p.Icon == "" {
		return nil
	}
	if dir == "" {
		return fmt.Errorf("icon %q: a built-in profile has no directory to hold it", p.Icon)
	}
	file := filepath.Join(dir, p.Icon)
	icon, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("icon: %w", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(icon))
	switch {
	case err != nil:
		return fmt.Errorf("icon %s is not a PNG: %w", file, err)
	case cfg.Width != cfg.Height || cfg.Width < 256:
		return fmt.Errorf("icon %s is %d×%d: it must be square and at least 256 pixels, so task bars and installers stay sharp", file, cfg.Width, cfg.Height)
	case len(icon) > maxIcon:
		return fmt.Errorf("icon %s is %d KiB: at most %d KiB", file, len(icon)>>10, maxIcon>>10)
	}
	abs, _ := filepath.Abs(file)
	fmt.Printf("iconfile=%s\niconb64=%s\n", abs, base64.StdEncoding.EncodeToString(icon))
	return nil
}

// profileBytes reads a built-in profile by ID or else the file named, and
// says which directory its icon would be in.
func profileBytes(arg string) ([]byte, string, error) {
	if raw, err := fsRead(arg + ".json"); err == nil {
		return raw, "", nil
	}
	raw, err := os.ReadFile(arg)
	if err != nil {
		return nil, "", fmt.Errorf("not a built-in provider and not a readable file: %w", err)
	}
	return raw, filepath.Dir(arg), nil
}

func fsRead(name string) ([]byte, error) {
	f, err := resources.Providers().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}
