package gui

// newTransportsStep renders this step of the flow.
// It shows the summary page until the step has its own (issue 10).
func newTransportsStep(u *ui) stepView { return newSummaryStep(u) }
