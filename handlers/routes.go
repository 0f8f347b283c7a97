package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"nami/static"
	"nami/store"
	"nami/urls"
)

// Routes is the one route table of the control center.
func (h *Handler) Routes(e *echo.Echo) {
	e.HTTPErrorHandler = h.ErrorHandler
	if e.IPExtractor == nil {
		// The client address is the connection's unless the operator says a proxy sets
		// X-Forwarded-For (nami serve --behind-proxy); otherwise the login limit could be dodged.
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Use(middleware.Recover())
	e.Use(h.requestLog)
	e.Use(securityHeaders)

	e.GET("/healthz", h.Health)
	e.Match([]string{http.MethodGet, http.MethodHead}, "/static/*", echo.WrapHandler(http.StripPrefix("/static/", static.Handler())))

	e.GET("/images/:hash", h.ServeImage)

	web := e.Group("", middleware.BodyLimit("6M"), h.withSession)
	web.GET("/", func(c echo.Context) error { return h.redirect(c, urls.Apps()) })
	web.GET("/setup", h.SetupForm)
	web.POST("/setup", h.Setup)
	web.GET("/login", h.LoginForm)
	web.POST("/login", h.Login)
	web.POST("/logout", h.Logout)
	web.GET("/share/:token", h.SharedPreview)
	web.GET("/invite/:token", h.LinkForm(store.TokenInvite))
	web.POST("/invite/:token", h.UseLink(store.TokenInvite))
	web.GET("/reset/:token", h.LinkForm(store.TokenReset))
	web.POST("/reset/:token", h.UseLink(store.TokenReset))

	edit := requireRole(store.RoleEditor)
	admin := requireRole(store.RoleAdmin)
	in := web.Group("", h.requireUser)
	in.GET("/apps", h.Apps)
	in.POST("/apps", h.CreateApp, edit)
	in.GET("/team", h.Team)
	in.POST("/team", h.AddUser, admin)
	in.POST("/team/:id/role", h.SetRole, admin)
	in.POST("/team/:id/remove", h.RemoveUser, admin)
	in.POST("/team/:id/reset", h.ResetLink, admin)
	in.POST("/team/:id/owner", h.TransferOwnership, requireRole(store.RoleOwner))
	in.GET("/account", h.Account)
	in.POST("/account", h.SaveAccount)
	in.GET("/audit", h.AuditLog)
	in.GET("/search", h.Search)

	app := in.Group("", h.withApp)
	app.GET(urls.PatternApp, h.App)
	app.POST(urls.PatternApp, h.RenameApp, edit)
	app.POST(urls.PatternApp+"/delete", h.DeleteApp, admin)

	app.GET(urls.PatternPlatforms, h.Platforms)
	app.POST(urls.PatternPlatforms, h.CreatePlatform, edit)
	app.GET(urls.PatternPlatform, h.EditPlatform)
	app.POST(urls.PatternPlatform, h.UpdatePlatform, edit)
	app.POST(urls.PatternPlatform+"/rotate-key", h.RotateKey, edit)
	app.POST(urls.PatternPlatform+"/delete", h.DeletePlatform, edit)

	app.GET(urls.PatternEntitlements, h.Entitlements)
	app.POST(urls.PatternEntitlements, h.CreateEntitlement, edit)
	app.GET(urls.PatternEntitlement, h.EditEntitlement)
	app.POST(urls.PatternEntitlement, h.UpdateEntitlement, edit)
	app.POST(urls.PatternEntitlement+"/delete", h.DeleteEntitlement, edit)

	app.GET(urls.PatternPaywalls, h.Paywalls)
	app.POST(urls.PatternPaywalls, h.CreatePaywall, edit)
	app.GET(urls.PatternPaywall, h.PaywallEditor)
	app.POST(urls.PatternPaywall, h.SavePaywall, edit)
	app.POST(urls.PatternPaywall+"/editor", h.PaywallEditorOp)
	app.POST(urls.PatternPaywall+"/preview", h.PaywallPreviewPane)
	app.GET(urls.PatternPaywall+"/preview", h.PaywallPreviewPage)
	app.POST(urls.PatternPaywall+"/image", h.UploadImage, edit)
	app.POST(urls.PatternPaywall+"/image/delete", h.RemoveImage, edit)
	app.POST(urls.PatternPaywall+"/duplicate", h.DuplicatePaywall, edit)
	app.POST(urls.PatternPaywall+"/share", h.SharePaywall, edit)
	app.POST(urls.PatternPaywall+"/delete", h.DeletePaywall, edit)
	app.GET(urls.PatternPaywallHistory, h.PaywallHistory)
	app.POST(urls.PatternPaywallRestore, h.RestorePaywallVersion, edit)

	app.GET(urls.PatternReleases, h.Releases)
	app.POST(urls.PatternReleases, h.Publish, edit)
	app.POST(urls.PatternRelease+"/republish", h.Republish, edit)
	app.GET(urls.PatternRelease+"/snapshots/:platform", h.DownloadSnapshot)

	app.GET(urls.PatternCampaigns, h.Campaigns)
	app.POST(urls.PatternCampaigns, h.CreateCampaign, edit)
	app.GET(urls.PatternCampaign, h.CampaignBuilder)
	app.POST(urls.PatternCampaign, h.SaveCampaign, edit)
	app.POST(urls.PatternCampaign+"/builder", h.CampaignBuilderOp)
	app.POST(urls.PatternCampaign+"/delete", h.DeleteCampaign, edit)
	app.POST(urls.PatternCampaign+"/duplicate", h.DuplicateCampaign, edit)
	app.GET(urls.PatternCampaignHistory, h.CampaignHistory)
	app.POST(urls.PatternCampaignRestore, h.RestoreCampaignVersion, edit)
	app.GET(urls.PatternCampaign+"/results", h.CampaignResults)
	app.POST(urls.PatternCampaign+"/winner", h.DeclareWinner, edit)
	app.GET(urls.PatternAnalytics, h.Analytics)
	app.GET(urls.PatternSimulate, h.Simulate)
	app.GET(urls.PatternSimulate+"/split", h.SimulateSplit)

	app.GET(urls.PatternProducts, h.Products)
	app.POST(urls.PatternProducts, h.CreateProduct, edit)
	app.GET(urls.PatternProduct, h.EditProduct)
	app.POST(urls.PatternProduct, h.UpdateProduct, edit)
	app.POST(urls.PatternProduct+"/delete", h.DeleteProduct, edit)
	app.POST(urls.PatternApp+"/bulk/products/delete", h.BulkDeleteProducts, edit)
	app.POST(urls.PatternApp+"/bulk/paywalls/delete", h.BulkDeletePaywalls, edit)
	app.POST(urls.PatternApp+"/bulk/entitlements/delete", h.BulkDeleteEntitlements, edit)
	app.POST(urls.PatternApp+"/bulk/campaigns/status", h.BulkCampaignStatus, edit)
	app.GET(urls.PatternPaywall+"/product-choices", h.PaywallProductChoices)
	app.GET(urls.PatternCampaign+"/paywall-choices", h.CampaignPaywallChoices)
}

// healthAnswer is the body of /healthz.
type healthAnswer struct {
	Status  string           `json:"status"`                   // ok or unavailable
	Reason  string           `json:"reason,omitempty"`         // why not ok
	Refused map[string]int64 `json:"events_refused,omitempty"` // event batches refused since start, by reason
}

// Health answers 200 when the database answers reads and takes writes, and 503 with the reason
// when it does not (a full disk, a read-only file); it recovers by itself when writes work again.
func (h *Handler) Health(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := h.store.CountUsers(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, healthAnswer{Status: "unavailable", Reason: "the database cannot be read: " + err.Error()})
	}
	var refused map[string]int64
	if h.refused != nil {
		refused = h.refused()
	}
	if h.writable != nil {
		if err := h.writable(ctx); err != nil {
			c.Response().Header().Set("Retry-After", "5")
			return c.JSON(http.StatusServiceUnavailable, healthAnswer{"unavailable", err.Error(), refused})
		}
	}
	return c.JSON(http.StatusOK, healthAnswer{Status: "ok", Refused: refused})
}

// OnHealth sets what /healthz asks the SDK API: whether the database takes writes (its event
// writer knows best, since it writes the most) and how many event batches it refused.
func (h *Handler) OnHealth(writable func(context.Context) error, refused func() map[string]int64) {
	h.writable, h.refused = writable, refused
}

// requestLog writes one structured line per request.
func (h *Handler) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		h.log.Info("request", "method", r.Method, "path", loggedPath(r.URL.Path), "status", c.Response().Status,
			"bytes", c.Response().Size, "duration_ms", float64(time.Since(start).Microseconds())/1000, "ip", c.RealIP())
		return nil
	}
}

// securityHeaders sets the headers every control-center page carries. Scripts come only from
// /static; styles may be inline because paywall themes set colours per element.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		if !isSDK(c) {
			hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
			hd.Set("X-Frame-Options", "DENY")
		}
		return next(c)
	}
}

// loggedPath is a request path fit for the log: the secrets of one-time invite and reset links
// and of shared previews are left out, since the database keeps only their hashes.
func loggedPath(p string) string {
	for _, prefix := range []string{"/invite/", "/reset/", "/share/"} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "…"
		}
	}
	return p
}
