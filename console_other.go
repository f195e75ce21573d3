//go:build !windows

package main

import "mailwizard/wizard/cli"

// consoleStdio is the process's own streams: outside Windows a program
// has one face, and the terminal that starts it waits and answers it
// (console_windows.go explains the two programs there).
func consoleStdio() cli.Stdio { return cli.OSStdio() }
