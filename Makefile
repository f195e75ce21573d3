# mailwizard: each target installs what it needs (Debian/Ubuntu packages via
# scripts/deps.sh, Go modules via the go command), then does its work.
GO ?= go
BIN := mailwizard

# staticcheck, at a pinned version; `go run` fetches and caches it.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test vet lint unit smoke screenshots package package-linux package-windows package-darwin package-check icons clean

# PROVIDER=<built-in id or profile file> locks the packages to one service.
PROVIDER ?=

## run: build the app and open the wizard window
run: build
	./$(BIN)

## build: compile the binary (cgo: needs gcc and the X11/OpenGL headers)
build:
	scripts/deps.sh build
	$(GO) build -o $(BIN) .

## test: vet, every Go test with the race detector under a private D-Bus
## session with an unlocked gnome-keyring, and the smoke test of the binary
test:
	scripts/deps.sh test
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	dbus-run-session -- scripts/with-keyring.sh $(GO) test -race -count=1 ./...
	$(GO) build -o $(BIN) .
	scripts/smoke.sh ./$(BIN)
	$(MAKE) package-check

## vet / lint / unit / smoke: the parts of `make test` alone
vet:
	$(GO) vet ./...
lint:
	$(GO) run $(STATICCHECK) ./...
unit:
	dbus-run-session -- scripts/with-keyring.sh $(GO) test -race -count=1 ./...
smoke: build
	scripts/smoke.sh ./$(BIN)

## screenshots: every step in English and Dutch, light and dark, as PNG in
## out/screenshots; Fyne's software renderer, so no display and no cgo
screenshots:
	rm -rf out/screenshots
	CGO_ENABLED=0 $(GO) test ./wizard/gui -run '^TestScreenshots$$' -count=1 -args -screenshots $(CURDIR)/out/screenshots
	@ls out/screenshots | wc -l | xargs echo "screenshots: PNG files in out/screenshots:"

## package: every installer that can be made on Debian, into dist/: the
## Linux tar.xz and .deb, the Windows exe pair, NSIS installer and zip
package: package-linux package-windows

## package-linux: dist/mailwizard-<version>-linux-amd64.tar.xz and the .deb
package-linux:
	scripts/deps.sh package
	PROVIDER=$(PROVIDER) scripts/package-linux.sh

## package-windows: mailwizard.exe (the window), mailwizard-cli.exe (the
## console twin), mailwizard-setup.exe (NSIS) and a portable zip, with mingw-w64
package-windows:
	scripts/deps.sh package
	PROVIDER=$(PROVIDER) scripts/package-windows.sh

## package-darwin: the .app and .dmg, on a Mac only (Xcode command line
## tools); ARCHS=arm64 for one architecture instead of a universal binary
package-darwin:
	PROVIDER=$(PROVIDER) scripts/package-darwin.sh

## package-check: build the packages, install the .deb and the tar.xz in a
## clean Debian 12 chroot (root; the Debian mirror), check the Windows files
## (PE subsystem, version, icon, the installer's contents), tree unchanged
package-check: package
	PROVIDER=$(PROVIDER) scripts/check-deb.sh --no-build
	PROVIDER=$(PROVIDER) scripts/check-windows.sh

## icons: render resources/icons/*.png from the SVGs (commit the result)
icons:
	scripts/render-icons.sh

clean:
	rm -rf $(BIN) $(BIN).exe out dist
