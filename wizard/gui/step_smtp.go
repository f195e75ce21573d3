package gui

// newSMTPStep renders this step of the flow.
// It shows the summary page until the step has its own (issue 10).
func newSMTPStep(u *ui) stepView { return newSummaryStep(u) }
