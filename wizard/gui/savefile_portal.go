//go:build linux || freebsd || openbsd || netbsd

package gui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/godbus/dbus/v5"
	"github.com/rymdport/portal"
	"github.com/rymdport/portal/filechooser"
)

// The system's save dialog on Linux and the BSDs is the XDG desktop
// portal's FileChooser (org.freedesktop.portal.FileChooser.SaveFile): the
// desktop's own dialog (GNOME, KDE, ...), with its bookmarks and recent
// folders. The call returns a Request object at once; the answer comes
// later as that object's Response signal.
//
// rymdport/portal's filechooser.SaveFile makes this call, but on Fyne's
// shared session connection it takes the first signal of any kind as
// the answer (Fyne listens there to the portal's SettingChanged: a
// theme change while the dialog is open would end it), it starts
// listening only after the call returned, and it cannot be cancelled.
// So the call is made here, on a private connection, listening first at
// the handle the portal will use (its documented handle_token rule),
// with rymdport's types for the filters and the window handle.

const (
	portalBus       = "org.freedesktop.portal.Desktop"
	portalPath      = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	portalSaveFile  = "org.freedesktop.portal.FileChooser.SaveFile"
	portalRequest   = "org.freedesktop.portal.Request"
	portalHandleTok = "mailwizard_save"
)

// portalCallTimeout bounds reaching the portal (D-Bus may start it): when
// none answers by then, Fyne's dialog is shown instead. Choosing a file
// takes as long as the admin wants.
const portalCallTimeout = 5 * time.Second

// errPortalEnded is a Response other than success or the admin's cancel:
// the portal could not show its dialog.
var errPortalEnded = errors.New("save dialog: the portal ended the request")

// errNoSessionBus: no D-Bus session to find a portal on (a server, a
// container, a minimal desktop).
var errNoSessionBus = errors.New("save dialog: no session bus")

// portalSaveRequest is what the portal's dialog is opened with.
type portalSaveRequest struct {
	parent string // "x11:XID", or "" (Wayland, or no window)
	title  string
	name   string // proposed file name
	folder string // proposed folder, absolute
	exts   []string
}

// askPortal opens the portal's save dialog for a window the desktop
// knows (a native window: not the test driver's, not a software
// canvas), off the UI goroutine. Back on it, save gets the chosen file;
// when no portal answers, fallback shows Fyne's dialog. It reports
// whether it took the question.
func askPortal(u *ui, proposed chosenFile, name string, exts []string, save func(chosenFile), fallback func()) bool {
	nw, ok := u.win.(driver.NativeWindow)
	if !ok {
		return false
	}
	req := portalSaveRequest{parent: windowHandle(nw), title: u.tr.X("save.title", "Save %s", name),
		name: name, folder: filepath.Dir(proposed.path), exts: exts}
	go func() {
		path, err := portalSave(context.Background(), req)
		u.do(func() {
			switch {
			case err != nil:
				if !noPortal(err) {
					fyne.LogError("the system's save dialog failed, using Fyne's", err)
				}
				fallback()
			case path != "":
				// The portal only names the file: it neither creates nor
				// empties it, so there is nothing to undo.
				save(chosenFile{path: path, untouched: true})
			}
		})
	}()
	return true
}

// windowHandle is the portal's name for the window its dialog belongs to,
// so the desktop keeps the dialog above it: X11's window id. Fyne gives
// no Wayland handle (that needs the xdg_foreign protocol), so there the
// dialog has no parent.
func windowHandle(nw driver.NativeWindow) string {
	handle := ""
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			handle = portal.FormatX11WindowHandle(x.WindowHandle)
		}
	})
	return handle
}

