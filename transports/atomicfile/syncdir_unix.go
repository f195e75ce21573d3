//go:build !windows

package atomicfile

import "os"

// syncDir flushes a directory entry to disk. Errors are ignored: some file
// systems refuse fsync on directories, and the data itself is already safe.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
