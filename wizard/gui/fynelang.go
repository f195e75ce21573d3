package gui

import (
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"mailwizard/wizard/i18n"
)

// Fyne's own widgets and dialogs (Yes/No, OK, the file dialog, an entry's
// menu) take their words from its lang package, in the system's language
// and without Dutch at all. speakFyne gives Fyne the wizard's language:
// our words for its keys (kept in our catalog, so the completeness test
// covers them), registered under the locale Fyne picks for this system.
// Fyne has no call to choose the language; registering under the system's
// own locale makes that locale's messages ours, on every OS.
func speakFyne(tr *i18n.Translator) {
	raw, err := json.Marshal(fyneTexts(tr))
	if err != nil {
		return
	}
	if err := lang.AddTranslationsForLocale(raw, lang.SystemLocale()); err != nil {
		fyne.LogError("Fyne's words in "+string(tr.Lang()), err)
	}
}

// fyneTexts are the keys of Fyne 2.8's base.en.json that the wizard's
// window can show, in tr's language.
func fyneTexts(tr *i18n.Translator) map[string]any {
	one := func(s string) map[string]string { return map[string]string{"other": s} }
	return map[string]any{
		"Cancel":            tr.X("fyne.cancel", "Cancel"),
		"Confirm":           tr.X("fyne.confirm", "Confirm"),
		"Copy":              tr.X("fyne.copy", "Copy"),
		"Create Folder":     tr.X("fyne.create_folder", "Create Folder"),
		"Cut":               tr.X("fyne.cut", "Cut"),
		"Enter filename":    tr.X("fyne.enter_filename", "Enter filename"),
		"Error":             tr.X("fyne.error", "Error"),
		"Favourites":        tr.X("fyne.favourites", "Favourites"),
		"File":              tr.X("fyne.file", "File"),
		"Folder":            tr.X("fyne.folder", "Folder"),
		"New Folder":        tr.X("fyne.new_folder", "New Folder"),
		"No":                tr.X("fyne.no", "No"),
		"OK":                tr.X("fyne.ok", "OK"),
		"Open":              tr.X("fyne.open", "Open"),
		"Paste":             tr.X("fyne.paste", "Paste"),
		"Quit":              tr.X("fyne.quit", "Quit"),
		"Redo":              tr.X("fyne.redo", "Redo"),
		"Save":              tr.X("fyne.save", "Save"),
		"Select all":        tr.X("fyne.select_all", "Select all"),
		"Show Hidden Files": tr.X("fyne.show_hidden", "Show Hidden Files"),
		"Undo":              tr.X("fyne.undo", "Undo"),
		"Yes":               tr.X("fyne.yes", "Yes"),
		"file.name":         one(tr.X("fyne.file_name", "Name")),
		"file.parent":       one(tr.X("fyne.file_parent", "Parent")),
	}
}
