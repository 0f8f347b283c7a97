// Package e2e holds the browser journeys of the control center: each test starts the real
// handler stack over a fresh database and drives it in headless Chromium through chromedp,
// as a marketer would. The package has no code of its own besides these tests.
package e2e
