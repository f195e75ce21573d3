package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"mailwizard/wizard"
)

// Version is the release, or the VCS revision of a development build
// (wizard.Version: the window names the same in its exports).
func Version() string { return wizard.Version() }

const globalHelp = `Global flags (before or after the command):
  --resolver IP[:PORT][,...]  recursive resolvers instead of the system's
  --dns-server IP[:PORT]      send every DNS query, authoritative ones too, to this server
  --dns-timeout D             per-query timeout (default 2s)
  --lang en|nl                language of messages

Exit codes: 0 done; 1 a check found an error (also a permanent refusal, a
bad certificate, an invalid document); 2 bad input or usage; 3 temporary:
a retry may succeed (timeout, no connection, DNS failure, 4xx reply).`

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "mailwizard: let a hosted service send mail for your domain.")
	fmt.Fprintln(w, "\nUsage:\n  mailwizard [--preset FILE]   open the wizard window")
	for _, c := range commands {
		fmt.Fprintf(w, "  mailwizard %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n"+globalHelp)
	fmt.Fprintln(w, "\nRun 'mailwizard help COMMAND' for a command's flags.")
}

func printCommandHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "mailwizard %s %s\n\n%s%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1]), c.summary[1:])
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.build(fs, &env{})
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		line += "\n        " + usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			line += " (default " + f.DefValue + ")"
		}
		lines = append(lines, line)
	})
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nFlags:\n"+strings.Join(lines, "\n"))
	}
	fmt.Fprintln(w, "\n"+globalHelp)
}

func (e *env) help(args []string) int {
	if len(args) == 0 {
		printOverview(e.Out)
		return ExitOK
	}
	c, rest, err := findCommand(args)
	if err != nil || len(rest) > 0 {
		if err == nil {
			err = fmt.Errorf("unexpected argument %q", rest[0])
		}
		return e.usage("help", err)
	}
	printCommandHelp(e.Out, c)
	return ExitOK
}
