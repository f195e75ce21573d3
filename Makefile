# mailwizard: each target installs what it needs (Debian/Ubuntu packages via
# scripts/deps.sh, Go modules via the go command), then does its work.
GO ?= go
BIN := mailwizard

# staticcheck, at a pinned version; `go run` fetches and caches it.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test vet lint unit smoke screenshots windows clean

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

## windows: cross-compile mailwizard.exe from Debian (mingw-w64)
windows:
	@command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "install gcc-mingw-w64-x86-64 first"; exit 1; }
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 $(GO) build -ldflags -H=windowsgui -o $(BIN).exe .

clean:
	rm -rf $(BIN) $(BIN).exe out
