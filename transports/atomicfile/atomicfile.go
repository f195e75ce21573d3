// Package atomicfile writes files so that a reader, or the same program
// after a crash or power cut, finds either the old content or the new one.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// testHookBeforeRename runs after the new content is durable in the
// temporary file and before it replaces the target: the moment a crash
// must not lose the old file. Tests use it to crash there for real.
var testHookBeforeRename func()

// Write stores data at path with mode perm: it writes a temporary file in
// the same directory (rename is atomic only within one file system),
// flushes it to disk, renames it over path and flushes the directory so
// the rename itself survives a power cut.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already made it 0600; Chmod covers a wider perm on request.
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: flushing to disk: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if testHookBeforeRename != nil {
		testHookBeforeRename()
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}
