package gui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports/atomicfile"
	"mailwizard/wizard"
)

// dnsStep: every record to publish, with a copy button per value, the
// same as a zone file, where to click at the domain's DNS host, and the
// name servers polled until each has every record (step_dns_poll.go). As
// setup's dns step: the same records, the same wait, the same facts kept.
type dnsStep struct {
	u       *ui
	records []wizard.Record // nil until worked out

	recordBox  *fyne.Container // a card per record
	hint       *fyne.Container // where to add records at the DNS host
	note       *discoveryNote  // while discovery looks for the DNS host
	saveZone   *keyButton
	publish    *publishForm // "Publish for me" (step_dns_publish.go)
	deferCheck *keyCheck
	table      *fyne.Container // record, name server, state
	progress   *widget.Label   // how long, how many seen
	caches     *widget.Label   // when resolvers' caches see it
	again      *keyButton      // poll again after a stop
	other      *widget.Label
	box        *fyne.Container

	focus *focusWatch
}

func newDNSStep(u *ui) stepView {
	s := &dnsStep{u: u}
	tr, st := u.tr, u.flow.State
	intro := widget.NewLabel(tr.X("setup.publish", "Publish these records in the DNS of %s:", st.Domain))
	intro.Wrapping = fyne.TextWrapWord
	// Normal importance: Fyne draws LowImportance text in the disabled
	// colour, which the dark theme makes hard to read.
	working := widget.NewLabel(tr.X("dns.working_out", "Working out the records…"))
	s.recordBox = container.NewVBox(working)
	s.hint = container.NewVBox()
	s.note = u.newDiscoveryNote(tr.X("dns.looking", "Looking up where the DNS of %s is hosted…", st.Domain))
	s.saveZone = u.newIconButton(tr.X("dns.save_zone", "Save as zone file…"), theme.DocumentSaveIcon(), s.chooseZoneFile)
	s.saveZone.Disable()

	servers := widget.NewLabelWithStyle(tr.X("dns.servers", "On your domain's name servers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.table = container.NewGridWithColumns(3)
	s.progress = widget.NewLabel("")
	s.progress.Wrapping = fyne.TextWrapWord
	s.caches = widget.NewLabel("")
	s.caches.Wrapping = fyne.TextWrapWord
	s.caches.Hide()
	s.again = u.newIconButton(tr.X("dns.check_again", "Check again"), theme.ViewRefreshIcon(), s.start)
	s.again.Hide()

	s.deferCheck = u.newCheck(tr.X("dns.defer", "Export now and publish the records later"), nil)
	s.deferCheck.SetChecked(st.DNSDeferred)
	s.deferCheck.OnChanged = s.setDeferred
	deferField := newField(tr.X("dns.defer.label", "Not published yet?"),
		tr.X("dns.defer.help", "The service needs these records before it can send for your domain. If someone else publishes them, or you do so later, "+
			"export now: the configuration notes that they were not seen yet, and the next steps say how to check them."), s.deferCheck)

	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Importance = widget.DangerImportance
	s.other.Hide()
	s.publish = s.newPublishForm()
	s.box = container.NewVBox(intro, s.recordBox, s.note.box, s.hint, container.NewHBox(s.saveZone), widget.NewSeparator(),
		s.publish.box, widget.NewSeparator(), servers, s.table, s.progress, s.caches, container.NewHBox(s.again), s.other, widget.NewSeparator(), deferField.box)
	s.focus = watchFocus()
	if d := u.discovery(); d != nil {
		s.discovered(d)
	}
	s.start()
	return s
}

func (s *dnsStep) content() fyne.CanvasObject { return s.box }

func (s *dnsStep) markErrors(errs map[string]string) { markAll(nil, errs, s.other) }

func (s *dnsStep) discoveryNote() *discoveryNote { return s.note }

// discovered shows where the admin adds records: the DNS host discovery
// recognised from the domain's name servers, with its how-to page.
func (s *dnsStep) discovered(d *wizard.Discovery) {
	if d == nil || d.Report == nil || d.Report.Hints.DNSHost == nil {
		return
	}
	h := d.Report.Hints.DNSHost
	where := widget.NewLabel(s.u.tr.X("dns.where", "Your DNS is at %s.", checks.Printable(h.Name)))
	where.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{where}
	if link, err := url.Parse(h.HelpURL); err == nil && h.HelpURL != "" {
		objs = append(objs, widget.NewHyperlink(s.u.tr.X("dns.where_link", "How to add a record at %s", checks.Printable(h.Name)), link))
	}
	s.hint.Objects = objs
	s.hint.Refresh()
}

// showRecords lays out a card per record: type and name, the name most
// DNS panels want, the value, the 255-byte strings of a long TXT value
// and the record it replaces, each value with its copy button.
func (s *dnsStep) showRecords(records []wizard.Record) {
	s.records = records
	tr := s.u.tr
	var objs []fyne.CanvasObject
	for i, rec := range records {
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		head := widget.NewLabelWithStyle(rec.Type+"  "+rec.Name+"  ("+rec.Label+")", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapBreak
		objs = append(objs, head)
		if rec.Value == "" {
			l := widget.NewLabel(tr.X("setup.record_unknown", "%s cannot be given yet: %s. Check again later.", rec.Label, checks.Printable(rec.Note)))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			objs = append(objs, l)
			continue
		}
		objs = append(objs,
			s.copyLine(sentence(tr.X("setup.record_name", "name in most DNS panels: %s", rec.Relative)), rec.Relative),
			s.copyLine(sentence(tr.X("setup.record_value", "value: %s", checks.Printable(rec.Value))), rec.Value))
		if len(rec.Strings) > 1 {
			l := widget.NewLabel(sentence(tr.X("setup.record_strings", "for panels that take at most 255 characters per value, these %d strings in order:", len(rec.Strings))))
			l.Wrapping = fyne.TextWrapWord
			objs = append(objs, l)
			for j, part := range rec.Strings {
				objs = append(objs, s.copyLine(tr.X("dns.string", "%d: %s", j+1, checks.Printable(part)), part))
			}
		}
		for _, old := range rec.Replaces {
			l := widget.NewLabel(sentence(tr.X("setup.record_replaces", "in place of: %s", checks.Printable(old))))
			l.Wrapping = fyne.TextWrapBreak
			l.TextStyle = fyne.TextStyle{Italic: true} // set apart, still readable
			objs = append(objs, l)
		}
	}
	s.recordBox.Objects = objs
	s.recordBox.Refresh()
	s.saveZone.Enable()
	s.publish.show.Enable()
	s.showKept()
}

// copyLine is a value that wraps (a DKIM key is long) with a button that
// puts exactly value on the clipboard, for pasting into the DNS panel.
func (s *dnsStep) copyLine(text, value string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapBreak
	b := s.u.newIconButton(s.u.tr.X("dns.copy", "Copy"), theme.ContentCopyIcon(), func() {
		// The app's clipboard: Window.Clipboard is deprecated since Fyne 2.6.
		fyne.CurrentApp().Clipboard().SetContent(value)
		s.u.setStatus(s.u.tr.X("dns.copied", "Copied to the clipboard."), false)
	})
	return container.New(copyLineLayout{}, l, b)
}

// copyLineLayout puts the text (first) beside its button (second): the
// text takes the width the button leaves and wraps in it; the button
// keeps its own size at the top right, however many lines the value
// takes (a Border would stretch it to the row's height).
type copyLineLayout struct{}

func (copyLineLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	text, button := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(text.Width+theme.Padding()+button.Width, fyne.Max(text.Height, button.Height))
}

func (copyLineLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	button := objs[1].MinSize()
	objs[1].Resize(button)
	objs[1].Move(fyne.NewPos(size.Width-button.Width, 0))
	objs[0].Resize(fyne.NewSize(size.Width-button.Width-theme.Padding(), size.Height))
	objs[0].Move(fyne.NewPos(0, 0))
}

// chooseZoneFile asks where the zone-file lines go.
func (s *dnsStep) chooseZoneFile() {
	askSavePath(s.u, s.u.flow.State.Domain+".zone", ".", []string{".zone", ".txt"}, s.saveZoneTo)
}

// saveZoneTo writes the records as BIND zone-file lines, atomically, as
// setup --zone-out does.
func (s *dnsStep) saveZoneTo(c chosenFile) {
	st, tr, path := s.u.flow.State, s.u.tr, c.path
	p, err := st.Profile()
	if err == nil {
		err = atomicfile.Write(path, []byte(wizard.ZoneFragment(s.records, st.Domain, p.Name)), 0o644)
	}
	if err != nil {
		c.undo()
		s.u.setStatus(sentence(tr.Error(err)), true)
		return
	}
	s.u.setStatus(tr.X("setup.zone_written", "The same records as zone-file lines: %s", path), false)
}

// setDeferred is "export now, publish later": polling stops (Next then
// only needs the rest of the answers); unticked, it starts again.
func (s *dnsStep) setDeferred(on bool) {
	s.u.flow.State.DNSDeferred = on
	s.u.changed()
	s.u.stopTask()
	s.again.Hide()
	setNote(s.other, "")
	if on {
		s.progress.SetText(s.u.tr.X("dns.deferred", "You publish the records later: the export notes that they were not seen yet."))
		if s.records != nil {
			s.u.relayout()
			return
		}
	}
	s.start()
}

// showKept fills the table from what polling saw before (the draft),
// until the first round of this visit answers.
func (s *dnsStep) showKept() {
	if len(s.table.Objects) > 0 {
		return
	}
	var rows []serverRow
	for _, rec := range s.records {
		for _, f := range s.u.flow.State.DNS {
			if !strings.EqualFold(f.Name, rec.Name) || f.Type != rec.Type {
				continue
			}
			for _, srv := range f.Servers {
				rows = append(rows, serverRow{record: rec.Label, server: srv, seen: f.Status == "ok", kept: true})
			}
		}
	}
	s.fillTable(rows)
}
