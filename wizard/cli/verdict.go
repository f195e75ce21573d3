package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	mailverdict "mailwizard/checks/verdict"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// verdict reads a message as received (a file, or standard input) and
// prints how the receiving server judged SPF, DKIM and DMARC, how they
// come out now, and why. Exit 0 when it passes DMARC, or when nothing
// fails (no policy, or unknown without what decides it); 1 for an error
// finding (DMARC fails, another key in DNS); 2 for input that is not a
// message, or one from another domain than --domain; 3 when DNS did not
// answer what the verdict depends on, or the check was stopped.

func buildVerdict(fs *flag.FlagSet, e *env) func([]string) int {
	domainFlag := fs.String("domain", "", "the From `domain` expected (default: the message's own)")
	expect := fs.String("expect-dkim", "", "the DKIM TXT `value` generated for the domain, compared with the key at each selector that signed")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argRange(args, 0, 1, "FILE"), noControl("expect-dkim", *expect))
		opts := mailverdict.Options{}
		if err == nil && *domainFlag != "" {
			opts.Domain, err = transports.NormalizeDomain(*domainFlag)
			err = named("--domain", err)
		}
		if *expect != "" {
			opts.ExpectDKIM = map[string]string{mailverdict.AnySelector: strings.TrimSpace(*expect)}
		}
		source := "-"
		if len(args) == 1 {
			source = args[0]
		}
		var text []byte
		if err == nil {
			text, err = e.readMessage(source)
		}
		if err != nil {
			return e.usage("verdict", err)
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail("verdict", ExitTemporary, err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, wizard.VerdictTimeout)
		defer cancel()
		rep, err := mailverdict.Check(ctx, c, text, opts)
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return e.fail("verdict", ExitTemporary, wizard.VerdictStopped(err))
		case err != nil:
			return e.usage("verdict", named(inputName(source), wizard.VerdictInputError(err)))
		}
		if *asJSON {
			e.writeJSON(rep)
			return exitFor(rep.Findings)
		}
		fmt.Fprintln(e.Out, wizard.VerdictHeadline(e.tr, rep))
		for _, line := range wizard.VerdictLines(e.tr, rep) {
			fmt.Fprintln(e.Out, "  "+line)
		}
		e.printFindings(e.Out, rep.Findings)
		return exitFor(rep.Findings)
	}
}

// inputName is how the input is named in an error: the file, or
// standard input.
func inputName(source string) string {
	if source == "-" {
		return "-"
	}
	return "FILE " + source
}

// readMessage reads the message from a file, or from standard input for
// "-". On a terminal the paste ends with a line holding only "." (or the
// end of the input), as in setup.
func (e *env) readMessage(source string) ([]byte, error) {
	if source != "-" {
		f, err := os.Open(source)
		if err != nil {
			return nil, named("FILE", err)
		}
		defer f.Close()
		return readLimited(f, "FILE "+source)
	}
	if !isTerminal(e.In) {
		return readLimited(e.In, "-")
	}
	fmt.Fprintln(e.Err, e.tr.X("cmd.verdict.paste", "Paste the message as you received it (its source, or at least its header), then a line with only a dot (.):"))
	text, _, err := e.readPaste(e.ctx)
	return text, err
}

// readLimited reads all of r, refusing more than a message may be.
func readLimited(r io.Reader, name string) ([]byte, error) {
	text, err := io.ReadAll(io.LimitReader(r, mailverdict.MaxMessage+1))
	if err != nil {
		return nil, named(name, err)
	}
	return text, nil
}

// readPaste reads pasted lines until one holds only "." or the input
// ends (ended says which); a line too long for the line reader is
// reported, not kept.
func (e *env) readPaste(ctx context.Context) (text []byte, ended bool, err error) {
	var b strings.Builder
	dropped := 0
	for {
		line, err := e.lines.ReadLine(ctx)
		switch {
		case errors.Is(err, errLineTooLong):
			dropped++
			continue
		case errors.Is(err, io.EOF):
			ended = true
		case err != nil:
			return nil, false, err
		case strings.TrimRight(line, " \t\r") != ".":
			if b.Len()+len(line) > mailverdict.MaxMessage {
				return nil, false, named("-", wizard.VerdictInputError(mailverdict.ErrTooLarge))
			}
			b.WriteString(line + "\n")
			continue
		}
		break
	}
	if dropped > 0 {
		fmt.Fprintln(e.Err, e.tr.X("cmd.verdict.long_lines", "%d lines longer than %d bytes were left out; a DKIM signature over them cannot verify here.", dropped, maxInputLine))
	}
	return []byte(b.String()), ended, nil
}

// argRange checks that there are min to max positional arguments.
func argRange(args []string, min, max int, names string) error {
	if len(args) < min {
		return argCount(args, min, names)
	}
	if len(args) > max {
		return texts.Err(nil, texts.T("cmd.args.unexpected", "unexpected argument %q", args[max]))
	}
	return nil
}
