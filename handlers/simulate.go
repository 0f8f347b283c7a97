package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"nami/engine"
	"nami/store"
	"nami/views"
)

// simulatedAttributes are the device attributes the simulator reads from the query, besides custom.*.
var simulatedAttributes = []string{engine.AttrAppVersion, engine.AttrOSVersion, engine.AttrLocale, engine.AttrLanguage,
	engine.AttrCountry, engine.AttrFormFactor, engine.AttrDaysSinceInstall}

// simulationJSON is the simulator's answer to Accept: application/json.
type simulationJSON struct {
	Campaign *campaignRef       `json:"campaign"`
	Variant  *string            `json:"variant"`
	Holdout  bool               `json:"holdout"`
	Paywall  *paywallJSON       `json:"paywall"`
	Trace    []engine.TraceStep `json:"trace"`
}

type campaignRef struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
}

type paywallJSON struct {
	Ref      string `json:"ref"`
	Name     string `json:"name"`
	Template string `json:"template"`
	Locale   string `json:"locale"`
	Title    string `json:"title"`
}

// Simulate runs the decision engine on the app's drafts for a device described in the query.
func (h *Handler) Simulate(c echo.Context) error {
	q := c.QueryParams()
	v, platform, campaigns, err := h.simulatorPage(c, q)
	if err != nil {
		return err
	}
	wantsJSON := strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	v.Ran = q.Has("device_id") || wantsJSON
	if v.Ran {
		switch {
		case platform == nil:
			v.Errors = append(v.Errors, platformMissing(q.Get("platform")))
		case strings.TrimSpace(q.Get("device_id")) == "":
			v.Errors = append(v.Errors, "Enter a device id: the A/B split depends on it.")
		}
	}
	if len(v.Errors) > 0 && wantsJSON {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": v.Errors[0]})
	}
	if !v.Ran || len(v.Errors) > 0 {
		return h.renderSimulate(c, v)
	}
	dev := simulatedDevice(q, q.Get("device_id"), *platform)
	now := h.now()
	v.Decision = engine.Decide(campaignRules(campaigns), q.Get("label"), dev, now)
	v.Now = now.In(marketerZone(c)).Format("2 Jan 2006 15:04:05 MST")
	out := simulationJSON{Holdout: v.Decision.Holdout, Trace: v.Decision.Trace}
	if out.Trace == nil {
		out.Trace = []engine.TraceStep{}
	}
	if cp := v.Decision.Campaign; cp != nil {
		out.Campaign = &campaignRef{Ref: cp.Ref, Name: cp.Name}
	}
	if vr := v.Decision.Variant; vr != nil {
		out.Variant = &vr.Ref
		ctx, appID := c.Request().Context(), currentApp(c).ID
		pw, err := h.store.Paywall(ctx, appID, vr.Paywall)
		if err != nil {
			return err
		}
		products, err := h.store.Products(ctx, appID)
		if err != nil {
			return err
		}
		device := dev.Attributes[engine.AttrFormFactor]
		v.Screen, v.HasScreen, v.Paywall = buildScreen(pw, productIndex(products), platform.Ref, dev.Attributes[engine.AttrLocale], device), true, pw.Name
		out.Paywall = &paywallJSON{Ref: pw.Ref, Name: pw.Name, Template: pw.Template, Locale: v.Screen.Locale, Title: v.Screen.Title}
	}
	if wantsJSON {
		return c.JSON(http.StatusOK, out)
	}
	v.TraceShown, v.TraceMore = boundedTrace(v.Decision.Trace)
	return h.renderSimulate(c, v)
}

// maxTraceSteps bounds the candidates the simulator page explains.
const maxTraceSteps = 20

