package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"mailwizard/texts"
	"mailwizard/wizard/i18n"
)

// prompter asks setup's questions on the terminal, or reads the answers
// one line per question from standard input when a script drives it.
// Each question shows its default; an empty answer takes it, and --yes
// takes it without asking. A question that cannot be answered (the input
// ended, or --yes with no default) is an answerError naming its field.
type prompter struct {
	e   *env
	tr  *i18n.Translator
	yes bool
}

// answerError is a question setup could not get an answer to.
type answerError struct {
	field, question string
	why             string
}

func (a *answerError) Error() string { return a.Text().String() }

// Text words the error for the run's language; the question and the
// reason are already in it.
func (a *answerError) Text() texts.Text {
	return texts.T("cmd.no_answer", "%s: no answer to %q (%s)", a.field, a.question, a.why)
}

func (p *prompter) read(field, question, shown string) (string, error) {
	fmt.Fprintf(p.e.Err, "%s%s: ", question, shown)
	line, err := p.e.lines.ReadLine(p.e.ctx)
	switch {
	case errors.Is(err, io.EOF):
		fmt.Fprintln(p.e.Err)
		return "", &answerError{field, question, p.tr.X("setup.input_ended", "standard input ended; answer it, or run with --yes for the defaults")}
	case err != nil:
		fmt.Fprintln(p.e.Err)
		return "", err
	}
	if !isTerminal(p.e.In) {
		// A script's answers are not echoed by a terminal: show them, so
		// that the conversation reads as it went.
		fmt.Fprintln(p.e.Err, line)
	}
	return strings.TrimSpace(line), nil
}

// ask asks a free-text question. def is shown and taken on an empty
// answer; with --yes it is taken at once, and without one it is an error.
func (p *prompter) ask(field, question, def string) (string, error) {
	if p.yes {
		if def == "" {
			return "", &answerError{field, question, p.tr.X("setup.no_default", "--yes takes defaults, and this question has none: answer it in the preset")}
		}
		fmt.Fprintf(p.e.Err, "%s: %s\n", question, def)
		return def, nil
	}
	shown := ""
	if def != "" {
		shown = " [" + def + "]"
	}
	answer, err := p.read(field, question, shown)
	if err != nil || answer != "" {
		return answer, err
	}
	if def == "" {
		return p.ask(field, question, def)
	}
	return def, nil
}

// confirm asks a yes/no question.
func (p *prompter) confirm(field, question string, def bool) (bool, error) {
	yes, no := p.tr.X("setup.yes", "y"), p.tr.X("setup.no", "n")
	shown := " [" + yes + "/" + strings.ToUpper(no) + "]"
	if def {
		shown = " [" + strings.ToUpper(yes) + "/" + no + "]"
	}
	if p.yes {
		fmt.Fprintf(p.e.Err, "%s%s: %s\n", question, shown, map[bool]string{true: yes, false: no}[def])
		return def, nil
	}
	for {
		answer, err := p.read(field, question, shown)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(answer) {
		case "":
			return def, nil
		case yes, "y", "yes", "j", "ja":
			return true, nil
		case no, "n", "no", "nee":
			return false, nil
		}
		fmt.Fprintln(p.e.Err, p.tr.X("setup.yes_or_no", "Answer %s or %s.", yes, no))
	}
}

// choose asks for one of options by number (1-based). def is the index
// taken on an empty answer.
func (p *prompter) choose(field, question string, options []string, def int) (int, error) {
	fmt.Fprintln(p.e.Err, question)
	for i, o := range options {
		mark := " "
		if i == def {
			mark = "*"
		}
		fmt.Fprintf(p.e.Err, "  %s%d) %s\n", mark, i+1, o)
	}
	if p.yes {
		fmt.Fprintf(p.e.Err, "%s: %d\n", p.tr.X("setup.choice", "Choice"), def+1)
		return def, nil
	}
	for {
		answer, err := p.read(field, p.tr.X("setup.choice", "Choice"), " ["+strconv.Itoa(def+1)+"]")
		if err != nil {
			return 0, err
		}
		if answer == "" {
			return def, nil
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
			return n - 1, nil
		}
		fmt.Fprintln(p.e.Err, p.tr.X("setup.pick_number", "Give a number from 1 to %d.", len(options)))
	}
}

// secret reads a password: without echo on a terminal, else one line.
func (p *prompter) secret(field, question string) (string, error) {
	pw, err := p.e.readPassword(question + ": ")
	if err != nil {
		return "", &answerError{field, question, err.Error()}
	}
	return string(pw), nil
}
