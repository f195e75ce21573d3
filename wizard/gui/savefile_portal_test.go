//go:build linux || freebsd || openbsd || netbsd

package gui

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/godbus/dbus/v5"

	"mailwizard/wizard/i18n"
)

// x11Window is the test window as a native X11 window, as GLFW's is on an
// X11 desktop: the save dialog then asks the portal first.
type x11Window struct{ fyne.Window }

func (x11Window) RunNative(f func(any)) { f(driver.X11WindowContext{WindowHandle: 0x2a00007}) }

// sessionBus connects to the test's session bus (make test runs under
// dbus-run-session), or skips.
func sessionBus(t *testing.T) *dbus.Conn {
	t.Helper()
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err == nil {
		if err = conn.Auth(nil); err == nil {
			err = conn.Hello()
		}
	}
	if err != nil {
		t.Skipf("no D-Bus session bus (make test runs the tests under dbus-run-session): %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// fakePortal is a real D-Bus service on the test's session bus that
// plays the portal's FileChooser: SaveFile records what it was asked and
// answers through the Request's Response signal, sent to the caller alone
// as xdg-desktop-portal does, and sent before the call returns, the
// order a careless client would miss. A real bus, a fake portal.
type fakePortal struct {
	conn *dbus.Conn

	mu      sync.Mutex // the bus's goroutine answers, the test reads
	answer  func() (uint32, map[string]dbus.Variant, *dbus.Error)
	calls   int
	parent  string
	title   string
	options map[string]dbus.Variant
}

func (p *fakePortal) SaveFile(sender dbus.Sender, parent, title string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.parent, p.title, p.options = parent, title, options
	code, results, err := p.answer()
	if err != nil {
		return "", err
	}
	token, _ := options["handle_token"].Value().(string)
	handle := requestPath(string(sender), token)
	p.conn.Send(&dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldPath:        dbus.MakeVariant(handle),
		dbus.FieldInterface:   dbus.MakeVariant(portalRequest),
		dbus.FieldMember:      dbus.MakeVariant("Response"),
		dbus.FieldDestination: dbus.MakeVariant(string(sender)),
		dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(code, results)),
	}, Body: []any{code, results}}, nil)
	return handle, nil
}

// startFakePortal takes the portal's name on the session bus, or skips
// when a real portal has it (this is not a test's bus then).
func startFakePortal(t *testing.T) *fakePortal {
	t.Helper()
	conn := sessionBus(t)
	p := &fakePortal{conn: conn}
	if err := conn.Export(p, portalPath, "org.freedesktop.portal.FileChooser"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(portalBus, dbus.NameFlagDoNotQueue)
	if err != nil {
		t.Fatal(err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		t.Skip("a portal runs on this session bus: run the test under dbus-run-session")
	}
	t.Cleanup(func() { conn.ReleaseName(portalBus) })
	return p
}

// saveDialogWindow opens the wizard in a window that counts each return
// from the background to the UI goroutine.
func saveDialogWindow(t *testing.T) (*ui, fyne.Window, *int) {
	t.Helper()
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	u.win = x11Window{w}
	returned := new(int)
	u.do = func(f func()) { uiQueue.push(func() { f(); *returned++ }) }
	return u, w, returned
}

// With a portal on the bus, the save dialog is the portal's: it is asked
// with the proposed name and folder, the extensions and the window, and
// the file it names is the one saved; the admin's cancel is a cancel;
// a portal that cannot show its dialog leaves the question to Fyne's.
func TestSaveDialogThroughThePortal(t *testing.T) {
	useSystemSaveDialog(t)
	p := startFakePortal(t)
	dir := t.TempDir()
	chosen := filepath.Join(dir, "my zones", "example.nl.zone")
	test := func(name string, code uint32, err *dbus.Error, wantSaved string, wantFyne bool) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			u, w, returned := saveDialogWindow(t)
			p.mu.Lock()
			p.calls = 0
			p.answer = func() (uint32, map[string]dbus.Variant, *dbus.Error) {
				uri := (&url.URL{Scheme: "file", Path: chosen}).String() // file:///…/my%20zones/…
				return code, map[string]dbus.Variant{"uris": dbus.MakeVariant([]string{uri})}, err
			}
			p.mu.Unlock()
			var saved []chosenFile
			askSavePath(u, "example.nl.zone", dir, []string{".zone", ".txt"}, func(c chosenFile) { saved = append(saved, c) })
			if w.Canvas().Overlays().Top() != nil {
				t.Fatal("Fyne's dialog opened before the portal answered")
			}
			waitFor(t, "the portal's answer", func() bool { return *returned > 0 })
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.calls != 1 || p.parent != "x11:2a00007" || p.title != "Save example.nl.zone" {
				t.Errorf("the portal was called %d times, with window %q and title %q", p.calls, p.parent, p.title)
			}
			folder, _ := p.options["current_folder"].Value().([]byte)
			if got := p.options["current_name"].Value(); got != "example.nl.zone" || string(folder) != dir+"\x00" {
				t.Errorf("the portal was proposed %v in %q", got, folder)
			}
			if _, ok := p.options["filters"]; !ok {
				t.Error("the portal's dialog has no filter")
			}
			if want := map[bool]int{true: 1}[wantSaved != ""]; len(saved) != want || (want == 1 && (saved[0].path != wantSaved || !saved[0].untouched)) {
				t.Errorf("saved %+v, want %q (untouched)", saved, wantSaved)
			}
			if (w.Canvas().Overlays().Top() != nil) != wantFyne {
				t.Errorf("Fyne's dialog shown %v, want %v", w.Canvas().Overlays().Top() != nil, wantFyne)
			}
		})
	}
	test("chosen", 0, nil, chosen, false)
	test("cancelled", 1, nil, "", false)
	test("ended", 2, nil, "", true)
	test("refused", 0, dbus.MakeFailedError(os.ErrPermission), "", true)
}