// portalSave asks the portal for a file to save to and waits for the
// admin's choice: the path, or "" when the admin cancelled. An error
// means the portal did not show a dialog (none on the bus, or it failed).
// ctx cancelled closes the dialog.
func portalSave(ctx context.Context, req portalSaveRequest) (string, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return "", fmt.Errorf("%w: %w", errNoSessionBus, err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return "", fmt.Errorf("%w: %w", errNoSessionBus, err)
	}
	if err := conn.Hello(); err != nil {
		return "", fmt.Errorf("%w: %w", errNoSessionBus, err)
	}
	// Listen before calling: the answer may come before the call returns.
	// The handle is predicted from our name and the token (portal 0.9
	// and later); the portal sends Response to us alone, the match rule
	// is for implementations that broadcast it.
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	predicted := requestPath(conn.Names()[0], portalHandleTok)
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(predicted), dbus.WithMatchInterface(portalRequest), dbus.WithMatchMember("Response")); err != nil {
		return "", fmt.Errorf("save dialog: listening for the answer: %w", err)
	}

	call, cancel := context.WithTimeout(ctx, portalCallTimeout)
	var handle dbus.ObjectPath
	err = conn.Object(portalBus, portalPath).CallWithContext(call, portalSaveFile, 0, req.parent, req.title, req.options()).Store(&handle)
	cancel()
	if err != nil {
		return "", fmt.Errorf("save dialog: calling the portal: %w", err)
	}
	if handle != predicted { // an older portal chose its own handle
		conn.AddMatchSignal(dbus.WithMatchObjectPath(handle), dbus.WithMatchInterface(portalRequest), dbus.WithMatchMember("Response"))
	}
	for {
		select {
		case sig, ok := <-signals:
			if !ok {
				return "", errors.New("save dialog: the session bus closed")
			}
			if sig.Path == handle && sig.Name == portalRequest+".Response" {
				return savedPath(sig.Body)
			}
		case <-ctx.Done():
			closing, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Object(portalBus, handle).CallWithContext(closing, portalRequest+".Close", 0)
			cancel()
			return "", ctx.Err()
		}
	}
}

// requestPath is where the portal puts the Request of a call from the
// connection named unique with handle_token token.
func requestPath(unique, token string) dbus.ObjectPath {
	sender := strings.ReplaceAll(strings.TrimPrefix(unique, ":"), ".", "_")
	return dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + token)
}

// options are SaveFile's a{sv}: the proposed name and folder (a
// NUL-terminated byte string), a filter of the extensions, modal.
func (req portalSaveRequest) options() map[string]dbus.Variant {
	opts := map[string]dbus.Variant{
		"handle_token":   dbus.MakeVariant(portalHandleTok),
		"modal":          dbus.MakeVariant(true),
		"current_name":   dbus.MakeVariant(req.name),
		"current_folder": dbus.MakeVariant(append([]byte(req.folder), 0)),
	}
	if len(req.exts) > 0 {
		f := &filechooser.Filter{}
		var names []string
		for _, ext := range req.exts {
			names = append(names, "*"+ext)
			f.Rules = append(f.Rules, filechooser.Rule{Type: filechooser.GlobPattern, Pattern: "*" + ext})
		}
		f.Name = strings.Join(names, ", ")
		opts["filters"] = dbus.MakeVariant([]*filechooser.Filter{f})
		opts["current_filter"] = dbus.MakeVariant(f)
	}
	return opts
}

// savedPath reads a Response: 0 and the chosen file:// URI, 1 when the
// admin cancelled, 2 when the dialog ended otherwise.
func savedPath(body []any) (string, error) {
	if len(body) != 2 {
		return "", errors.New("save dialog: a Response without its two values")
	}
	code, ok1 := body[0].(uint32)
	results, ok2 := body[1].(map[string]dbus.Variant)
	switch {
	case !ok1 || !ok2:
		return "", errors.New("save dialog: a Response of the wrong types")
	case code == 1:
		return "", nil
	case code != 0:
		return "", errPortalEnded
	}
	uris, _ := results["uris"].Value().([]string)
	if len(uris) == 0 {
		return "", errors.New("save dialog: the portal named no file")
	}
	loc, err := url.Parse(uris[0])
	if err != nil || loc.Scheme != "file" || loc.Path == "" {
		return "", fmt.Errorf("save dialog: the portal named %q, not a local file", uris[0])
	}
	return loc.Path, nil
}

// noPortal reports whether err only says that no portal is there: no
// session bus, or nobody owns the portal's name or has the FileChooser.
// That is no failure to log.
func noPortal(err error) bool {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
			"org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownInterface",
			"org.freedesktop.DBus.Error.UnknownObject":
			return true
		}
	}
	return errors.Is(err, errNoSessionBus)
}