// boundedTrace is the first maxTraceSteps steps of a trace, plus the chosen step when it comes
// later, and how many steps that leaves out.
func boundedTrace(trace []engine.TraceStep) ([]engine.TraceStep, int) {
	if len(trace) <= maxTraceSteps {
		return trace, 0
	}
	shown := slices.Clone(trace[:maxTraceSteps])
	for _, st := range trace[maxTraceSteps:] {
		if st.Outcome == engine.OutcomeChosen {
			shown = append(shown, st)
			break
		}
	}
	return shown, len(trace) - len(shown)
}

// simulatorForm is the simulator page for the query, and the platform it asks about: the one
// named, or the app's first when none is named; nil when there is no such platform.
// simulatorPage loads what the simulator and its split need: the app's platforms and draft
// campaigns, and the form read from q (simulatorForm).
func (h *Handler) simulatorPage(c echo.Context, q url.Values) (views.SimulateView, *store.AppPlatform, []store.Campaign, error) {
	ctx := c.Request().Context()
	a := currentApp(c)
	platforms, err := h.store.Platforms(ctx, a.ID)
	if err != nil {
		return views.SimulateView{}, nil, nil, err
	}
	campaigns, err := h.store.Campaigns(ctx, a.ID)
	if err != nil {
		return views.SimulateView{}, nil, nil, err
	}
	v, platform := simulatorForm(a.Slug, platforms, campaigns, q)
	return v, platform, campaigns, nil
}

func simulatorForm(slug string, platforms []store.AppPlatform, campaigns []store.Campaign, q url.Values) (views.SimulateView, *store.AppPlatform) {
	v := views.SimulateView{Slug: slug, Labels: labelsInUse(campaigns), Query: views.Form{Values: map[string][]string(q), Errors: map[string]string{}}}
	var platform *store.AppPlatform
	for i, p := range platforms {
		v.Platforms = append(v.Platforms, views.Option{Value: p.Ref, Label: p.Name + " (" + p.Store + ")"})
		if p.Ref == q.Get("platform") || (q.Get("platform") == "" && i == 0) {
			platform = &platforms[i]
		}
	}
	return v, platform
}

// platformMissing says why the simulator has no platform to ask about.
func platformMissing(asked string) string {
	if asked != "" {
		return "Unknown platform " + asked + "."
	}
	return "This app has no platform yet; add one first."
}

// simulatedDevice is the device the simulator's query describes, with the given id. Values go to
// the engine exactly as typed, as an SDK would send them; an empty field is "not sent".
func simulatedDevice(q url.Values, id string, platform store.AppPlatform) engine.Device {
	dev := engine.Device{ID: id, Attributes: map[string]string{engine.AttrPlatform: platform.Store}}
	for _, name := range simulatedAttributes {
		if val := q.Get(name); val != "" {
			dev.Attributes[name] = val
		}
	}
	for name, vals := range q {
		if strings.HasPrefix(name, engine.CustomPrefix) && len(vals) > 0 && vals[0] != "" {
			dev.Attributes[name] = vals[0]
		}
	}
	for _, line := range strings.Split(q.Get("custom"), "\n") {
		if k, val, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) != "" {
			dev.Attributes[engine.CustomPrefix+strings.TrimPrefix(strings.TrimSpace(k), engine.CustomPrefix)] = strings.TrimSpace(val)
		}
	}
	return dev
}

// campaignRules are the drafts as the engine reads them.
func campaignRules(campaigns []store.Campaign) []engine.Campaign {
	rules := make([]engine.Campaign, len(campaigns))
	for i, cp := range campaigns {
		rules[i] = cp.Rules()
	}
	return rules
}

func (h *Handler) renderSimulate(c echo.Context, v views.SimulateView) error {
	return h.renderSimulateStatus(c, http.StatusOK, v)
}

func (h *Handler) renderSimulateStatus(c echo.Context, status int, v views.SimulateView) error {
	p, err := h.appPage(c, "Simulator", "simulate")
	if err != nil {
		return err
	}
	if v.Query.Get("platform") == "" && len(v.Platforms) > 0 {
		v.Query.Values["platform"] = []string{v.Platforms[0].Value}
	}
	return h.render(c, status, views.SimulatePage(p, v))
}
