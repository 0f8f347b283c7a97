package views

// ProductChoices are the options of one product form's selects: the billing periods and the
// free trials, each with the form's own value added when the usual list lacks it.
type ProductChoices struct {
	Periods []Option
	Trials  []Option
}
