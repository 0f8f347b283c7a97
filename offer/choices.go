package offer

// Choice is one option of a form dropdown: the stored value and the label a marketer reads.
type Choice struct {
	Value string
	Label string
}

// PeriodChoices lists the subscription billing periods, shortest first, labelled as the
// product form offers them. Treat it as read-only.
var PeriodChoices = []Choice{
	{Value: "P1W", Label: "Every week"},
	{Value: "P1M", Label: "Every month"},
	{Value: "P2M", Label: "Every 2 months"},
	{Value: "P3M", Label: "Every 3 months"},
	{Value: "P6M", Label: "Every 6 months"},
	{Value: "P1Y", Label: "Every year"},
}

// KindChoices lists the kinds of product SKU, the most common first. Treat it as read-only.
var KindChoices = []Choice{
	{Value: KindSubscription, Label: "Subscription"},
	{Value: KindNonConsumable, Label: "Non-consumable (one-time unlock)"},
	{Value: KindConsumable, Label: "Consumable (used up, bought again)"},
}

// TrialChoices lists common free-trial lengths, "no trial" first; CheckTrial accepts others too.
// Treat it as read-only.
var TrialChoices = []Choice{
	{Value: "", Label: "No free trial"},
	{Value: "P3D", Label: "3 days"},
	{Value: "P1W", Label: "1 week"},
	{Value: "P2W", Label: "2 weeks"},
	{Value: "P1M", Label: "1 month"},
	{Value: "P3M", Label: "3 months"},
}

// ChoiceLabel returns the label of value in choices, or value itself when it is not listed.
func ChoiceLabel(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

func isChoice(choices []Choice, value string) bool {
	for _, c := range choices {
		if c.Value == value {
			return true
		}
	}
	return false
}