// Without a portal on the bus (none runs, none can be started) or without
// a session bus at all, the question goes to Fyne's dialog, proposing the
// name, and quickly: the D-Bus calls are off the UI goroutine.
func TestSaveDialogWithoutAPortal(t *testing.T) {
	useSystemSaveDialog(t)
	if conn, err := dbus.SessionBusPrivateNoAutoStartup(); err == nil {
		defer conn.Close()
		if conn.Auth(nil) == nil && conn.Hello() == nil {
			var owned bool
			var activatable []string
			conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, portalBus).Store(&owned)
			conn.BusObject().Call("org.freedesktop.DBus.ListActivatableNames", 0).Store(&activatable)
			if owned || slices.Contains(activatable, portalBus) {
				t.Skip("a portal answers on this session bus (it would open a real dialog): run the test under dbus-run-session")
			}
		}
	}
	u, w, returned := saveDialogWindow(t)
	var saved []chosenFile
	start := time.Now()
	askSavePath(u, "example.nl.zone", t.TempDir(), []string{".zone"}, func(c chosenFile) { saved = append(saved, c) })
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("asking took %v on the UI goroutine", time.Since(start))
	}
	waitFor(t, "the fallback", func() bool { return *returned > 0 })
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no save dialog without a portal")
	}
	if _, ok := findWidget(top, func(e *widget.Entry) bool { return e.Text == "example.nl.zone" }); !ok {
		t.Error("Fyne's dialog does not propose the file name")
	}
	if time.Since(start) > 2*time.Second || len(saved) != 0 {
		t.Errorf("the fallback took %v; saved %+v", time.Since(start), saved)
	}
}

// A file the portal named was neither created nor emptied by the dialog:
// a failed write leaves it as it is, even an empty one.
func TestChosenFileUndoLeavesThePortalsFile(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.zone")
	os.WriteFile(empty, nil, 0o644)
	chosenFile{path: empty, untouched: true}.undo()
	if _, err := os.Stat(empty); err != nil {
		t.Errorf("undo removed a file the portal's dialog did not make: %v", err)
	}
}

// useSystemSaveDialog puts the portal back for one test (TestMain answers
// every save with Fyne's dialog).
func useSystemSaveDialog(t *testing.T) {
	old := systemSaveDialog
	systemSaveDialog = askPortal
	t.Cleanup(func() { systemSaveDialog = old })
}
