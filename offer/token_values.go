package offer

import (
	"math/big"
	"strings"

	"golang.org/x/text/currency"
)

// TokenProduct is what tokens read of one product a paywall offers.
type TokenProduct struct {
	SKU      string
	Name     string
	Price    string // decimal, "39.99"
	Currency string // ISO 4217
	Kind     string
	Period   string // ISO 8601 duration, "P1Y"; "" when none
	Trial    string // ISO 8601 duration; "" when none
}

// TokenContext gives tokens their values for one locale: the paywall's products on one
// platform, in the paywall's order, and which of them `product` names.
type TokenContext struct {
	Locale   string
	Products []TokenProduct
	Selected int // index into Products
}

// TokenValue is the value of a token in the context; "" when it has none (a position past the
// last product, a trial the product does not have, savings on the dearest plan).
func (c TokenContext) TokenValue(r TokenRef) string {
	i := c.Selected
	if r.Position > 0 {
		i = r.Position - 1
	}
	if i < 0 || i >= len(c.Products) {
		return ""
	}
	return c.ProductValue(i, r.Field)
}

// ProductValue is the value of a field for Products[i]:
//   - name: the product's name;
//   - price: its price in the locale ("$39.99", "34,99 €", "￥1,200");
//   - period: its billing period in words ("year", "3 months"); "" for one-time purchases;
//   - price_per_month, price_per_week: the price spread over the period, where a year is 12
//     months or 52 weeks, a month 52/12 weeks and a week 7 days, rounded half up to the
//     currency's digits; "" for one-time purchases;
//   - trial: the trial's length in words ("1 week"); "" when none;
//   - savings: how much less it costs per month than the dearest per-month subscription among
//     Products in the same currency, in whole percent rounded down ("44%"); "" when it saves
//     nothing.
func (c TokenContext) ProductValue(i int, field string) string {
	p := c.Products[i]
	switch field {
	case "name":
		return p.Name
	case "price":
		return FormatPrice(p.Price, p.Currency, c.Locale)
	case "period":
		if p.Kind != KindSubscription || p.Period == "" {
			return ""
		}
		return PeriodWords(p.Period, c.Locale)
	case "price_per_month", "price_per_week":
		per := perMonth(p)
		if per == nil {
			return ""
		}
		if field == "price_per_week" {
			per.Mul(per, big.NewRat(3, 13)) // a month is 13/3 weeks
		}
		return FormatPrice(decimalString(per, p.Currency), p.Currency, c.Locale)
	case "trial":
		return TrialLength(p.Trial, c.Locale)
	case "savings":
		return c.savings(i)
	}
	return ""
}

// savings compares Products[i] per month with the dearest subscription in its currency.
func (c TokenContext) savings(i int) string {
	mine := perMonth(c.Products[i])
	if mine == nil {
		return ""
	}
	var dearest *big.Rat
	for _, p := range c.Products {
		if p.Currency != c.Products[i].Currency {
			continue
		}
		if pm := perMonth(p); pm != nil && (dearest == nil || pm.Cmp(dearest) > 0) {
			dearest = pm
		}
	}
	if dearest == nil || dearest.Sign() <= 0 || mine.Cmp(dearest) >= 0 {
		return ""
	}
	saved := new(big.Rat).Sub(dearest, mine)
	saved.Mul(saved, big.NewRat(100, 1)).Quo(saved, dearest)
	pct := new(big.Int).Quo(saved.Num(), saved.Denom()) // rounded down: never overstate a saving
	if pct.Sign() <= 0 {
		return ""
	}
	return FormatPercent(pct.String(), c.Locale)
}

// perMonth is a subscription's price per month, or nil for anything else or a value it cannot
// read.
func perMonth(p TokenProduct) *big.Rat {
	if p.Kind != KindSubscription {
		return nil
	}
	n, unit, ok := parseDuration(p.Period)
	if !ok || n < 1 {
		return nil
	}
	price, ok := new(big.Rat).SetString(p.Price)
	if !ok || price.Sign() < 0 || strings.ContainsAny(p.Price, "eE/") {
		return nil
	}
	// The period in weeks, then price per week × 13/3 weeks a month.
	var weeks *big.Rat
	switch unit {
	case 'D':
		weeks = big.NewRat(int64(n), 7)
	case 'W':
		weeks = big.NewRat(int64(n), 1)
	case 'M':
		weeks = big.NewRat(13*int64(n), 3)
	case 'Y':
		weeks = big.NewRat(52*int64(n), 1)
	}
	per := new(big.Rat).Quo(price, weeks)
	return per.Mul(per, big.NewRat(13, 3))
}

// decimalString writes r rounded half up to the currency's digits (2 when unknown), for
// FormatPrice.
func decimalString(r *big.Rat, code string) string {
	scale := 2
	if unit, err := currency.ParseISO(strings.ToUpper(code)); err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	shift := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(shift))
	scaled.Add(scaled, big.NewRat(1, 2))
	units := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	digits := units.String()
	if scale == 0 {
		return digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

// FormatPercent writes a whole percentage as the locale does (CLDR): "44%" in English, "44 %"
// with a no-break space in German, Spanish, Swedish, Finnish, Danish, Norwegian and Russian,
// with a narrow no-break space in French, and "%44" in Turkish.
func FormatPercent(whole, locale string) string {
	switch languageOf(locale) {
	case "de", "es", "sv", "fi", "da", "nb", "no", "ru", "cs", "sk":
		return whole + nbsp + "%"
	case "fr":
		return whole + narrowNBSP + "%"
	case "tr":
		return "%" + whole
	}
	return whole + "%"
}
