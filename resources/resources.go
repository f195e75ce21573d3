// Package resources holds the files built into the binary: the icon, the
// translations, the provider profiles and the JSON schemas. It imports
// nothing of ours, so every other package may use it.
package resources

import (
	"embed"
	"io/fs"
)

//go:embed icon.png
var Icon []byte

//go:embed schema/config.schema.json
var ConfigSchema []byte

//go:embed schema/provider.schema.json
var ProviderSchema []byte

// PresetSchema describes the answers a support desk fills in ahead
// (--preset FILE).
//
//go:embed schema/preset.schema.json
var PresetSchema []byte

// CheckReportSchema describes what `check --json` prints, for scripts
// and for the tests that hold the output to it.
//
//go:embed schema/check-report.schema.json
var CheckReportSchema []byte

// VerdictSchema describes what `verdict --json` prints.
//
//go:embed schema/verdict.schema.json
var VerdictSchema []byte

//go:embed providers/*.json
var providers embed.FS

//go:embed translations/*.json
var translations embed.FS

// Providers returns the built-in provider profiles, one JSON file each.
func Providers() fs.FS {
	sub, err := fs.Sub(providers, "providers")
	if err != nil {
		panic(err) // the directory is embedded above; cannot fail
	}
	return sub
}

// Translations returns the translation files (en.json, nl.json) in the
// format fyne's lang.AddTranslationsFS reads: a flat map of key to text.
func Translations() fs.FS {
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		panic(err)
	}
	return sub
}
