package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/views"
)

// maxSplitDevices is the most devices the simulator's split decides for at once.
const maxSplitDevices = 100000

// splitJSON is the split's answer to Accept: application/json.
type splitJSON struct {
	Devices  int                `json:"devices"`
	Arms     map[string]int     `json:"arms"`
	Expected map[string]float64 `json:"expected"`
}

// splitArm is one arm of a split: a variant of the winning campaign, its holdout, the devices its
// weights leave out, or no campaign at all.
type splitArm struct {
	Key      string // "onboarding-ab/a", "onboarding-ab/holdout", "onboarding-ab/none", "none"
	Arm      string // in words, for the page
	Devices  int
	Expected float64
}

// splitResult is what the drafts give the devices device-1 … device-N.
type splitResult struct {
	Campaign *engine.Campaign // nil when no campaign matches
	Arms     []splitArm       // variants in order, then the holdout, then the uncovered weights
}

// simulateSplit decides for the devices device-1 … device-n, all with the attributes attrs, on
// label at now, and counts the arms. Which campaign wins depends on the campaigns' status,
// schedule and audience and the device's attributes, never on its id, so engine.Decide chooses it
// once; each device's holdout and variant then come from engine.Place, which is Decide's own
// assignment without the trace (TestSplitAgreesWithDecide checks them against Decide).
func simulateSplit(rules []engine.Campaign, label string, attrs map[string]string, n int, now time.Time) splitResult {
	d := engine.Decide(rules, label, engine.Device{ID: "device-1", Attributes: attrs}, now)
	c := d.Campaign
	if c == nil {
		return splitResult{Arms: []splitArm{{Key: "none", Arm: "No campaign: no paywall", Devices: n, Expected: 1}}}
	}
	// The buckets each arm covers out of 10000, as the engine's holdout and variant walk do.
	threshold := int64(min(max(c.HoldoutPercent, 0), 100) * 100)
	inSplit := engine.BucketCount - threshold
	res := splitResult{Campaign: c}
	var sum int64
	for _, v := range c.Variants {
		from := min(sum, engine.BucketCount)
		sum += int64(v.Weight) * 100
		covered := max(min(sum, engine.BucketCount)-from, 0)
		res.Arms = append(res.Arms, splitArm{Key: c.Ref + "/" + v.Ref, Arm: "Variant " + v.Ref + ": paywall " + v.Paywall,
			Expected: float64(inSplit*covered) / (engine.BucketCount * engine.BucketCount)})
	}
	holdout, uncovered := -1, -1
	if threshold > 0 {
		holdout = len(res.Arms)
		res.Arms = append(res.Arms, splitArm{Key: c.Ref + "/holdout", Arm: fmt.Sprintf("In the %d%% holdout: no paywall", threshold/100),
			Expected: float64(threshold) / engine.BucketCount})
	}
	if covered := min(max(sum, 0), engine.BucketCount); covered < engine.BucketCount && inSplit > 0 {
		uncovered = len(res.Arms)
		res.Arms = append(res.Arms, splitArm{Key: c.Ref + "/none", Arm: "Outside the variants' weights: no paywall",
			Expected: float64(inSplit*(engine.BucketCount-covered)) / (engine.BucketCount * engine.BucketCount)})
	}
	buf := make([]byte, 0, 16)
	for i := 1; i <= n; i++ {
		buf = strconv.AppendInt(append(buf[:0], "device-"...), int64(i), 10)
		variant, held := engine.Place(c, string(buf))
		switch {
		case held:
			res.Arms[holdout].Devices++
		case variant < 0:
			res.Arms[uncovered].Devices++
		default:
			res.Arms[variant].Devices++
		}
	}
	return res
}

// splitDevices reads the devices field: a whole number from 1 to 100,000.
func splitDevices(raw string) (int, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, fmt.Sprintf("Enter how many devices to simulate, from 1 to %d.", maxSplitDevices)
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fmt.Sprintf("devices must be a whole number from 1 to %d; %q is not a whole number.", maxSplitDevices, raw)
	}
	if n < 1 || n > maxSplitDevices {
		return 0, fmt.Sprintf("devices must be a whole number from 1 to %d; got %d.", maxSplitDevices, n)
	}
	return n, ""
}

// SimulateSplit decides, against the drafts like Simulate, for the devices device-1 … device-N
// (N from the devices field) with the simulator's platform, label and attributes, and answers how
// many devices each arm gets and the share the holdout and weights lead to expect: JSON for
// Accept: application/json, else the simulator page with its split panel filled.
func (h *Handler) SimulateSplit(c echo.Context) error {
	q := c.QueryParams()
	v, platform, campaigns, err := h.simulatorPage(c, q)
	if err != nil {
		return err
	}
	v.Split = &views.SplitView{}
	n, msg := splitDevices(q.Get("devices"))
	if msg != "" {
		v.Query.Errors["devices"] = msg
	}
	if platform == nil {
		v.Split.Errors = append(v.Split.Errors, platformMissing(q.Get("platform")))
	}
	wantsJSON := strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	if msg != "" || platform == nil {
		if wantsJSON {
			if msg == "" {
				msg = v.Split.Errors[0]
			}
			return c.JSON(http.StatusBadRequest, map[string]string{"error": msg})
		}
		return h.renderSimulateStatus(c, http.StatusBadRequest, v)
	}
	res := simulateSplit(campaignRules(campaigns), q.Get("label"), simulatedDevice(q, "", *platform).Attributes, n, h.now())
	if wantsJSON {
		out := splitJSON{Devices: n, Arms: make(map[string]int, len(res.Arms)), Expected: make(map[string]float64, len(res.Arms))}
		for _, arm := range res.Arms {
			out.Arms[arm.Key], out.Expected[arm.Key] = arm.Devices, arm.Expected
		}
		return c.JSON(http.StatusOK, out)
	}
	v.Split.Devices = n
	if res.Campaign != nil {
		v.Split.Campaign = res.Campaign.Name
	}
	for _, arm := range res.Arms {
		v.Split.Rows = append(v.Split.Rows, views.SplitRow{Key: arm.Key, Arm: arm.Arm, Devices: arm.Devices,
			Share: float64(arm.Devices) / float64(n), Expected: arm.Expected})
	}
	return h.renderSimulate(c, v)
}
